"""案卷评查 through the API, on SQLite and PostgreSQL: the 司法局 draws closed penalty files, its evaluator
marks every item of the scoring sheet, the engine derives the score (a file failing a 基础标准 item scores
0 and is flagged), the results go to the agency's 法制机构, whose rectification is tracked to its end."""

from __future__ import annotations

import io
import random
from pathlib import Path
from typing import Any

import pytest
from docx import Document as Docx
from fastapi.testclient import TestClient
from sqlalchemy import select

from review_workflow.core.loader import parse_definition
from review_workflow.runtime import Runtime
from review_workflow.services import evaluations
from review_workflow.storage.db import UnitOfWork
from review_workflow.storage.models import Document, Instance, Notification
from tests.api.conftest import assert_error, auth, detail, fire, move, ok
from tests.api.evaluation import add_evaluator, closed_files, marks
from tests.api.penalty import clock, decided_minor
from tests.conftest import People, Person, add_person, pin_clock


def scoring(failed: tuple[str, ...] = (), deductions: dict[str, float] | None = None, **extra: Any) -> dict[str, Any]:
    return {"marks": marks(failed, deductions), "opinion": "案卷总体规范。", **extra}


@pytest.fixture
def evaluator(rt: Runtime, people: People) -> Person:
    return add_evaluator(rt, people)


def closed_penalty(client: TestClient, people: People) -> dict[str, Any]:
    """A ¥5,000 penalty on an individual, decided, served, executed and closed on 2026-01-20."""
    case = decided_minor(client, people)
    clock(client, "2026-01-20T09:00:00")
    served = {"served_on": "2026-01-14", "method": "直接送达", "recipient": "王某某", "served_documents": ["行政处罚决定书"]}
    case = move(client, people.handler, case, "serve", served)
    case = move(client, people.handler, case, "execute", {"executed_on": "2026-01-19", "execution_method": "自觉履行"})
    case = move(client, people.handler, case, "propose_close", {"execution": "已缴清罚款。", "closing_note": "建议结案。"})
    return move(client, people.agency_head, case, "close", {"opinion": "同意结案。"})


def draw(client: TestClient, p: Person, agency: int, count: int, year: int = 2026) -> Any:
    return client.post("/api/evaluations/draw", json={"year": year, "agency": agency, "count": count}, headers=auth(p))


def test_an_evaluation_runs_from_the_draw_to_the_accepted_rectification(
    client: TestClient, rt: Runtime, people: People, evaluator: Person
) -> None:
    penalty = closed_penalty(client, people)
    drawn = ok(draw(client, people.supervisor, people.agency_id, 5))
    assert drawn["pool"] == 1 and [(f["case_id"], f["new"]) for f in drawn["drawn"]] == [(penalty["id"], True)]
    case = detail(client, people.supervisor, drawn["drawn"][0]["evaluation_id"])
    assert (case["state"], case["data"]["evaluated_case"], case["data"]["year"]) == ("drawn", penalty["id"], 2026)
    assert [r["id"] for r in case["related"]] == [penalty["id"]]
    # The evaluated case reads its evaluation (case_of), for its own agency too.
    assert [r["workflow"] for r in detail(client, people.handler, penalty["id"])["related"]] == ["case_file_evaluation"]

    clock(client, "2026-04-01T09:00:00")
    problems = [{"item": "裁量基准运用适当，说明裁量理由", "problem": "未说明裁量理由"}]
    case = move(client, evaluator, case, "score", scoring(deductions={"discretion": 5, "pages_bound": 2}, problems=problems))
    assert (case["state"], case["data"]["score"], case["data"]["zero_score"]) == ("scored", 93, False)
    assert case["data"]["failed_basic"] == []
    # A file with problems is rectified: it cannot be closed without.
    r = fire(client, people.supervisor, case, "send_results_no_rectification", {})
    assert "应当限期整改" in assert_error(r, 403, "guard_rejected")["message"]
    case = move(client, people.supervisor, case, "send_results", {"requirements": "补充说明裁量理由，规范装订。"})
    assert case["state"] == "rectifying"
    full = detail(client, people.legal_head, case["id"])
    [period] = full["deadlines"]
    assert (period["timer"], period["due"], period["responsible"]["id"]) == ("rectification_period", "2026-05-06", people.legal_head.id)
    with UnitOfWork(rt.sessions) as session:  # the agency's 法制机构 is told in its inbox
        told = session.scalars(select(Notification).where(Notification.instance_id == case["id"])).all()
        assert {(n.recipient_id, n.kind) for n in told if n.channel == "in_app"} == {(people.legal_head.id, "case_event")}
        result = session.scalars(select(Document).where(Document.instance_id == case["id"], Document.kind == "evaluation_result")).one()
        number, notice = result.number, Docx(io.BytesIO(result.content))
    text = "\n".join(p.text for p in notice.paragraphs)
    cells = "\n".join(c.text for t in notice.tables for row in t.rows for c in row.cells)
    assert number == "豫司评查〔2026〕1号"
    assert "评查得分：93分" in text and "2026年5月6日前" in text and "未说明裁量理由" in cells

    pin_clock(rt, "2026-04-20T09:00:00")
    report = {"rectified_on": "2026-04-18", "report": "已补充裁量说明，重新装订。"}
    case = move(client, people.legal_head, case, "report_rectification", report)
    case = move(client, people.supervisor, case, "return_rectification", {"reasons": "裁量说明仍不完整。"})
    assert case["state"] == "rectifying"
    case = move(client, people.legal_head, case, "report_rectification", {**report, "rectified_on": "2026-04-20"})
    case = move(client, people.supervisor, case, "accept_rectification", {"opinion": "整改到位。"})
    assert case["state"] == "closed" and case["final"]
    statuses = [d["status"] for d in detail(client, people.supervisor, case["id"])["deadlines"]]
    assert statuses == ["met", "met"]
    assert [(r.score, r.zero_score, r.state) for r in results(rt, people.agency_id)] == [(93, False, "closed")]


def results(rt: Runtime, agency_id: int, year: int = 2026) -> list[evaluations.EvaluationResult]:
    with UnitOfWork(rt.sessions) as session:
        return evaluations.evaluation_results(session, agency_id, year)


def test_a_file_failing_a_basic_item_scores_zero_and_is_flagged(
    client: TestClient, rt: Runtime, people: People, evaluator: Person
) -> None:
    closed_files(rt, people, 2)
    first, second = ok(draw(client, people.supervisor, people.agency_id, 2))["drawn"]
    zero = move(client, evaluator, detail(client, evaluator, first["evaluation_id"]), "score", scoring(failed=("legal_basis",)))
    assert (zero["data"]["score"], zero["data"]["zero_score"]) == (0, True)
    assert zero["data"]["failed_basic"] == ["有法律依据，未适用已废止或错误的法律、条款"]
    move(client, evaluator, detail(client, evaluator, second["evaluation_id"]), "score", scoring())
    r = fire(client, people.supervisor, zero, "send_results_no_rectification", {})
    assert "0分案卷必须限期整改" in assert_error(r, 403, "guard_rejected")["message"]

    listed = ok(client.get("/api/evaluations", params={"year": 2026, "agency": people.agency_id}, headers=auth(people.legal_head)))
    assert [(x["evaluation_id"], x["score"], x["zero_score"]) for x in listed] == [
        (first["evaluation_id"], 0, True), (second["evaluation_id"], 100, False)
    ]
    with UnitOfWork(rt.sessions) as session:
        items = {i["key"]: i for i in evaluations.evaluation_rubric_items(session, people.agency_id, 2026)}
        sheet = Docx(io.BytesIO(session.scalars(select(Document).where(Document.instance_id == first["evaluation_id"])).one().content))
    cells = [c.text for t in sheet.tables for row in t.rows for c in row.cells]
    assert (items["case_file_zero_score"]["deduction"], items["case_file_zero_score"]["cases"]) == (100, [first["evaluation_id"]])
    assert "不符合" in cells and "评查得分：0分（0分案卷）" in "\n".join(p.text for p in sheet.paragraphs)
    # 每缺一年扣2分: 2026 evaluated, 2024 and 2025 not.
    assert items["case_file_evaluation_yearly"]["deduction"] == 4 and "2024年：缺" in items["case_file_evaluation_yearly"]["detail"]
    # The rubric the 司法局 reads carries both: 扣100分 beyond the item's own points, and 4 for the missing years.
    rubric = ok(client.get("/api/reports/rubric", params={"year": 2026, "agency": people.agency_id}, headers=auth(people.supervisor)))
    scored = {i["key"]: i for i in rubric["items"]}
    zero_item = scored["case_file_zero_score"]
    assert (zero_item["deduction"], zero_item["score"], zero_item["findings"][0]["case_ids"]) == (100, 0, [first["evaluation_id"]])
    assert scored["case_file_evaluation_yearly"]["deduction"] == 4
    assert rubric["deduction"] == sum(i["deduction"] for i in rubric["items"]) >= 104


@pytest.mark.parametrize(
    ("body", "why"),
    [
        ({"score": 100}, "a score sent beside the marks"),
        ({"zero_score": False}, "the flag sent beside the marks"),
        ({"marks": {**marks(), "score": 100}}, "a score slipped inside the marks"),
        ({"marks": {**marks(), "basic": {**marks()["basic"], "extra_item": True}}}, "an item the sheet has not"),
        ({"marks": {**marks(), "general": {**marks()["general"], "discretion": 11}}}, "more than the item's points"),
        ({"marks": {**marks(), "general": {**marks()["general"], "discretion": -1}}}, "a negative deduction"),
        ({"marks": {"basic": marks()["basic"], "general": {}}}, "items left unmarked"),
        ({"marks": {**marks(), "basic": {**marks()["basic"], "facts_clear": "true"}}}, "a pass written as text"),
    ],
)
def test_the_derived_score_cannot_be_forged(
    client: TestClient, rt: Runtime, people: People, evaluator: Person, body: dict[str, Any], why: str
) -> None:
    closed_files(rt, people, 1)
    [f] = ok(draw(client, people.supervisor, people.agency_id, 1))["drawn"]
    case = detail(client, evaluator, f["evaluation_id"])
    assert_error(fire(client, evaluator, case, "score", {**scoring(), **body}), 422, "invalid_payload")
    assert "score" not in detail(client, evaluator, case["id"])["data"], why


def test_an_evaluation_is_started_only_by_a_draw_and_names_a_visible_penalty_case(
    client: TestClient, rt: Runtime, people: People
) -> None:
    [penalty] = closed_files(rt, people, 1)
    start = {"workflow": "case_file_evaluation", "title": "评查", "party": "某", "year": 2026}
    r = client.post("/api/cases", json={**start, "evaluated_case": penalty, "score": 100}, headers=auth(people.supervisor))
    assert_error(r, 422, "invalid_payload")
    for missing in (2**31 - 1, 987654):
        r = client.post("/api/cases", json={**start, "evaluated_case": missing}, headers=auth(people.supervisor))
        assert "不存在或无权查看" in assert_error(r, 422, "invalid_payload")["message"]
    assert_error(client.post("/api/cases", json={**start, "evaluated_case": 2**31}, headers=auth(people.supervisor)), 422, "invalid_payload")
    r = client.post("/api/cases", json={**start, "evaluated_case": penalty}, headers=auth(people.supervisor))
    assert "抽取案卷" in assert_error(r, 403, "guard_rejected")["message"]


def test_a_draw_is_reproducible_and_never_starts_a_file_twice(client: TestClient, rt: Runtime, people: People) -> None:
    pool = closed_files(rt, people, 8)
    closed_files(rt, people, 2, closed_on="2025-12-30")  # another year's files are not in 2026's pool
    order = sorted(pool)
    random.Random(f"2026:{people.agency_id}").shuffle(order)
    first = ok(draw(client, people.supervisor, people.agency_id, 3))
    assert first["pool"] == 8 and [f["case_id"] for f in first["drawn"]] == order[:3]
    again = ok(draw(client, people.supervisor, people.agency_id, 3))
    assert again["drawn"] == [{**f, "new": False} for f in first["drawn"]]
    more = ok(draw(client, people.supervisor, people.agency_id, 5))
    assert [f["case_id"] for f in more["drawn"]] == order[:5] and [f["new"] for f in more["drawn"]] == [False] * 3 + [True] * 2
    with UnitOfWork(rt.sessions) as session:
        started = session.scalars(select(Instance.id).where(Instance.workflow == "case_file_evaluation")).all()
    assert len(started) == 5
    assert evaluations.seeded_order(list(reversed(pool)), 2026, people.agency_id) == order  # ids in any order


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"year": 2026, "agency": "A", "count": 0}, 422, "invalid_request"),
        ({"count": 0}, 422, "invalid_request"),
        ({"count": 51}, 422, "invalid_request"),
        ({"count": True}, 422, "invalid_request"),
        ({"count": "3"}, 422, "invalid_request"),
        ({"year": 1999}, 422, "invalid_request"),
        ({"agency": 2**31}, 422, "invalid_request"),
        ({"seed": 7}, 422, "invalid_request"),
        ({"agency": 987654}, 404, "not_found"),
    ],
)
def test_a_draw_refuses_bad_input_clearly(
    client: TestClient, people: People, body: dict[str, Any], status: int, code: str
) -> None:
    sent = {"year": 2026, "agency": people.agency_id, "count": 3, **body}
    r = client.post("/api/evaluations/draw", json=sent, headers=auth(people.supervisor))
    assert_error(r, status, code)


def test_only_a_supervisor_covering_the_agency_draws(client: TestClient, rt: Runtime, people: People) -> None:
    zhengzhou = add_person(rt, "jiandu", people.filing_office_id, ("supervisor",), name="郑州监督")
    assert_error(draw(client, zhengzhou, people.other_agency_id, 3), 404, "not_found")  # another city's
    assert_error(draw(client, people.legal_head, people.agency_id, 3), 403, "not_permitted")
    assert ok(draw(client, zhengzhou, people.agency_id, 3))["drawn"] == []  # nothing closed yet
    r = client.get("/api/evaluations", params={"year": 2026, "agency": people.agency_id}, headers=auth(people.outsider))
    assert_error(r, 404, "not_found")


def test_every_state_of_the_evaluation_reaches_a_lawful_end() -> None:
    d = parse_definition(Path("workflows/case_file_evaluation.yaml"))
    lawful = {"closed"}
    reach = set(lawful)
    changed = True
    while changed:
        changed = False
        for t in d.transitions:
            if t.event == "cancel" or t.dest not in reach:
                continue
            for s in t.sources:
                if s not in reach:
                    reach.add(s)
                    changed = True
    assert reach == {s for s in d.states if s != "cancelled"}
