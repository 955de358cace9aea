"""Server-rendered pages in Chinese (Jinja2), on the same services as the REST API.

`install(app, rt)` adds the session cookie (the session id, the CSRF token, one-time messages; the
session itself is a row in web_sessions), the static files and the pages to the FastAPI app.
"""

from __future__ import annotations

import inspect

from fastapi import FastAPI, Request
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException
from starlette.middleware.sessions import SessionMiddleware
from starlette.responses import Response

from ..config import DEV_SECRET_KEY
from ..core.errors import InvalidInput
from ..runtime import Runtime
from .common import STATIC_DIR, error_page, make_environment
from .forms import choice_title, input_name
from .pages import account, auth, cases, dashboard, evaluations, filing_office, inbox, people, public, reports

SESSION_COOKIE = "rw_session"
MIN_SECRET_LENGTH = 32


def refuse_insecure(rt: Runtime) -> None:
    """Production never runs on the development secret (anyone could forge a session with it)."""
    s = rt.settings
    if s.env == "production" and (s.secret_key == DEV_SECRET_KEY or len(s.secret_key) < MIN_SECRET_LENGTH):
        raise InvalidInput(
            "生产环境（REVIEW_WORKFLOW_ENV=production）必须设置 REVIEW_WORKFLOW_SECRET_KEY："
            f"至少 {MIN_SECRET_LENGTH} 个字符的随机字符串，且不能使用开发环境的默认值"
        )


def install(app: FastAPI, rt: Runtime) -> None:
    refuse_insecure(rt)
    env = make_environment(rt)
    env.globals.update(input_name=input_name, choice_title=choice_title)
    app.state.web_env = env
    app.add_middleware(
        SessionMiddleware,
        secret_key=rt.settings.secret_key,
        session_cookie=SESSION_COOKIE,
        max_age=rt.settings.session_max_hours * 3600,  # the session row ends then too
        same_site="lax",
        https_only=rt.settings.env == "production",
    )
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for module in (auth, account, inbox, cases, filing_office, evaluations, dashboard, public, people, reports):
        app.include_router(module.router)
    _pages_for_browsers(app)


HTTP_MESSAGES = {404: "页面不存在，请检查地址。", 405: "不支持该请求方法。"}


def _pages_for_browsers(app: FastAPI) -> None:
    """An unknown address asked for by a browser gets a Chinese page; the API keeps its JSON errors."""
    api_handler = app.exception_handlers.get(HTTPException)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        wants_page = "text/html" in request.headers.get("accept", "") and not request.url.path.startswith(
            "/api"
        )
        if api_handler is not None and not wants_page:
            answer = api_handler(request, exc)
            return await answer if inspect.isawaitable(answer) else answer
        message = HTTP_MESSAGES.get(exc.status_code, str(exc.detail))
        return error_page(request, exc.status_code, message)

    app.add_exception_handler(HTTPException, http_error)
