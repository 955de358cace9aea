"""Log in and log out (session cookie; the password is checked by services.accounts)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from ...core.errors import NotAuthenticated
from ...services import accounts
from ..common import PageRoute, RuntimeDep, VerifiedForm, flash, log_in, render, safe_next

router = APIRouter(route_class=PageRoute, include_in_schema=False)


@router.get("/")
def home(request: Request) -> Response:
    return RedirectResponse("/inbox" if "uid" in request.session else "/login", status_code=303)


@router.get("/login")
def login_page(request: Request, next: str = "/inbox") -> Response:
    if isinstance(request.session.get("uid"), int):
        return RedirectResponse(safe_next(next), status_code=303)
    return render(request, "login.html", {"next": safe_next(next), "username": "", "error": None})


@router.post("/login")
def login(request: Request, rt: RuntimeDep, form: VerifiedForm) -> Response:
    username, password = form.get("username", "").strip(), form.get("password", "")
    target = safe_next(form.get("next"))
    try:
        if not username or not password:
            raise NotAuthenticated("请输入用户名和密码")
        user_id = accounts.authenticate_password(rt, username, password)
    except NotAuthenticated as exc:
        context = {"next": target, "username": username, "error": exc.message}
        return render(request, "login.html", context, status_code=401)
    log_in(request, user_id)
    return RedirectResponse(target, status_code=303)


@router.post("/logout")
def logout(request: Request, form: VerifiedForm) -> Response:
    request.session.clear()
    flash(request, "您已退出登录。")
    return RedirectResponse("/login", status_code=303)
