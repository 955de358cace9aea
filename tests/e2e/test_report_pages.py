"""In a real browser: the legal office of 郑州市市场监督管理局 reads its 统计年报 and 考核评分 for the demo year,
records last year's table as submitted (late: the demo's day is after 31 January), and the 司法局's
supervisor picks the agency. Screenshots at 1280 and 390 px."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE, Server

AGENCY = "郑州市市场监督管理局"


def _fits(v: Any, width: int) -> None:
    assert v.page.evaluate("document.documentElement.scrollWidth") <= width


def test_the_legal_office_reads_the_years_figures_and_records_the_submission(
    visit: Any, server: Server, artifacts: Path
) -> None:
    office = visit("lijing")
    page = office.page
    page.get_by_role("link", name="年报与考核").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{AGENCY}2026年度行政执法统计年报")
    expect(page.get_by_test_id("penalties")).to_contain_text("4 宗")
    expect(page.get_by_test_id("fines")).to_have_text("407,000.00")
    expect(page.get_by_test_id("submission-state")).to_have_text("未到报送期")
    expect(page.get_by_test_id("submit-annual")).to_have_count(0)
    office.shot(artifacts, "annual-report-1280.png")
    _fits(office, DESKTOP["width"])

    page.get_by_role("navigation", name="年报与考核").get_by_role("link", name="考核评分").click()
    expect(page.locator("tr[data-item='three_systems'] [data-testid='deduction']")).to_have_text("3")
    expect(page.get_by_test_id("disclosure-rate")).to_have_text("75%")
    expect(page.get_by_test_id("sample-officers")).to_contain_text("张伟")
    office.shot(artifacts, "rubric-1280.png")
    _fits(office, DESKTOP["width"])

    # last year's table, not yet recorded: overdue since 2026-01-31
    page.get_by_role("navigation", name="年报与考核").get_by_role("link", name="统计年报").click()
    page.get_by_label("年度").fill("2025")
    page.get_by_role("button", name="查看").click()
    expect(page.get_by_test_id("submission-state")).to_have_text("逾期未报送")
    page.get_by_test_id("submit-annual").click()
    expect(page.get_by_test_id("submission-state")).to_have_text("已逾期报送")
    expect(page.get_by_test_id("submission")).to_contain_text("李静于 2026-03-12 09:30")
    assert not office.errors


def test_the_pages_fit_a_phone_and_the_supervisor_picks_the_agency(
    visit: Any, server: Server, artifacts: Path
) -> None:
    phone = visit("zhaolei", PHONE)
    page = phone.go("/reports/annual")
    expect(page.get_by_label("机关")).to_contain_text("郑州市生态环境局")
    page.get_by_label("机关").select_option(label=AGENCY)
    page.get_by_role("button", name="查看").click()
    expect(page.get_by_test_id("reviews")).to_contain_text("100%")
    phone.shot(artifacts, "annual-report-390.png")
    _fits(phone, PHONE["width"])
    page.get_by_role("navigation", name="年报与考核").get_by_role("link", name="考核评分").click()
    expect(page.get_by_test_id("rubric-items")).to_contain_text("推行“三项制度”")
    phone.shot(artifacts, "rubric-390.png")
    _fits(phone, PHONE["width"])
    assert not phone.errors
