"""人员管理 pages through a browser-like client (CSRF and all): an administrator creates an agency, an
officer and a certificate; suspending the certificate stops the officer at their next event; errors show
beside their form; supervisors read; others are turned away."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import date

from openpyxl import Workbook

from review_workflow.runtime import Runtime
from review_workflow.schemas_people import CertificateIssue, OfficerUpdate
from review_workflow.services import alerts, certificates, officers, queries
from review_workflow.services.cases import start_case
from tests.conftest import SUBMISSION, People
from tests.web.conftest import WORKFLOW, Visitor, csrf_of, text_of, version_of

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_an_admin_creates_an_agency_an_officer_and_a_certificate_and_suspends_it(
    visitor: Callable[..., Visitor], people: People, rt: Runtime
) -> None:
    admin = visitor(people.admin)
    assert 'href="/admin"' in admin.get("/inbox").text  # 人员管理 in the nav
    r = admin.post(
        "/admin/agencies",
        {"name": "郑州市金水区市场监督管理局", "doc_code": "金市监", "kind": "enforcement", "level": "county",
         "filing_office_id": str(people.filing_office_id), "legal_office": "法制科"},
        page="/admin/agencies",
    )
    assert r.status_code == 200 and re.fullmatch(r"/admin/agencies/\d+", r.url.path)
    agency_id = int(r.url.path.rsplit("/", 1)[1])
    text = text_of(r.text)
    assert "已新建机关：郑州市金水区市场监督管理局" in text and "县（区）级" in text and "郑州市司法局" in text

    r = admin.post(
        "/admin/users/new",
        {"username": "qianjin", "name": "钱进", "agency_id": str(agency_id), "roles": "handler", "staff_type": "civil_servant"},
        page="/admin/users/new",
    )
    assert r.status_code == 200
    password = re.search(r'<code class="secret">([^<]+)</code>', r.text)
    assert password and "一次性密码" in r.text
    officer = officers.list_officers(rt, people.admin.id, q="qianjin").data[0].id

    page = f"/admin/users/{officer}"
    r = admin.post(f"{page}/certificate", {"number": "豫执41050001", "valid_from": "2026-03-01", "valid_until": "2029-02-28"}, page=page)
    assert r.url.path == page and "执法证已登记" in r.text
    assert 'data-testid="cert-standing">有效' in r.text and "核发" in text_of(r.text)

    # the new officer logs in with the one-time password and starts a case
    handler = visitor()
    assert handler.login("qianjin", password.group(1)).url.path == "/inbox"
    case = start_case(rt, officer, WORKFLOW, "某超市销售过期食品案", "某超市")
    open_form = handler.get(f"/cases/{case.id}").text  # the officer has the case page open …

    r = admin.post(f"{page}/certificate/suspend", {"reason": "涉嫌违规执法，调查期间暂扣"}, page=page)
    assert "执法证已暂扣" in r.text and 'data-testid="cert-standing">暂扣' in r.text
    assert "涉嫌违规执法，调查期间暂扣" in text_of(r.text)  # in the history, with who and when

    fields = {f"f-{k}": v for k, v in SUBMISSION.items()} | {"f-materials": "\n".join(SUBMISSION["materials"])}
    refused = handler.client.post(  # … and sends its form after the suspension
        f"/cases/{case.id}/events/submit", data={**fields, "version": version_of(open_form), "csrf_token": csrf_of(open_form)}
    )
    assert refused.status_code == 403
    assert "钱进的行政执法证（豫执41050001）已暂扣，暂扣期间不得从事行政执法活动" in text_of(refused.text)
    assert queries.get_case(rt, officer, case.id).state == "drafting"
    banner = handler.get("/inbox").text  # and every page tells them why, until it is reinstated
    assert 'data-testid="certificate-problem">钱进的行政执法证（豫执41050001）已暂扣' in banner


def test_the_expiry_alert_reaches_the_officer_and_the_admin_links_to_the_certificate(
    visitor: Callable[..., Visitor], people: People, rt: Runtime
) -> None:
    officers.update_officer(rt, people.admin.id, people.handler.id, OfficerUpdate(staff_type="civil_servant"))
    renewed = CertificateIssue(number="豫执001-2", valid_from=date(2023, 4, 1), valid_until=date(2026, 3, 31))
    certificates.issue_certificate(rt, people.admin.id, people.handler.id, renewed)
    alerts.tick(rt)
    note = "【执法证到期提醒】张伟的行政执法证将于2026-03-31到期"
    assert note in visitor(people.handler).get("/inbox").text
    inbox = visitor(people.admin).get("/inbox").text
    assert note in inbox and f'href="/admin/users/{people.handler.id}">查看执法证' in inbox


def test_a_refused_form_shows_why_beside_it_and_keeps_what_was_typed(
    visitor: Callable[..., Visitor], people: People, rt: Runtime
) -> None:
    admin = visitor(people.admin)
    r = admin.post(
        "/admin/users/new",
        {"username": "linshi", "name": "林石", "agency_id": str(people.agency_id), "roles": "handler", "staff_type": "temporary"},
        page="/admin/users/new",
    )
    officer = officers.list_officers(rt, people.admin.id, q="linshi").data[0].id
    page = f"/admin/users/{officer}"
    r = admin.post(f"{page}/certificate", {"number": "豫执41059999", "valid_from": "2026-03-01", "valid_until": "2029-02-28"}, page=page)
    assert r.status_code == 422
    assert 'data-testid="error-certificate"' in r.text and "临时工等不符合规定条件的人员不得领取" in r.text
    assert 'value="豫执41059999"' in r.text
    r = admin.post("/admin/agencies", {"name": "", "doc_code": "郑市监", "kind": "enforcement"}, page="/admin/agencies")
    assert r.status_code == 422 and "请检查：名称或姓名" in r.text
    r = admin.post("/admin/users/new", {"username": "zhang", "name": "重名", "agency_id": str(people.agency_id), "roles": "handler"}, page="/admin/users/new")
    assert r.status_code == 422 and "用户名“zhang”已存在" in r.text and 'value="重名"' in r.text


def test_the_people_list_searches_and_pages(visitor: Callable[..., Visitor], people: People) -> None:
    v = visitor(people.supervisor)
    r = v.get("/admin/users", params={"q": "豫执00", "agency_id": ""})
    assert r.status_code == 200 and "张伟" in r.text and "刘洋" in r.text and "吴华" not in r.text
    assert "新建人员" not in r.text  # supervisors read
    page = v.get(f"/admin/users/{people.handler.id}").text
    assert "暂扣执法证" not in page and "重置密码" not in page and "豫执001" in page
    token = csrf_of(page)
    r = v.client.post(f"/admin/users/{people.handler.id}/certificate/suspend", data={"reason": "x", "csrf_token": token})
    assert r.status_code == 403 and "只有系统管理员" in r.text


def test_others_are_turned_away_and_forms_need_their_token(visitor: Callable[..., Visitor], people: People) -> None:
    handler = visitor(people.handler)
    assert 'href="/admin"' not in handler.get("/inbox").text
    r = handler.get("/admin/users")
    assert r.status_code == 403 and "只有系统管理员和执法监督人员" in r.text
    admin = visitor(people.admin)
    r = admin.client.post(f"/admin/users/{people.handler.id}/certificate/cancel", data={"reason": "调离"})
    assert r.status_code == 403 and "表单校验失败" in r.text
    assert visitor().get("/admin/users", follow_redirects=False).status_code == 303  # to the log-in


def test_deactivating_and_resetting_a_password(visitor: Callable[..., Visitor], people: People) -> None:
    admin = visitor(people.admin)
    page = f"/admin/users/{people.handler2.id}"
    r = admin.post(f"{page}/password", {}, page=page)
    assert "密码已重置" in r.text and re.search(r'<code class="secret">[^<]{12}</code>', r.text)
    r = admin.post(f"{page}/deactivate", {"reason": "调往外省"}, page=page)
    assert "人员已停用，其执法证已注销" in r.text and "人员停用：调往外省" in r.text
    assert 'data-testid="cert-standing">注销' in r.text


def test_the_roster_downloads_and_an_upload_with_bad_rows_lists_them(
    visitor: Callable[..., Visitor], people: People
) -> None:
    admin = visitor(people.admin)
    page = f"/admin/agencies/{people.agency_id}"
    r = admin.get(f"{page}/officers.xlsx")
    assert r.status_code == 200 and r.headers["content-type"] == XLSX
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.append(["用户名", "姓名", "人员类别", "角色", "执法证号", "发证日期", "有效期至"])
    ws.append(["gongqin", "龚勤", "工勤人员", "承办人", "豫执41019300", "2026-01-01", "2029-01-01"])
    ws.append(["xinren", "辛仁", "在编", "承办人", "", "", ""])
    out = io.BytesIO()
    book.save(out)
    token = csrf_of(admin.get(page).text)
    r = admin.client.post(f"{page}/officers.xlsx", data={"csrf_token": token}, files={"file": ("名册.xlsx", out.getvalue(), XLSX)})
    assert r.status_code == 422
    text = text_of(r.text)
    assert "导入未执行：1 行有误" in text and "第 2 行" in text and "工勤人员" in text
    r = admin.client.post(f"{page}/officers.xlsx", data={"csrf_token": token}, files={"file": ("名册.xlsx", r.content[:0] or b"", XLSX)})
    assert r.status_code == 422 and "请选择要导入的 .xlsx 文件" in r.text
    good = admin.get(f"{page}/officers.xlsx").content
    r = admin.client.post(f"{page}/officers.xlsx", data={"csrf_token": token}, files={"file": ("名册.xlsx", good, XLSX)}, follow_redirects=True)
    assert r.status_code == 200 and "导入完成：新建 0 人，更新 0 人" in r.text
