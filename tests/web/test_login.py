"""Log-in, log-out, the session cookie, CSRF and the production secret."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from review_workflow.api.app import create_app
from review_workflow.config import DEV_SECRET_KEY
from review_workflow.core.errors import InvalidInput, NotAuthenticated
from review_workflow.runtime import Runtime
from review_workflow.services import accounts, queries
from review_workflow.services.admin import NewUser, create_user
from review_workflow.storage.db import UnitOfWork
from review_workflow.storage.models import User
from tests.conftest import People, make_runtime
from tests.web.conftest import PASSWORD, Visitor, csrf_of, submitted_case, text_of


def test_the_right_password_opens_the_inbox_in_chinese(
    visitor: Callable[..., Visitor], people: People
) -> None:
    v = visitor(people.handler)
    page = v.get("/inbox")
    assert page.status_code == 200
    assert '<html lang="zh-CN">' in page.text and "待办" in page.text and "张伟" in page.text


def test_a_wrong_password_says_so_in_chinese_and_opens_nothing(
    visitor: Callable[..., Visitor], people: People, rt: Runtime
) -> None:
    accounts.set_password(rt, people.handler.id, PASSWORD)
    v = visitor()
    r = v.login("zhang", "not-the-password")
    assert r.status_code == 401
    assert "用户名或密码不正确" in r.text
    assert 'value="zhang"' in r.text  # the name stays filled in
    after = v.get("/inbox", follow_redirects=False)
    assert after.status_code == 303 and after.headers["location"].startswith("/login")


def test_unknown_users_users_without_password_and_blank_fields_get_no_hint(
    visitor: Callable[..., Visitor], people: People
) -> None:
    v = visitor()
    assert "用户名或密码不正确" in v.login("nobody", PASSWORD).text
    assert "用户名或密码不正确" in v.login("zhang", PASSWORD).text  # zhang has no password yet
    assert "请输入用户名和密码" in v.login("", "").text


def test_an_inactive_user_cannot_log_in(rt: Runtime, people: People) -> None:
    accounts.set_password(rt, people.handler.id, PASSWORD)
    with UnitOfWork(rt.sessions) as session:
        user = session.get(User, people.handler.id)
        assert user is not None
        user.active = False
        session.commit()
    with pytest.raises(NotAuthenticated):
        accounts.authenticate_password(rt, "zhang", PASSWORD)


def test_a_page_asks_for_a_log_in_and_comes_back_after_it(
    visitor: Callable[..., Visitor], people: People, rt: Runtime
) -> None:
    case = submitted_case(rt, people)
    accounts.set_password(rt, people.reviewer.id, PASSWORD)
    v = visitor()
    r = v.get(f"/cases/{case.id}", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/login?next=/cases/{case.id}"
    login_page = v.get(r.headers["location"]).text
    r = v.client.post(
        "/login",
        data={
            "username": "wang",
            "password": PASSWORD,
            "next": f"/cases/{case.id}",
            "csrf_token": csrf_of(login_page),
        },
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == f"/cases/{case.id}"


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/\\evil.example"])
def test_log_in_never_sends_the_browser_off_site(
    visitor: Callable[..., Visitor], people: People, rt: Runtime, target: str
) -> None:
    accounts.set_password(rt, people.handler.id, PASSWORD)
    v = visitor()
    token = csrf_of(v.get("/login").text)
    r = v.client.post(
        "/login",
        data={"username": "zhang", "password": PASSWORD, "next": target, "csrf_token": token},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/inbox"


def test_log_out_ends_the_session(visitor: Callable[..., Visitor], people: People) -> None:
    v = visitor(people.handler)
    r = v.post("/logout", {})
    assert r.url.path == "/login" and "您已退出登录" in r.text
    assert v.get("/inbox", follow_redirects=False).status_code == 303


def test_a_form_without_the_csrf_token_is_refused_and_changes_nothing(
    visitor: Callable[..., Visitor], people: People, rt: Runtime
) -> None:
    case = submitted_case(rt, people)
    v = visitor(people.reviewer)
    for token in (None, "forged-token-that-is-long-enough-to-look-real"):
        data = {"version": str(case.version), "f-opinion": "同意"} | ({"csrf_token": token} if token else {})
        r = v.client.post(f"/cases/{case.id}/events/approve", data=data)
        assert r.status_code == 403
        assert "表单校验失败" in r.text and "application/json" not in r.headers["content-type"]
    assert queries.get_case(rt, people.reviewer.id, case.id).state == "under_review"


def test_the_csrf_token_of_another_session_is_refused(
    visitor: Callable[..., Visitor], people: People, rt: Runtime
) -> None:
    case = submitted_case(rt, people)
    mine, theirs = visitor(people.reviewer), visitor(people.legal_head)
    other_token = csrf_of(theirs.get("/inbox").text)
    r = mine.client.post(
        f"/cases/{case.id}/events/approve",
        data={"version": str(case.version), "f-opinion": "同意", "csrf_token": other_token},
    )
    assert r.status_code == 403
    assert queries.get_case(rt, people.reviewer.id, case.id).state == "under_review"


def test_a_tampered_session_cookie_is_not_a_log_in(visitor: Callable[..., Visitor], people: People) -> None:
    v = visitor(people.handler)
    cookie = v.client.cookies.get("rw_session")
    assert cookie
    v.client.cookies.set("rw_session", cookie[:-4] + ("AAAA" if not cookie.endswith("AAAA") else "BBBB"))
    assert v.get("/inbox", follow_redirects=False).status_code == 303


def test_passwords_are_stored_as_salted_scrypt_hashes(rt: Runtime, people: People) -> None:
    a, _ = create_user(rt, NewUser("p1", "甲", people.agency_id, ("handler",)), password=PASSWORD)
    b, _ = create_user(rt, NewUser("p2", "乙", people.agency_id, ("handler",)), password=PASSWORD)
    with UnitOfWork(rt.sessions) as session:
        hashes = [session.get(User, i).password_hash for i in (a, b)]  # type: ignore[union-attr]
    assert all(h and h.startswith("scrypt$") and PASSWORD not in h for h in hashes)
    assert hashes[0] != hashes[1]  # a salt per user
    assert accounts.authenticate_password(rt, "p1", PASSWORD) == a
    assert not accounts.verify_password("wrong", hashes[0])
    with pytest.raises(InvalidInput, match="密码长度"):
        create_user(rt, NewUser("p3", "丙", people.agency_id, ("handler",)), password="short")


def test_production_refuses_the_development_secret(database_url: str) -> None:
    rt = make_runtime(database_url, env="production")
    try:
        assert rt.settings.secret_key == DEV_SECRET_KEY
        with pytest.raises(InvalidInput, match="REVIEW_WORKFLOW_SECRET_KEY"):
            create_app(rt)
    finally:
        rt.db.dispose()
    rt = make_runtime(database_url, env="production", secret_key="x" * 48)
    try:
        client = TestClient(create_app(rt))
        r = client.get("/login")
        assert r.status_code == 200
        assert "secure" in r.headers["set-cookie"].lower()  # the cookie goes over HTTPS only
    finally:
        rt.db.dispose()


def test_every_page_sends_a_content_security_policy(visitor: Callable[..., Visitor], people: People) -> None:
    r = visitor().get("/login")
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-content-type-options"] == "nosniff"


def test_unknown_page_paths_and_bad_ids_are_chinese_pages(
    visitor: Callable[..., Visitor], people: People
) -> None:
    v = visitor(people.handler)
    r = v.get("/cases/not-a-number")
    assert r.status_code == 404 and "text/html" in r.headers["content-type"]
    assert "页面不存在" in text_of(r.text)


def test_an_unknown_address_is_a_chinese_page_for_browsers_and_json_for_the_api(
    visitor: Callable[..., Visitor], people: People
) -> None:
    v = visitor()
    page = v.get("/no-such-page", headers={"Accept": "text/html,application/xhtml+xml"})
    assert (
        page.status_code == 404 and "text/html" in page.headers["content-type"] and "页面不存在" in page.text
    )
    api = v.get("/api/no-such-thing", headers={"Accept": "text/html"})
    assert api.status_code == 404 and api.json()["code"] == "not_found"
    wrong = v.get("/logout", headers={"Accept": "text/html"})
    assert wrong.status_code == 405 and "不支持该请求方法" in wrong.text
