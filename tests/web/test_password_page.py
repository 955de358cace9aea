"""修改密码 (/account/password): the current password, the new one twice, the CSRF token; a change
ends the user's other sessions and keeps this one."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from review_workflow.core.errors import NotAuthenticated
from review_workflow.runtime import Runtime
from review_workflow.services import accounts
from tests.conftest import People, security_log
from tests.web.conftest import PASSWORD, Visitor, text_of

PAGE = "/account/password"
NEW = "Battery-Staple-42"


def change(v: Visitor, current: str, new: str, again: str | None = None) -> httpx.Response:
    form = {"current_password": current, "new_password": new, "new_password_again": new if again is None else again}
    return v.post(PAGE, form, page=PAGE)


def test_the_page_is_linked_from_every_page_and_asks_for_a_log_in(
    visitor: Callable[..., Visitor], people: People
) -> None:
    assert 'href="/account/password"' in visitor(people.handler).get("/inbox").text
    r = visitor().get(PAGE, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login?next=/account/password"


def test_a_wrong_current_password_changes_nothing(
    visitor: Callable[..., Visitor], people: People, rt: Runtime
) -> None:
    v = visitor(people.handler)
    r = change(v, "not-my-password", NEW)
    assert r.status_code == 422 and "当前密码不正确" in text_of(r.text)
    assert accounts.authenticate_password(rt, "zhang", PASSWORD) == people.handler.id
    [failed] = [e for e in security_log(rt) if e.kind == "password_change_failed"]
    assert failed.user_id == people.handler.id and failed.detail == {"reason": "wrong_current"}


def test_two_different_new_passwords_or_a_short_one_are_refused(
    visitor: Callable[..., Visitor], people: People, rt: Runtime
) -> None:
    v = visitor(people.handler)
    r = change(v, PASSWORD, NEW, "Battery-Staple-43")
    assert r.status_code == 422 and "两次输入的新密码不一致" in text_of(r.text)
    r = change(v, PASSWORD, "short")
    assert r.status_code == 422 and "密码长度须在 8 到 256 个字符之间" in text_of(r.text)
    r = change(v, PASSWORD, PASSWORD)
    assert r.status_code == 422 and "新密码不能与当前密码相同" in text_of(r.text)
    assert accounts.authenticate_password(rt, "zhang", PASSWORD) == people.handler.id


def test_a_change_ends_the_other_sessions_and_keeps_this_one(
    visitor: Callable[..., Visitor], people: People, rt: Runtime
) -> None:
    laptop, phone = visitor(people.handler), visitor(people.handler)
    colleague = visitor(people.reviewer)
    r = change(laptop, PASSWORD, NEW)
    assert r.status_code == 200 and r.url.path == "/inbox"
    assert "密码已修改。您在其他 1 处的登录已退出。" in text_of(r.text)
    assert laptop.get("/inbox", follow_redirects=False).status_code == 200
    assert phone.get("/inbox", follow_redirects=False).status_code == 303
    assert colleague.get("/inbox", follow_redirects=False).status_code == 200
    assert accounts.authenticate_password(rt, "zhang", NEW) == people.handler.id
    with pytest.raises(NotAuthenticated):
        accounts.authenticate_password(rt, "zhang", PASSWORD)  # the old one no more
    events = [(e.kind, e.user_id, e.detail) for e in security_log(rt) if e.kind in ("password_changed", "session_revoked")]
    assert events == [
        ("password_changed", people.handler.id, {}),
        ("session_revoked", people.handler.id, {"count": 1, "reason": "password_changed"}),
    ]


def test_the_form_needs_its_csrf_token(visitor: Callable[..., Visitor], people: People, rt: Runtime) -> None:
    v = visitor(people.handler)
    r = v.client.post(PAGE, data={"current_password": PASSWORD, "new_password": NEW, "new_password_again": NEW})
    assert r.status_code == 403 and "表单校验失败" in text_of(r.text)
    assert accounts.authenticate_password(rt, "zhang", PASSWORD) == people.handler.id


def test_guessing_the_current_password_is_throttled_apart_from_the_log_in(
    visitor: Callable[..., Visitor], people: People, rt: Runtime
) -> None:
    v = visitor(people.handler)
    for _ in range(4):
        assert change(v, "a-wrong-guess", NEW).status_code == 422
    r = change(v, "a-wrong-guess", NEW)
    assert r.status_code == 429 and r.headers["retry-after"] == "900" and "15 分钟" in text_of(r.text)
    r = change(v, PASSWORD, NEW)  # the right one waits too
    assert r.status_code == 429
    assert visitor(people.handler).get("/inbox").status_code == 200  # the log-in is not locked by it
    assert [e.kind for e in security_log(rt)].count("login_locked") == 1
