"""The penalty case over HTTP: legal review as a child case, the filing of major penalties (15 days) with
the filing-review office, and disclosure (7/20 working days), on SQLite and PostgreSQL.

2026 Spring Festival: rest 2-15..2-23, make-up workdays Sat 2-14 and Sat 2-28.
"""

from __future__ import annotations

import io
from typing import Any

from docx import Document as Docx
from fastapi.testclient import TestClient

from review_workflow.core.documents import document_text
from review_workflow.runtime import Runtime
from tests.api.conftest import auth, child, detail, fire, move, ok
from tests.api.penalty import ORG, PERSON, decided_major, decided_minor, notified, proposed
from tests.conftest import People, Person, pin_clock


def doc_text(client: TestClient, p: Person, case: dict[str, Any], kind: str) -> str:
    [doc] = [d for d in detail(client, p, case["id"])["documents"] if d["kind"] == kind]
    r = client.get(doc["url"], headers=auth(p))
    assert r.status_code == 200
    Docx(io.BytesIO(r.content))  # a real .docx
    return document_text(r.content)


def test_a_major_penalty_from_register_to_close_with_review_filing_and_disclosure(
    client: TestClient, rt: Runtime, people: People
) -> None:
    case = decided_major(client, people)
    assert case["state"] == "decided" and case["data"]["decision_no"] == "郑市监罚〔2026〕1号"
    text = doc_text(client, people.handler, case, "penalty_decision")
    assert "人民币贰拾万元整" in text and "郑州市中原区人民法院" in text and ORG in text
    assert "郑市监罚〔2026〕1号" in doc_text(client, people.handler, case, "credit_repair_notice")

    review = child(client, people.handler, case["id"], "major_decision_review")
    form = doc_text(client, people.handler, review, "review_submission_form")
    for officer in (people.handler, people.handler2):  # the case's officers, not only the one who submitted
        assert f"{officer.name}（执法证号：豫执00" in form

    filing = child(client, people.handler, case["id"], "major_penalty_filing")
    assert filing["parent_id"] == case["id"] and filing["counterpart_agency"]["name"] == "郑州市司法局"
    pin_clock(rt, "2026-02-24T09:00:00")
    filing = move(
        client, people.handler, filing, "file", {"attachments": ["行政处罚决定书复印件", "案卷材料目录"]}
    )
    report = doc_text(client, people.handler, filing, "filing_report")
    assert "郑州市司法局：" in report and "郑市监罚〔2026〕1号" in report
    r = fire(client, people.handler, filing, "receive", {})
    assert r.status_code == 403 and r.json()["code"] == "not_permitted"
    filing = move(client, people.filing_officer, filing, "receive", {})
    filing = move(client, people.filing_officer, filing, "accept", {"opinion": "准予备案。"})
    [period] = detail(client, people.handler, filing["id"])["deadlines"]
    assert (filing["state"], period["status"], period["outcome"]) == ("accepted", "met", "on_time")

    disclosure = child(client, people.handler, case["id"], "enforcement_disclosure")
    disclosure = move(client, people.handler, disclosure, "publish", {"channel": "政府网站"})
    [period] = detail(client, people.handler, disclosure["id"])["deadlines"]
    assert (period["due"], period["status"]) == ("2026-03-02", "met")

    case = detail(client, people.handler, case["id"])
    case = move(
        client,
        people.handler,
        case,
        "serve",
        {
            "served_on": "2026-02-24",
            "method": "直接送达",
            "recipient": ORG,
            "served_documents": ["行政处罚决定书 郑市监罚〔2026〕1号"],
        },
    )
    pin_clock(rt, "2026-03-05T09:00:00")
    case = move(
        client, people.handler, case, "execute", {"executed_on": "2026-03-05", "execution_method": "自觉履行"}
    )
    case = move(
        client, people.handler, case, "propose_close", {"execution": "当事人已缴清罚款。", "closing_note": "执行完毕，建议结案。"}
    )
    r = fire(client, people.handler, case, "close", {})
    assert r.status_code == 403 and "机关负责人" in r.json()["message"]
    case = move(client, people.agency_head, case, "close", {"opinion": "同意结案。"})
    assert case["state"] == "closed"
    final = detail(client, people.handler, case["id"])
    assert {d["timer"]: d["status"] for d in final["deadlines"]} == {
        "decision_period": "met",
        "statement_period": "met",
        "service_period": "met",
        "performance_period": "met",
    }
    kinds = [d["kind"] for d in final["documents"]]
    assert kinds == [
        "register_approval",
        "prior_notice",
        "hearing_notice",
        "decision_approval",
        "penalty_discussion_record",
        "penalty_decision",
        "credit_repair_notice",
        "service_receipt",
        "closing_approval",
    ]
    closing = doc_text(client, people.handler, final, "closing_approval")
    assert "自觉履行" in closing and "2026年3月5日" in closing and "郑市监罚〔2026〕1号" in closing


def test_the_filing_office_sees_and_acts_on_filings_addressed_to_it_only(
    client: TestClient, rt: Runtime, people: People
) -> None:
    decided_major(client, people)
    listed = ok(client.get("/api/cases?workflow=major_penalty_filing", headers=auth(people.filing_officer)))
    assert listed["count"] == 1
    assert (
        ok(client.get("/api/cases?workflow=penalty_case", headers=auth(people.filing_officer)))["count"] == 0
    )
    filing = detail(client, people.filing_officer, listed["data"][0]["id"])
    move(client, people.handler, filing, "file", {"attachments": ["行政处罚决定书复印件"]})
    tasks = ok(client.get("/api/tasks", headers=auth(people.filing_officer)))
    assert [(t["case"]["workflow"], [e["event"] for e in t["events"]]) for t in tasks["data"]] == [
        ("major_penalty_filing", ["receive"])
    ]
    assert ok(client.get("/api/tasks", headers=auth(people.outsider)))["count"] == 0


def test_a_filing_made_after_fifteen_days_is_recorded_late(
    client: TestClient, rt: Runtime, people: People
) -> None:
    case = decided_major(client, people)
    filing = child(client, people.handler, case["id"], "major_penalty_filing")
    pin_clock(rt, "2026-03-02T09:00:00")
    [period] = detail(client, people.handler, filing["id"])["deadlines"]
    assert period["overdue"] and (period["status"], period["outcome"]) == ("open", "missing")
    move(client, people.handler, filing, "file", {"attachments": ["行政处罚决定书复印件"]})
    [period] = detail(client, people.handler, filing["id"])["deadlines"]
    assert (period["status"], period["closed_late"], period["outcome"]) == ("missed", True, "late")


def test_a_filing_sent_in_time_and_recorded_later_is_on_time(client: TestClient, rt: Runtime, people: People) -> None:
    case = decided_major(client, people)
    filing = child(client, people.handler, case["id"], "major_penalty_filing")
    pin_clock(rt, "2026-03-02T09:00:00")  # the 15 days ended 2-28 (a make-up workday)
    move(client, people.handler, filing, "file", {"filed_on": "2026-02-26", "attachments": ["行政处罚决定书复印件"]})
    [period] = detail(client, people.handler, filing["id"])["deadlines"]
    assert (period["status"], period["outcome"]) == ("met", "on_time")


def test_a_correction_notice_is_issued_by_the_office_and_answered(
    client: TestClient, rt: Runtime, people: People
) -> None:
    case = decided_major(client, people)
    filing = child(client, people.handler, case["id"], "major_penalty_filing")
    filing = move(client, people.handler, filing, "file", {"attachments": ["行政处罚决定书复印件"]})
    filing = move(client, people.filing_officer, filing, "receive", {})
    problems = [{"item": "程序是否合法", "problem": "未载明听证告知情况"}]
    filing = move(client, people.filing_officer, filing, "require_correction", {"problems": problems})
    assert filing["state"] == "correcting"
    notice = doc_text(client, people.handler, filing, "correction_notice")
    assert notice.startswith("郑州市司法局") and "未载明听证告知情况" in notice
    assert "30日内（2026年3月16日前）" in notice  # 2-13 + 30 days is Sunday 3-15, so Monday 3-16
    [doc] = [
        d
        for d in detail(client, people.handler, filing["id"])["documents"]
        if d["kind"] == "correction_notice"
    ]
    assert doc["number"] == "郑司纠〔2026〕1号"  # numbered by the office that issues it, in its 纠 series
    r = fire(client, people.filing_officer, filing, "report_correction", {"response": "x"})
    assert r.status_code == 403
    filing = move(
        client, people.handler, filing, "report_correction", {"response": "已补充听证告知书及送达回证。"}
    )
    filing = move(client, people.filing_officer, filing, "accept", {"opinion": "已纠正，准予备案。"})
    periods = {d["timer"]: d["status"] for d in detail(client, people.handler, filing["id"])["deadlines"]}
    assert filing["state"] == "accepted" and periods == {"filing_period": "met", "correction_period": "met"}


def test_a_disclosed_penalty_that_is_revoked_is_withdrawn_within_three_working_days_of_the_revocation(
    client: TestClient, rt: Runtime, people: People
) -> None:
    case = decided_major(client, people)
    disclosure = child(client, people.handler, case["id"], "enforcement_disclosure")
    disclosure = move(client, people.handler, disclosure, "publish", {"channel": "政府网站"})
    public = ok(client.get("/api/public/disclosures"))
    assert [d["decision_no"] for d in public["data"]] == ["郑市监罚〔2026〕1号"]
    assert public["data"][0]["conclusion"] == "罚款人民币200000元。"

    pin_clock(rt, "2026-04-02T09:00:00")  # the office learns of it a day after the revocation
    revoke = {"reason_type": "被确认无效", "revoked_on": "2026-04-01", "reason": "行政复议决定确认该处罚决定无效。"}
    disclosure = move(client, people.handler, disclosure, "revoke", revoke)
    assert ok(client.get("/api/public/disclosures"))["count"] == 1  # disclosed until it is withdrawn
    withdrawal = [
        d for d in detail(client, people.handler, disclosure["id"])["deadlines"] if d["status"] == "open"
    ]
    # from 4-1: 4-2, 4-3, then 清明 4-4..4-6, so the third working day is 4-7
    assert [(d["timer"], d["rule"], d["start"], d["due"]) for d in withdrawal] == [
        ("withdrawal_period", "3wd", "2026-04-01", "2026-04-07")
    ]
    disclosure = move(client, people.handler, disclosure, "withdraw_disclosure", {})
    assert disclosure["state"] == "withdrawn"
    assert ok(client.get("/api/public/disclosures"))["count"] == 0
    [gone] = ok(client.get("/api/public/disclosures?status=withdrawn"))["data"]
    assert gone["withdrawal_reason"] == "行政复议决定确认该处罚决定无效。" and gone["conclusion"] is None


def test_a_minor_penalty_on_an_individual_starts_disclosure_but_no_filing(
    client: TestClient, rt: Runtime, people: People
) -> None:
    case = notified(client, people, 5000, party=PERSON, fields={"party_type": "individual", "party_address": "郑州市", "party_id_no": "410105198703150012", "party_phone": "13812345678"})
    r = fire(client, people.handler, case, "propose_decision", {})
    assert r.status_code == 422  # the form is checked first
    from tests.api.penalty import proposal

    r = fire(client, people.handler, case, "propose_decision", proposal(5000))
    assert r.status_code == 403 and "2026-01-12" in r.json()["message"]  # the party's window is still open
    case = proposed(client, people, case, 5000)
    case = move(client, people.agency_head, case, "decide_penalty", {"decision_date": "2026-01-13"})
    assert [c["workflow"] for c in detail(client, people.handler, case["id"])["children"]] == [
        "enforcement_disclosure"
    ]
    disclosure = child(client, people.handler, case["id"], "enforcement_disclosure")
    move(client, people.handler, disclosure, "publish", {"channel": "政府网站"})
    [shown] = ok(client.get("/api/public/disclosures"))["data"]
    assert shown["party"] == PERSON and shown["party_id_no"] == "410105********0012"
    text = doc_text(client, people.handler, disclosure, "disclosure_notice")
    assert "410105198703150012" not in text and "410105********0012" in text


def test_a_review_that_ends_against_the_proposal_leaves_the_case_with_the_handler_to_revise(
    client: TestClient, rt: Runtime, people: People
) -> None:
    case = proposed(client, people, notified(client, people), 200000)
    case = move(client, people.handler, case, "submit_review", {})
    r = fire(client, people.handler, case, "review_passed", {})
    assert r.status_code == 403  # only the engine fires it
    review = child(client, people.handler, case["id"], "major_decision_review")
    from tests.conftest import SUBMISSION

    review = move(client, people.handler, review, "submit", SUBMISSION)
    returned = {
        "opinion": "证据不足。",
        "findings": [{"item": "事实是否清楚、证据是否合法充分", "problem": "缺监测报告"}],
        "needs_supplement": False,
    }
    review = move(client, people.reviewer, review, "return", returned)
    review = move(client, people.handler, review, "object", {"reason": "证据已足"})
    review = move(client, people.legal_head, review, "escalate", {"reason": "协商不成"})
    move(
        client,
        people.agency_head,
        review,
        "decide",
        {"conclusion": "不同意", "attendees": ["陈明"], "minutes": "补充调查。"},
    )
    case = detail(client, people.handler, case["id"])
    assert case["state"] == "deliberating"
    assert [h["event"] for h in case["history"]][-2:] == ["submit_review", "review_rejected"]
    r = fire(client, people.agency_head, case, "decide_penalty", {"decision_date": "2026-01-14"})
    assert r.status_code == 403 and "法制审核" in r.json()["message"]
    case = move(client, people.handler, case, "reinvestigate", {"reason": "补充监测报告。"})
    assert case["state"] == "investigating"


def test_bad_amounts_and_unknown_penalty_types_are_refused_clearly(
    client: TestClient, rt: Runtime, people: People
) -> None:
    case = notified(client, people)
    pin_clock(rt, "2026-01-13T09:00:00")
    from tests.api.penalty import proposal

    r = fire(client, people.handler, case, "propose_decision", proposal(-1))
    assert r.status_code == 422 and r.json()["details"][0]["field"] == "fine_amount"
    r = fire(client, people.handler, case, "propose_decision", proposal(100, types=["拘役"]))
    assert r.status_code == 422 and r.json()["code"] == "invalid_payload"


def test_the_minor_path_needs_neither_review_nor_discussion(client: TestClient, people: People) -> None:
    case = decided_minor(client, people)
    assert case["state"] == "decided"
    assert [c["workflow"] for c in detail(client, people.handler, case["id"])["children"]] == ["enforcement_disclosure"]
