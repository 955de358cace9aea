"""The penalty procedure as 行政处罚法 (2021) and the Henan rules write it, driven over HTTP as a handler, the
agency head, a reviewer and the 司法局 would — one test (or a few) per rule, on SQLite and PostgreSQL.

Cases are registered and notified on Mon 2026-01-05; the party's five working days run to 2026-01-12.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi.testclient import TestClient

from review_workflow.runtime import Runtime
from tests.api.conftest import assert_error, auth, child, detail, fire, move, ok
from tests.api.penalty import (
    ORG,
    ORG_FIELDS,
    PERSON,
    PERSON_FIELDS,
    clock,
    decided_minor,
    discussed,
    notice,
    notified,
    proposal,
    proposed,
    registered,
    reviewed,
)
from tests.api.records import mp4, png, upload
from tests.conftest import SUBMISSION, People, add_person

DECIDE = {"decision_date": "2026-01-13"}


def kinds(client: TestClient, people: People, case: dict[str, Any]) -> list[str]:
    return [d["kind"] for d in detail(client, people.handler, case["id"])["documents"]]


def children(client: TestClient, people: People, case: dict[str, Any]) -> list[str]:
    return [c["workflow"] for c in detail(client, people.handler, case["id"])["children"]]


# ---------------------------------------------------------------- 1. no dead end; major follows from the proposal


def test_a_decision_that_turns_out_major_goes_to_review_and_discussion_and_is_then_decided(
    client: TestClient, people: People
) -> None:
    """¥50,000 on an individual is major under 168号令 whatever anyone flagged at 立案: the head cannot
    decide it yet, legal review and collective discussion are reachable from where the case stands."""
    case = notified(client, people, 50000, party=PERSON, fields=PERSON_FIELDS)
    case = proposed(client, people, case, 50000)
    body = assert_error(fire(client, people.agency_head, case, "decide_penalty", DECIDE), 403, "guard_rejected")
    assert "法制审核" in body["message"]
    case = reviewed(client, people, case)
    assert case["state"] == "deliberating"
    body = assert_error(fire(client, people.agency_head, case, "decide_penalty", DECIDE), 403, "guard_rejected")
    assert "集体讨论" in body["message"]
    case = discussed(client, people, case)
    case = move(client, people.agency_head, case, "decide_penalty", DECIDE)
    assert case["state"] == "decided"
    assert children(client, people, case) == ["major_decision_review", "major_penalty_filing", "enforcement_disclosure"]


def test_an_organisation_registered_without_its_address_is_completed_and_then_decided(client: TestClient, people: People) -> None:
    """Art. 59 makes the address and legal representative part of the decision: refused without them, and
    the handler can add them during the case (补正当事人信息) instead of the case being stuck until 销案."""
    case = proposed(client, people, notified(client, people, 5000, fields={"party_type": "organization"}), 5000)
    body = assert_error(fire(client, people.agency_head, case, "decide_penalty", DECIDE), 403, "guard_rejected")
    assert "住址" in body["message"]
    assert_error(fire(client, people.handler, case, "update_party", {"party_address": "郑州市某路1号"}), 422, "invalid_payload")
    case = move(
        client,
        people.handler,
        case,
        "update_party",
        {"party_address": "郑州市金水区某路1号", "legal_representative": "钱某", "note": "据营业执照补正。"},
    )
    assert case["state"] == "deliberating"
    case = move(client, people.agency_head, case, "decide_penalty", DECIDE)
    assert case["state"] == "decided"
    assert case["data"]["party_address"] == "郑州市金水区某路1号"
    assert case["data"]["legal_representative"] == "钱某"


def test_a_revised_proposal_needs_a_fresh_review(client: TestClient, people: People) -> None:
    case = reviewed(client, people, proposed(client, people, notified(client, people, 50000, party=PERSON, fields=PERSON_FIELDS), 50000))
    case = move(client, people.handler, case, "propose_decision", proposal(60000))
    body = assert_error(fire(client, people.handler, case, "refer_discussion", {}), 403, "guard_rejected")
    assert "法制审核" in body["message"]


# ---------------------------------------------------------------- 2. art. 57 (and 54): the agency head decides


def test_the_handler_proposes_and_only_the_agency_head_registers_decides_and_closes(
    client: TestClient, people: People
) -> None:
    clock(client, "2026-01-05T09:00:00")
    body = {"workflow": "penalty_case", "title": "某案", "party": ORG, **ORG_FIELDS}
    case = ok(client.post("/api/cases", json=body, headers=auth(people.handler)), 201)
    assert_error(fire(client, people.agency_head, case, "register", {}), 403, "guard_rejected")  # nothing proposed
    case = move(
        client,
        people.handler,
        case,
        "propose_register",
        {"facts_brief": "举报。", "register_basis": "第五十四条", "investigators": [people.handler.id, people.handler2.id], "discovered_on": "2026-01-04"},
    )
    assert case["state"] == "registering"  # waits for the head's approval
    assert "机关负责人" in assert_error(fire(client, people.handler, case, "register", {}), 403, "not_permitted")["message"]
    case = move(client, people.agency_head, case, "register", {"opinion": "同意立案。"})
    assert case["state"] == "investigating" and kinds(client, people, case) == ["register_approval"]

    case = decided_minor(client, people)
    assert case["events"]["decide_penalty"]["by"] == people.agency_head.id
    other = proposed(client, people, notified(client, people, 3000, party=PERSON, fields=PERSON_FIELDS), 3000)
    assert "机关负责人" in assert_error(fire(client, people.handler, other, "decide_penalty", DECIDE), 403, "not_permitted")["message"]


# ---------------------------------------------------------------- 3. art. 58: legal review before the decision


def _heard(client: TestClient, people: People, fine: float) -> dict[str, Any]:
    """The party asked for a hearing on 01-08; notified of it on 01-08 for 01-19; it was held on 01-19."""
    case = notified(client, people, fine, party=PERSON, fields=PERSON_FIELDS)
    clock(client, "2026-01-08T09:00:00")
    case = move(client, people.handler, case, "request_hearing", {"requested_on": "2026-01-08"})
    hearing = {
        "notified_on": "2026-01-08",
        "hearing_date": "2026-01-19",
        "hearing_time": "上午9时",
        "hearing_place": "本局第一听证室",
        "host": people.legal_head.id,
        "public": True,
    }
    case = move(client, people.handler, case, "notify_hearing", hearing)
    clock(client, "2026-01-19T11:00:00")
    ok(upload(client, people.handler, case["id"], "听证录像.mp4", mp4(), "听证全程录像"), 201)
    return move(client, people.handler, case, "hold_hearing", HELD)


HELD = {
    "held_on": "2026-01-19",
    "attendees": [PERSON, "张伟", "刘洋"],
    "investigator_case": "当事人无证经营。",
    "party_defence": "情节轻微。",
    "record_summary": "双方陈述、质证。",
    "opinion": "建议维持拟处罚意见。",
    "signed": True,
}


def test_a_hearing_without_its_audio_visual_record_is_refused_and_accepted_with_one(client: TestClient, people: People) -> None:
    """音像记录事项清单: 听证 须全程音像记录; a photo is not one, a superseded recording no longer counts."""
    case = notified(client, people, 8000, party=PERSON, fields=PERSON_FIELDS)
    clock(client, "2026-01-08T09:00:00")
    case = move(client, people.handler, case, "request_hearing", {"requested_on": "2026-01-08"})
    hearing = {"notified_on": "2026-01-08", "hearing_date": "2026-01-19", "hearing_time": "上午9时",
               "hearing_place": "本局第一听证室", "host": people.legal_head.id, "public": True}
    case = move(client, people.handler, case, "notify_hearing", hearing)
    clock(client, "2026-01-19T11:00:00")
    body = assert_error(fire(client, people.handler, case, "hold_hearing", HELD), 409, "records_missing")
    assert "听证全程音像记录" in body["message"] and body["details"] == {"missing": ["听证全程音像记录（视频或录音）"]}
    ok(upload(client, people.handler, case["id"], "听证现场.png", png()), 201)
    assert_error(fire(client, people.handler, case, "hold_hearing", HELD), 409, "records_missing")
    video = ok(upload(client, people.handler, case["id"], "听证录像.mp4", mp4()), 201)
    ok(client.post(f"{video['url']}/supersede", json={"reason": "文件损坏"}, headers=auth(people.handler)))
    assert_error(fire(client, people.handler, case, "hold_hearing", HELD), 409, "records_missing")
    ok(upload(client, people.handler, case["id"], "听证录像（完整）.mp4", mp4(8192)), 201)
    assert move(client, people.handler, case, "hold_hearing", HELD)["state"] == "heard"


def test_a_case_that_went_through_a_hearing_needs_legal_review(client: TestClient, people: People) -> None:
    case = _heard(client, people, 8000)  # 8,000 on an individual: a right to a hearing, not major
    assert "hearing_record" in kinds(client, people, case)
    case = move(client, people.handler, case, "propose_decision", proposal(8000))
    body = assert_error(fire(client, people.agency_head, case, "decide_penalty", {"decision_date": "2026-01-19"}), 403, "guard_rejected")
    assert "法制审核" in body["message"]
    case = reviewed(client, people, case)
    assert move(client, people.agency_head, case, "decide_penalty", {"decision_date": "2026-01-19"})["state"] == "decided"


def test_a_ground_named_in_the_proposal_requires_review_and_any_case_may_be_sent(client: TestClient, people: People) -> None:
    case = notified(client, people, 3000, party=PERSON, fields=PERSON_FIELDS)
    case = proposed(client, people, case, 3000, review_grounds=["涉及重大公共利益"])
    assert_error(fire(client, people.agency_head, case, "decide_penalty", DECIDE), 403, "guard_rejected")
    minor = proposed(client, people, notified(client, people, 3000, party=PERSON, fields=PERSON_FIELDS), 3000)
    minor = reviewed(client, people, minor)  # sent to review though nothing requires it (seed 003 item 23)
    assert minor["events"]["review_passed"]["review_opinion"] == "事实清楚，证据确凿，同意。"
    assert move(client, people.agency_head, minor, "decide_penalty", DECIDE)["state"] == "decided"


def test_only_a_first_time_reviewer_needs_the_legal_qualification(client: TestClient, rt: Runtime, people: People) -> None:
    veteran = add_person(rt, "qian", people.agency_id, ("reviewer",), name="钱老", first_review_on=date(2019, 5, 1))
    case = proposed(client, people, notified(client, people), 200000)
    case = move(client, people.handler, case, "submit_review", {})
    review = move(client, people.handler, child(client, people.handler, case["id"], "major_decision_review"), "submit", SUBMISSION)
    body = assert_error(fire(client, people.unqualified_reviewer, review, "approve", {"opinion": "同意"}), 403, "guard_rejected")
    assert "初次从事法制审核" in body["message"]
    assert move(client, veteran, review, "approve", {"opinion": "同意。"})["state"] == "approved"


# ---------------------------------------------------------------- 4. 168号令 art. 3: what is a major penalty


def _proposed_with(client: TestClient, people: People, party: str, fields: dict[str, Any], types: list[str], fine: float = 0, **extra: Any) -> dict[str, Any]:
    """Notified and proposed with these penalty types (and amounts), ready for the head's decision."""
    case = registered(client, people, party=party, **fields)
    case = move(client, people.handler, case, "notify", notice(people, fine, types))
    case = proposed(client, people, case, fine, types=types, **extra)
    return case


def test_closure_and_a_citizens_licence_are_not_major_penalties_under_168(client: TestClient, people: People) -> None:
    closed = _proposed_with(client, people, ORG, ORG_FIELDS, ["责令关闭"])
    body = assert_error(fire(client, people.agency_head, closed, "decide_penalty", DECIDE), 403, "guard_rejected")
    assert "履行方式和期限" in body["message"]  # art. 59 (四): with no sum to pay, the proposal must say how
    closed = move(client, people.handler, closed, "propose_decision", proposal(0, types=["责令关闭"], payment="自收到本决定书之日起停止经营活动。"))
    assert move(client, people.agency_head, closed, "decide_penalty", DECIDE)["state"] == "decided"
    assert children(client, people, closed) == ["enforcement_disclosure"]  # no filing demanded
    licence = _proposed_with(client, people, PERSON, PERSON_FIELDS, ["吊销许可证件"], payment="自收到本决定书之日起交回许可证。")
    move(client, people.agency_head, licence, "decide_penalty", DECIDE)
    assert children(client, people, licence) == ["enforcement_disclosure"]


def test_an_enterprises_licence_and_confiscation_of_equal_value_are_major(client: TestClient, people: People) -> None:
    licence = _proposed_with(client, people, ORG, ORG_FIELDS, ["吊销许可证件"])
    assert "法制审核" in assert_error(fire(client, people.agency_head, licence, "decide_penalty", DECIDE), 403, "guard_rejected")["message"]
    gains = _proposed_with(client, people, ORG, ORG_FIELDS, ["没收违法所得", "没收非法财物"], illegal_gains=60000, illegal_property="假冒商品一批", illegal_property_value=40000)
    assert_error(fire(client, people.agency_head, gains, "decide_penalty", DECIDE), 403, "guard_rejected")


# ---------------------------------------------------------------- 5. arts. 63–65: hearings


def test_the_right_to_a_hearing_follows_from_the_proposed_penalty(client: TestClient, people: People) -> None:
    large = notified(client, people, 50000)  # 50,000 on an organisation: 较大数额 under 204号令
    assert "hearing_notice" in kinds(client, people, large)
    small = notified(client, people, 49999)
    assert "hearing_notice" not in kinds(client, people, small)
    body = assert_error(fire(client, people.handler, small, "request_hearing", {"requested_on": "2026-01-06"}), 403, "guard_rejected")
    assert "不享有听证权利" in body["message"]
    closure = registered(client, people)
    closure = move(client, people.handler, closure, "notify", notice(people, 0, ["责令关闭"]))
    assert "hearing_notice" in kinds(client, people, closure)


def test_a_hearing_asked_for_after_five_working_days_is_refused(client: TestClient, people: People) -> None:
    case = notified(client, people)
    clock(client, "2026-01-14T09:00:00")
    body = assert_error(fire(client, people.handler, case, "request_hearing", {"requested_on": "2026-01-13"}), 403, "guard_rejected")
    assert "五个工作日" in body["message"]
    in_time = move(client, people.handler, case, "request_hearing", {"requested_on": "2026-01-12"})  # recorded late, asked in time
    assert in_time["state"] == "hearing_requested"


def test_the_hearing_notice_goes_out_seven_working_days_ahead_and_the_host_did_not_investigate(
    client: TestClient, people: People
) -> None:
    case = notified(client, people)
    clock(client, "2026-01-08T09:00:00")
    case = move(client, people.handler, case, "request_hearing", {"requested_on": "2026-01-08"})
    hearing = {"notified_on": "2026-01-08", "hearing_date": "2026-01-16", "hearing_time": "上午9时", "hearing_place": "听证室", "host": people.legal_head.id, "public": True}
    assert "七个工作日前" in assert_error(fire(client, people.handler, case, "notify_hearing", hearing), 403, "guard_rejected")["message"]
    hearing["hearing_date"] = "2026-01-19"
    for investigator in (people.handler, people.handler2):
        r = fire(client, people.handler, case, "notify_hearing", {**hearing, "host": investigator.id})
        assert "非本案调查人员" in assert_error(r, 403, "guard_rejected")["message"]
    case = move(client, people.handler, case, "notify_hearing", hearing)
    assert case["state"] == "hearing_scheduled" and "hearing_schedule" in kinds(client, people, case)


def test_a_party_who_stays_away_ends_the_hearing_and_the_case_goes_on(client: TestClient, people: People) -> None:
    case = notified(client, people, 8000, party=PERSON, fields=PERSON_FIELDS)
    clock(client, "2026-01-08T09:00:00")
    case = move(client, people.handler, case, "request_hearing", {"requested_on": "2026-01-08"})
    clock(client, "2026-01-09T09:00:00")
    case = move(client, people.handler, case, "abandon_hearing", {"reason": "当事人撤回听证申请", "ended_on": "2026-01-09"})
    assert case["state"] == "heard"
    clock(client, "2026-01-13T09:00:00")
    case = move(client, people.handler, case, "propose_decision", proposal(8000))
    assert move(client, people.agency_head, case, "decide_penalty", DECIDE)["state"] == "decided"  # no hearing was held


# ---------------------------------------------------------------- 6. art. 60: ninety days, extended, paused


def _decision_period(client: TestClient, people: People, case: dict[str, Any]) -> dict[str, Any]:
    [row] = [d for d in detail(client, people.handler, case["id"])["deadlines"] if d["timer"] == "decision_period"]
    return row


def test_the_ninety_days_pause_for_appraisal_and_extend_with_the_heads_approval(client: TestClient, people: People) -> None:
    case = registered(client, people)
    assert _decision_period(client, people, case)["due"] == "2026-04-07"  # 01-05 + 90 = 04-05, 清明: 04-07
    clock(client, "2026-01-06T09:00:00")
    case = move(client, people.handler, case, "exclude_time", {"reason": "鉴定"})
    assert _decision_period(client, people, case)["status"] == "paused"
    assert_error(fire(client, people.handler, case, "exclude_time", {"reason": "检测"}), 403, "guard_rejected")
    clock(client, "2026-01-26T09:00:00")
    case = move(client, people.handler, case, "resume_time", {"note": "鉴定意见已出具。"})
    row = _decision_period(client, people, case)
    assert (row["status"], row["due"]) == ("open", "2026-04-27")  # 20 days excluded
    assert_error(fire(client, people.handler, case, "extend_period", {"reason": "案情复杂"}), 403, "not_permitted")
    case = move(client, people.agency_head, case, "extend_period", {"reason": "案情复杂，经负责人批准延长。"})
    assert _decision_period(client, people, case)["due"] == "2026-05-27"
    assert case["events"]["extend_period"]["reason"] == "案情复杂，经负责人批准延长。"
    assert "已延长过" in assert_error(fire(client, people.agency_head, case, "extend_period", {"reason": "再延"}), 403, "guard_rejected")["message"]


def test_the_hearing_time_is_not_counted_in_the_ninety_days(client: TestClient, people: People) -> None:
    case = _heard(client, people, 8000)  # asked on 01-08, held on 01-19
    row = _decision_period(client, people, case)
    assert row["pauses"] == [["2026-01-08", "2026-01-19"]] and row["due"] == "2026-04-16"  # 04-05 + 11 days


# ---------------------------------------------------------------- 7. legal dates


def test_service_on_time_is_judged_on_the_day_served_not_the_day_recorded(client: TestClient, people: People) -> None:
    case = decided_minor(client, people)  # decided on 01-13: serve within 7 working days, by 01-22
    clock(client, "2026-02-27T09:00:00")
    serve = {"served_on": "2026-01-15", "method": "直接送达", "recipient": PERSON, "served_documents": ["行政处罚决定书"]}
    case = move(client, people.handler, case, "serve", serve)
    [row] = [d for d in detail(client, people.handler, case["id"])["deadlines"] if d["timer"] == "service_period"]
    assert (row["due"], row["outcome"]) == ("2026-01-22", "on_time")


def test_a_date_in_the_future_or_before_the_step_it_follows_is_refused(client: TestClient, people: People) -> None:
    case = registered(client, people)  # 立案 on 01-05
    early = assert_error(fire(client, people.handler, case, "notify", notice(people, served_on="2026-01-04")), 403, "guard_rejected")
    assert "早于" in early["message"]
    future = assert_error(fire(client, people.handler, case, "notify", notice(people, served_on="2026-01-06")), 403, "guard_rejected")
    assert "晚于今天" in future["message"]
    case = decided_minor(client, people)
    serve = {"served_on": "2026-01-12", "method": "直接送达", "recipient": PERSON, "served_documents": ["行政处罚决定书"]}
    assert "早于" in assert_error(fire(client, people.handler, case, "serve", serve), 403, "guard_rejected")["message"]


# ---------------------------------------------------------------- 8. disclosure


def test_a_decision_revoked_before_publication_leaves_the_queue_without_counting_as_missing(client: TestClient, people: People) -> None:
    disclosure = child(client, people.handler, decided_minor(client, people)["id"], "enforcement_disclosure")
    clock(client, "2026-02-10T09:00:00")  # the 7 working days have run out
    cancel = {"reason_type": "被撤销", "revoked_on": "2026-01-15", "reason": "复议撤销。"}
    disclosure = move(client, people.handler, disclosure, "cancel", cancel)
    [row] = detail(client, people.handler, disclosure["id"])["deadlines"]
    assert (disclosure["state"], row["outcome"]) == ("cancelled", "cancelled")
    assert ok(client.get("/api/public/disclosures?status=withdrawn"))["count"] == 0  # never shown, nothing to withdraw


def test_withholding_a_disclosure_by_law_needs_the_agency_head(client: TestClient, people: People) -> None:
    disclosure = child(client, people.handler, decided_minor(client, people)["id"], "enforcement_disclosure")
    withhold = {"legal_ground": "涉及商业秘密或者个人隐私（权利人不同意公开）", "reason": "涉及个人隐私。"}
    assert_error(fire(client, people.handler, disclosure, "withhold", withhold), 403, "not_permitted")
    disclosure = move(client, people.agency_head, disclosure, "withhold", withhold)
    [row] = detail(client, people.handler, disclosure["id"])["deadlines"]
    assert (disclosure["state"], row["outcome"]) == ("withheld", "cancelled")


# ---------------------------------------------------------------- 9. 不予行政处罚


def test_a_discussion_that_concludes_no_penalty_leads_to_a_no_penalty_decision_and_closing(client: TestClient, people: People) -> None:
    case = proposed(client, people, notified(client, people, 3000), 3000, complex=True)
    case = discussed(client, people, case, conclusion="不予行政处罚")
    assert "集体讨论" in assert_error(fire(client, people.agency_head, case, "decide_penalty", DECIDE), 403, "guard_rejected")["message"]
    case = move(client, people.agency_head, case, "decide_no_penalty", DECIDE)
    assert case["state"] == "decided" and case["data"]["decision_no"] == "郑市监不罚〔2026〕1号"
    assert children(client, people, case) == []
    case = move(client, people.handler, case, "serve", {"served_on": "2026-01-13", "method": "直接送达", "recipient": ORG, "served_documents": ["不予行政处罚决定书"]})
    assert_error(fire(client, people.handler, case, "execute", {"executed_on": "2026-01-13", "execution_method": "自觉履行"}), 403, "guard_rejected")
    case = move(client, people.handler, case, "propose_close", {"execution": "不予行政处罚，无需执行。", "closing_note": "建议结案。"})
    case = move(client, people.agency_head, case, "close", {})
    assert case["state"] == "closed"
    assert kinds(client, people, case)[-4:] == ["penalty_discussion_record", "no_penalty_decision", "service_receipt", "closing_approval"]


# ---------------------------------------------------------------- 10. art. 42: two certified officers


def test_register_and_notice_name_two_officers_each_with_a_valid_certificate(client: TestClient, people: People) -> None:
    clock(client, "2026-01-05T09:00:00")
    case = ok(client.post("/api/cases", json={"workflow": "penalty_case", "title": "某案", "party": ORG, **ORG_FIELDS}, headers=auth(people.handler)), 201)
    base = {"facts_brief": "举报。", "register_basis": "第五十四条", "discovered_on": "2026-01-04"}
    assert_error(fire(client, people.handler, case, "propose_register", {**base, "investigators": [people.handler.id]}), 422, "invalid_payload")
    for officers, reason in [
        ([people.handler.id, people.handler.id], "不得少于2人"),
        ([people.handler.id, people.expired_handler.id], "已过期"),
        ([people.handler.id, people.outsider.id], "不是本机关人员"),
        ([people.handler.id, people.agency_head.id], "未持有行政执法证"),
    ]:
        r = fire(client, people.handler, case, "propose_register", {**base, "investigators": officers})
        assert reason in assert_error(r, 403, "guard_rejected")["message"]
    case = registered(client, people)
    r = fire(client, people.handler, case, "notify", {**notice(people), "officers": [people.handler.id, people.expired_handler.id]})
    assert "已过期" in assert_error(r, 403, "guard_rejected")["message"]
