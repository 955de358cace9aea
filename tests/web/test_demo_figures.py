"""The supervisor's figures on the demo data (`review-workflow demo`, made on 2026-03-02 and read ten days
later): the on-time rates of legal review, filing and disclosure, the overdue list, and whose figures a
filing office sees — on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from review_workflow.runtime import Runtime
from review_workflow.services import accounts, reports, worklist
from review_workflow.services.demo import load_demo
from review_workflow.services.tokens import authenticate
from tests.conftest import pin_clock
from tests.web.conftest import PASSWORD, Visitor, text_of


@pytest.fixture
def demo(rt: Runtime) -> dict[str, int]:
    """The demo on 2026-03-02; the clock then moves to 2026-03-12. {username: user id}."""
    tokens: dict[str, dict[str, Any]] = load_demo(rt)
    pin_clock(rt, "2026-03-12T09:30:00")
    return {name: authenticate(rt, t["token"]) for name, t in tokens.items()}


def _figures(series: list[reports.ComplianceSeries]) -> dict[str, tuple[int, int, int]]:
    return {s.key: (s.met, s.late, s.missing) for s in series}


def test_review_filing_and_disclosure_rates_on_the_demo(rt: Runtime, demo: dict[str, int]) -> None:
    series = reports.compliance_by_month(rt, demo["zhaolei"], months=3)
    assert [s.key for s in series] == ["legal_review", "filing", "disclosure"]
    # reviews: four decided on time (two demo reviews, the two major penalties' reviews), none late;
    # filing: the accepted one filed the day of its decision, the other still inside its 15 days;
    # disclosure: three published the day of their decision (one of a case closed that day for 案卷评查),
    # the major penalty's ran out on 03-11.
    assert _figures(series) == {"legal_review": (4, 0, 0), "filing": (1, 0, 0), "disclosure": (3, 0, 1)}
    march = {s.key: s.months[-1] for s in series}
    assert [m.month for m in series[0].months] == ["2026-01", "2026-02", "2026-03"]
    assert march["disclosure"].rate == pytest.approx(3 / 4) and march["filing"].rate == 1.0
    assert all(m.met + m.late + m.missing == 0 for s in series for m in s.months[:-1])


def test_a_partys_window_is_neither_overdue_nor_an_on_time_figure(rt: Runtime, demo: dict[str, int]) -> None:
    """某商店销售无标签食品案 is notified and its party's 5 working days ran out long ago: that is not the
    agency being late."""
    overdue = [(d.case_title, d.deadline.timer) for d in reports.overdue_deadlines(rt, demo["zhaolei"])]
    assert sorted(overdue) == sorted(
        [
            ("某药店销售假药案", "supplement_period"),
            ("某乳业公司生产不符合安全标准乳制品案", "service_period"),
            ("某乳业公司生产不符合安全标准乳制品案", "disclosure_period"),
            ("王某某无证经营食品案", "service_period"),
            ("某饮料公司使用过期原料案", "service_period"),
        ]
    )
    timers = {s.timer for s in reports.on_time_by_month(rt, demo["zhaolei"])}
    assert "statement_period" not in timers and "performance_period" not in timers
    task = next(
        t for t in worklist.my_tasks(rt, demo["liuyang"]).data if t.case.title == "某商店销售无标签食品案"
    )
    assert task.urgency == "normal"  # not red in the inbox either: only the 90 days to decide run
    assert [r.deadline.timer for r in task.deadlines] == ["decision_period"]


def test_a_filing_office_sees_the_filings_addressed_to_it(rt: Runtime, demo: dict[str, int]) -> None:
    assert reports.scope_title(rt, demo["wuhua"]) == "郑州市司法局（含报送本机关的案件）"
    series = _figures(reports.compliance_by_month(rt, demo["wuhua"]))
    assert series == {"legal_review": (0, 0, 0), "filing": (1, 0, 0), "disclosure": (0, 0, 0)}


def test_the_dashboard_shows_the_three_rates_by_month(
    rt: Runtime, demo: dict[str, int], visitor: Callable[..., Visitor]
) -> None:
    accounts.set_password(rt, demo["zhaolei"], PASSWORD)
    v = visitor()
    v.login("zhaolei")
    html = v.get("/dashboard").text
    section = html[html.index('data-testid="compliance"') : html.index('data-testid="on-time"')]
    text = text_of(section)
    assert "法制审核 100%" in text and "重大行政处罚备案 100%" in text and "行政执法公示 75%" in text
    assert "按时公示 3，逾期公示 0，逾期未公示 1" in text
    assert re.search(r"2026-03 100% （4/0/0） 100% （1/0/0） 75% （3/0/1）", text)
    assert section.count('<svg class="chart"') == 3
    others = text_of(html[html.index('data-testid="on-time"') :])
    assert "陈述申辩和听证申请期间" not in others and "法制审核期限" not in others


def test_the_demo_obeys_the_procedure_it_shows(rt: Runtime, demo: dict[str, int]) -> None:
    """立案, decisions and 结案 by the agency head; no date before the step it follows, none in the future."""
    from sqlalchemy import select

    from review_workflow.storage.models import AuditEvent, Instance, User

    with rt.sessions() as session:
        heads = {u.id for u in session.scalars(select(User)).unique() if "agency_head" in u.roles}
        rows = session.execute(
            select(AuditEvent.event, AuditEvent.actor_id, Instance.workflow, Instance.events)
            .join(Instance, Instance.id == AuditEvent.instance_id)
            .where(Instance.workflow == "penalty_case")
        ).all()
    decided = [(event, actor) for event, actor, _, _ in rows if event in ("register", "decide_penalty", "decide_no_penalty", "close")]
    assert decided and all(actor in heads for _, actor in decided)
    for _, _, _, events in rows:
        register, notify = events.get("register"), events.get("notify")
        if register and notify:
            assert register["on"] <= notify["served_on"] <= "2026-03-02"
        if "decide_penalty" in events:
            assert events["propose_decision"]["on"] <= events["decide_penalty"]["decision_date"] <= "2026-03-02"


def test_the_demo_year_has_annual_figures_and_a_rubric(rt: Runtime, demo: dict[str, int]) -> None:
    """2026 for 郑州市市场监督管理局: four penalties (two major, reviewed; one ¥2,000 case closed and drawn for
    案卷评查), a filing accepted and one running, the major penalty's disclosure run out on 03-11 — so 公示
    is not running (−3) and the rate is 3/4; evaluated in 2026 but not in 2024 or 2025 (−4)."""
    from sqlalchemy import select

    from review_workflow.services import supervision
    from review_workflow.storage.models import Agency

    with rt.sessions() as session:
        agency = session.scalar(select(Agency.id).where(Agency.name == "郑州市市场监督管理局"))
    assert agency is not None
    report = supervision.annual_report(rt, demo["zhaolei"], agency, 2026)
    assert (report.penalties.decisions, report.penalties.major, report.penalties.fines) == (4, 2, 407000)
    assert (report.filings.on_time, report.filings.pending, report.disclosures.missing) == (1, 1, 1)
    assert report.reviews.rate == 1.0 and report.submission.state == "not_due"
    rubric = supervision.rubric_of(rt, demo["zhaolei"], agency, 2026)
    assert {i.key: i.deduction for i in rubric.items} == {
        "major_penalty_filing": 0,
        "statistics_report": 0,
        "officers_active": 0,
        "three_systems": 3,
        "case_file_zero_score": 0,
        "case_file_evaluation_yearly": 4,
    }
    assert rubric.disclosure_rate == pytest.approx(3 / 4) and [o.name for o in rubric.sample.officers] == ["张伟", "刘洋", "王芳", "李静"]
