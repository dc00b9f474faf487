"""Turning answers into HTML: the Jinja environment, the page context, and the pages a
refusal becomes (never a 500, never JSON).

Every page gets `t` (labels), `label` (codes), the signed-in `user`, the session's
`csrf` token for its forms, and a few formatters that show moments in the desk's
time zone.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date, datetime, tzinfo
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from api.pages.i18n import CATALOGS, HTML_LANG, LANG_COOKIE, Translator, language_of
from api.pages.sessions import (
    CSRF_FIELD, LoginRequired, PageForbidden, PageUser, current_user,
)
from application.credit import BusinessNotFound, CreditEntryNotFound
from application.errors import ComplaintNotFound
from domain.errors import DomainError, NotPermitted
from domain.identifiers import uscc_problem
from domain.vocabulary import Role

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

environment = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html", "svg"]),
    undefined=StrictUndefined,  # a misspelt name fails loudly (in the tests first), never blank
    trim_blocks=True,
    lstrip_blocks=True,
)

# The pages each role starts from, and what the navigation offers it.
HOME = {Role.OPERATOR: "/queue", Role.MEDIATOR: "/my-cases", Role.SUPERVISOR: "/dashboard",
        Role.ADMIN: "/home", Role.INSPECTOR: "/reports",
        Role.BUSINESS: "/my-business"}
NAV: dict[Role, tuple[tuple[str, str], ...]] = {
    Role.OPERATOR: (("/intake", "nav.intake"), ("/queue", "nav.queue"),
                    ("/cases", "nav.cases"), ("/reports", "nav.reports")),
    Role.MEDIATOR: (("/my-cases", "nav.my_cases"),),
    Role.SUPERVISOR: (("/dashboard", "nav.dashboard"), ("/queue", "nav.queue"),
                      ("/cases", "nav.cases"), ("/credit", "nav.credit"),
                      ("/audit/accounts", "account_audit.nav"), ("/reports", "nav.reports"),
                      ("/reports/figures", "nav.report_figures"), ("/analysis", "nav.analysis"),
                      ("/warnings", "nav.warnings"), ("/outbox", "nav.outbox"),
                      ("/disclosure", "disclosed.nav")),
    Role.INSPECTOR: (("/reports", "nav.reports"), ("/reports/new", "nav.report_intake")),
    Role.ADMIN: (("/accounts", "accounts.nav"), ("/audit/accounts", "account_audit.nav")),
    Role.BUSINESS: (("/my-business", "nav.my_business"),),
}


# Everything a page uses comes from this site: the stylesheet, nothing else. No script
# runs at all, and no other site may frame a page or receive a form.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self' data:; "
                               "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def local_path(raw: str | None, default: str = "/") -> str:
    """A path on this site to go back to; anything else (another host) becomes `default`."""
    if not raw or not raw.startswith("/") or raw.startswith("//") or "\\" in raw:
        return default
    return raw


class Formats:
    """Moments in the desk's zone, amounts in CNY, shares as percentages."""

    def __init__(self, tz: tzinfo) -> None:
        self.tz = tz

    def moment(self, value: datetime | None) -> str:
        if value is None:
            return "—"
        return value.astimezone(self.tz).strftime("%Y-%m-%d %H:%M")

    def day(self, value: date | str | None) -> str:
        if value is None or value == "":
            return "—"
        return value if isinstance(value, str) else value.isoformat()

    @staticmethod
    def money(value: Decimal | str | None) -> str:
        if value is None or value == "":
            return "—"
        return f"¥{Decimal(value):,.2f}"

    @staticmethod
    def share(value: Decimal | float | None) -> str:
        if value is None:
            return "—"
        return f"{Decimal(str(value)) * 100:.1f}%"

    @staticmethod
    def short(value: object) -> str:
        return str(value)[:8]

    @staticmethod
    def size(value: int) -> str:
        """Bytes as people read them: 2.4 MB, 820 KB."""
        if value >= 1024 * 1024:
            return f"{value / (1024 * 1024):.1f} MB"
        return f"{max(1, round(value / 1024))} KB"

    @staticmethod
    def count(value: int | None) -> str:
        return "—" if value is None else f"{value:,}"

    @staticmethod
    def decimal(value: Decimal | float | int | None, places: int = 1) -> str:
        """A figure for people: rounded, grouped, never 4.666666666666666666666666667."""
        if value is None:
            return "—"
        return f"{Decimal(str(value)):,.{places}f}"

    @staticmethod
    def credit_code(key: str | None) -> str:
        """The business's unified social credit code, when its key is one; else a dash."""
        return key if key and uscc_problem(key) is None else "—"


def translator(request: Request) -> Translator:
    return Translator(language_of(request.cookies.get(LANG_COOKIE)), CATALOGS)


class _StaffNames:
    """Looks the names up once per page, and only on a page that shows staff."""

    def __init__(self, accounts: Any) -> None:
        self.accounts = accounts
        self.names: dict[str, str] | None = None

    def __call__(self, username: str | None) -> str:
        if not username:
            return ""
        if self.names is None:
            self.names = self.accounts.display_names()
        return self.names.get(username, username)


def _office_names(request: Request) -> Any:
    offices = request.app.state.wiring.desk.offices
    return offices.name_of if offices is not None else (lambda code: code or "")


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    t = translator(request)
    user: PageUser | None = current_user(request)
    path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    page = {
        "t": t,
        "label": t.label,
        "lang": t.language,
        "html_lang": HTML_LANG[t.language],
        "user": user,
        "csrf": user.csrf if user else "",
        "csrf_field": CSRF_FIELD,
        "nav": NAV.get(user.role, ()) if user else (),
        "here": request.url.path,
        "back": path,
        "switch": {lang: "/lang/" + lang + "?" + urlencode({"next": path})
                   for lang in ("zh", "en")},
        "fmt": Formats(request.app.state.wiring.settings.tz),
        # Offices by their names (a code the directory does not know shows as itself).
        "office_name": _office_names(request),
        # Staff by the names they go by; a username without one shows as itself.
        "staff_name": _StaffNames(request.app.state.wiring.accounts),
        "done_text": _done(t, request.query_params.get("done")),
        "errors": {},
        "values": {},
        "banner": None,
        **context,
    }
    html = environment.get_template(template).render(page)
    response = HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS)
    if user is not None:
        # Pages may show personal data: never kept by a browser or proxy cache.
        response.headers["Cache-Control"] = "no-store"
    return response


def _done(t: Translator, done: str | None) -> str | None:
    """What the last action did, for the banner (only actions the catalog knows)."""
    key = f"done.{done}"
    return t(key) if done and t.catalogs.has(t.language, key) else None


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def error_page(request: Request, status: int, message_key: str, detail: str = "") -> HTMLResponse:
    return render(request, "error.html", status=status, status_code=status,
                  message_key=message_key, detail=detail)


_STATUS_OF: tuple[tuple[type[Exception], int, str], ...] = (
    (ComplaintNotFound, 404, "error.not_found"),
    (BusinessNotFound, 404, "error.not_found"),
    (CreditEntryNotFound, 404, "error.not_found"),
    (NotPermitted, 403, "error.forbidden"),
)

F = TypeVar("F", bound=Callable[..., Any])


def page(endpoint: F) -> F:
    """A page shows a refusal as a page of its own (404, 403, 400), never a 500."""

    @functools.wraps(endpoint)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return endpoint(*args, **kwargs)
        except DomainError as error:
            request = kwargs["request"]
            for kind, status, key in _STATUS_OF:
                if isinstance(error, kind):
                    return error_page(request, status, key)
            return error_page(request, 400, "error.refused", str(error))

    return wrapper  # type: ignore[return-value]


def install_handlers(app: Any) -> None:
    """The few refusals raised before a page runs (no session, wrong role, no CSRF token).
    Plain `def`: they read the account, so Starlette runs them in its thread pool."""
    from api.pages.sessions import CsrfRefused

    def login_required(request: Request, _: Exception) -> Response:
        if request.method == "GET":
            return see_other("/login?" + urlencode({"next": str(request.url.path) + (
                f"?{request.url.query}" if request.url.query else "")}))
        return see_other("/login")

    def forbidden(request: Request, _: Exception) -> Response:
        return error_page(request, 403, "error.forbidden")

    def csrf_refused(request: Request, _: Exception) -> Response:
        return error_page(request, 403, "error.csrf")

    app.add_exception_handler(LoginRequired, login_required)
    app.add_exception_handler(PageForbidden, forbidden)
    app.add_exception_handler(CsrfRefused, csrf_refused)
