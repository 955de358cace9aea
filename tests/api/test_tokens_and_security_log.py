"""Bearer tokens that expire and can be revoked (401 {code, message}, logged), a token from before
api_tokens kept by `init`, and the administrators' security log, paginated."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from review_workflow.api.app import create_app
from review_workflow.core.errors import InvalidInput, NotFound
from review_workflow.runtime import Runtime
from review_workflow.services import accounts, tokens
from review_workflow.services.actors import hash_token, new_token
from review_workflow.services.admin import init_database
from review_workflow.services.security import CHANGE_KINDS, KINDS
from review_workflow.storage.db import UnitOfWork
from review_workflow.storage.models import ApiToken, User
from tests.conftest import PINNED_NOW, People, Person, pin_clock, security_log
from tests.web.conftest import PASSWORD, Visitor, csrf_of


@pytest.fixture
def client(rt: Runtime) -> TestClient:
    return TestClient(create_app(rt), raise_server_exceptions=False)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def me(client: TestClient, token: str) -> tuple[int, dict[str, object]]:
    r = client.get("/api/me", headers=bearer(token))
    return r.status_code, r.json()


def test_a_named_token_works_until_it_expires_then_401_and_logged(
    client: TestClient, rt: Runtime, people: People
) -> None:
    row, token = tokens.create_token(rt, "zhang", "数据对接", days=30)
    assert (row.name, row.status, row.expires_at - row.created_at) == ("数据对接", "active", timedelta(days=30))
    status, body = me(client, token)
    assert status == 200 and body["username"] == "zhang"
    assert tokens.list_tokens(rt, "zhang")[0].last_used_at == PINNED_NOW

    pin_clock(rt, (PINNED_NOW + timedelta(days=30)).isoformat())
    status, body = me(client, token)
    assert status == 401 and body["code"] == "token_expired"
    assert body["message"] == "令牌“数据对接”已于 2026-04-01 09:30 过期，请向管理员申请新的令牌"
    refused = [e for e in security_log(rt) if e.kind == "token_refused"]
    assert [(e.user_id, e.ip, e.detail["reason"], e.detail["name"]) for e in refused] == [
        (people.handler.id, "testclient", "token_expired", "数据对接")
    ]
    assert tokens.list_tokens(rt, "zhang")[0].status == "expired"


def test_a_revoked_token_is_refused_at_once_and_the_others_keep_working(
    client: TestClient, rt: Runtime, people: People
) -> None:
    row, token = tokens.create_token(rt, "zhang", "脚本")
    assert me(client, token)[0] == 200
    revoked = tokens.revoke_token(rt, row.id)
    assert revoked.status == "revoked" and revoked.revoked_at == PINNED_NOW
    status, body = me(client, token)
    assert status == 401 and body["code"] == "token_revoked" and "已被吊销" in str(body["message"])
    assert me(client, people.handler.token)[0] == 200  # the user's default token is untouched
    with pytest.raises(InvalidInput, match="已于 2026-03-02 09:30 吊销"):
        tokens.revoke_token(rt, row.id)
    with pytest.raises(NotFound):
        tokens.revoke_token(rt, 999_999)
    kinds = [(e.kind, e.detail.get("reason")) for e in security_log(rt) if e.detail.get("token_id") == row.id]
    assert kinds == [("token_created", None), ("token_revoked", None), ("token_refused", "token_revoked")]


def test_an_unknown_token_and_a_token_of_an_inactive_user_are_401(
    client: TestClient, rt: Runtime, people: People
) -> None:
    status, body = me(client, "no-such-token")
    assert status == 401 and body["code"] == "not_authenticated" and body["message"]
    with UnitOfWork(rt.sessions) as session:
        user = session.get(User, people.handler.id)
        assert user is not None
        user.active = False
        session.commit()
    assert me(client, people.handler.token)[0] == 401


def test_every_user_gets_a_default_token_that_expires_after_token_days(rt: Runtime, people: People) -> None:
    [row] = tokens.list_tokens(rt, "zhang")
    assert row.name == tokens.DEFAULT_NAME and row.expires_at == PINNED_NOW + timedelta(days=90)
    with pytest.raises(InvalidInput, match="有效天数"):
        tokens.create_token(rt, "zhang", "x", days=0)
    with pytest.raises(InvalidInput, match="令牌名称"):
        tokens.create_token(rt, "zhang", "  ")
    with pytest.raises(InvalidInput, match="不存在"):
        tokens.create_token(rt, "nobody", "x")


def test_a_token_from_before_api_tokens_is_moved_by_init_and_keeps_working(
    client: TestClient, rt: Runtime, people: People
) -> None:
    old = new_token()
    with UnitOfWork(rt.sessions) as session:  # as a database made before api_tokens holds it
        user = session.get(User, people.reviewer.id)
        assert user is not None
        user.token_hash = hash_token(old)
        session.commit()
    assert me(client, old)[0] == 401  # nothing reads users.token_hash any more
    init_database(rt)
    init_database(rt)  # twice: nothing more happens
    status, body = me(client, old)
    assert status == 200 and body["username"] == "wang"
    with UnitOfWork(rt.sessions) as session:
        assert session.scalar(select(User.token_hash).where(User.id == people.reviewer.id)) is None
        moved = session.scalars(select(ApiToken).where(ApiToken.token_hash == hash_token(old))).all()
        assert [(t.name, t.expires_at) for t in moved] == [(tokens.MIGRATED_NAME, PINNED_NOW + timedelta(days=90))]


def admin_log(client: TestClient, who: Person, **query: object) -> dict[str, object]:
    r = client.get("/api/admin/security-events", params=query, headers=bearer(who.token))
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


def test_every_kind_of_security_event_is_in_the_admin_log(
    client: TestClient, rt: Runtime, people: People
) -> None:
    accounts.set_password(rt, people.handler.id, PASSWORD)
    v = Visitor(client)
    for _ in range(6):
        v.login("zhang", "not-the-password")  # failed ×5, locked, blocked
    pin_clock(rt, (PINNED_NOW + timedelta(minutes=15)).isoformat())
    v.login("zhang")  # ok
    v.post("/logout", {})  # logout
    v.login("zhang")
    client.post(f"/api/admin/users/{people.handler.id}/sessions/revoke", headers=bearer(people.admin.token))
    row, token = tokens.create_token(rt, "zhang", "对接")  # created
    tokens.revoke_token(rt, row.id)  # revoked
    me(client, token)  # refused
    v.login("zhang")
    form = {"current_password": "wrong-password", "new_password": "New-Password-1", "new_password_again": "New-Password-1"}
    page = v.get("/account/password").text
    client.post("/account/password", data={**form, "csrf_token": csrf_of(page)})  # change failed
    form["current_password"] = PASSWORD
    client.post("/account/password", data={**form, "csrf_token": csrf_of(page)})  # changed

    log = admin_log(client, people.admin, page_size=100)
    events = log["data"]
    assert isinstance(events, list) and log["count"] == len(events)
    assert {e["kind"] for e in events} == set(KINDS) - set(CHANGE_KINDS)  # those: tests/api/test_people_api.py
    assert [e["id"] for e in events] == sorted((e["id"] for e in events), reverse=True)  # newest first
    ok = next(e for e in events if e["kind"] == "login_ok")
    assert (ok["user_id"], ok["username"], ok["ip"]) == (people.handler.id, "zhang", "testclient")


def test_the_security_log_pages_filters_and_is_for_admins_only(
    client: TestClient, rt: Runtime, people: People
) -> None:
    for name in ("a", "b", "c"):
        tokens.create_token(rt, "zhang", name)
    created = admin_log(client, people.admin, kind="token_created", user_id=people.handler.id, page_size=2)
    assert created["count"] == 4 and created["page"] == 1 and created["page_size"] == 2  # with the default one
    assert [e["detail"]["name"] for e in created["data"]] == ["c", "b"]  # type: ignore[index]
    second = admin_log(client, people.admin, kind="token_created", user_id=people.handler.id, page=2, page_size=2)
    assert [e["detail"]["name"] for e in second["data"]] == ["a", tokens.DEFAULT_NAME]  # type: ignore[index]
    r = client.get("/api/admin/security-events", headers=bearer(people.handler.token))
    assert r.status_code == 403 and r.json()["code"] == "not_permitted" and "系统管理员" in r.json()["message"]
    r = client.get("/api/admin/security-events", params={"kind": "nonsense"}, headers=bearer(people.admin.token))
    assert r.status_code == 422 and r.json()["code"] == "invalid_request"
    assert client.get("/api/admin/security-events").status_code == 401


def test_an_api_answer_of_429_carries_retry_after(client: TestClient, rt: Runtime, people: People) -> None:
    """The handler every API route shares: a throttled call says how long to wait, in the header too."""
    from review_workflow.core.errors import TooManyAttempts

    app = client.app

    @app.get("/api/_throttled")  # type: ignore[attr-defined]
    def throttled() -> None:
        raise TooManyAttempts(125)

    r = client.get("/api/_throttled")
    assert r.status_code == 429 and r.headers["retry-after"] == "125"
    assert r.json() == {
        "code": "too_many_attempts",
        "message": "登录失败次数过多，已暂时锁定，请在 3 分钟后再试",
        "details": {"retry_after": 125},
    }
