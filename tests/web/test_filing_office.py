"""The filing-review office's queue (备案审查): what falls in each section, who sees it, the API figures,
and the office registering and accepting a filing from the case page — SQLite and PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from review_workflow.core.errors import InvalidInput, NotPermitted
from review_workflow.runtime import Runtime
from review_workflow.services import filing_office, queries
from review_workflow.services.admin import create_agency
from tests.conftest import People, add_person, pin_clock
from tests.web.conftest import FILE, Visitor, filing, move, text_of


def _desk(rt: Runtime, people: People) -> dict[str, int]:
    """On 2026-03-12 at the 郑州市司法局: a filing made a month late then accepted, one never made
    (decided 02-02: due 02-24 after the Spring Festival), one received-not-yet-registered, one under
    examination, one sent back for correction, and one decided on 03-10 (due 03-25)."""
    officer = people.filing_officer
    late = filing(rt, people, "逾期备案案", "2026-02-02")
    missing = filing(rt, people, "未备案案", "2026-02-02")
    received = filing(rt, people, "已报送案", "2026-03-02")
    examining = filing(rt, people, "审查中案", "2026-03-02")
    correcting = filing(rt, people, "待纠正案", "2026-03-02")
    for case in (late, received, examining, correcting):
        move(rt, case, "file", people.handler, FILE)
    for case in (late, examining, correcting):
        move(rt, queries.get_case(rt, officer.id, case.id), "receive", officer, {})
    move(rt, queries.get_case(rt, officer.id, late.id), "accept", officer, {"opinion": "准予备案。"})
    move(
        rt,
        queries.get_case(rt, officer.id, correcting.id),
        "require_correction",
        officer,
        {"problems": [{"item": "处罚种类", "problem": "未附送达回证"}]},
    )
    due_soon = filing(rt, people, "即将到期案", "2026-03-10")
    pin_clock(rt, "2026-03-12T09:00:00")
    return {
        "late": late.id,
        "missing": missing.id,
        "received": received.id,
        "examining": examining.id,
        "correcting": correcting.id,
        "due_soon": due_soon.id,
    }


def _ids(q: filing_office.FilingQueue) -> dict[str, list[int]]:
    return {s.key: [f.id for f in s.data] for s in q.sections}


def test_the_queue_sorts_filings_into_its_sections(rt: Runtime, people: People) -> None:
    ids = _desk(rt, people)
    q = filing_office.queue(rt, people.filing_officer.id)
    assert q.scope == "郑州市司法局" and q.today.isoformat() == "2026-03-12"
    assert _ids(q) == {
        "received": [ids["received"]],
        "examining": [ids["examining"]],
        "correcting": [ids["correcting"]],
        "due_soon": [ids["due_soon"]],
        "late": [ids["late"]],
        "missing": [ids["missing"]],
        "accepted": [ids["late"]],  # accepted, and scored late all the same
    }
    assert q.counts == {k: len(v) for k, v in _ids(q).items()}
    items = {s.key: s.data[0] for s in q.sections}
    late, missing, soon = items["late"], items["missing"], items["due_soon"]
    assert late.deadline and late.deadline.outcome == "late" and late.deadline.due.isoformat() == "2026-02-24"
    assert late.filed_on and late.filed_on.isoformat() == "2026-03-02" and late.accepted_on is not None
    assert missing.deadline and missing.deadline.outcome == "missing" and missing.filed_on is None
    assert missing.urgency == "overdue" and missing.state == "pending"
    assert (
        soon.deadline and soon.deadline.outcome == "pending" and soon.deadline.due.isoformat() == "2026-03-25"
    )
    assert items["received"].deadline and items["received"].deadline.outcome == "on_time"
    assert (late.party_type, late.party_type_title) == ("organization", "单位")
    assert late.agency.name == "郑州市市场监督管理局" and late.office and late.office.name == "郑州市司法局"


def test_another_office_sees_none_of_them_and_a_supervisor_sees_those_below_it(rt: Runtime, people: People) -> None:
    ids = _desk(rt, people)
    other_office = create_agency(rt, "洛阳市司法局", "洛司", "filing_review")
    stranger = add_person(rt, "wu2", other_office, ("filing_officer",), name="钱多")
    q = filing_office.queue(rt, stranger.id)
    assert q.scope == "洛阳市司法局" and all(n == 0 for n in q.counts.values())
    q = filing_office.queue(rt, people.supervisor.id)  # the province's 司法厅: every city's office
    assert q.all_offices and q.scope == "河南省司法厅及所辖备案审查机关"
    assert _ids(q)["missing"] == [ids["missing"]] and sum(q.counts.values()) == 7
    elsewhere = add_person(rt, "qiu", other_office, ("supervisor",), name="邱监督")  # another city's supervisor
    assert sum(filing_office.queue(rt, elsewhere.id).counts.values()) == 0


def test_only_filing_officers_and_supervisors_read_the_queue(
    rt: Runtime, people: People, visitor: Callable[..., Visitor]
) -> None:
    with pytest.raises(NotPermitted):
        filing_office.queue(rt, people.handler.id)
    v = visitor(people.handler)
    assert 'href="/filing-office"' not in v.get("/inbox").text
    r = v.get("/filing-office")
    assert r.status_code == 403 and "备案审查队列仅供备案审查人员和执法监督人员查看" in text_of(r.text)
    assert 'href="/filing-office"' in visitor(people.supervisor).get("/inbox").text


def test_bad_sections_and_pages_are_refused_in_chinese(
    rt: Runtime, people: People, visitor: Callable[..., Visitor]
) -> None:
    with pytest.raises(InvalidInput, match="没有“everything”这一栏"):
        filing_office.queue(rt, people.filing_officer.id, section="everything")
    with pytest.raises(InvalidInput, match="翻页时请指明栏目"):
        filing_office.queue(rt, people.filing_officer.id, page=2)
    with pytest.raises(InvalidInput, match="页码须在 1 到 100000 之间"):
        filing_office.queue(rt, people.filing_officer.id, section="late", page=10**20)
    v = visitor(people.filing_officer)
    assert v.get("/filing-office?section=everything").status_code == 422
    for page in ("x", "0", "99999999999999999999"):
        r = v.get(f"/filing-office?section=late&page={page}")
        assert r.status_code == 422 and "请求参数有误：page" in text_of(r.text), page


def test_the_api_serves_the_same_figures_a_section_at_a_time(
    rt: Runtime, people: People, app: object
) -> None:
    ids = _desk(rt, people)
    client = TestClient(app)  # type: ignore[arg-type]
    headers = {"Authorization": f"Bearer {people.filing_officer.token}"}
    body = client.get("/api/filing-office/queue", headers=headers).json()
    assert body["counts"] == filing_office.queue(rt, people.filing_officer.id).counts
    assert [s["key"] for s in body["sections"]] == list(filing_office.SECTIONS)
    missing = next(s for s in body["sections"] if s["key"] == "missing")["data"][0]
    assert missing["id"] == ids["missing"] and missing["deadline"]["outcome"] == "missing"
    assert missing["party_type_title"] == "单位"
    page = client.get("/api/filing-office/queue?section=examining&page=1&page_size=1", headers=headers).json()
    assert [s["key"] for s in page["sections"]] == ["examining"] and page["sections"][0]["count"] == 1
    beyond = client.get(
        "/api/filing-office/queue?section=examining&page=2&page_size=1", headers=headers
    ).json()
    assert beyond["sections"][0]["data"] == [] and beyond["sections"][0]["page"] == 2
    r = client.get("/api/filing-office/queue?section=x", headers=headers)
    assert r.status_code == 422 and r.json()["code"] == "invalid_input"
    r = client.get("/api/filing-office/queue", headers={"Authorization": f"Bearer {people.handler.token}"})
    assert r.status_code == 403 and r.json()["message"] == "备案审查队列仅供备案审查人员和执法监督人员查看"
    assert client.get("/api/filing-office/queue").status_code == 401


def test_the_office_registers_and_accepts_a_filing_from_its_queue(
    rt: Runtime, people: People, visitor: Callable[..., Visitor]
) -> None:
    ids = _desk(rt, people)
    v = visitor(people.filing_officer)
    html = v.get("/filing-office").text
    assert re.search(r'<a href="/filing-office" aria-current="page">备案审查</a>', html)
    section = html[
        html.index('data-testid="section-received"') : html.index('data-testid="section-examining"')
    ]
    assert f'href="/cases/{ids["received"]}"' in section and "已报送案" in section
    section = html[html.index('data-testid="section-missing"') : html.index('data-testid="section-accepted"')]
    assert f'href="/cases/{ids["missing"]}"' in section and "逾期未办" in text_of(section)
    assert "（单位）" in section and "organization" not in section

    page = v.get(f"/cases/{ids['received']}").text
    assert 'data-event="receive"' in page and "备案审查机关 郑州市司法局" in text_of(page)
    assert "当事人类型 单位" in text_of(page)  # the case fields, by their labels
    r = v.fire(ids["received"], "receive", {"note": "材料齐全，予以登记。"})
    assert r.status_code == 200 and "已登记受理" in text_of(r.text)
    r = v.fire(ids["received"], "accept", {"opinion": "经审查，准予备案。"})
    assert r.status_code == 200 and "已准予备案" in text_of(r.text)
    q = filing_office.queue(rt, people.filing_officer.id)
    assert ids["received"] in _ids(q)["accepted"] and _ids(q)["received"] == []


def test_a_correction_notice_is_issued_from_the_case_page_with_an_error_beside_a_missing_problem(
    rt: Runtime, people: People, visitor: Callable[..., Visitor]
) -> None:
    ids = _desk(rt, people)
    v = visitor(people.filing_officer)
    r = v.fire(ids["examining"], "require_correction", {"problems-0-item": "处罚依据"})
    assert r.status_code == 422
    error = re.search(r'id="f-problems-0-problem-error"[^>]*>([^<]+)<', r.text)
    assert error and "缺少必填字段" in error.group(1)
    r = v.fire(
        ids["examining"],
        "require_correction",
        {"problems-0-item": "处罚依据", "problems-0-problem": "引用条款有误"},
    )
    assert r.status_code == 200 and "纠正通知书" in text_of(r.text)
    assert ids["examining"] in _ids(filing_office.queue(rt, people.filing_officer.id))["correcting"]
