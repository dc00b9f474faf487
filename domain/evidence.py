"""Evidence files (receipts, photos, chat screenshots, contracts): what the desk takes,
decided from the bytes themselves, never from the name or the sender's content type.

An `EvidenceFile` checks itself once, at the edge: a type we do not take is refused
(415), so is a file over the per-file limit (413); the per-case limit is the
complaint's to decide, since only it knows what it already holds.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass

import filetype

from domain.errors import DomainError

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_CASE_BYTES = 40 * 1024 * 1024

# Images, PDF and the common office files, by the type their bytes show.
ACCEPTED_TYPES = {
    "image/jpeg": "jpg", "image/png": "png", "image/gif": "gif", "image/webp": "webp",
    "image/heic": "heic", "image/bmp": "bmp", "image/tiff": "tif",
    "application/pdf": "pdf",
    "application/msword": "doc", "application/vnd.ms-excel": "xls",
    "application/vnd.ms-powerpoint": "ppt",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
}


class FileTooLarge(DomainError):
    """Over the limit for one file, or for all the files of one case (413)."""

    def __init__(self, field: str, limit: int, *, per_case: bool = False) -> None:
        self.field = field
        self.limit = limit
        self.per_case = per_case
        what = "the files of one case together" if per_case else "one file"
        super().__init__(f"{field}: {what} may hold at most {limit // (1024 * 1024)} MiB")


class UnsupportedFileType(DomainError):
    """Not an image, PDF or office file, by its bytes (415)."""

    def __init__(self, field: str, found: str | None) -> None:
        self.field = field
        self.found = found
        super().__init__(f"{field}: only images, PDF and office files are taken; "
                         f"this file is {found or 'of an unknown type'}")


_UNSAFE = re.compile(r"[^\w.\-() \u3000-\u9fff]")


def clean_filename(raw: str | None, extension: str) -> str:
    """A name safe to offer back in a download: no path, no control or quote characters."""
    name = unicodedata.normalize("NFC", (raw or "").replace("\\", "/").rsplit("/", 1)[-1])
    name = _UNSAFE.sub("_", name).strip(" .")[:120]
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return f"{stem or 'evidence'}.{extension}"


@dataclass(frozen=True)
class EvidenceFile:
    filename: str
    media_type: str
    size: int
    sha256: str
    data: bytes

    @classmethod
    def of(cls, filename: str | None, data: bytes, field: str = "file") -> EvidenceFile:
        if len(data) > MAX_FILE_BYTES:
            raise FileTooLarge(field, MAX_FILE_BYTES)
        kind = filetype.guess(data) if data else None
        media_type = kind.mime if kind else None
        if media_type not in ACCEPTED_TYPES:
            raise UnsupportedFileType(field, media_type)
        return cls(filename=clean_filename(filename, ACCEPTED_TYPES[media_type]),
                   media_type=media_type, size=len(data),
                   sha256=hashlib.sha256(data).hexdigest(), data=data)
