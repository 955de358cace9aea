"""修改密码: the user's own password, knowing the current one; their other sessions end."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from ...core.errors import InvalidInput, TooManyAttempts
from ...services import accounts
from ..common import PageRoute, PageUser, RuntimeDep, VerifiedForm, client_ip, flash, render, session_id

router = APIRouter(route_class=PageRoute, include_in_schema=False)
RULES = f"{accounts.MIN_PASSWORD_LENGTH} 到 {accounts.MAX_PASSWORD_LENGTH} 个字符"


@router.get("/account/password")
def password_page(request: Request, user: PageUser) -> Response:
    return render(request, "password.html", {"error": None, "rules": RULES}, user_id=user)


@router.post("/account/password")
def change_password(request: Request, rt: RuntimeDep, user: PageUser, form: VerifiedForm) -> Response:
    try:
        ended = accounts.change_password(
            rt,
            user,
            form.get("current_password", ""),
            form.get("new_password", ""),
            form.get("new_password_again", ""),
            keep_session=session_id(request),
            ip=client_ip(request),
        )
    except (InvalidInput, TooManyAttempts) as exc:
        answer = render(
            request, "password.html", {"error": exc.message, "rules": RULES}, status_code=exc.status, user_id=user
        )
        if isinstance(exc, TooManyAttempts):
            answer.headers["Retry-After"] = str(exc.retry_after)
        return answer
    others = f"您在其他 {ended} 处的登录已退出。" if ended else ""
    flash(request, f"密码已修改。{others}")
    return RedirectResponse("/inbox", status_code=303)
