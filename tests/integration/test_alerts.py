"""Alerts: the sweep queues warnings and overdue alerts exactly once; the dispatcher delivers them to a
real SMTP server and a real webhook receiver, retrying until they are up. SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from review_workflow.api.app import create_app
from review_workflow.runtime import Runtime
from review_workflow.schemas import CasePublic
from review_workflow.services.alerts import SweepResult, sweep, tick
from review_workflow.services.cases import fire, start_case
from review_workflow.services.delivery import DispatchResult, dispatch
from review_workflow.storage.models import Deadline, Notification
from tests.conftest import SUBMISSION, People, Person, pin_clock
from tests.servers import WEBHOOK_SECRET as SECRET
from tests.servers import SmtpSink, WebhookSink, free_port


def submitted(rt: Runtime, people: People) -> CasePublic:
    """A review submitted on Mon 2026-03-02: warning on 3-12, due 3-16, overdue from 3-17."""
    c = start_case(
        rt, people.handler.id, "major_decision_review", "某公司销售过期食品案", "郑州某食品有限公司"
    )
    return fire(rt, c.id, "submit", people.handler.id, SUBMISSION, c.version)


def notifications(rt: Runtime) -> list[Notification]:
    with rt.sessions() as s:
        return list(s.scalars(select(Notification).order_by(Notification.id)).unique())


def with_channels(
    rt: Runtime, smtp_port: int | None = None, webhook_url: str | None = None, **more: object
) -> None:
    update: dict[str, object] = {"notify_retry_seconds": 0.0, **more}
    if smtp_port is not None:
        update.update(
            smtp_host="127.0.0.1", smtp_port=smtp_port, smtp_sender="法制审核系统 <review@example.gov.cn>"
        )
    if webhook_url is not None:
        update.update(webhook_url=webhook_url, webhook_secret=SECRET)
    rt.settings = rt.settings.model_copy(update=update)


def test_nothing_is_sent_before_the_warning_date(rt: Runtime, people: People) -> None:
    submitted(rt, people)
    pin_clock(rt, "2026-03-11T23:59:00")
    assert sweep(rt) == (0, 0, 0)
    assert notifications(rt) == []


def test_the_warning_goes_once_to_the_responsible_officer(rt: Runtime, people: People) -> None:
    c = submitted(rt, people)
    pin_clock(rt, "2026-03-12T08:00:00")
    first = sweep(rt)
    assert (first.warned, first.overdue, first.queued) == (1, 0, 1)
    assert sweep(rt) == (0, 0, 0)
    [n] = notifications(rt)
    assert (n.kind, n.channel, n.recipient_id, n.status) == (
        "warning",
        "in_app",
        people.legal_head.id,
        "sent",
    )
    assert "将于2026-03-16到期" in n.subject and c.title in n.subject


def test_overdue_alert_escalates_to_the_agency_head_exactly_once(rt: Runtime, people: People) -> None:
    c = submitted(rt, people)
    pin_clock(rt, "2026-03-12T08:00:00")
    sweep(rt)
    pin_clock(rt, "2026-03-17T00:05:00")
    result = sweep(rt)
    assert (result.warned, result.overdue, result.queued) == (0, 1, 2)
    for _ in range(3):
        assert sweep(rt) == (0, 0, 0)
    overdue = [n for n in notifications(rt) if n.kind == "overdue"]
    assert sorted(n.recipient_id for n in overdue) == sorted([people.legal_head.id, people.agency_head.id])
    assert all("已于2026-03-16届满" in n.subject for n in overdue)
    with rt.sessions() as s:
        row = s.scalars(select(Deadline).where(Deadline.instance_id == c.id)).one()
        assert row.status == "missed" and row.closed_at is None


def test_a_deadline_first_seen_overdue_gets_no_late_warning(rt: Runtime, people: People) -> None:
    submitted(rt, people)
    pin_clock(rt, "2026-03-20T09:00:00")
    assert sweep(rt).overdue == 1
    assert {n.kind for n in notifications(rt)} == {"overdue"}


def test_closed_deadlines_are_never_alerted(rt: Runtime, people: People) -> None:
    c = submitted(rt, people)
    fire(rt, c.id, "approve", people.reviewer.id, {"opinion": "同意"}, c.version)
    pin_clock(rt, "2026-04-01T09:00:00")
    assert sweep(rt) == (0, 0, 0)


def test_sweep_works_through_batches(rt: Runtime, people: People) -> None:
    for _ in range(5):
        submitted(rt, people)
    pin_clock(rt, "2026-03-17T09:00:00")
    assert sweep(rt, batch=2).overdue == 5
    assert len(notifications(rt)) == 10


def test_email_and_webhook_alerts_arrive_at_real_servers(
    rt: Runtime, people: People, smtp: SmtpSink, hook: WebhookSink
) -> None:
    with_channels(rt, smtp_port=smtp.port, webhook_url=hook.url)
    c = submitted(rt, people)
    pin_clock(rt, "2026-03-17T09:00:00")
    swept, sent = tick(rt)
    assert swept.overdue == 1
    # in-app, e-mail and webhook for the legal office head and the agency head
    assert Counter(n.channel for n in notifications(rt)) == {"in_app": 2, "email": 2, "webhook": 2}
    assert (sent.sent, sent.retrying, sent.failed) == (4, 0, 0)
    assert sorted(m.rcpt_tos[0] for m in smtp.messages) == [
        "chenming@example.gov.cn",
        "lijing@example.gov.cn",
    ]
    mail = smtp.messages[0].message
    assert "逾期警告" in mail["Subject"] and c.title in mail.get_content()
    assert len(hook.deliveries) == 2 and all(r.signature_valid for r in hook.requests)
    data = hook.deliveries[0].payload["data"]
    assert (data["case_id"], data["kind"], data["due"]) == (c.id, "overdue", "2026-03-16")
    assert tick(rt)[1] == (0, 0, 0)  # nothing is sent twice
    assert len(smtp.messages) == 2 and len(hook.deliveries) == 2


def test_two_ticks_at_once_alert_and_deliver_each_deadline_once(
    rt: Runtime, people: People, smtp: SmtpSink, hook: WebhookSink
) -> None:
    """Two processes' ticks (here two threads, each with its own connections) start together on the same
    due rows, in small batches so that their claims interleave: each deadline is claimed by one of them
    only (SKIP LOCKED on PostgreSQL, the write lock on SQLite), so the counts add up to one alert each."""
    with_channels(rt, smtp_port=smtp.port, webhook_url=hook.url, sweep_batch=3)
    cases = 8
    for _ in range(cases):
        submitted(rt, people)
    pin_clock(rt, "2026-03-17T09:00:00")
    start = threading.Barrier(2)

    def one_tick() -> tuple[SweepResult, DispatchResult]:
        start.wait(timeout=30)
        return tick(rt)

    with ThreadPoolExecutor(2) as pool:
        results = [f.result(timeout=120) for f in [pool.submit(one_tick) for _ in range(2)]]
    swept = [r[0] for r in results]
    sent = [r[1] for r in results]
    assert sum(r.overdue for r in swept) == cases  # each deadline claimed by one tick only
    assert sum(r.queued for r in swept) == cases * 2 * 3  # two people, three channels each
    assert sum(r.sent for r in sent) == cases * 2 * 2 and sum(r.failed + r.retrying for r in sent) == 0
    assert len(smtp.messages) == cases * 2 and len(hook.deliveries) == cases * 2
    delivered = {(d.payload["data"]["deadline_id"], d.payload["data"]["recipient_id"]) for d in hook.deliveries}
    assert len(delivered) == cases * 2  # no deadline and person twice
    with rt.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Deadline).where(Deadline.overdue_at.is_(None))) == 0


def test_servers_down_at_first_get_the_alert_once_they_are_back(rt: Runtime, people: People) -> None:
    smtp, hook = SmtpSink(port=free_port()), WebhookSink(SECRET, port=free_port())
    with_channels(rt, smtp_port=smtp.port, webhook_url=hook.url)
    submitted(rt, people)
    pin_clock(rt, "2026-03-17T09:00:00")
    sweep(rt)
    first = dispatch(rt)
    assert (first.sent, first.retrying, first.failed) == (0, 4, 0)
    pending = [n for n in notifications(rt) if n.channel != "in_app"]
    assert all(n.status == "pending" and n.attempts == 1 and n.last_error for n in pending)
    with smtp, hook:
        second = dispatch(rt)
        assert (second.sent, second.retrying, second.failed) == (4, 0, 0)
        assert len(smtp.messages) == 2 and len(hook.deliveries) == 2
    assert all(n.status == "sent" and n.last_error is None for n in notifications(rt))


def test_a_channel_that_keeps_failing_is_marked_failed_where_an_admin_sees_it(
    rt: Runtime, people: People
) -> None:
    with WebhookSink(SECRET, status=500) as hook:
        with_channels(rt, webhook_url=hook.url, notify_max_attempts=2)
        submitted(rt, people)
        pin_clock(rt, "2026-03-17T09:00:00")
        sweep(rt)
        assert dispatch(rt).retrying == 2
        assert dispatch(rt).failed == 2
        assert dispatch(rt) == (0, 0, 0)
        assert len(hook.requests) == 4
    client = TestClient(create_app(rt), raise_server_exceptions=False)
    failed = client.get("/api/admin/notifications?status=failed", headers=auth(people.admin)).json()
    assert failed["count"] == 2
    assert all(n["channel"] == "webhook" and "HTTP 500" in n["last_error"] for n in failed["data"])
    r = client.get("/api/admin/notifications", headers=auth(people.legal_head))
    assert r.status_code == 403 and r.json()["code"] == "not_permitted"


def auth(p: Person) -> dict[str, str]:
    return {"Authorization": f"Bearer {p.token}"}


def test_in_app_notifications_are_listed_and_marked_read(rt: Runtime, people: People) -> None:
    submitted(rt, people)
    pin_clock(rt, "2026-03-12T09:00:00")
    sweep(rt)
    pin_clock(rt, "2026-03-17T09:00:00")
    sweep(rt)
    client = TestClient(create_app(rt), raise_server_exceptions=False)
    mine = client.get("/api/notifications", headers=auth(people.legal_head)).json()
    assert mine["count"] == 2 and [n["kind"] for n in mine["data"]] == ["overdue", "warning"]
    r = client.post(f"/api/notifications/{mine['data'][0]['id']}/read", headers=auth(people.legal_head))
    assert r.status_code == 200 and r.json()["read_at"]
    unread = client.get("/api/notifications?unread=true", headers=auth(people.legal_head)).json()
    assert [n["kind"] for n in unread["data"]] == ["warning"]
    theirs = client.get("/api/notifications", headers=auth(people.agency_head)).json()
    r = client.post(f"/api/notifications/{theirs['data'][0]['id']}/read", headers=auth(people.legal_head))
    assert r.status_code == 404 and r.json()["code"] == "not_found"
    assert client.get("/api/notifications?page=0", headers=auth(people.legal_head)).status_code == 422
