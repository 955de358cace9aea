"""In a real browser, on the demo data: the filing of the demo's major penalty (张伟 files it, 吴华 of the
司法局 registers and accepts it from the 备案审查 queue), and the public disclosure page without log-in.
Screenshots of the queue and the public page at 1280 and 390 px, and of the penalty case with its children."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE, Server

PENDING_FILING = "某乳业公司生产不符合安全标准乳制品案"  # decided on the demo day, not yet filed
PERSON_ID = "410105198703150012"  # the demo's individual, 王某某


def _fits(v: Any, width: int) -> None:
    assert v.page.evaluate("document.documentElement.scrollWidth") <= width


def test_the_handler_files_and_the_filing_office_registers_and_accepts(
    visit: Any, server: Server, artifacts: Path
) -> None:
    handler = visit("zhangwei")
    page = handler.page
    handler.go(f"/cases?q={PENDING_FILING}")
    page.locator("tr", has_text="行政处罚案件（一般程序）").get_by_role("link", name=PENDING_FILING).click()
    handler.state_is("已作出决定")
    related = page.get_by_test_id("related")  # the decision's children, each with its due date
    expect(related.locator("li[data-workflow='major_decision_review']")).to_contain_text("审核通过")
    expect(related.locator("li[data-workflow='major_penalty_filing']")).to_contain_text(
        "重大行政处罚备案期限：2026-03-17（周二）"
    )
    expect(related.locator("li[data-workflow='enforcement_disclosure']")).to_contain_text("逾期未办")
    handler.shot(artifacts, "penalty-case-1280.png")
    related.get_by_role("link", name="重大行政处罚备案").click()
    handler.state_is("待报送")
    expect(page.get_by_test_id("case-fields")).to_contain_text("单位")  # party_type, by its label
    filing_id = int(page.locator("article.case").get_attribute("data-case") or 0)
    form = handler.form("file")
    form.locator("[name='f-attachments']").fill("行政处罚决定书复印件\n案卷材料目录\n送达回证")
    form.get_by_role("button", name="报送备案").click()
    handler.state_is("已报送")
    expect(page.locator("[data-testid=documents]")).to_contain_text("重大行政处罚备案报告")

    office = visit("wuhua")
    page = office.page
    page.get_by_role("link", name="备案审查").click()
    expect(page.get_by_role("heading", name="重大行政处罚备案审查")).to_be_visible()
    received = page.get_by_test_id("section-received")
    expect(received.locator(f"tr[data-case='{filing_id}']")).to_contain_text("郑州市市场监督管理局")
    expect(page.locator(".tile[data-section='received'] .tile-n")).to_have_text("1")
    expect(page.locator(".tile[data-section='accepted'] .tile-n")).to_have_text("1")  # the demo's other
    office.shot(artifacts, "filing-queue-1280.png")
    _fits(office, DESKTOP["width"])

    received.locator(f"tr[data-case='{filing_id}'] a").first.click()
    office.state_is("已报送")
    office.form("receive").get_by_role("button", name="登记受理").click()
    office.state_is("审查中")
    accept = office.form("accept")
    accept.locator("[name='f-opinion']").fill("报送材料齐全，处罚决定合法适当，准予备案。")
    accept.get_by_role("button", name="准予备案").click()
    office.state_is("已备案")
    expect(page.locator("ol.timeline > li[data-event='accept']")).to_contain_text("准予备案")

    page.get_by_role("link", name="备案审查").click()
    expect(page.get_by_test_id("section-accepted").locator(f"tr[data-case='{filing_id}']")).to_contain_text(
        "按时"
    )
    expect(page.locator(".tile[data-section='received'] .tile-n")).to_have_text("0")
    expect(page.locator(".tile[data-section='accepted'] .tile-n")).to_have_text("2")

    phone = visit("wuhua", PHONE)
    phone.page.get_by_role("link", name="备案审查").click()
    expect(phone.page.get_by_test_id("section-accepted")).to_contain_text(PENDING_FILING)
    phone.shot(artifacts, "filing-queue-390.png")
    _fits(phone, PHONE["width"])

    with server.api("zhangwei") as api:  # the handler's side sees the same outcome
        filing = api.get(f"/api/cases/{filing_id}").json()
    assert filing["state"] == "accepted"
    assert [d["outcome"] for d in filing["deadlines"] if d["timer"] == "filing_period"] == ["on_time"]


def test_the_public_page_without_log_in(visit: Any, server: Server, artifacts: Path) -> None:
    # One published penalty revoked on review and withdrawn, so both tabs have something to show.
    with server.api("zhangwei") as api:
        found = api.get("/api/cases?workflow=enforcement_disclosure&q=某饮料公司").json()["data"]
        [case] = [c for c in found if c["state"] == "published"]
        case = api.post(
            f"/api/cases/{case['id']}/events/revoke",
            headers={"If-Match": str(case["version"])},
            json={"reason_type": "被撤销", "revoked_on": "2026-03-02", "reason": "经行政复议，原处罚决定被撤销。"},
        ).json()
        moved = api.post(
            f"/api/cases/{case['id']}/events/withdraw_disclosure",
            headers={"If-Match": str(case["version"])},
            json={},
        )
        assert moved.status_code == 200, moved.text

    for viewport, suffix in ((DESKTOP, "1280"), (PHONE, "390")):
        v = visit(None, viewport)
        page = v.go("/login")
        page.get_by_test_id("public-link").click()
        expect(page.get_by_role("heading", name="行政执法公示")).to_be_visible()
        expect(page.get_by_role("link", name="退出")).to_have_count(0)  # nobody is logged in
        listed = page.get_by_test_id("disclosures").locator("li.disclosure")
        expect(listed.filter(has_text="王某某")).to_contain_text("410105********0012")
        expect(listed.filter(has_text="某饮料")).to_have_count(0)
        assert PERSON_ID not in page.content()
        v.shot(artifacts, f"public-{suffix}.png")
        _fits(v, viewport["width"])

        page.fill("#q", "王某某")
        page.get_by_role("button", name="查询").click()
        expect(listed).to_have_count(1)
        page.get_by_test_id("tab-withdrawn").click()
        expect(page.get_by_test_id("tab-withdrawn")).to_have_attribute("aria-current", "page")
        expect(page.get_by_test_id("no-disclosures")).to_contain_text("没有找到与“王某某”相符的已撤回的公示")
        page.get_by_role("link", name="清除").click()
        withdrawn = page.get_by_test_id("disclosures").locator("li.disclosure")
        expect(withdrawn).to_have_count(1)
        expect(withdrawn.get_by_test_id("withdrawal-reason")).to_have_text("经行政复议，原处罚决定被撤销。")
        v.shot(artifacts, f"public-withdrawn-{suffix}.png")
        _fits(v, viewport["width"])
