"""人员管理 through the API: agencies, people, 执法证; a suspended, cancelled or expired certificate stops
its holder at their next event with a 403 that names the reason."""

from __future__ import annotations

import io
from typing import Any

from fastapi.testclient import TestClient
from openpyxl import Workbook

from review_workflow.runtime import Runtime
from review_workflow.services.security import CHANGE_KINDS
from tests.api.conftest import assert_error, auth, fire, ok
from tests.conftest import SUBMISSION, People, Person, pin_clock

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def draft(client: TestClient, p: Person) -> dict[str, Any]:
    body = {"workflow": "major_decision_review", "title": "某公司销售过期食品案", "party": "某食品有限公司"}
    return ok(client.post("/api/cases", json=body, headers=auth(p)), 201)


def status_change(client: TestClient, admin: Person, user_id: int, action: str, reason: str) -> dict[str, Any]:
    return ok(client.post(f"/api/admin/users/{user_id}/certificate/{action}", json={"reason": reason}, headers=auth(admin)))


def test_a_suspended_certificate_makes_the_next_event_a_403_naming_the_reason(
    client: TestClient, people: People
) -> None:
    case = draft(client, people.handler)
    status_change(client, people.admin, people.handler.id, "suspend", "涉嫌违规执法，调查期间暂扣")
    body = assert_error(fire(client, people.handler, case, "submit", SUBMISSION), 403, "guard_rejected")
    assert body["message"] == "张伟的行政执法证（豫执001）已暂扣，暂扣期间不得从事行政执法活动"
    r = client.post("/api/cases", json={"workflow": "major_decision_review", "title": "又一案", "party": "某公司"}, headers=auth(people.handler))
    assert "已暂扣" in assert_error(r, 403, "guard_rejected")["message"]

    status_change(client, people.admin, people.handler.id, "reinstate", "调查结束")
    moved = ok(fire(client, people.handler, case, "submit", SUBMISSION))
    assert moved["state"] == "under_review"


def test_a_cancelled_certificate_is_refused_as_cancelled(client: TestClient, people: People) -> None:
    case = draft(client, people.handler)
    status_change(client, people.admin, people.handler.id, "cancel", "调离执法岗位")
    body = assert_error(fire(client, people.handler, case, "withdraw", {"reason": "不再办理"}), 403, "guard_rejected")
    assert "已注销" in body["message"]


def test_an_expired_certificate_is_refused_as_expired(client: TestClient, rt: Runtime, people: People) -> None:
    admin = auth(people.admin)
    ok(client.patch(f"/api/admin/users/{people.handler.id}", json={"staff_type": "civil_servant"}, headers=admin))
    renewed = {"number": "豫执001-2", "valid_from": "2023-03-11", "valid_until": "2026-03-10"}
    ok(client.post(f"/api/admin/users/{people.handler.id}/certificate", json=renewed, headers=admin))
    case = draft(client, people.handler)
    pin_clock(rt, "2026-03-11T09:00:00")
    body = assert_error(fire(client, people.handler, case, "submit", SUBMISSION), 403, "guard_rejected")
    assert body["message"] == "张伟的行政执法证（豫执001-2）已过期（有效期至 2026-03-10），不得从事行政执法活动"


def test_an_admin_sets_up_an_agency_an_officer_and_a_certificate(client: TestClient, people: People) -> None:
    admin = auth(people.admin)
    agency = ok(
        client.post(
            "/api/admin/agencies",
            json={"name": "郑州市金水区市场监督管理局", "doc_code": "金市监", "level": "county",
                  "filing_office_id": people.filing_office_id, "legal_office": "法制科"},
            headers=admin,
        ),
        201,
    )
    assert (agency["kind"], agency["level_title"], agency["filing_office"]["name"]) == ("enforcement", "县（区）级", "郑州市司法局")
    patched = ok(client.patch(f"/api/admin/agencies/{agency['id']}", json={"legal_office": "法制股"}, headers=admin))
    assert (patched["legal_office"], patched["doc_code"]) == ("法制股", "金市监")

    created = ok(
        client.post(
            "/api/admin/users",
            json={"username": "qianjin", "name": "钱进", "agency_id": agency["id"], "roles": ["handler"], "staff_type": "civil_servant"},
            headers=admin,
        ),
        201,
    )
    assert len(created["password"]) == 12 and created["officer"]["certificate"] is None
    user_id = created["officer"]["id"]
    issued = ok(
        client.post(
            f"/api/admin/users/{user_id}/certificate",
            json={"number": "豫执41050001", "valid_from": "2026-03-02", "valid_until": "2029-03-01"},
            headers=admin,
        )
    )
    assert issued["certificate"]["standing"] == "valid" and issued["history"][0]["action_title"] == "核发"
    ok(client.put(f"/api/admin/users/{user_id}/training/2026", json={"hours": 24}, headers=admin))
    ok(client.put(f"/api/admin/users/{user_id}/roles", json={"roles": ["handler", "reviewer"]}, headers=admin))
    found = ok(client.get("/api/admin/users", params={"agency_id": agency["id"], "q": "41050"}, headers=auth(people.supervisor)))
    assert [u["username"] for u in found["data"]] == ["qianjin"] and found["data"][0]["roles"] == ["handler", "reviewer"]
    detail = ok(client.get(f"/api/admin/users/{user_id}", headers=auth(people.supervisor)))
    assert detail["training"] == [{"year": 2026, "hours": 24}]
    r = client.post(f"/api/admin/users/{user_id}/password", headers=admin)
    assert ok(r)["password"] != created["password"] and r.headers["cache-control"] == "no-store"
    gone = ok(client.post(f"/api/admin/users/{user_id}/deactivate", json={"reason": "退休"}, headers=admin))
    assert not gone["active"] and gone["certificate"]["status"] == "cancelled"

    log = ok(client.get("/api/admin/security-events", params={"page_size": 100}, headers=admin))["data"]
    seen = {e["kind"] for e in log}
    assert {"agency_created", "agency_changed", "user_created", "user_changed", "roles_changed", "password_reset", "user_deactivated"} <= seen
    assert seen & set(CHANGE_KINDS)


def test_temporary_staff_get_a_clear_422_in_chinese(client: TestClient, people: People) -> None:
    admin = auth(people.admin)
    created = ok(
        client.post(
            "/api/admin/users",
            json={"username": "linshi", "name": "林石", "agency_id": people.agency_id, "roles": ["handler"], "staff_type": "temporary"},
            headers=admin,
        ),
        201,
    )
    r = client.post(
        f"/api/admin/users/{created['officer']['id']}/certificate",
        json={"number": "豫执41059999", "valid_from": "2026-03-02", "valid_until": "2029-03-01"},
        headers=admin,
    )
    body = assert_error(r, 422, "invalid_input")
    assert body["message"] == (
        "林石的人员类别为临时工，依照《河南省行政执法证件管理办法》，"
        "工勤人员、劳动合同工、临时工等不符合规定条件的人员不得领取《河南省行政执法证》"
    )


def test_only_admins_change_and_supervisors_read(client: TestClient, people: People) -> None:
    assert_error(client.get("/api/admin/users", headers=auth(people.handler)), 403, "not_permitted")
    assert_error(client.get("/api/admin/agencies", headers=auth(people.filing_officer)), 403, "not_permitted")
    ok(client.get("/api/admin/agencies", headers=auth(people.supervisor)))
    r = client.post(f"/api/admin/users/{people.handler.id}/certificate/suspend", json={"reason": "x"}, headers=auth(people.supervisor))
    assert "只有系统管理员" in assert_error(r, 403, "not_permitted")["message"]
    assert_error(client.get("/api/admin/users/999999", headers=auth(people.admin)), 404, "not_found")
    assert_error(client.get("/api/admin/users"), 401, "not_authenticated")


def test_bad_input_is_a_422_with_code_and_message(client: TestClient, people: People) -> None:
    admin = auth(people.admin)
    assert_error(client.post("/api/admin/agencies", json={"name": "", "doc_code": "x"}, headers=admin), 422, "invalid_request")
    assert_error(client.post("/api/admin/agencies", json={"name": "x", "doc_code": "y", "kind": "court"}, headers=admin), 422, "invalid_request")
    assert_error(
        client.post("/api/admin/users", json={"username": "a b", "name": "x", "agency_id": people.agency_id, "roles": ["handler"]}, headers=admin),
        422, "invalid_request",
    )
    r = client.post(f"/api/admin/users/{people.handler.id}/certificate/suspend", json={"reason": ""}, headers=admin)
    assert_error(r, 422, "invalid_request")
    r = client.post(f"/api/admin/users/{people.handler.id}/certificate/reinstate", json={"reason": "恢复"}, headers=admin)
    assert "不能恢复" in assert_error(r, 422, "invalid_input")["message"]
    assert_error(client.put(f"/api/admin/users/{people.handler.id}/training/1999", json={"hours": 1}, headers=admin), 404, "not_found")


def test_the_roster_downloads_and_a_bad_upload_lists_its_rows(client: TestClient, people: People) -> None:
    r = client.get(f"/api/admin/agencies/{people.agency_id}/officers.xlsx", headers=auth(people.supervisor))
    assert r.status_code == 200 and r.headers["content-type"] == XLSX
    assert "filename*=UTF-8''" in r.headers["content-disposition"]
    unchanged = client.post(
        f"/api/admin/agencies/{people.agency_id}/officers.xlsx",
        files={"file": ("roster.xlsx", r.content, XLSX)},
        headers=auth(people.admin),
    )
    assert ok(unchanged)["created"] == 0 and ok(unchanged)["updated"] == 0

    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.append(["用户名", "姓名", "人员类别", "角色"])
    ws.append(["xiaoli", "小李", "劳务派遣", "承办人"])
    ws.append(["xiaowang", "", "在编", ""])
    out = io.BytesIO()
    book.save(out)
    bad = client.post(
        f"/api/admin/agencies/{people.agency_id}/officers.xlsx",
        files={"file": ("roster.xlsx", out.getvalue(), XLSX)},
        headers=auth(people.admin),
    )
    body = assert_error(bad, 422, "invalid_input")
    assert [d["row"] for d in body["details"]] == [2, 3]
    assert "人员类别“劳务派遣”" in body["details"][0]["message"] and "新人员须填写姓名" in body["details"][1]["message"]
    assert_error(
        client.post(f"/api/admin/agencies/{people.agency_id}/officers.xlsx", files={"file": ("x.xlsx", b"PK", XLSX)}, headers=auth(people.admin)),
        422, "invalid_input",
    )
