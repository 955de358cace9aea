"""What every page shares: the template environment, the session, and the route class that turns every
failure into a Chinese page — never a traceback, never JSON.

The signed cookie holds the session id (the session itself is a row: services/web_sessions.py, so
log-out and revocation are final), the CSRF token and one-time messages."""

from __future__ import annotations

import hmac
import logging
import secrets
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Request, Response
from fastapi import Path as InPath
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from jinja2 import Environment, FileSystemLoader, select_autoescape

from .. import __version__
from ..core.errors import NotAuthenticated, TooManyAttempts, WorkflowError
from ..core.payloads import MAX_ID
from ..runtime import Runtime
from ..services import accounts, annual_reports, web_sessions
from .forms import MultiForm

log = logging.getLogger(__name__)

HERE = Path(__file__).parent
TEMPLATES_DIR = HERE / "templates"
STATIC_DIR = HERE / "static"
WEEKDAYS = "一二三四五六日"
SECURITY_HEADERS = {
    # No inline script anywhere; mermaid draws into the page with inline styles.
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "font-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


# -- failures that are pages ----------------------------------------------------------------------


class LoginRequired(Exception):
    def __init__(self, next_path: str) -> None:
        self.next_path = next_path


class CsrfRejected(Exception):
    pass


# -- templates --------------------------------------------------------------------------------


def make_environment(rt: Runtime) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(["html", "svg", "xml"], default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )

    def local_time(value: datetime | None) -> str:
        return "" if value is None else f"{rt.clock.local(value):%Y-%m-%d %H:%M}"

    def cn_date(value: date | None) -> str:
        return "" if value is None else f"{value:%Y-%m-%d}（周{WEEKDAYS[value.weekday()]}）"

    def percent(value: float | None) -> str:
        return "—" if value is None else f"{value:.0%}"

    env.filters.update(local_time=local_time, cn_date=cn_date, percent=percent)
    env.globals.update(
        role_titles={name: spec.title for name, spec in rt.roles.items()}, static=lambda path: f"/static/{path}?v={__version__}", version=__version__
    )
    return env


# -- the session --------------------------------------------------------------------------------


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not isinstance(token, str) or len(token) < 20:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def flash(request: Request, text: str, kind: str = "ok") -> None:
    request.session["flash"] = [*request.session.get("flash", []), [kind, text]]


def take_flashes(request: Request) -> list[tuple[str, str]]:
    return [(k, t) for k, t in request.session.pop("flash", [])]


def log_in(request: Request, session_id: str) -> None:
    """A fresh cookie (new CSRF token) for the new session: nothing from before the log-in carries over."""
    request.session.clear()
    request.session["sid"] = session_id
    csrf_token(request)


def session_id(request: Request) -> str | None:
    sid = request.session.get("sid")
    return sid if isinstance(sid, str) else None


def client_ip(request: Request) -> str | None:
    return request.client.host if request.client else None


def signed_in(request: Request) -> int | None:
    """The user of a live session, or None. Changes nothing (not even the session's last-seen time)."""
    known = getattr(request.state, "user_id", None)
    if isinstance(known, int):
        return known
    sid = session_id(request)
    if sid is None:
        return None
    try:
        return web_sessions.session_user(runtime(request), sid, touch=False)
    except NotAuthenticated:
        return None


def safe_next(raw: str | None) -> str:
    """Only a path on this site: never `//host` or `https://…` (no open redirect)."""
    if raw and raw.startswith("/") and not raw.startswith("//") and "\\" not in raw:
        return raw
    return "/inbox"


def runtime(request: Request) -> Runtime:
    return request.app.state.runtime  # type: ignore[no-any-return]


def page_user(request: Request) -> int:
    """The user of the session the cookie names, if it is live; else off to the log-in page, saying
    why when the session ended (timed out, logged out elsewhere, revoked)."""
    sid = session_id(request)
    if sid is not None:
        try:
            user_id = web_sessions.session_user(runtime(request), sid)
        except NotAuthenticated as exc:
            request.session.pop("sid", None)
            flash(request, exc.message, "warn")
        else:
            request.state.user_id = user_id
            return user_id
    path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    raise LoginRequired(path)


async def verified_form(request: Request) -> MultiForm:
    """Every POST form carries the session's CSRF token; a form without it is refused."""
    form = MultiForm.of(await request.form())
    check_csrf(request, form.get("csrf_token", ""))
    return form


def check_csrf(request: Request, sent: str) -> None:
    """The token a form sent is the session's, or the form is refused (CsrfRejected)."""
    expected = request.session.get("csrf")
    if not isinstance(expected, str) or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise CsrfRejected()


RuntimeDep = Annotated[Runtime, Depends(runtime)]
# A row number in an address: one the id column can hold; any other is "not found" (PageRoute), not a 500.
RowId = Annotated[int, InPath(ge=1, le=MAX_ID)]
PageUser = Annotated[int, Depends(page_user)]
VerifiedForm = Annotated[MultiForm, Depends(verified_form)]


@dataclass(frozen=True)
class NavItem:
    path: str
    title: str
    needs: str | None = None  # a SessionInfo flag that must be true to show it


NAV = (
    NavItem("/inbox", "待办"),
    NavItem("/cases", "案件"),
    NavItem("/cases/new", "发起案件", needs="can_start"),
    NavItem("/filing-office", "备案审查", needs="filing_queue"),
    NavItem("/evaluations", "案卷评查", needs="supervisor"),
    NavItem("/dashboard", "统计"),
    NavItem("/reports", "年报与考核", needs="reports"),
    NavItem("/admin", "人员管理", needs="people"),
    NavItem("/public/disclosures", "执法公示"),
)


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    user_id: int | None = None,
    public: bool = False,
) -> HTMLResponse:
    """A page in the base layout. With a user, the header shows them, their unread count and the nav.
    A `public` page (no log-in) shows neither, and leaves the session alone: no cookie for passers-by."""
    rt = runtime(request)
    info = accounts.session_info(rt, user_id) if user_id is not None else None
    flags = {
        "can_start": bool(info and info.startable),
        "filing_queue": bool(info and info.filing_queue),
        "people": bool(info and {"admin", "supervisor"} & set(info.me.roles)),  # web/pages/people.py
        "reports": bool(info and annual_reports.READERS & set(info.me.roles)),  # web/pages/reports.py
        "supervisor": bool(info and "supervisor" in info.me.roles),  # web/pages/evaluations.py
    }
    nav = [item for item in NAV if item.needs is None or flags.get(item.needs)] if info else []
    here = request.url.path
    current = max(
        (i.path for i in nav if here == i.path or here.startswith(i.path + "/")), key=len, default=None
    )
    env: Environment = request.app.state.web_env
    html = env.get_template(template).render(
        request=request,
        path=request.url.path,
        session_info=info,
        nav=nav,
        current_nav=current,
        csrf_token="" if public else csrf_token(request),
        flashes=[] if public else take_flashes(request),
        public=public,
        logged_in=user_id is not None or (public and signed_in(request) is not None),
        **(context or {}),
    )
    return HTMLResponse(html, status_code=status_code, headers=SECURITY_HEADERS)


def error_page(request: Request, status: int, message: str, user_id: int | None = None) -> HTMLResponse:
    titles = {
        400: "请求有误",
        401: "需要登录",
        403: "无权操作",
        404: "未找到",
        409: "操作冲突",
        422: "内容有误",
        429: "请稍后再试",
    }
    context = {"status": status, "title": titles.get(status, "出错了"), "message": message}
    try:
        return render(request, "error.html", context, status_code=status, user_id=user_id)
    except WorkflowError:  # the user went away meanwhile: the page without the header
        return render(request, "error.html", context, status_code=status)


def refusal_page(scope: dict[str, Any], status: int, message: str) -> HTMLResponse:
    """The page for a request refused before any route saw it (api/limits.TextLimits)."""
    return error_page(Request(scope), status, message, None)


def login_redirect(next_path: str) -> RedirectResponse:
    return RedirectResponse(f"/login?next={quote(next_path, safe='/')}", status_code=303)


class PageRoute(APIRoute):
    """Turns whatever a page raises into a page: log-in redirect, CSRF refusal, a business error with
    its status and Chinese message, bad parameters as 404/422, and anything else as a logged 500."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def page(request: Request) -> Response:
            try:
                return await handle(request)
            except LoginRequired as exc:
                return login_redirect(exc.next_path)
            except CsrfRejected:
                return error_page(
                    request,
                    403,
                    "表单校验失败（可能已过期或来自其他网站），操作未执行。请返回并刷新页面后重试。",
                    _uid(request),
                )
            except NotAuthenticated:
                request.session.clear()
                return login_redirect(request.url.path)
            except RequestValidationError as exc:
                where = {str(e["loc"][0]) for e in exc.errors() if e.get("loc")}
                names = sorted({str(e["loc"][-1]) for e in exc.errors() if len(e.get("loc", ())) > 1})
                status, text = (
                    (404, "页面不存在：地址中的编号有误")
                    if "path" in where
                    else (422, f"请求参数有误：{'、'.join(names)}" if names else "请求参数有误")
                )
                return error_page(request, status, text, _uid(request))
            except WorkflowError as exc:
                status = exc.status if 400 <= exc.status < 500 else 400
                answer = error_page(request, status, exc.message, _uid(request))
                if isinstance(exc, TooManyAttempts):
                    answer.headers["Retry-After"] = str(exc.retry_after)
                return answer
            except Exception:
                log.exception("page %s failed", request.url.path)
                return error_page(request, 500, "服务器内部错误，已记录，请稍后重试或联系管理员。")

        return page


def _uid(request: Request) -> int | None:
    return signed_in(request)
