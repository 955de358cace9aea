"""A hostile client over HTTP: undeclared and engine-owned keys, huge and nested values, control
characters. None may change a legal fact, none may make a case unusable, none may give a 500 — on SQLite
and PostgreSQL."""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient

from tests.api.conftest import assert_error, auth, detail, fire, move, ok
from tests.api.penalty import clock, decided_minor, notified, proposal, proposed
from tests.conftest import SUBMISSION, People

PENALTY_CASE = {"workflow": "penalty_case", "title": "某公司违法案", "party": "某公司", "party_type": "organization"}
REVIEW_CASE = {"workflow": "major_decision_review", "title": "某公司违法案", "party": "某公司"}


def create(client: TestClient, people: People, body: dict[str, Any]) -> Any:
    return client.post("/api/cases", json=body, headers=auth(people.handler))


def unknown_fields(body: dict[str, Any]) -> list[str]:
    return [d["field"] for d in body["details"] if d["type"] == "extra_forbidden"]


def test_an_undeclared_key_when_a_case_starts_is_refused_and_named(client: TestClient, people: People) -> None:
    body = assert_error(create(client, people, {**PENALTY_CASE, "review_passed_on": "2026-09-01"}), 422, "invalid_payload")
    assert unknown_fields(body) == ["review_passed_on"]
    assert "review_passed_on" in body["message"]
    assert ok(client.get("/api/cases", headers=auth(people.handler)))["count"] == 0


def register(people: People) -> dict[str, Any]:
    return {
        "facts_brief": "举报。",
        "register_basis": "第五十四条",
        "investigators": [people.handler.id, people.handler2.id],
        "discovered_on": "2026-03-01",
    }


def test_an_undeclared_key_in_an_event_is_refused_and_nothing_moves(client: TestClient, people: People) -> None:
    case = ok(create(client, people, PENALTY_CASE), 201)
    body = assert_error(
        fire(client, people.handler, case, "propose_register", {**register(people), "review_passed_on": "2026-09-01", "x": 1}),
        422,
        "invalid_payload",
    )
    assert unknown_fields(body) == ["review_passed_on", "x"]
    after = detail(client, people.handler, case["id"])
    assert (after["state"], after["version"], after["events"]) == ("registering", 1, {})


def test_a_major_penalty_cannot_be_decided_without_an_approved_legal_review(
    client: TestClient, people: People
) -> None:
    """The bypass as it was found: a 200,000 yuan fine on an organisation, no review, a forged fact."""
    case = proposed(client, people, notified(client, people), 200000)
    forged = {"decision_date": "2026-01-13", "review_passed_on": "2026-01-10"}
    assert unknown_fields(assert_error(fire(client, people.agency_head, case, "decide_penalty", forged), 422, "invalid_payload")) == [
        "review_passed_on"
    ]
    body = assert_error(
        fire(client, people.agency_head, case, "decide_penalty", {"decision_date": "2026-01-13"}), 403, "guard_rejected"
    )
    assert "法制审核" in body["message"]
    after = detail(client, people.handler, case["id"])
    assert after["state"] == "deliberating" and after["children"] == []


def test_a_minor_penalty_needs_no_review(client: TestClient, people: People) -> None:
    assert decided_minor(client, people)["state"] == "decided"


def test_a_later_payload_cannot_change_what_an_earlier_event_recorded(client: TestClient, people: People) -> None:
    """The agency head decides on the proposal as it stands: a fine sent with the decision is refused."""
    case = proposed(client, people, notified(client, people, 8000), 8000)
    body = assert_error(
        fire(client, people.agency_head, case, "decide_penalty", {"decision_date": "2026-01-13", "fine_amount": 1}),
        422,
        "invalid_payload",
    )
    assert unknown_fields(body) == ["fine_amount"]
    assert detail(client, people.handler, case["id"])["events"]["propose_decision"]["fine_amount"] == 8000


def test_engine_written_names_are_refused_in_a_payload(client: TestClient, people: People) -> None:
    body = assert_error(create(client, people, {**PENALTY_CASE, "decision_no": "伪〔2026〕1号"}), 422, "invalid_payload")
    assert unknown_fields(body) == ["decision_no"]
    case = ok(create(client, people, PENALTY_CASE), 201)
    for key in ("on", "by", "seq", "child_id", "register_on"):
        r = fire(client, people.handler, case, "propose_register", {**register(people), key: "2026-01-01"})
        assert unknown_fields(assert_error(r, 422, "invalid_payload")) == [key]


def test_a_bad_value_under_a_date_like_name_leaves_the_case_usable(client: TestClient, people: People) -> None:
    assert_error(create(client, people, {**PENALTY_CASE, "x_on": "zzz"}), 422, "invalid_payload")
    case = ok(create(client, people, PENALTY_CASE), 201)
    assert_error(fire(client, people.handler, case, "propose_register", {**register(people), "x_on": "zzz"}), 422, "invalid_payload")
    case = move(client, people.handler, case, "propose_register", register(people))
    case = move(client, people.agency_head, case, "register", {})  # issues the 立案审批表
    assert case["state"] == "investigating"
    assert [d["kind"] for d in detail(client, people.handler, case["id"])["documents"]] == ["register_approval"]


def test_deep_nesting_is_refused_before_it_is_parsed(client: TestClient, people: People) -> None:
    case = ok(create(client, people, PENALTY_CASE), 201)
    deep = "[" * 500 + "]" * 500
    for body in (
        f'{{"workflow": "penalty_case", "title": "t", "party": "p", "x": {deep}}}',
        f'{{"facts_brief": {deep}}}',
        "[" * 100_000 + "]" * 100_000,
    ):
        r = client.post(
            f"/api/cases/{case['id']}/events/propose_register",
            content=body,
            headers={**auth(people.handler), "If-Match": "1", "Content-Type": "application/json"},
        )
        assert_error(r, 422, "too_deeply_nested")
    r = client.post("/api/cases", content=f'{{"x": {deep}}}', headers={**auth(people.handler), "Content-Type": "application/json"})
    assert_error(r, 422, "too_deeply_nested")
    brackets_in_text = {**register(people), "facts_brief": "[" * 200, "register_basis": "{" * 200}
    assert move(client, people.handler, case, "propose_register", brackets_in_text)["events"]["propose_register"]


def test_a_body_over_one_megabyte_is_refused_and_nobody_pays_for_it(client: TestClient, people: People) -> None:
    huge = {**PENALTY_CASE, "junk": "x" * (20 * 1024 * 1024)}
    assert_error(create(client, people, huge), 413, "body_too_large")
    chunks = (b"x" * 65536 for _ in range(32))  # streamed with no Content-Length
    r = client.post("/api/cases", content=chunks, headers={**auth(people.handler), "Content-Type": "application/json"})
    assert_error(r, 413, "body_too_large")
    listing = client.get("/api/cases", headers=auth(people.handler))
    assert listing.status_code == 200 and len(listing.content) < 10_000


def test_text_is_bounded_and_free_of_control_characters(client: TestClient, people: People) -> None:
    case = ok(create(client, people, REVIEW_CASE), 201)
    too_long = {**SUBMISSION, "summary": "长" * 5001}
    body = assert_error(fire(client, people.handler, case, "submit", too_long), 422, "invalid_payload")
    assert "不超过 5000 字" in body["message"]
    for bad in ("a\x00b", "a\x07b", "\x1b[31m"):  # refused at the edge, before any route (api/limits.py)
        r = fire(client, people.handler, case, "submit", {**SUBMISSION, "summary": bad})
        assert "控制字符" in assert_error(r, 422, "control_character")["message"]
    too_many = {**SUBMISSION, "materials": [f"材料{i}" for i in range(101)]}
    assert "条目过多" in assert_error(fire(client, people.handler, case, "submit", too_many), 422, "invalid_payload")["message"]
    assert_error(create(client, people, {**REVIEW_CASE, "title": "案\x00由"}), 422, "control_character")
    assert_error(create(client, people, {**REVIEW_CASE, "title": "案" * 301}), 422, "invalid_request")
    assert move(client, people.handler, case, "submit", {**SUBMISSION, "summary": "第一行\n第二行\t缩进"})["state"] == "under_review"


def test_numbers_are_bounded_and_finite(client: TestClient, people: People) -> None:
    case = notified(client, people)
    clock(client, "2026-01-13T09:00:00")
    for fine in (1e300, -1, "1000"):
        r = fire(client, people.handler, case, "propose_decision", {**proposal(0), "fine_amount": fine})
        assert_error(r, 422, "invalid_payload")
    r = client.post(
        f"/api/cases/{case['id']}/events/propose_decision",
        content=json.dumps(proposal(1000)).replace("1000", "NaN", 1),
        headers={**auth(people.handler), "If-Match": str(case["version"]), "Content-Type": "application/json"},
    )
    assert r.status_code in (400, 422), r.text
    for people_id in (0, -1, 2**31, "1", 1.5):
        bad = {**register(people), "investigators": [people_id, people.handler.id]}
        other = ok(create(client, people, PENALTY_CASE), 201)
        assert_error(fire(client, people.handler, other, "propose_register", bad), 422, "invalid_payload")


def test_each_event_keeps_its_own_record(client: TestClient, people: People) -> None:
    """A resubmission's materials do not wipe what the first submission recorded."""
    case = ok(create(client, people, REVIEW_CASE), 201)
    case = move(client, people.handler, case, "submit", SUBMISSION)
    case = move(
        client,
        people.reviewer,
        case,
        "return",
        {"opinion": "补充。", "findings": [{"item": "程序是否合法", "problem": "缺回证"}], "needs_supplement": False},
    )
    case = move(client, people.handler, case, "resubmit", {"response": "已补充。", "materials": ["送达回证"]})
    events = detail(client, people.handler, case["id"])["events"]
    assert events["submit"]["materials"] == SUBMISSION["materials"]
    assert events["resubmit"]["materials"] == ["送达回证"]
    assert events["submit"]["on"] == "2026-03-02" and events["submit"]["by"] == people.handler.id
    assert case["data"] == {"summary": SUBMISSION["summary"], "proposed_decision": SUBMISSION["proposed_decision"]}
