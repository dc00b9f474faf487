"""HTTP for the outbox delivery: one pooled httpx client, keep-alive between messages."""

from __future__ import annotations

import httpx


class HttpPost:
    def __init__(self) -> None:
        # Redirects are not followed: a signed message goes only where it was configured to.
        self.client = httpx.Client(follow_redirects=False)

    def __call__(self, url: str, body: bytes, headers: dict[str, str], timeout: float) -> int:
        return self.client.post(url, content=body, headers=headers, timeout=timeout).status_code

    def close(self) -> None:
        self.client.close()
