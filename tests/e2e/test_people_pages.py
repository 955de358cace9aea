"""In a real browser: an administrator creates an agency, an officer and that officer's 执法证 through
the 人员管理 pages; the officer logs in with the one-time password and starts a case; the administrator
suspends the certificate, and the officer's next event is refused naming 暂扣. Screenshots of the pages
at 1280 and 390 px."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE, Server

AGENCY = "郑州市金水区市场监督管理局"


def _fits(v: Any, width: int) -> None:
    assert v.page.evaluate("document.documentElement.scrollWidth") <= width


def test_an_admin_sets_up_an_officer_and_suspending_the_certificate_stops_them(
    visit: Any, server: Server, artifacts: Path
) -> None:
    admin = visit("admin")
    page = admin.page
    page.get_by_role("link", name="人员管理").click()
    expect(page.get_by_role("heading", name="执法人员")).to_be_visible()
    page.get_by_role("navigation", name="人员管理").get_by_role("link", name="机关").click()

    # a new agency, filing with the 司法局
    form = page.get_by_test_id("agency-form")
    form.get_by_label("机关名称").fill(AGENCY)
    form.get_by_label("代字").fill("金市监")
    form.get_by_label("层级").select_option(label="县（区）级")
    form.get_by_label("备案审查机关").select_option(label="郑州市司法局")
    form.get_by_label("法制机构名称").fill("法制科")
    form.get_by_role("button", name="新建机关").click()
    expect(page.get_by_test_id("agency-name")).to_have_text(AGENCY)
    expect(page.get_by_test_id("agency-facts")).to_contain_text("郑州市司法局")
    page.get_by_role("navigation", name="人员管理").get_by_role("link", name="机关").click()
    expect(page.get_by_test_id("agencies")).to_contain_text(AGENCY)
    admin.shot(artifacts, "people-agencies-1280.png")
    _fits(admin, DESKTOP["width"])

    # an officer of it
    page.get_by_role("link", name=AGENCY).click()
    page.get_by_role("link", name="新建人员").click()
    form = page.get_by_test_id("user-form")
    form.get_by_label("用户名").fill("qianjin")
    form.get_by_label("姓名").fill("钱进")
    expect(form.get_by_label("所属机关")).to_have_value(page.locator("#u-agency option", has_text=AGENCY).get_attribute("value") or "")
    form.get_by_label("承办人").check()
    form.get_by_label("人员类别").select_option(label="在编")
    form.get_by_role("button", name="新建").click()
    expect(page.get_by_test_id("officer-name")).to_contain_text("钱进")
    password = page.locator("code.secret").inner_text()
    assert len(password) == 12

    # its certificate
    page.locator("#certificate-form summary").click()
    form = page.get_by_test_id("certificate-form")
    form.get_by_label("执法证号").fill("豫执41050001")
    form.get_by_label("发证日期").fill("2026-03-01")
    form.get_by_label("有效期至").fill("2029-02-28")
    form.get_by_role("button", name="核发").click()
    expect(page.get_by_test_id("cert-standing").first).to_have_text("有效")
    expect(page.get_by_test_id("certificate-history")).to_contain_text("核发")
    officer_url = page.url

    # the officer logs in with the one-time password and opens a case
    officer = visit()
    officer.login("qianjin", password)
    expect(officer.page).to_have_url(f"{server.url}/inbox")
    officer.page.get_by_role("link", name="发起案件").click()
    choice = officer.page.locator("nav.workflows a", has_text="重大执法决定法制审核")
    if choice.count():
        choice.click()
    officer.page.fill("#title", "某超市销售过期食品案")
    officer.page.fill("#party", "郑州某超市有限公司")
    officer.page.get_by_role("button", name="发起").click()
    officer.state_is("拟稿")
    submit = officer.form("submit")
    submit.locator("[name='f-summary']").fill("当事人销售超过保质期的食品，货值金额 3 万元。")
    submit.locator("[name='f-proposed_decision']").fill("拟罚款 20 万元，没收违法所得。")
    submit.locator("[name='f-materials']").fill("立案审批表\n调查终结报告")

    # meanwhile the administrator suspends the certificate
    page.locator("#certificate-suspend summary").click()
    suspend = page.get_by_test_id("certificate-suspend")
    suspend.get_by_label("暂扣原因").fill("涉嫌违规执法，调查期间暂扣")
    suspend.get_by_role("button", name="暂扣").click()
    expect(page.locator(".flash.ok")).to_contain_text("执法证已暂扣")
    expect(page.get_by_test_id("cert-standing").first).to_have_text("暂扣")
    expect(page.get_by_test_id("certificate-history").locator("tr[data-action='suspended']")).to_contain_text(
        "涉嫌违规执法，调查期间暂扣"
    )
    admin.shot(artifacts, "people-officer-1280.png")
    _fits(admin, DESKTOP["width"])

    # the officer's next event: refused, naming the reason
    submit.get_by_role("button", name="送审").click()
    expect(officer.page.locator(".flash.error")).to_contain_text(
        "钱进的行政执法证（豫执41050001）已暂扣，暂扣期间不得从事行政执法活动"
    )
    officer.state_is("拟稿")
    officer.shot(artifacts, "people-refused-1280.png")

    # the same pages on a phone
    phone = visit("admin", PHONE)
    phone.go("/admin/agencies")
    expect(phone.page.get_by_test_id("agencies")).to_contain_text(AGENCY)
    phone.shot(artifacts, "people-agencies-390.png")
    _fits(phone, PHONE["width"])
    phone.page.goto(officer_url)
    expect(phone.page.get_by_test_id("cert-standing").first).to_have_text("暂扣")
    phone.shot(artifacts, "people-officer-390.png")
    _fits(phone, PHONE["width"])
    phone.go("/admin/users")
    expect(phone.page.get_by_test_id("officers")).to_contain_text("钱进")
    phone.shot(artifacts, "people-users-390.png")
    _fits(phone, PHONE["width"])
    assert not [e for e in admin.errors + officer.errors + phone.errors if "Content Security Policy" in e]
