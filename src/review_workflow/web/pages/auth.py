"""Log in and log out. The password, the throttling and the session row are services.accounts.log_in;
the cookie carries only the session id (with the CSRF token and one-time messages)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from ...core.errors import NotAuthenticated, TooManyAttempts
from ...services import accounts, web_sessions
from ..common import (
    PageRoute,
    RuntimeDep,
    VerifiedForm,
    client_ip,
    flash,
    log_in,
    render,
    safe_next,
    session_id,
    signed_in,
)

router = APIRouter(route_class=PageRoute, include_in_schema=False)


@router.get("/")
def home(request: Request) -> Response:
    return RedirectResponse("/inbox" if signed_in(request) is not None else "/login", status_code=303)


@router.get("/login")
def login_page(request: Request, next: str = "/inbox") -> Response:
    if signed_in(request) is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return render(request, "login.html", {"next": safe_next(next), "username": "", "error": None})


@router.post("/login")
def login(request: Request, rt: RuntimeDep, form: VerifiedForm) -> Response:
    username, password = form.get("username", "").strip(), form.get("password", "")
    target = safe_next(form.get("next"))
    context = {"next": target, "username": username}
    try:
        if not username or not password:
            raise NotAuthenticated("请输入用户名和密码")
        _, sid = accounts.log_in(
            rt, username, password, ip=client_ip(request), user_agent=request.headers.get("user-agent")
        )
    except TooManyAttempts as exc:
        answer = render(request, "login.html", {**context, "error": exc.message}, status_code=429)
        answer.headers["Retry-After"] = str(exc.retry_after)
        return answer
    except NotAuthenticated as exc:
        return render(request, "login.html", {**context, "error": exc.message}, status_code=401)
    log_in(request, sid)
    return RedirectResponse(target, status_code=303)


@router.post("/logout")
def logout(request: Request, rt: RuntimeDep, form: VerifiedForm) -> Response:
    sid = session_id(request)
    if sid is not None:
        web_sessions.log_out(rt, sid, client_ip(request))
    request.session.clear()
    flash(request, "您已退出登录。")
    return RedirectResponse("/login", status_code=303)
