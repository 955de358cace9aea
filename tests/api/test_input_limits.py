"""Input limits on every path, on SQLite and PostgreSQL (which refuses NUL in text, and ids past 2^31-1
in its integer columns): no string with a control character and no out-of-range id reaches a query.

The rule (docs/api.md): an id in the path outside 1..2147483647 names nothing → 404 not_found; an id in
the query outside it is a bad parameter → 422; a control character anywhere → 422 control_character."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import assert_error, auth, ok
from tests.conftest import SUBMISSION, People

REVIEW_CASE = {"workflow": "major_decision_review", "title": "某公司违法案", "party": "某公司"}
OUT_OF_RANGE = ("2147483648", "9223372036854775806", "9223372036854775808", "99999999999999999999999", "0", "-1")


def a_case(client: TestClient, people: People) -> dict[str, Any]:
    return ok(client.post("/api/cases", json=REVIEW_CASE, headers=auth(people.handler)), 201)


@pytest.mark.parametrize("case_id", OUT_OF_RANGE)
def test_a_case_id_out_of_range_is_not_found(client: TestClient, people: People, case_id: str) -> None:
    assert_error(client.get(f"/api/cases/{case_id}", headers=auth(people.handler)), 404, "not_found")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/cases/1/documents/9223372036854775806"),
        ("GET", "/api/cases/2147483648/documents/1"),
        ("POST", "/api/notifications/9223372036854775806/read"),
        ("POST", "/api/notifications/0/read"),
        ("GET", "/api/admin/users/2147483648"),
        ("GET", "/api/admin/agencies/-5"),
    ],
)
def test_every_path_id_out_of_range_is_not_found(client: TestClient, people: People, method: str, path: str) -> None:
    who = people.admin if path.startswith("/api/admin") else people.handler
    assert_error(client.request(method, path, headers=auth(who)), 404, "not_found")


def test_an_event_on_a_case_id_out_of_range_is_not_found(client: TestClient, people: People) -> None:
    r = client.post("/api/cases/2147483648/events/submit", json=SUBMISSION, headers={**auth(people.handler), "If-Match": "1"})
    assert_error(r, 404, "not_found")


@pytest.mark.parametrize(
    "path",
    [
        "/api/deadlines?responsible=2147483648",
        "/api/deadlines?responsible=0",
        "/api/admin/users?agency_id=9223372036854775808",
        "/api/admin/security-events?user_id=-1",
        "/api/cases?page=99999999999",
    ],
)
def test_a_query_id_out_of_range_is_a_bad_parameter(client: TestClient, people: People, path: str) -> None:
    who = people.admin if path.startswith("/api/admin") else people.handler
    assert_error(client.get(path, headers=auth(who)), 422, "invalid_request")


def test_ids_in_range_still_answer(client: TestClient, people: People) -> None:
    case = a_case(client, people)
    assert ok(client.get(f"/api/cases/{case['id']}", headers=auth(people.handler)))["id"] == case["id"]
    assert ok(client.get("/api/deadlines?responsible=2147483647", headers=auth(people.handler)))["count"] == 0
    assert_error(client.get("/api/cases/2147483647", headers=auth(people.handler)), 404, "not_found")


@pytest.mark.parametrize(
    "path",
    [
        "/api/cases?q=%00",
        "/api/cases?q=a%01b",
        "/api/cases?state=%00",
        "/api/cases?workflow=major%00",
        "/api/cases?%00=1",
        "/api/deadlines?status=%1b",
        "/api/admin/users?q=%7f",
        "/api/cases/1%00",
        "/api/workflows/major_decision_review%00",
        "/api/cases?q=line%0Abreak",  # a search is one line
    ],
)
def test_a_control_character_in_the_query_or_path_is_refused(client: TestClient, people: People, path: str) -> None:
    who = people.admin if path.startswith("/api/admin") else people.handler
    body = assert_error(client.get(path, headers=auth(who)), 422, "control_character")
    assert "控制字符" in body["message"] and body["details"][0]["type"] == "control_character"


def test_the_public_disclosures_refuse_a_nul_without_log_in(client: TestClient) -> None:
    assert_error(client.get("/api/public/disclosures?q=%00"), 422, "control_character")
    assert ok(client.get("/api/public/disclosures?q=某公司"))["count"] == 0


@pytest.mark.parametrize(
    "body",
    [
        {**REVIEW_CASE, "title": "案\x00由"},
        {**REVIEW_CASE, "party": "某\x1b[31m公司"},
        {**REVIEW_CASE, "x\x00": 1},
        {**REVIEW_CASE, "nested": {"deep": [{"deeper": "a\x00"}]}},
        {**REVIEW_CASE, "title": "\ud800"},  # a lone surrogate has no UTF-8
    ],
)
def test_a_control_character_anywhere_in_a_json_body_is_refused(client: TestClient, people: People, body: Any) -> None:
    raw = json.dumps(body)  # escaped as \u0000, as a client would send it
    r = client.post("/api/cases", content=raw, headers={**auth(people.handler), "Content-Type": "application/json"})
    assert_error(r, 422, "control_character")
    assert ok(client.get("/api/cases", headers=auth(people.handler)))["count"] == 0


def test_a_nul_in_an_event_payload_names_the_field_and_moves_nothing(client: TestClient, people: People) -> None:
    case = a_case(client, people)
    payload = {**SUBMISSION, "materials": ["立案审批表", "调查\x00终结报告"]}
    r = client.post(f"/api/cases/{case['id']}/events/submit", json=payload, headers={**auth(people.handler), "If-Match": "1"})
    body = assert_error(r, 422, "control_character")
    assert body["details"][0]["field"] == "body.materials.1"
    assert ok(client.get(f"/api/cases/{case['id']}", headers=auth(people.handler)))["version"] == 1


def test_tabs_and_line_breaks_stay_allowed_in_multi_line_text(client: TestClient, people: People) -> None:
    case = a_case(client, people)
    payload = {**SUBMISSION, "summary": "第一行\r\n第二行\t缩进"}
    r = client.post(f"/api/cases/{case['id']}/events/submit", json=payload, headers={**auth(people.handler), "If-Match": "1"})
    assert ok(r)["state"] == "under_review"


def test_a_body_that_is_not_json_is_refused_in_chinese(client: TestClient, people: People) -> None:
    for raw in (b"{", b"\xff\xfe", b'{"title": }'):
        r = client.post("/api/cases", content=raw, headers={**auth(people.handler), "Content-Type": "application/json"})
        assert "不是有效的 JSON" in assert_error(r, 422, "invalid_request")["message"]


@pytest.mark.parametrize(
    ("header", "value"),
    [("Authorization", "Bearer abc\x00def"), ("If-Match", "1\x00"), ("X-Anything", "a\x01")],
)
def test_a_control_character_in_a_header_is_refused(client: TestClient, people: People, header: str, value: str) -> None:
    case = a_case(client, people)
    headers = {**auth(people.handler), "If-Match": "1", header: value}
    r = client.post(f"/api/cases/{case['id']}/events/submit", json=SUBMISSION, headers=headers)
    assert_error(r, 422, "control_character")


@pytest.mark.parametrize("version", [b"\xb2", b"\xb9", b"9" * 5000, b"1.5", b"-1"])  # ², ¹ as latin-1 bytes
def test_an_if_match_that_is_not_a_plain_number_is_refused_not_a_500(
    client: TestClient, people: People, version: bytes
) -> None:
    case = a_case(client, people)
    headers: dict[str, Any] = {**auth(people.handler), "If-Match": version}
    r = client.post(f"/api/cases/{case['id']}/events/submit", json=SUBMISSION, headers=headers)
    assert_error(r, 428, "version_required")


def test_options_names_every_method_of_the_path(client: TestClient) -> None:
    r = client.options("/api/cases")
    assert r.status_code == 204 and r.headers["allow"] == "GET, HEAD, OPTIONS, POST"
    assert client.options("/api/cases/1").headers["allow"] == "GET, HEAD, OPTIONS"
    assert client.options("/api/cases/1/events/submit").headers["allow"] == "OPTIONS, POST"
    refused = client.delete("/api/cases")
    assert_error(refused, 405, "method_not_allowed")
    assert refused.headers["allow"] == "GET, HEAD, OPTIONS, POST"
    assert client.options("/api/nothing-here").status_code == 404


def test_each_workflow_publishes_the_json_schema_of_its_case_and_events(client: TestClient) -> None:
    schema = ok(client.get("/api/workflows/penalty_case/schema"))
    assert schema["case"]["properties"]["workflow"]["const"] == "penalty_case"
    assert {"workflow", "title", "party"} <= set(schema["case"]["required"])
    assert schema["case"]["additionalProperties"] is False
    register = schema["events"]["propose_register"]["payload"]
    assert register["additionalProperties"] is False and "investigators" in register["required"]
    assert register["properties"]["investigators"]["items"]["maximum"] == 2**31 - 1
    assert_error(client.get("/api/workflows/no_such_flow/schema"), 404, "not_found")
