"""Server-side sessions: a copied cookie is worth nothing after log-out or revocation; sessions end
when idle and when old; an administrator ends a user's sessions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient

from review_workflow.runtime import Runtime
from review_workflow.services import queries
from review_workflow.storage.db import UnitOfWork
from review_workflow.storage.models import WebSession
from tests.conftest import PINNED_NOW, People, pin_clock, security_log
from tests.web.conftest import Visitor, csrf_of, submitted_case, text_of

COOKIE = "rw_session"


def at(minutes: float) -> str:
    """The moment `minutes` after the log-in of the fixtures (PINNED_NOW)."""
    return (PINNED_NOW + timedelta(minutes=minutes)).isoformat()


def goes_to_login(v: Visitor, path: str = "/inbox") -> bool:
    r = v.get(path, follow_redirects=False)
    return r.status_code == 303 and r.headers["location"].startswith("/login")


def test_a_cookie_copied_before_log_out_opens_nothing_and_fires_nothing_after_it(
    visitor: Callable[..., Visitor], people: People, rt: Runtime, app: Any
) -> None:
    case = submitted_case(rt, people)
    v = visitor(people.reviewer)
    page = v.get(f"/cases/{case.id}").text
    copied = v.client.cookies.get(COOKIE)
    assert copied
    v.post("/logout", {})

    thief = Visitor(TestClient(app, raise_server_exceptions=False, cookies={COOKIE: copied}))
    assert goes_to_login(thief)
    assert goes_to_login(thief, f"/cases/{case.id}")
    form = {"version": str(case.version), "f-opinion": "同意", "csrf_token": csrf_of(page)}
    r = thief.client.post(f"/cases/{case.id}/events/approve", data=form, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    assert queries.get_case(rt, people.reviewer.id, case.id).state == "under_review"

    # The same form from a live session does fire: it was the session that was missing, nothing else.
    again = visitor(people.reviewer)
    r = again.client.post(
        f"/cases/{case.id}/events/approve", data={**form, "csrf_token": csrf_of(again.get("/inbox").text)}
    )
    assert r.status_code == 200 and queries.get_case(rt, people.reviewer.id, case.id).state == "approved"
    logout = [e for e in security_log(rt) if e.kind == "logout"]
    assert [e.user_id for e in logout] == [people.reviewer.id]


def test_the_session_id_is_stored_only_as_a_hash_with_who_and_where(
    visitor: Callable[..., Visitor], people: People, rt: Runtime
) -> None:
    v = visitor(people.handler)
    cookie = v.client.cookies.get(COOKIE)
    with UnitOfWork(rt.sessions) as session:
        [row] = session.query(WebSession).all()
        session.expunge_all()
    assert row.user_id == people.handler.id and len(row.id_hash) == 64
    assert row.id_hash not in (cookie or "")
    assert row.ip == "testclient" and row.user_agent == "testclient"
    assert row.expires_at - row.created_at == timedelta(hours=8)


def test_a_session_ends_after_thirty_idle_minutes_but_not_while_in_use(
    visitor: Callable[..., Visitor], people: People, rt: Runtime
) -> None:
    v = visitor(people.handler)  # logged in at 09:30
    for minutes in (29, 58, 87):  # a request every 29 minutes keeps it alive
        pin_clock(rt, at(minutes))
        assert v.get("/inbox", follow_redirects=False).status_code == 200, minutes
    pin_clock(rt, at(87 + 30))
    assert goes_to_login(v)
    page = v.get("/login")
    assert "超过 30 分钟未操作" in text_of(page.text)


def test_a_session_ends_eight_hours_after_the_log_in_however_busy(
    visitor: Callable[..., Visitor], people: People, rt: Runtime
) -> None:
    v = visitor(people.handler)
    for minutes in range(20, 8 * 60, 20):
        pin_clock(rt, at(minutes))
        assert v.get("/inbox", follow_redirects=False).status_code == 200, minutes
    pin_clock(rt, at(8 * 60))
    assert goes_to_login(v)
    assert "登录已满 8 小时" in text_of(v.get("/login").text)
    v.login("zhang")
    assert v.get("/inbox", follow_redirects=False).status_code == 200  # a new log-in, a new session


def test_the_timeouts_are_settings(visitor: Callable[..., Visitor], people: People, rt: Runtime) -> None:
    rt.settings = rt.settings.model_copy(update={"session_idle_minutes": 5, "session_max_hours": 1})
    v = visitor(people.handler)
    pin_clock(rt, at(4))
    assert v.get("/inbox", follow_redirects=False).status_code == 200
    pin_clock(rt, at(10))
    assert goes_to_login(v)
    v.login("zhang")  # at minute 10: ends at minute 70 at the latest
    for minutes in range(14, 70, 4):
        pin_clock(rt, at(minutes))
        assert v.get("/inbox", follow_redirects=False).status_code == 200, minutes
    pin_clock(rt, at(70))
    assert goes_to_login(v)
    assert "登录已满 1 小时" in text_of(v.get("/login").text)


def test_an_admin_revokes_a_user_s_sessions_and_their_cookies_open_nothing(
    visitor: Callable[..., Visitor], people: People, rt: Runtime
) -> None:
    office, laptop, theirs = visitor(people.handler), visitor(people.handler), visitor(people.reviewer)
    api = office.client
    r = api.post(
        f"/api/admin/users/{people.handler.id}/sessions/revoke",
        headers={"Authorization": f"Bearer {people.admin.token}"},
    )
    assert r.status_code == 200 and r.json() == {"user_id": people.handler.id, "revoked": 2}
    assert goes_to_login(office) and goes_to_login(laptop)
    assert theirs.get("/inbox", follow_redirects=False).status_code == 200  # only that user's
    assert "已被注销" in text_of(office.get("/login").text)
    [event] = [e for e in security_log(rt) if e.kind == "session_revoked"]
    assert event.user_id == people.handler.id and event.username == "zhang"
    assert event.detail == {"count": 2, "reason": "admin", "by": people.admin.id}
    office.login("zhang")
    assert office.get("/inbox", follow_redirects=False).status_code == 200  # logging in again works


def test_only_an_admin_revokes_sessions(visitor: Callable[..., Visitor], people: People, rt: Runtime) -> None:
    v = visitor(people.handler)
    for who, user_id, status, code in (
        (people.agency_head, people.handler.id, 403, "not_permitted"),
        (people.handler, people.handler.id, 403, "not_permitted"),
        (people.admin, 999_999, 404, "not_found"),
        (people.admin, 0, 404, "not_found"),  # no user can have id 0 (docs/api.md)
    ):
        r = v.client.post(
            f"/api/admin/users/{user_id}/sessions/revoke", headers={"Authorization": f"Bearer {who.token}"}
        )
        assert r.status_code == status and r.json()["code"] == code, r.text
    assert v.client.post(f"/api/admin/users/{people.handler.id}/sessions/revoke").status_code == 401
    assert v.get("/inbox", follow_redirects=False).status_code == 200
    assert not [e for e in security_log(rt) if e.kind == "session_revoked"]


def test_log_out_then_the_back_button_is_a_log_in_page_not_the_inbox(
    visitor: Callable[..., Visitor], people: People, rt: Runtime
) -> None:
    v = visitor(people.handler)
    v.post("/logout", {})
    assert goes_to_login(v)
    assert v.get("/", follow_redirects=False).headers["location"] == "/login"
    with UnitOfWork(rt.sessions) as session:
        [row] = session.query(WebSession).all()
        session.expunge_all()
    assert row.revoked_at is not None and row.revoked_reason == "logout"
