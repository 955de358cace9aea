"""A process the engine has never seen — 行政许可, `tests/fixtures/licensing/` — runs end to end from YAML and
a template alone: its own role, an event that stays in place, a date-comparison guard on the statutory
calendar, a timer that pauses and resumes, and a timer that fires an event when it runs out.

The clock starts on Monday 2026-03-02 (Beijing); March and April 2026 have no holidays but 清明 (4-4..4-6).
"""

from __future__ import annotations

import io
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import docx
import pytest

from review_workflow.config import PROJECT_ROOT
from review_workflow.core.documents import document_text
from review_workflow.core.errors import GuardRejected, NotPermitted
from review_workflow.runtime import Runtime
from review_workflow.schemas import CasePublic, DeadlinePublic
from review_workflow.services import alerts, queries
from review_workflow.services.admin import NewUser, create_agency, create_user
from review_workflow.services.cases import fire, start_case
from tests.conftest import VALID_CERT, make_runtime, pin_clock

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "licensing"
TEMPLATE_TEXT = "受理通知书：{{ case.party }}申请的{{ data.item }}，已于{{ (events.accept.on or events.deem_accepted.on)|cn_date }}受理。"


def _template(path: Path) -> None:
    document = docx.Document()
    document.add_paragraph(TEMPLATE_TEXT)
    document.save(str(path))


@pytest.fixture
def licensing(database_url: str, tmp_path: Path) -> Iterator[Runtime]:
    """A runtime whose workflows are the fixture process and the shipped roles, nothing else."""
    flows, templates = tmp_path / "workflows", tmp_path / "templates"
    flows.mkdir()
    templates.mkdir()
    shutil.copy(FIXTURE / "licensing_case.yaml", flows)
    shutil.copy(PROJECT_ROOT / "workflows" / "roles.yaml", flows)
    _template(templates / "acceptance_notice.docx")
    rt = make_runtime(database_url, workflows_dir=flows, templates_dir=templates)
    yield rt
    rt.db.dispose()


class Office:
    def __init__(self, rt: Runtime) -> None:
        agency = create_agency(rt, "郑州市行政审批服务局", "郑审批")
        self.handler, _ = create_user(
            rt, NewUser("zhang", "张伟", agency, ("handler",), certificate_no="豫执001", **VALID_CERT)  # type: ignore[arg-type]
        )
        self.officer, _ = create_user(rt, NewUser("qian", "钱审查", agency, ("licensing_officer",)))
        self.head, _ = create_user(rt, NewUser("chen", "陈明", agency, ("agency_head",)))


def decision_period(rt: Runtime, o: Office, case_id: int) -> DeadlinePublic:
    [row] = [d for d in queries.get_case(rt, o.handler, case_id).deadlines if d.timer == "decision_period"]
    return row


def applied(rt: Runtime, o: Office) -> CasePublic:
    return start_case(rt, o.handler, "licensing_case", "某公司食品经营许可申请", "某食品有限公司", {"item": "食品经营许可"})


def test_the_process_brings_its_own_role(licensing: Runtime) -> None:
    assert licensing.role_title("licensing_officer") == "许可审查人员"
    o = Office(licensing)
    c = applied(licensing, o)
    with pytest.raises(NotPermitted, match="许可审查人员"):
        fire(licensing, c.id, "accept", o.handler, {}, c.version)
    assert fire(licensing, c.id, "accept", o.officer, {}, c.version).state == "accepted"


def test_an_application_not_answered_in_five_working_days_is_deemed_accepted_by_the_engine(licensing: Runtime) -> None:
    o = Office(licensing)
    c = applied(licensing, o)
    pin_clock(licensing, "2026-03-09T09:00:00")  # the window runs to 3-9: not yet out
    alerts.sweep(licensing)
    assert queries.get_case(licensing, o.handler, c.id).state == "applied"
    pin_clock(licensing, "2026-03-10T09:00:00")
    alerts.sweep(licensing)
    case = queries.get_case(licensing, o.handler, c.id)
    assert case.state == "accepted"
    assert case.events["deem_accepted"]["on"] == "2026-03-10" and case.events["deem_accepted"]["by"] is None
    assert [(h.event, h.actor) for h in case.history][-1] == ("deem_accepted", None)
    [notice] = case.documents
    _, content = queries.get_document(licensing, o.handler, c.id, notice.id)
    assert document_text(content) == "受理通知书：某食品有限公司申请的食品经营许可，已于2026年3月10日受理。"
    assert decision_period(licensing, o, c.id).start == date(2026, 3, 10)
    alerts.sweep(licensing)  # once: the case has moved on
    assert len(queries.get_case(licensing, o.handler, c.id).history) == len(case.history)


def test_an_event_without_a_destination_stays_and_a_hearing_notice_needs_seven_working_days(
    licensing: Runtime,
) -> None:
    o = Office(licensing)
    c = applied(licensing, o)
    c = fire(licensing, c.id, "accept", o.officer, {}, c.version)
    too_soon = {"notified_on": "2026-03-02", "hearing_date": "2026-03-10"}  # 6 working days after
    with pytest.raises(GuardRejected, match="七个工作日前"):
        fire(licensing, c.id, "notify_hearing", o.officer, too_soon, c.version)
    over_a_holiday = {"notified_on": "2026-03-31", "hearing_date": "2026-04-08"}  # 清明 4-4..4-6: 5 working days
    with pytest.raises(GuardRejected, match="七个工作日前"):
        fire(licensing, c.id, "notify_hearing", o.officer, over_a_holiday, c.version)
    c = fire(licensing, c.id, "notify_hearing", o.officer, {"notified_on": "2026-03-02", "hearing_date": "2026-03-11"}, c.version)
    assert (c.state, c.version) == ("accepted", 3)
    assert c.events["notify_hearing"]["hearing_date"] == "2026-03-11"


def test_expert_appraisal_pauses_the_period_and_an_extension_stays_in_place(licensing: Runtime) -> None:
    o = Office(licensing)
    c = applied(licensing, o)
    c = fire(licensing, c.id, "accept", o.officer, {}, c.version)
    assert decision_period(licensing, o, c.id).due == date(2026, 3, 30)  # 20 working days from 3-2
    pin_clock(licensing, "2026-03-05T10:00:00")
    c = fire(licensing, c.id, "start_appraisal", o.officer, {}, c.version)
    paused = decision_period(licensing, o, c.id)
    assert (paused.status, paused.outcome, paused.overdue) == ("paused", "pending", False)
    pin_clock(licensing, "2026-04-20T10:00:00")  # long past the old due date: paused, so nobody is alerted
    assert alerts.sweep(licensing).overdue == 0
    c = fire(licensing, c.id, "finish_appraisal", o.officer, {"conclusion": "符合条件"}, c.version)
    resumed = decision_period(licensing, o, c.id)
    # 3-6..4-20 are excluded: 31 working days (清明 4-4..4-6 rests) → 20 + 31 working days from 3-2,
    # over 劳动节 (5-1..5-5)
    assert resumed.status == "open" and resumed.pauses == [[date(2026, 3, 5), date(2026, 4, 20)]]
    assert resumed.due == date(2026, 5, 15)
    c = fire(licensing, c.id, "extend", o.head, {"reason": "情况复杂，经负责人批准"}, c.version)
    assert c.state == "accepted" and decision_period(licensing, o, c.id).due == date(2026, 5, 29)
    with pytest.raises(GuardRejected, match="已延长过"):
        fire(licensing, c.id, "extend", o.head, {"reason": "再延"}, c.version)
    c = fire(licensing, c.id, "grant", o.officer, {}, c.version)
    ended = decision_period(licensing, o, c.id)
    assert (c.state, ended.outcome) == ("granted", "on_time")


def test_the_document_is_a_real_docx(licensing: Runtime) -> None:
    o = Office(licensing)
    c = applied(licensing, o)
    fire(licensing, c.id, "accept", o.officer, {}, c.version)
    [notice] = queries.get_case(licensing, o.handler, c.id).documents
    _, content = queries.get_document(licensing, o.handler, c.id, notice.id)
    assert docx.Document(io.BytesIO(content)).paragraphs[0].text.startswith("受理通知书：某食品有限公司")
