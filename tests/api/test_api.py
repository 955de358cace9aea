"""The REST API: every status the contract names, errors always as {code, message}."""

from __future__ import annotations

import io
from typing import Any

import pytest
from docx import Document as Docx
from fastapi.testclient import TestClient

from review_workflow.api.app import create_app
from review_workflow.runtime import Runtime
from tests.api.conftest import assert_error, auth, fire, ok
from tests.conftest import DECIDE, RETURN, SUBMISSION, People, Person


def create(client: TestClient, p: Person, **extra: Any) -> dict[str, Any]:
    body = {
        "workflow": "major_decision_review",
        "title": "某公司销售过期食品案",
        "party": "某食品有限公司",
        **extra,
    }
    r = client.post("/api/cases", json=body, headers=auth(p))
    assert r.status_code == 201, r.text
    return r.json()


def test_health_and_openapi(client: TestClient) -> None:
    assert client.get("/api/health").json()["status"] == "ok"
    assert "/api/cases/{case_id}/events/{event}" in client.get("/openapi.json").json()["paths"]
    assert client.get("/docs").status_code == 200


def test_workflows_show_states_transitions_roles_fields_and_mermaid(client: TestClient) -> None:
    names = [w["name"] for w in client.get("/api/workflows").json()]
    assert "major_decision_review" in names
    wf = client.get("/api/workflows/major_decision_review").json()
    ret = next(t for t in wf["transitions"] if t["event"] == "return")
    assert ret["roles"] == ["reviewer"] and ret["sources"] == ["under_review"]
    findings = next(f for f in ret["payload"] if f["name"] == "findings")
    assert findings["type"] == "list[object]" and {f["name"] for f in findings["fields"]} >= {
        "item",
        "problem",
    }
    assert wf["mermaid"].startswith("stateDiagram-v2")
    assert_error(client.get("/api/workflows/nope"), 404, "not_found")


def test_short_path_over_http_with_downloadable_documents(client: TestClient, people: People) -> None:
    case = create(client, people.handler)
    assert (case["state"], case["version"]) == ("drafting", 1)
    case = ok(fire(client, people.handler, case, "submit", SUBMISSION))
    case = ok(fire(client, people.reviewer, case, "approve", {"opinion": "同意"}))
    assert case["state"] == "approved"
    detail = ok(client.get(f"/api/cases/{case['id']}", headers=auth(people.handler)))
    assert [h["event"] for h in detail["history"]] == ["start", "submit", "approve"]
    assert detail["available_events"] == []
    [review] = detail["deadlines"]
    assert (review["timer"], review["status"], review["closed_late"]) == ("review_period", "met", False)
    opinion = next(d for d in detail["documents"] if d["kind"] == "review_opinion")
    r = client.get(opinion["url"], headers=auth(people.handler))
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats")
    text = "\n".join(p.text for p in Docx(io.BytesIO(r.content)).paragraphs)
    text += "\n".join(c.text for t in Docx(io.BytesIO(r.content)).tables for row in t.rows for c in row.cells)
    assert opinion["number"] in text and "同意" in text


def _approved_opinion(client: TestClient, people: People) -> dict[str, Any]:
    case = create(client, people.handler)
    case = ok(fire(client, people.handler, case, "submit", SUBMISSION))
    ok(fire(client, people.reviewer, case, "approve", {"opinion": "同意"}))
    detail = ok(client.get(f"/api/cases/{case['id']}", headers=auth(people.handler)))
    return next(d for d in detail["documents"] if d["kind"] == "review_opinion")


def test_document_as_pdf_without_libreoffice_is_501_in_chinese(rt: Runtime, people: People) -> None:
    rt.settings = rt.settings.model_copy(update={"pdf_converter": "/nonexistent/soffice"})
    client = TestClient(create_app(rt), raise_server_exceptions=False)
    opinion = _approved_opinion(client, people)
    r = client.get(opinion["url"] + "?format=pdf", headers=auth(people.handler))
    assert_error(r, 501, "pdf_unavailable")
    assert "LibreOffice" in r.json()["message"] and "PDF" in r.json()["message"]
    assert client.get(opinion["url"], headers=auth(people.handler)).status_code == 200  # the .docx still is


def test_document_as_pdf_is_converted_by_libreoffice(client: TestClient, people: People, soffice: str) -> None:
    from pypdf import PdfReader

    opinion = _approved_opinion(client, people)
    r = client.get(opinion["url"] + "?format=pdf", headers=auth(people.handler))
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/pdf"
    assert r.content.startswith(b"%PDF")
    assert ".pdf" in r.headers["content-disposition"]
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(r.content)).pages)
    assert opinion["number"] in "".join(text.split())


def test_document_format_is_docx_or_pdf_and_the_501_is_documented(client: TestClient, people: People) -> None:
    opinion = _approved_opinion(client, people)
    assert_error(client.get(opinion["url"] + "?format=odt", headers=auth(people.handler)), 422, "invalid_request")
    responses = client.get("/openapi.json").json()["paths"]["/api/cases/{case_id}/documents/{doc_id}"]["get"]["responses"]
    assert "501" in responses and "application/pdf" in responses["200"]["content"]


def test_whole_path_over_http(client: TestClient, people: People) -> None:
    case = create(client, people.handler)
    case = ok(fire(client, people.handler, case, "submit", SUBMISSION))
    case = ok(fire(client, people.reviewer, case, "return", RETURN))
    case = ok(fire(client, people.handler, case, "resubmit", {"response": "已补充"}))
    case = ok(fire(client, people.reviewer, case, "return", RETURN))
    case = ok(fire(client, people.handler, case, "object", {"reason": "不同意"}))
    case = ok(fire(client, people.legal_head, case, "escalate", {"reason": "协商不成"}))
    case = ok(fire(client, people.agency_head, case, "decide", DECIDE))
    assert case["state"] == "decided"
    detail = ok(client.get(f"/api/cases/{case['id']}", headers=auth(people.agency_head)))
    assert len(detail["documents"]) == 5
    for doc in detail["documents"]:
        assert client.get(doc["url"], headers=auth(people.handler)).status_code == 200


def test_missing_or_bad_token_is_401(client: TestClient) -> None:
    assert_error(client.get("/api/cases"), 401, "not_authenticated")
    assert_error(client.get("/api/cases", headers={"Authorization": "Bearer nope"}), 401, "not_authenticated")


def test_event_statuses_409_403_422_428(client: TestClient, people: People) -> None:
    case = create(client, people.handler)
    assert_error(
        fire(client, people.reviewer, case, "approve", {"opinion": "x"}), 409, "transition_not_allowed"
    )
    assert_error(fire(client, people.reviewer, case, "submit", SUBMISSION), 403, "not_permitted")
    assert_error(fire(client, people.handler, case, "submit", {"summary": 1}), 422, "invalid_payload")
    assert_error(
        fire(client, people.handler, case, "submit", ["not", "an", "object"]), 422, "invalid_request"
    )
    stale = {**case, "version": case["version"] + 5}
    assert_error(fire(client, people.handler, stale, "submit", SUBMISSION), 409, "stale_version")
    r = client.post(f"/api/cases/{case['id']}/events/submit", json=SUBMISSION, headers=auth(people.handler))
    assert_error(r, 428, "version_required")
    r = client.post(
        f"/api/cases/{case['id']}/events/submit",
        json=SUBMISSION,
        headers={**auth(people.handler), "If-Match": "abc"},
    )
    assert_error(r, 428, "version_required")
    etag = client.post(
        f"/api/cases/{case['id']}/events/submit",
        json=SUBMISSION,
        headers={**auth(people.handler), "If-Match": '"1"'},
    )
    assert ok(etag)["state"] == "under_review"


def test_guard_refusal_is_403_with_the_reason(client: TestClient, people: People) -> None:
    case = create(client, people.handler)
    case = ok(fire(client, people.handler, case, "submit", SUBMISSION))
    r = fire(client, people.unqualified_reviewer, case, "approve", {"opinion": "同意"})
    assert_error(r, 403, "guard_rejected")
    assert "法律职业资格" in r.json()["message"]
    r = client.post(
        "/api/cases",
        json={"workflow": "major_decision_review", "title": "a", "party": "b"},
        headers=auth(people.expired_handler),
    )
    assert_error(r, 403, "guard_rejected")


def test_create_case_validation(client: TestClient, people: People) -> None:
    r = client.post(
        "/api/cases", json={"workflow": "major_decision_review", "title": ""}, headers=auth(people.handler)
    )
    assert_error(r, 422, "invalid_request")
    r = client.post(
        "/api/cases", json={"workflow": "nope", "title": "a", "party": "b"}, headers=auth(people.handler)
    )
    assert_error(r, 404, "not_found")
    r = client.post(
        "/api/cases",
        json={"workflow": "major_decision_review", "title": "a", "party": "b"},
        headers=auth(people.reviewer),
    )
    assert_error(r, 403, "not_permitted")
    r = client.post(
        "/api/cases",
        content=b"{not json",
        headers={**auth(people.handler), "Content-Type": "application/json"},
    )
    assert_error(r, 422, "invalid_request")


def test_other_agencies_cases_are_404_and_lists_are_scoped(client: TestClient, people: People) -> None:
    case = create(client, people.handler)
    assert_error(client.get(f"/api/cases/{case['id']}", headers=auth(people.outsider)), 404, "not_found")
    assert_error(client.get("/api/cases/999999", headers=auth(people.handler)), 404, "not_found")
    assert client.get("/api/cases", headers=auth(people.outsider)).json()["count"] == 0
    assert client.get("/api/cases", headers=auth(people.supervisor)).json()["count"] == 1
    assert_error(
        client.get(f"/api/cases/{case['id']}/documents/1", headers=auth(people.outsider)), 404, "not_found"
    )
    assert_error(
        client.get(f"/api/cases/{case['id']}/documents/999", headers=auth(people.handler)), 404, "not_found"
    )


def test_case_list_filters_and_pages(client: TestClient, people: People) -> None:
    for i in range(3):
        create(client, people.handler, title=f"第{i}号案件")
    r = ok(client.get("/api/cases", params={"page": 2, "page_size": 2}, headers=auth(people.handler)))
    assert (r["count"], len(r["data"]), r["page"]) == (3, 1, 2)
    r = ok(
        client.get(
            "/api/cases",
            params={"q": "第1号", "state": "drafting", "workflow": "major_decision_review"},
            headers=auth(people.handler),
        )
    )
    assert [c["title"] for c in r["data"]] == ["第1号案件"]
    assert_error(
        client.get("/api/cases", params={"page": 0}, headers=auth(people.handler)), 422, "invalid_request"
    )


def test_tasks_list_what_the_caller_can_act_on(client: TestClient, people: People) -> None:
    case = create(client, people.handler)
    ok(fire(client, people.handler, case, "submit", SUBMISSION))
    tasks = ok(client.get("/api/tasks", headers=auth(people.reviewer)))
    assert tasks["count"] == 1
    assert {e["event"] for e in tasks["data"][0]["events"]} == {"approve", "return"}
    assert ok(client.get("/api/tasks", headers=auth(people.agency_head)))["count"] == 0


def test_unknown_route_is_a_json_404(client: TestClient) -> None:
    assert_error(client.get("/api/nothing-here"), 404, "not_found")


@pytest.mark.parametrize(
    "path",
    [
        "/api/cases?page=99999999999999999999",
        "/api/cases?page=100001",
        "/api/deadlines?page_size=101",
        "/api/notifications?page=0",
    ],
)
def test_pages_out_of_range_are_a_422_not_a_500(client: TestClient, people: People, path: str) -> None:
    assert_error(client.get(path, headers=auth(people.handler)), 422, "invalid_request")


@pytest.mark.parametrize("path", ["/api/cases/99999999999999999999", "/api/cases/1/documents/99999999999999999999"])
def test_ids_out_of_range_in_the_path_are_not_found_not_a_500(client: TestClient, people: People, path: str) -> None:
    assert_error(client.get(path, headers=auth(people.handler)), 404, "not_found")


def test_a_missing_sub_field_is_named_by_its_own_title(client: TestClient, people: People) -> None:
    case = ok(fire(client, people.handler, create(client, people.handler), "submit", SUBMISSION))
    bad = {**RETURN, "findings": [{"item": "程序是否合法"}]}
    r = fire(client, people.reviewer, case, "return", bad)
    assert_error(r, 422, "invalid_payload")
    assert r.json()["details"] == [
        {"field": "findings.0.problem", "type": "missing", "message": "存在的问题（findings.0.problem）缺少必填字段"}
    ]
