"""统计年报 and the rubric (issue 14, points 3 and 4) over HTTP, on SQLite and PostgreSQL: cases built for
2026 through the API, then the figures, the deductions and the cases behind them, the .xlsx opened and
read, the submission recorded, the alerts of the 31 January deadline, and who may see what."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import select

from review_workflow.runtime import Runtime
from review_workflow.services import annual_reports, rubric, tokens
from review_workflow.storage.db import UnitOfWork
from review_workflow.storage.models import Notification
from tests.api.conftest import assert_error, auth, child, move, ok
from tests.api.penalty import decided_major, decided_minor
from tests.conftest import VALID_CERT, People, Person, add_person, pin_clock

USERNAMES = {"handler": "zhang", "legal_head": "li", "supervisor": "zhao", "outsider": "sun", "reviewer": "wang"}


def later(rt: Runtime, people: People, moment: str) -> None:
    """Move the clock past the tokens' lifetime: the people tests speak as get fresh tokens."""
    pin_clock(rt, moment)
    for attr, username in USERNAMES.items():
        getattr(people, attr).token = tokens.create_token(rt, username, f"至{moment[:10]}")[1]


def annual(client: TestClient, p: Person, agency: int, year: int = 2026, **extra: str) -> Any:
    return client.get("/api/reports/annual", params={"year": year, "agency": agency, **extra}, headers=auth(p))


def rubric_for(client: TestClient, p: Person, agency: int, year: int = 2026, **extra: str) -> Any:
    return client.get("/api/reports/rubric", params={"year": year, "agency": agency, **extra}, headers=auth(p))


def submit(client: TestClient, p: Person, agency: int, year: int = 2026) -> Any:
    return client.post("/api/reports/annual/submission", json={"year": year, "agency": agency}, headers=auth(p))


def item(result: dict[str, Any], key: str) -> dict[str, Any]:
    [found] = [i for i in result["items"] if i["key"] == key]
    return found


@pytest.fixture
def year_2026(client: TestClient, rt: Runtime, people: People) -> dict[str, Any]:
    """A major penalty never filed (¥200,000, reviewed), a minor one (¥5,000) never disclosed, an idle
    certified officer; the table submitted on 2027-02-05, after its 31 January deadline."""
    major = decided_major(client, people)
    minor = decided_minor(client, people)
    idle = add_person(rt, "qian", people.agency_id, ("handler",), name="钱进", certificate_no="豫执009", **VALID_CERT)
    later(rt, people, "2027-02-05T10:00:00")
    submission = ok(submit(client, people.legal_head, people.agency_id), 201)
    return {"major": major, "minor": minor, "idle": idle, "submission": submission}


def test_the_annual_statistics_count_the_years_decisions_by_type_with_amounts(
    client: TestClient, people: People, year_2026: dict[str, Any]
) -> None:
    body = ok(annual(client, people.supervisor, people.agency_id))
    p = body["penalties"]
    assert (p["decisions"], p["fines"], p["confiscations"], p["major"]) == (2, 205000, 0, 1)
    assert {t["type"]: t["count"] for t in p["by_type"]}["罚款"] == 2
    assert sorted(p["case_ids"]) == sorted([year_2026["major"]["id"], year_2026["minor"]["id"]])
    assert body["reviews"] | {"concluded": 1} == {"concluded": 1, "returned": 0, "required": 1, "reviewed": 1, "rate": 1.0}
    f = body["filings"]
    assert (f["total"], f["on_time"], f["late"], f["missing"]) == (1, 0, 0, 1)
    d = body["disclosures"]
    assert (d["total"], d["missing"], d["rate"]) == (2, 2, 0.0)
    assert body["officers"]["certified"] == 3  # 张伟, 刘洋, 钱进 (马强's expired on 2025-12-31)
    assert body["submission"]["state"] == "late" and body["submission"]["submitted_by"]["name"] == "李静"


def test_the_year_before_counts_nothing(client: TestClient, people: People, year_2026: dict[str, Any]) -> None:
    body = ok(annual(client, people.legal_head, people.agency_id, year=2025))
    assert body["penalties"]["decisions"] == 0 and body["filings"]["total"] == 0
    assert body["submission"]["state"] == "overdue"


def test_the_rubric_takes_six_for_a_filing_missing_and_one_for_a_late_table(
    client: TestClient, people: People, year_2026: dict[str, Any]
) -> None:
    body = ok(rubric_for(client, people.supervisor, people.agency_id))
    filing = item(body, "major_penalty_filing")
    assert (filing["deduction"], filing["score"]) == (6, 0)
    [finding] = filing["findings"]
    assert finding["points"] == 6 and year_2026["major"]["id"] in finding["case_ids"]
    table = item(body, "statistics_report")
    assert (table["deduction"], [f["points"] for f in table["findings"]]) == (1, [1])
    idle = item(body, "officers_active")
    assert idle["deduction"] == 1 and idle["findings"][0]["officer_ids"] == [year_2026["idle"].id]
    systems = item(body, "three_systems")
    assert systems["deduction"] == 3 and "公示" in systems["findings"][0]["text"]  # both disclosures missing
    evaluated = item(body, "case_file_evaluation_yearly")  # no 案卷评查 in 2024-2026: 每缺一年扣2分
    assert evaluated["deduction"] == 6 and item(body, "case_file_zero_score")["deduction"] == 0
    assert body["deduction"] == 6 + 1 + 1 + 3 + 6 and body["review_rate"] == 1.0 and body["disclosure_rate"] == 0.0


def test_a_filing_sent_late_takes_two(client: TestClient, rt: Runtime, people: People) -> None:
    case = decided_major(client, people)
    filing = child(client, people.handler, case["id"], "major_penalty_filing")
    later(rt, people, "2026-03-20T09:00:00")
    move(client, people.handler, filing, "file", {"attachments": ["行政处罚决定书复印件"]})
    body = ok(rubric_for(client, people.legal_head, people.agency_id))
    filing_item = item(body, "major_penalty_filing")
    assert filing_item["deduction"] == 2 and filing_item["findings"][0]["case_ids"] == [case["id"], filing["id"]]
    assert item(body, "statistics_report")["deduction"] == 0  # not due before 2027-01-31


def test_the_table_not_submitted_after_31_january_takes_two(client: TestClient, rt: Runtime, people: People) -> None:
    later(rt, people, "2027-02-01T08:00:00")
    body = ok(rubric_for(client, people.legal_head, people.agency_id))
    assert item(body, "statistics_report")["deduction"] == 2


def test_the_table_submitted_by_31_january_is_on_time_and_only_once(
    client: TestClient, rt: Runtime, people: People
) -> None:
    later(rt, people, "2026-12-31T23:00:00")
    assert_error(submit(client, people.legal_head, people.agency_id), 422, "invalid_input")  # the year runs
    later(rt, people, "2027-01-31T23:30:00")
    body = ok(submit(client, people.legal_head, people.agency_id), 201)
    assert (body["state"], body["due"], body["submitted_at"]) == ("on_time", "2027-01-31", "2027-01-31T23:30+08:00")
    assert_error(submit(client, people.legal_head, people.agency_id), 409, "already_submitted")


def test_only_the_agencys_legal_office_submits(client: TestClient, rt: Runtime, people: People) -> None:
    later(rt, people, "2027-01-10T09:00:00")
    assert_error(submit(client, people.handler, people.agency_id), 403, "not_permitted")
    assert_error(submit(client, people.supervisor, people.agency_id), 403, "not_permitted")
    assert_error(submit(client, people.outsider, people.agency_id), 404, "not_found")


def test_the_31_january_deadline_alerts_the_legal_office_once_before_and_once_after(
    rt: Runtime, people: People
) -> None:
    later(rt, people, "2027-01-20T09:00:00")
    assert annual_reports.alert_due(rt) == 0  # eleven days before: nothing yet
    later(rt, people, "2027-01-21T09:00:00")
    warned = annual_reports.alert_due(rt)
    assert warned > 0 and annual_reports.alert_due(rt) == 0
    later(rt, people, "2027-02-01T09:00:00")
    assert annual_reports.alert_due(rt) > 0 and annual_reports.alert_due(rt) == 0
    with UnitOfWork(rt.sessions) as session:
        rows = session.scalars(select(Notification).where(Notification.key.like("annual_report:%"))).all()
        mine = {(n.recipient_id, n.kind) for n in rows if n.data["agency_id"] == people.agency_id}
    legal_office = {people.legal_head.id, people.reviewer.id, people.unqualified_reviewer.id}
    assert mine == {(i, k) for i in legal_office for k in ("warning", "overdue")}


def test_the_xlsx_holds_the_figures_in_a_statistics_table(
    client: TestClient, people: People, year_2026: dict[str, Any]
) -> None:
    r = annual(client, people.supervisor, people.agency_id, format="xlsx")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(r.content)).active
    assert sheet is not None
    rows = [[c for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["郑州市市场监督管理局2026年度行政执法统计年报"]
    header = rows.index(["表二 行政处罚实施情况"]) + 1
    values = dict(zip(rows[header], rows[header + 1], strict=True))
    assert (values["罚款"], values["合计（宗）"], values["罚款金额（元）"]) == (2, 2, 205000)
    filings = rows.index(["表五 重大行政处罚备案（件）"]) + 1
    assert dict(zip(rows[filings], rows[filings + 1], strict=True))["逾期未办"] == 1


def test_the_rubric_xlsx_lists_the_deductions_and_the_sample(
    client: TestClient, people: People, year_2026: dict[str, Any]
) -> None:
    r = rubric_for(client, people.supervisor, people.agency_id, format="xlsx")
    book = load_workbook(BytesIO(r.content))
    scores = [[c for c in row if c is not None] for row in book["考核评分"].iter_rows(values_only=True)]
    assert ["重大行政处罚备案审查制度", 6, 6, 0] == scores[scores.index(["评分项目"]) + 2][:4]
    sample = [[c for c in row if c is not None] for row in book["抽查样本"].iter_rows(values_only=True)]
    officers = sample[sample.index(["持证执法人员（随机抽取5人）"]) + 2 :]
    assert {row[1] for row in officers if row} == {"张伟", "刘洋", "钱进"}


def test_the_sample_is_the_same_every_time_and_differs_by_agency() -> None:
    ids = list(range(1, 40))
    assert rubric.draw(2026, 7, ids) == rubric.draw(2026, 7, list(reversed(ids)))
    assert len(rubric.draw(2026, 7, ids)) == 5 and rubric.draw(2026, 7, ids) != rubric.draw(2026, 8, ids)
    assert rubric.draw(2026, 7, [3, 1]) == [1, 3]


def test_who_sees_what(client: TestClient, people: People) -> None:
    ok(annual(client, people.supervisor, people.agency_id))  # the province covers every city
    ok(annual(client, people.legal_head, people.agency_id))  # the agency's own legal office
    assert_error(annual(client, people.handler, people.agency_id), 403, "not_permitted")
    assert_error(annual(client, people.legal_head, people.other_agency_id), 404, "not_found")  # another city
    city = add_person(client.app.state.runtime, "city", people.filing_office_id, ("supervisor",))  # type: ignore[attr-defined]
    ok(rubric_for(client, city, people.agency_id))
    assert_error(rubric_for(client, city, people.other_agency_id), 404, "not_found")


@pytest.mark.parametrize(
    "params",
    [
        {"year": "1999", "agency": "1"},
        {"year": "2101", "agency": "1"},
        {"year": "二〇二六", "agency": "1"},
        {"year": "2026", "agency": "0"},
        {"year": "2026", "agency": str(2**31)},
        {"year": "2026\x00", "agency": "1"},
        {"year": "2026"},
        {"year": "2026", "agency": "1", "format": "pdf"},
    ],
    ids=["year-too-early", "year-too-late", "year-not-a-number", "agency-zero", "agency-past-int32", "nul", "no-agency", "unknown-format"],
)
def test_bad_parameters_are_refused_with_a_code(client: TestClient, people: People, params: dict[str, str]) -> None:
    code = "control_character" if any("\x00" in v for v in params.values()) else "invalid_request"  # docs/api.md
    for path in ("/api/reports/annual", "/api/reports/rubric"):
        assert_error(client.get(path, params=params, headers=auth(people.supervisor)), 422, code)


def test_an_agency_that_does_not_exist_reads_as_missing(client: TestClient, people: People) -> None:
    assert_error(annual(client, people.supervisor, 2**31 - 1), 404, "not_found")
    body = {"year": 2026, "agency": people.agency_id, "extra": 1}
    r = client.post("/api/reports/annual/submission", json=body, headers=auth(people.legal_head))
    assert_error(r, 422, "invalid_request")
