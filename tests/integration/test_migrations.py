"""Migrations: the previous release's database (the fixture of 4e49db6) upgraded to head on SQLite and
PostgreSQL with every case, audit event and document intact; a fresh database upgraded revision by
revision equals the models; revision 0001 is that release's schema; old cases in flight move on."""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import MetaData, create_engine, inspect, select, text
from typer.testing import CliRunner

from review_workflow.cli import app
from review_workflow.config import Settings
from review_workflow.runtime import Runtime, build_runtime
from review_workflow.services import tokens
from review_workflow.services.admin import schema_options, verify_audit
from review_workflow.services.attachments import attach_file
from review_workflow.services.cases import fire
from review_workflow.storage import migrate
from review_workflow.storage.db import UnitOfWork, make_engine
from review_workflow.storage.models import (
    ApiToken,
    AuditEvent,
    Deadline,
    Document,
    DocumentCounter,
    Instance,
    User,
)
from tests.api.records import mp4 as recorded_video
from tests.conftest import PG_ADMIN_URL, drop_pg_database, new_pg_database, pin_clock
from tests.integration import previous_release as old

UPGRADE_DAY = "2026-03-03T10:00:00+08:00"
runner = CliRunner()


def runtime(url: str, now: str = UPGRADE_DAY) -> Runtime:
    files = Path(tempfile.mkdtemp(prefix="rw-files-"))
    return build_runtime(Settings(database_url=url, now=datetime.fromisoformat(now), scheduler_enabled=False, files_dir=files))


@pytest.fixture
def upgraded(database_url: str) -> Iterator[Runtime]:
    """The previous release's database, upgraded by `review-workflow db upgrade`."""
    old.load(database_url)
    result = runner.invoke(app, ["db", "upgrade"], env={"REVIEW_WORKFLOW_DATABASE_URL": database_url, "REVIEW_WORKFLOW_NOW": UPGRADE_DAY})
    assert result.exit_code == 0, result.output
    assert "4e49db6" in result.output and migrate.head() in result.output  # the newest revision
    rt = runtime(database_url)
    yield rt
    rt.db.dispose()


def case(rt: Runtime, case_id: int) -> Instance:
    with UnitOfWork(rt.sessions) as session:
        row = session.get(Instance, case_id)
        assert row is not None
        session.expunge(row)
        return row


def user_id(username: str) -> int:
    return next(u["id"] for u in old.rows("users") if u["username"] == username)


def test_a_fresh_database_upgraded_revision_by_revision_equals_the_models(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        before, after = migrate.upgrade(engine, migrate.DataOptions(workflows_dir=Settings().workflows_dir), replay=True)
        assert before.empty and after.at_head
        assert migrate.differences(engine) == []
    finally:
        engine.dispose()


def test_init_leaves_a_database_at_head_that_equals_the_models(rt: Runtime) -> None:
    assert migrate.status(rt.db).at_head
    assert migrate.differences(rt.db) == []


def _schema(url: str) -> dict[str, Any]:
    """Everything of a schema that reflection sees, in a form two databases can be compared by."""
    engine = create_engine(url)
    try:
        meta = MetaData()
        meta.reflect(engine)
        insp = inspect(engine)
        out: dict[str, Any] = {}
        for name, table in meta.tables.items():
            if name == migrate.VERSION_TABLE:
                continue
            out[name] = {
                "columns": [(c.name, str(c.type.compile(engine.dialect)), c.nullable) for c in table.columns],
                "pk": sorted(table.primary_key.columns.keys()),
                "fks": sorted((tuple(fk.column_keys), fk.referred_table.name) for fk in table.foreign_key_constraints),
                "unique": sorted(tuple(u["column_names"]) for u in insp.get_unique_constraints(name)),
                "indexes": sorted((i["name"], tuple(i["column_names"]), bool(i["unique"])) for i in insp.get_indexes(name)),
            }
            if engine.dialect.name == "sqlite":
                sql = engine.connect().execute(text("SELECT sql FROM sqlite_master WHERE name = :n"), {"n": name}).scalar()
                out[name]["sql"] = " ".join(str(sql).split())
        return out
    finally:
        engine.dispose()


@contextmanager
def another_database(url: str, tmp_path: Path) -> Iterator[str]:
    """A second empty database of the same kind as `url`."""
    if url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'other.db'}"
        return
    name, other = new_pg_database(PG_ADMIN_URL)
    try:
        yield other
    finally:
        drop_pg_database(PG_ADMIN_URL, name)


def test_revision_0001_is_the_schema_of_the_previous_release(database_url: str, tmp_path: Path) -> None:
    old.load(database_url)
    made_by_old_init = _schema(database_url)
    with another_database(database_url, tmp_path) as other:
        engine = make_engine(other)
        try:
            migrate.upgrade(engine, migrate.DataOptions(workflows_dir=Settings().workflows_dir), target="0001")
        finally:
            engine.dispose()
        assert _schema(other) == made_by_old_init


def test_every_case_audit_event_and_document_is_intact_after_the_upgrade(upgraded: Runtime, database_url: str) -> None:
    rt = upgraded
    assert migrate.status(rt.db).at_head and migrate.differences(rt.db) == []
    report = verify_audit(rt)
    assert report.intact and report.events == old.demo()["audit_events"] == len(old.rows("audit_events"))
    verified = runner.invoke(app, ["audit", "verify"], env={"REVIEW_WORKFLOW_DATABASE_URL": database_url})
    assert verified.exit_code == 0 and f"共 {report.events} 个事件" in verified.output
    renamed = {"hearing": "hearing_requested", "deciding": "deliberating"}
    with UnitOfWork(rt.sessions) as session:
        cases = {c.id: c for c in session.scalars(select(Instance))}
        assert sorted(cases) == [r["id"] for r in old.rows("workflow_instances")]
        for r in old.rows("workflow_instances"):
            c = cases[r["id"]]
            expected_state = renamed.get(r["state"], r["state"]) if r["workflow"] == "penalty_case" else r["state"]
            assert (c.workflow, c.title, c.party, c.version, c.audit_seq, c.last_event_hash, c.state) == (
                r["workflow"], r["title"], r["party"], r["version"], r["audit_seq"], r["last_event_hash"], expected_state
            )
            kept = set(rt.workflow(c.workflow).definition.case_fields) | {"decision_no", "filing_no"}
            assert set(c.data) <= kept and c.data == {k: v for k, v in r["data"].items() if k in kept}
        audit = {e.id: e for e in session.scalars(select(AuditEvent))}
        for r in old.rows("audit_events"):
            e = audit[r["id"]]
            assert (e.instance_id, e.seq, e.actor_id, e.event, e.from_state, e.to_state, e.payload, e.prev_hash, e.hash) == (
                r["instance_id"], r["seq"], r["actor_id"], r["event"], r["from_state"], r["to_state"], r["payload"], r["prev_hash"], r["hash"]
            )
            assert e.at == datetime.fromisoformat(r["at"])
        documents = {d.id: d for d in session.scalars(select(Document))}
        assert sorted(documents) == [r["id"] for r in old.rows("documents")]
        for r in old.rows("documents"):
            d = documents[r["id"]]
            assert (d.series, d.number, d.year, d.serial, d.kind, d.instance_id, d.sha256) == (
                "", r["number"], r["year"], r["serial"], r["kind"], r["instance_id"], r["sha256"]
            )
            assert hashlib.sha256(d.content).hexdigest() == d.sha256
        counters = {(c.agency_id, c.series, c.year): c.last for c in session.scalars(select(DocumentCounter))}
        assert counters == {(r["agency_id"], "", r["year"]): r["last"] for r in old.rows("document_counters")}


def test_event_records_are_rebuilt_from_the_audit_trail_and_data_keeps_only_case_fields(upgraded: Runtime) -> None:
    made = old.demo()["cases"]
    zhang = user_id("zhangwei")
    executed = case(upgraded, made["executed"])
    assert set(executed.events) == {"register", "notify", "ready_for_decision", "decide_penalty", "serve", "execute"}
    # The old merged data had the 送达 date over the 告知书's; the records keep both apart.
    assert executed.events["notify"]["served_on"] == "2026-01-31" and executed.events["serve"]["served_on"] == "2026-03-02"
    assert executed.events["decide_penalty"]["fine_amount"] == 8000.5
    assert executed.data == {
        "party_type": "organization", "party_address": "郑州市金水区某路1号", "legal_representative": "王某", "case_source": "监督检查",
        "decision_no": next(d["number"] for d in old.rows("documents") if d["instance_id"] == made["executed"] and d["kind"] == "penalty_decision"),
    }
    seqs = {r["event"]: r["seq"] for r in old.rows("audit_events") if r["instance_id"] == made["executed"]}
    assert {e: rec["seq"] for e, rec in executed.events.items()} == {e: s for e, s in seqs.items() if e != "start"}
    # Moved at 07:10 in Zhengzhou, 23:10 UTC the day before: `on` is the local day.
    investigating = case(upgraded, made["investigating"])
    register = next(r for r in old.rows("audit_events") if r["instance_id"] == made["investigating"] and r["event"] == "register")
    assert register["at"].startswith("2026-03-01T23:10")
    assert investigating.events["register"] == {
        "facts_brief": "监督检查中发现当事人涉嫌违法。", "register_basis": "《中华人民共和国行政处罚法》第五十四条",
        "major": False, "complex": False, "co_handler": "刘洋", "on": "2026-03-02", "by": zhang, "seq": 2,
    }
    # An auto event a child's end fired carries the child's id.
    passed = [r for r in old.rows("audit_events") if r["event"] == "review_passed"]
    assert passed
    for r in passed:
        record = case(upgraded, r["instance_id"]).events["review_passed"]
        assert record["child_id"] == r["payload"]["child_id"] and record["seq"] == r["seq"]
    # A legal review's summary and proposed decision are its case fields now (送审 updates them).
    review = next(r for r in old.rows("workflow_instances") if r["workflow"] == "major_decision_review" and r["state"] == "approved")
    migrated = case(upgraded, review["id"])
    assert set(migrated.data) == {"summary", "proposed_decision"} and "materials" in migrated.events["submit"]


def test_old_tokens_keep_working_as_named_tokens(upgraded: Runtime) -> None:
    demo = old.demo()["users"]
    assert tokens.authenticate(upgraded, demo["zhangwei"]["token"]) == user_id("zhangwei")
    with UnitOfWork(upgraded.sessions) as session:
        assert session.scalars(select(User.token_hash).where(User.token_hash.is_not(None))).all() == []
        migrated = session.scalars(select(ApiToken)).all()
        assert len(migrated) == len(old.rows("users"))
        assert {t.name for t in migrated} == {tokens.MIGRATED_NAME}
        assert {t.expires_at.date() for t in migrated} == {date(2026, 6, 1)}  # 90 days from the upgrade


def test_old_penalty_cases_in_flight_go_on_under_the_new_definition(upgraded: Runtime) -> None:
    rt, made = upgraded, old.demo()["cases"]
    zhang, head, li = user_id("zhangwei"), user_id("chenming"), user_id("lijing")

    def step(case_id: int, event: str, who: int, payload: dict[str, Any]) -> str:
        return fire(rt, case_id, event, who, payload, case(rt, case_id).version).state

    # 已告知 with a notice that offered a hearing: the party may still ask for one.
    assert case(rt, made["notified"]).events["notify"]["other_serious"] is True
    assert step(made["notified"], "request_hearing", zhang, {"requested_on": "2026-03-03"}) == "hearing_requested"
    # 待听证 → 已申请听证: the 90 days are paused from the request, then the hearing goes on.
    with UnitOfWork(rt.sessions) as session:
        period = session.scalars(
            select(Deadline).where(Deadline.instance_id == made["hearing"], Deadline.timer == "decision_period")
        ).one()
        assert (period.status, period.pauses) == ("paused", [["2026-03-02", None]])
        period_id, due_before = period.id, period.due
    hearing = {"notified_on": "2026-03-03", "hearing_date": "2026-03-13", "hearing_time": "上午9时",
               "hearing_place": "本局听证室", "host": li, "public": True}
    assert step(made["hearing"], "notify_hearing", zhang, hearing) == "hearing_scheduled"
    pin_clock(rt, "2026-03-13T15:00:00")
    held = {"held_on": "2026-03-13", "attendees": ["当事人"], "investigator_case": "事实清楚", "party_defence": "请求从轻",
            "record_summary": "要点", "opinion": "维持", "signed": True}
    attach_file(rt, zhang, made["hearing"], "听证录像.mp4", [recorded_video()])  # 听证全程音像记录
    assert step(made["hearing"], "hold_hearing", zhang, held) == "heard"
    with UnitOfWork(rt.sessions) as session:
        period = session.get(Deadline, period_id)
        assert period is not None and period.status == "open" and period.pauses == [["2026-03-02", "2026-03-13"]]
        assert period.due > due_before
    # 待作出决定 → 拟定处理意见: the head decides on the proposal (处罚决定审批表) made now.
    proposal = {"outcome": "给予行政处罚", "facts": "事实", "legal_basis": "依据", "discretion": "裁量", "penalty_types": ["罚款"],
                "fine_amount": 8000, "penalty_content": "罚款人民币八千元。", "review_body": "郑州市人民政府",
                "court": "郑州市中原区人民法院", "complex": False}
    with pytest.raises(Exception, match="拟处理意见"):
        step(made["deciding"], "decide_penalty", head, {"decision_date": "2026-03-13"})
    assert step(made["deciding"], "propose_decision", zhang, proposal) == "deliberating"
    assert step(made["deciding"], "decide_penalty", head, {"decision_date": "2026-03-13"}) == "decided"
    with UnitOfWork(rt.sessions) as session:
        numbers = session.scalars(
            select(Document.number).where(Document.instance_id == made["deciding"], Document.series == "罚")
        ).all()
    assert numbers == ["郑市监罚〔2026〕1号"]  # the new series starts at 1 beside the old single series
    # 已执行: the handler reports, the head approves the closing.
    assert step(made["executed"], "propose_close", zhang, {"execution": "已缴纳罚款", "closing_note": "结案"}) == "executed"
    assert step(made["executed"], "close", head, {}) == "closed"
    assert verify_audit(rt).intact


def test_upgrading_twice_changes_nothing_and_an_unknown_workflow_stops_it(database_url: str, tmp_path: Path) -> None:
    old.load(database_url)
    rt = runtime(database_url)
    try:
        elsewhere = migrate.DataOptions(workflows_dir=tmp_path)
        with pytest.raises(migrate.SchemaError, match="没有这些流程"):
            migrate.upgrade(rt.db, elsewhere)
        assert migrate.status(rt.db).unversioned  # rolled back whole, the version stamp included
        migrate.upgrade(rt.db, schema_options(rt))
        before, after = migrate.upgrade(rt.db, schema_options(rt))
        assert before.at_head and after.at_head
    finally:
        rt.db.dispose()
