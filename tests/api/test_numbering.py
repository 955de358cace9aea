"""文号 as data: each kind of document numbers in its own series per agency and year (the year of the
document's date), internal forms stay unnumbered, and an administrator sees and sets each series' 代字."""

from __future__ import annotations

from fastapi.testclient import TestClient

from review_workflow.core.documents import document_text
from review_workflow.runtime import Runtime
from review_workflow.services.tokens import create_token
from tests.api.conftest import assert_error, auth, child, detail, fire, move, ok
from tests.api.penalty import (
    PERSON,
    PERSON_FIELDS,
    clock,
    decided_major,
    decided_minor,
    notified,
    proposal,
    proposed,
)
from tests.conftest import People


def numbers(client: TestClient, people: People, case: dict) -> dict[str, str | None]:  # type: ignore[type-arg]
    return {d["kind"]: d["number"] for d in detail(client, people.handler, case["id"])["documents"]}


def test_two_decisions_in_a_row_take_consecutive_numbers_whatever_came_between(client: TestClient, people: People) -> None:
    first = decided_minor(client, people)
    second = decided_minor(client, people)  # a whole case of other documents in between
    assert (first["data"]["decision_no"], second["data"]["decision_no"]) == ("郑市监罚〔2026〕1号", "郑市监罚〔2026〕2号")
    numbered = numbers(client, people, second)
    assert numbered["register_approval"] == "郑市监立〔2026〕2号" and numbered["prior_notice"] == "郑市监罚告〔2026〕2号"
    assert numbered["decision_approval"] is None  # an internal form, unnumbered
    assert numbered["credit_repair_notice"] == "郑市监信修〔2026〕2号"


def test_the_year_of_a_number_is_the_year_of_the_documents_date(client: TestClient, rt: Runtime, people: People) -> None:
    for person, username in ((people.handler, "zhang"), (people.handler2, "liu"), (people.agency_head, "chen")):
        person.token = create_token(rt, username, "跨年度测试", days=3650)[1]  # the default 90 days would run out
    case = notified(client, people, 5000, party=PERSON, fields=PERSON_FIELDS)
    clock(client, "2026-12-30T09:00:00")
    case = move(client, people.handler, case, "propose_decision", proposal(5000))
    clock(client, "2027-01-04T09:00:00")  # recorded in the new year, decided on the last day of the old
    case = move(client, people.agency_head, case, "decide_penalty", {"decision_date": "2026-12-31"})
    assert case["data"]["decision_no"] == "郑市监罚〔2026〕1号"
    other = proposed(client, people, notified(client, people, 3000, party=PERSON, fields=PERSON_FIELDS), 3000)
    clock(client, "2027-01-04T10:00:00")
    other = move(client, people.agency_head, other, "decide_penalty", {"decision_date": "2027-01-04"})
    assert other["data"]["decision_no"] == "郑市监罚〔2027〕1号"


def test_a_notice_is_dated_and_numbered_by_the_day_it_was_issued_not_the_day_recorded(
    client: TestClient, rt: Runtime, people: People
) -> None:
    for person, username in ((people.handler, "zhang"), (people.handler2, "liu"), (people.agency_head, "chen")):
        person.token = create_token(rt, username, "跨年度测试", days=3650)[1]
    clock(client, "2026-12-28T09:00:00")
    body = {"workflow": "penalty_case", "title": "跨年告知案", "party": PERSON, **PERSON_FIELDS}
    case = ok(client.post("/api/cases", json=body, headers=auth(people.handler)), 201)
    investigators = [people.handler.id, people.handler2.id]
    register = {"facts_brief": "举报。", "register_basis": "某法", "investigators": investigators, "discovered_on": "2026-12-28"}
    case = move(client, people.handler, case, "propose_register", register)
    case = move(client, people.agency_head, case, "register", {})
    clock(client, "2027-01-04T09:00:00")  # issued on 12-31, served on 01-04, recorded in the new year
    notice_payload = {
        "facts": "超标排放。",
        "evidence": ["监测报告"],
        "legal_basis": "某法第八条",
        "proposed_penalty": "罚款3000元",
        "proposed_types": ["罚款"],
        "proposed_fine": 3000,
        "officers": investigators,
        "served_on": "2027-01-04",
    }
    late = {**notice_payload, "issued_on": "2027-01-05"}  # issued after it was served (and after today)
    assert_error(fire(client, people.handler, case, "notify", late), 403, "guard_rejected")
    case = move(client, people.handler, case, "notify", {**notice_payload, "issued_on": "2026-12-31"})
    [notice] = [d for d in detail(client, people.handler, case["id"])["documents"] if d["kind"] == "prior_notice"]
    assert notice["number"] == "郑市监罚告〔2026〕1号"
    assert "2026年12月31日" in document_text(client.get(notice["url"], headers=auth(people.handler)).content)


def test_the_filing_office_gives_the_filing_its_number_when_it_registers_it(client: TestClient, people: People) -> None:
    filing = child(client, people.handler, decided_major(client, people)["id"], "major_penalty_filing")
    filing = move(client, people.handler, filing, "file", {"attachments": ["行政处罚决定书复印件"]})
    filing = move(client, people.filing_officer, filing, "receive", {"note": "材料齐全。"})
    assert filing["data"]["filing_no"] == "郑司备登〔2026〕1号"
    assert numbers(client, people, filing) == {"filing_report": "郑市监备〔2026〕1号", "filing_receipt": "郑司备登〔2026〕1号"}
    filing = move(client, people.filing_officer, filing, "require_correction", {"problems": [{"item": "程序", "problem": "缺回证"}]})
    [notice] = [d for d in detail(client, people.handler, filing["id"])["documents"] if d["kind"] == "correction_notice"]
    text = client.get(notice["url"], headers=auth(people.handler)).content
    assert "备案编号：郑司备登〔2026〕1号" in document_text(text) and "第168号" in document_text(text)


def test_an_administrator_sees_each_series_and_sets_an_agencys_own_code(client: TestClient, people: People) -> None:
    decided_minor(client, people)
    url = f"/api/admin/agencies/{people.agency_id}/series"
    assert_error(client.get(url, headers=auth(people.handler)), 403, "not_permitted")
    listed = {s["series"]: s for s in ok(client.get(url, headers=auth(people.admin)))}
    assert listed["罚"]["code"] == "郑市监罚" and listed["罚"]["last"] == {"2026": 1}
    assert listed["罚"]["example"] == "郑市监罚〔2026〕2号" and "行政处罚决定书" in listed["罚"]["documents"]
    changed = ok(client.put(f"{url}/罚", json={"code": "郑市监处罚"}, headers=auth(people.admin)))
    assert (changed["code"], changed["own_code"], changed["example"]) == ("郑市监处罚", True, "郑市监处罚〔2026〕2号")
    assert decided_minor(client, people)["data"]["decision_no"] == "郑市监处罚〔2026〕2号"  # the serials count on
    for body, status, code in (
        ({"code": ""}, 422, "invalid_input"),
        ({"code": "郑〔市〕"}, 422, "invalid_input"),
        ({"code": "x" * 41}, 422, "invalid_request"),
        ({"code": "a\x00b"}, 422, "control_character"),
    ):
        assert_error(client.put(f"{url}/罚", json=body, headers=auth(people.admin)), status, code)
    assert_error(client.put(f"{url}/无此系列", json={"code": "郑"}, headers=auth(people.admin)), 404, "not_found")
    assert_error(client.get("/api/admin/agencies/2147483647/series", headers=auth(people.admin)), 404, "not_found")
