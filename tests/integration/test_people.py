"""Agencies, people and their 执法证 through the services, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from review_workflow.core.errors import InvalidInput, NotAuthenticated, NotFound, NotPermitted
from review_workflow.runtime import Runtime
from review_workflow.schemas_people import (
    AgencyCreate,
    AgencyUpdate,
    CertificateIssue,
    OfficerCreate,
    OfficerUpdate,
)
from review_workflow.services import agencies, alerts, certificates, officer_sheets, officers
from review_workflow.services.accounts import authenticate_password
from review_workflow.storage.db import UnitOfWork
from review_workflow.storage.models import Notification, SecurityEvent
from tests.conftest import People, add_person, pin_clock

ISSUE = CertificateIssue(number="豫执41019001", valid_from=date(2026, 3, 1), valid_until=date(2029, 2, 28))


def new_officer(rt: Runtime, people: People, username: str = "qian", staff_type: str | None = "civil_servant") -> int:
    spec = OfficerCreate(
        username=username, name="钱进", agency_id=people.agency_id, roles=["handler"], staff_type=staff_type  # type: ignore[arg-type]
    )
    return officers.create_officer(rt, people.admin.id, spec).officer.id


def kinds(rt: Runtime) -> list[str]:
    with UnitOfWork(rt.sessions) as session:
        return list(session.scalars(select(SecurityEvent.kind).order_by(SecurityEvent.id)))


# -- agencies -------------------------------------------------------------------------------------


def test_an_admin_creates_and_edits_an_agency_and_each_change_is_logged(rt: Runtime, people: People) -> None:
    created = agencies.create_agency(
        rt,
        people.admin.id,
        AgencyCreate(name="中牟县市场监督管理局", doc_code="中市监", level="county", filing_office_id=people.filing_office_id, legal_office="法制股"),
    )
    assert (created.level_title, created.filing_office and created.filing_office.name) == ("县（区）级", "郑州市司法局")
    changed = agencies.update_agency(rt, people.admin.id, created.id, AgencyUpdate(legal_office=None, doc_code="中牟市监"))
    assert (changed.doc_code, changed.legal_office, changed.level) == ("中牟市监", None, "county")
    assert kinds(rt)[-2:] == ["agency_created", "agency_changed"]


def test_agency_rules_are_refused_in_chinese(rt: Runtime, people: People) -> None:
    def refused(**fields: object) -> str:
        with pytest.raises(InvalidInput) as caught:
            agencies.create_agency(rt, people.admin.id, AgencyCreate(**{"name": "新机关", "doc_code": "新", **fields}))  # type: ignore[arg-type]
        return caught.value.message

    assert "已被郑州市市场监督管理局使用" in refused(doc_code="郑市监")
    assert "不是备案审查机关" in refused(filing_office_id=people.other_agency_id)
    assert "〔〕" in refused(doc_code="新〔")
    with pytest.raises(InvalidInput, match="仍有 1 个机关向郑州市司法局报送备案"):
        agencies.update_agency(rt, people.admin.id, people.filing_office_id, AgencyUpdate(kind="enforcement"))
    with pytest.raises(NotPermitted):
        agencies.create_agency(rt, people.handler.id, AgencyCreate(name="x", doc_code="x"))
    assert agencies.list_agencies(rt, people.supervisor.id).count == 5  # the province's supervisor reads them all
    with pytest.raises(NotPermitted):
        agencies.list_agencies(rt, people.handler.id)


def test_a_city_supervisor_reads_the_people_of_its_city_only(rt: Runtime, people: People) -> None:
    """A city's 司法局 reads its own agencies and their officers; another city's are not there for it."""
    city = add_person(rt, "qian", people.filing_office_id, ("supervisor",), name="钱进")  # 郑州市司法局
    names = {a.name for a in agencies.list_agencies(rt, city.id).data}
    assert names == {"郑州市司法局", "郑州市市场监督管理局"}
    seen = {o.agency.id for o in officers.list_officers(rt, city.id, page_size=100).data}
    assert seen == {people.agency_id, people.filing_office_id}
    assert officers.get_officer(rt, city.id, people.handler.id).name == "张伟"
    with pytest.raises(NotFound):
        officers.get_officer(rt, city.id, people.outsider.id)  # 开封's officer
    with pytest.raises(NotFound):
        agencies.get_agency(rt, city.id, people.other_agency_id)
    with pytest.raises(NotFound):
        officer_sheets.export_officers(rt, city.id, people.other_agency_id)
    assert officers.get_officer(rt, people.supervisor.id, people.outsider.id).name == "孙丽"  # the province's


# -- people and their certificates ------------------------------------------------------------------


def test_an_officer_gets_a_certificate_and_its_history_records_every_change(rt: Runtime, people: People) -> None:
    officer = new_officer(rt, people)
    admin = people.admin.id
    certificates.issue_certificate(rt, admin, officer, ISSUE)
    certificates.suspend_certificate(rt, admin, officer, "涉嫌违法执法，调查期间暂扣")
    certificates.reinstate_certificate(rt, admin, officer, "调查结束，未发现问题")
    detail = certificates.cancel_certificate(rt, admin, officer, "调离执法岗位")
    assert detail.certificate is not None and detail.certificate.standing == "cancelled"
    history = [(h.action_title, h.status_title, h.reason, h.by.name if h.by else None) for h in reversed(detail.history)]
    assert history == [
        ("核发", "有效", "核发", "管理员"),
        ("暂扣", "暂扣", "涉嫌违法执法，调查期间暂扣", "管理员"),
        ("恢复", "有效", "调查结束，未发现问题", "管理员"),
        ("注销", "注销", "调离执法岗位", "管理员"),
    ]
    with pytest.raises(InvalidInput, match="已注销，不能恢复使用"):
        certificates.issue_certificate(rt, admin, officer, ISSUE)
    again = certificates.issue_certificate(rt, admin, officer, ISSUE.model_copy(update={"number": "豫执41019002"}))
    assert again.certificate and again.certificate.status == "valid" and again.history[0].action == "issued"


def test_status_changes_follow_their_order(rt: Runtime, people: People) -> None:
    officer = new_officer(rt, people)
    with pytest.raises(InvalidInput, match="未持证"):
        certificates.suspend_certificate(rt, people.admin.id, officer, "原因")
    certificates.issue_certificate(rt, people.admin.id, officer, ISSUE)
    with pytest.raises(InvalidInput, match="当前为“有效”，不能恢复"):
        certificates.reinstate_certificate(rt, people.admin.id, officer, "原因")
    certificates.suspend_certificate(rt, people.admin.id, officer, "原因")
    with pytest.raises(InvalidInput, match="暂扣中，不能换发"):
        certificates.issue_certificate(rt, people.admin.id, officer, ISSUE.model_copy(update={"number": "豫执2"}))
    with pytest.raises(InvalidInput, match="原因不能为空"):
        certificates.cancel_certificate(rt, people.admin.id, officer, "  ")
    with pytest.raises(NotPermitted):
        certificates.cancel_certificate(rt, people.supervisor.id, officer, "原因")


@pytest.mark.parametrize("staff_type, title", [("logistics", "工勤人员"), ("labour_contract", "劳动合同工"), ("temporary", "临时工")])
def test_staff_who_may_not_hold_a_certificate_are_refused_one(
    rt: Runtime, people: People, staff_type: str, title: str
) -> None:
    officer = new_officer(rt, people, staff_type=staff_type)
    with pytest.raises(InvalidInput, match=f"人员类别为{title}.*不得领取《河南省行政执法证》"):
        certificates.issue_certificate(rt, people.admin.id, officer, ISSUE)


def test_a_certificate_holder_cannot_be_recorded_as_temporary_staff(rt: Runtime, people: People) -> None:
    officer = new_officer(rt, people)
    certificates.issue_certificate(rt, people.admin.id, officer, ISSUE)
    with pytest.raises(InvalidInput, match="不得领取.*仍持有执法证（豫执41019001），请先注销"):
        officers.update_officer(rt, people.admin.id, officer, OfficerUpdate(staff_type="temporary"))
    certificates.cancel_certificate(rt, people.admin.id, officer, "转为临时工")
    changed = officers.update_officer(rt, people.admin.id, officer, OfficerUpdate(staff_type="temporary"))
    assert changed.staff_type_title == "临时工"
    with pytest.raises(InvalidInput, match="不得领取"):
        certificates.issue_certificate(rt, people.admin.id, officer, ISSUE.model_copy(update={"number": "豫执3"}))


def test_no_certificate_without_a_recorded_staff_type_or_with_a_taken_number(rt: Runtime, people: People) -> None:
    officer = new_officer(rt, people, staff_type=None)
    with pytest.raises(InvalidInput, match="请先登记钱进的人员类别"):
        certificates.issue_certificate(rt, people.admin.id, officer, ISSUE)
    officers.update_officer(rt, people.admin.id, officer, OfficerUpdate(staff_type="civil_service_managed"))
    with pytest.raises(InvalidInput, match="已登记在张伟名下"):
        certificates.issue_certificate(rt, people.admin.id, officer, ISSUE.model_copy(update={"number": "豫执001"}))
    with pytest.raises(InvalidInput, match="有效期至应晚于发证日期"):
        certificates.issue_certificate(rt, people.admin.id, officer, ISSUE.model_copy(update={"valid_until": date(2026, 3, 1)}))


def test_a_departing_officer_is_deactivated_and_their_certificate_cancelled(rt: Runtime, people: People) -> None:
    officer = new_officer(rt, people)
    certificates.issue_certificate(rt, people.admin.id, officer, ISSUE)
    password = officers.reset_password(rt, people.admin.id, officer).password
    assert authenticate_password(rt, "qian", password) == officer
    done = officers.deactivate(rt, people.admin.id, officer, "调往外省工作")
    assert not done.active and done.certificate and done.certificate.status == "cancelled"
    assert done.history[0].reason == "人员停用：调往外省工作"  # cancelled, not deleted: the number stays on record
    with pytest.raises(NotAuthenticated):
        authenticate_password(rt, "qian", password)
    assert officers.list_officers(rt, people.admin.id, q="qian").count == 0
    assert officers.list_officers(rt, people.admin.id, q="qian", active=False).count == 1
    with pytest.raises(InvalidInput, match="不能停用自己"):
        officers.deactivate(rt, people.admin.id, people.admin.id, "x")
    assert kinds(rt)[-3:] == ["user_created", "password_reset", "user_deactivated"]


def test_roles_come_from_the_roles_file_and_an_admin_keeps_their_own(rt: Runtime, people: People) -> None:
    officer = new_officer(rt, people)
    assert officers.set_roles(rt, people.admin.id, officer, ["handler", "reviewer"]).roles == ["handler", "reviewer"]
    with pytest.raises(InvalidInput, match="未知或缺少角色：boss"):
        officers.set_roles(rt, people.admin.id, officer, ["boss"])
    with pytest.raises(InvalidInput, match="不能取消自己的系统管理员角色"):
        officers.set_roles(rt, people.admin.id, people.admin.id, ["handler"])


def test_search_pages_and_training_hours(rt: Runtime, people: People) -> None:
    found = officers.list_officers(rt, people.supervisor.id, q="豫执00", page_size=2)
    assert (found.count, len(found.data)) == (3, 2)
    assert officers.list_officers(rt, people.admin.id, q="%").count == 0  # a wildcard is a character
    officer = new_officer(rt, people)
    officers.set_training_hours(rt, people.admin.id, officer, 2025, 40)
    detail = officers.set_training_hours(rt, people.admin.id, officer, 2026, 12)
    assert [(t.year, t.hours) for t in detail.training] == [(2026, 12), (2025, 40)]
    with pytest.raises(InvalidInput, match="培训学时须在 0 到 2000 之间"):
        officers.set_training_hours(rt, people.admin.id, officer, 2026, 5000)


# -- expiry alerts ----------------------------------------------------------------------------------


def expiry_notes(rt: Runtime) -> list[tuple[str, int]]:
    with UnitOfWork(rt.sessions) as session:
        rows = session.scalars(
            select(Notification).where(Notification.kind == "certificate_expiring").order_by(Notification.id)
        )
        return [(n.subject, n.recipient_id) for n in rows.unique()]


def test_officer_and_admins_are_alerted_30_days_before_expiry_once(rt: Runtime, people: People) -> None:
    officer = new_officer(rt, people)
    certificates.issue_certificate(rt, people.admin.id, officer, ISSUE.model_copy(update={"valid_until": date(2026, 4, 1)}))
    pin_clock(rt, "2026-03-01T09:00:00")  # 31 days before: not yet
    assert certificates.alert_expiring(rt) == 0
    pin_clock(rt, "2026-03-02T09:00:00")  # 30 days before
    assert certificates.alert_expiring(rt) == 2
    alerts.tick(rt)  # the periodic sweep asks again: nothing more
    assert certificates.alert_expiring(rt) == 0
    notes = expiry_notes(rt)
    assert {who for _, who in notes} == {officer, people.admin.id}
    assert notes[0][0] == "【执法证到期提醒】钱进的行政执法证将于2026-04-01到期"
    # renewed, then about to expire again: a new alert for the new date
    certificates.issue_certificate(rt, people.admin.id, officer, ISSUE.model_copy(update={"valid_until": date(2026, 3, 20)}))
    assert certificates.alert_expiring(rt) == 2


def test_no_alert_for_a_suspended_or_long_valid_certificate(rt: Runtime, people: People) -> None:
    officer = new_officer(rt, people)
    certificates.issue_certificate(rt, people.admin.id, officer, ISSUE.model_copy(update={"valid_until": date(2026, 3, 20)}))
    certificates.suspend_certificate(rt, people.admin.id, officer, "暂扣")
    assert certificates.alert_expiring(rt) == 0  # the fixture's certificates run to 2028


# -- the roster as .xlsx ------------------------------------------------------------------------------


def sheet(rows: list[list[object]]) -> bytes:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "执法人员"
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


HEADER = ["用户名", "姓名", "人员类别", "角色", "执法证号", "发证日期", "有效期至", "证件状态", "2026年培训学时"]


def test_the_roster_exports_and_imports_back_unchanged(rt: Runtime, people: People) -> None:
    officer = new_officer(rt, people)
    certificates.issue_certificate(rt, people.admin.id, officer, ISSUE)
    officers.set_training_hours(rt, people.admin.id, officer, 2025, 32)
    name, content = officer_sheets.export_officers(rt, people.supervisor.id, people.agency_id)
    assert name == "郑市监执法人员名册-2026-03-02.xlsx"
    rows = list(officer_sheets.rows_of(content))
    assert rows[0][:8] == ("用户名", "姓名", "人员类别", "角色", "执法证号", "发证日期", "有效期至", "证件状态")
    assert rows[0][-3:] == ("2024年培训学时", "2025年培训学时", "2026年培训学时")
    qian = next(r for r in rows if r[0] == "qian")
    assert qian[2:8] == ("在编", "承办人", "豫执41019001", qian[5], qian[6], "有效") and qian[-2] == 32
    assert load_workbook(io.BytesIO(content)).sheetnames == ["执法人员", "填写说明"]
    result = officer_sheets.import_officers(rt, people.admin.id, people.agency_id, content)
    assert (result.created, result.updated) == (0, 0) and result.unchanged == len(rows) - 1


def test_an_import_creates_and_updates_officers(rt: Runtime, people: People) -> None:
    content = sheet(
        [
            HEADER,
            ["sunqi", "孙七", "参公", "承办人、法制审核人员", "豫执41019100", "2026-01-05", date(2029, 1, 4), "有效", 24],
            ["zhang", "张伟", "在编", "承办人", "豫执001", date(2024, 1, 1), date(2028, 12, 31), "", 16],
        ]
    )
    result = officer_sheets.import_officers(rt, people.admin.id, people.agency_id, content)
    assert (result.created, result.updated, result.unchanged) == (1, 1, 0)
    sun = officers.list_officers(rt, people.admin.id, q="sunqi").data[0]
    assert sun.roles == ["handler", "reviewer"] and sun.certificate and sun.certificate.number == "豫执41019100"
    assert officers.get_officer(rt, people.admin.id, people.handler.id).training[0].hours == 16
    assert "officers_imported" in kinds(rt)


def test_an_import_with_bad_rows_reports_each_and_writes_nothing(rt: Runtime, people: People) -> None:
    content = sheet(
        [
            HEADER,
            ["zhouba", "周八", "在编", "承办人", "豫执41019200", "2026-01-05", "2029-01-04", "", ""],  # fine
            ["wujiu", "吴九", "临时工", "承办人", "豫执41019201", "2026-01-05", "2029-01-04", "", ""],
            ["", "无名", "在编", "承办人", "", "", "", "", ""],
            ["zhengshi", "郑十", "外包", "厨师", "", "明天", "", "", "很多"],
            ["sun", "孙丽", "在编", "承办人", "", "", "", "", ""],  # another agency's
            ["zhang", "张伟", "在编", "承办人", "豫执001", "2024-01-01", "2028-12-31", "暂扣", ""],
            ["zhouba", "周八", "在编", "承办人", "", "", "", "", ""],
        ]
    )
    with pytest.raises(InvalidInput) as caught:
        officer_sheets.import_officers(rt, people.admin.id, people.agency_id, content)
    problems = {d["row"]: d["message"] for d in caught.value.details}
    assert sorted(problems) == [3, 4, 5, 6, 7, 8]
    assert "不得领取《河南省行政执法证》" in problems[3]
    assert problems[4] == "用户名不能为空"
    assert "人员类别“外包”" in problems[5] and "未知角色：厨师" in problems[5] and "发证日期“明天”" in problems[5]
    assert "培训学时“很多”" in problems[5]
    assert "属于开封市市场监督管理局" in problems[6]
    assert "证件状态“暂扣”与记录（有效）不符" in problems[7]
    assert "与第 2 行重复" in problems[8]
    assert caught.value.message.startswith("导入未执行：6 行有误")
    assert officers.list_officers(rt, people.admin.id, q="zhouba").count == 0  # all or nothing


def test_an_import_refuses_what_is_not_a_workbook(rt: Runtime, people: People) -> None:
    with pytest.raises(InvalidInput, match="无法读取该文件"):
        officer_sheets.import_officers(rt, people.admin.id, people.agency_id, b"not a workbook")
    with pytest.raises(InvalidInput, match="缺少“用户名”列"):
        officer_sheets.import_officers(rt, people.admin.id, people.agency_id, sheet([["姓名"], ["张三"]]))
