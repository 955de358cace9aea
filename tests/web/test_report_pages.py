"""The 统计年报 and 考核评分 pages: figures drawn from cases built for 2026, the legal office recording the
submission with the page's button, the .xlsx downloads, and who reaches the pages."""

from __future__ import annotations

from collections.abc import Callable
from io import BytesIO

from openpyxl import load_workbook

from review_workflow.runtime import Runtime
from tests.conftest import People, pin_clock
from tests.web.conftest import Visitor, filing, text_of


def _missing_filing_2026(rt: Runtime, people: People) -> None:
    """A major penalty decided on 2026-02-02 whose filing was never made; the clock on 2027-02-05."""
    filing(rt, people, "未备案案", "2026-02-02")
    pin_clock(rt, "2027-02-05T09:00:00")


def test_the_legal_office_reads_the_annual_report_and_records_a_late_submission(
    rt: Runtime, people: People, visitor: Callable[..., Visitor]
) -> None:
    _missing_filing_2026(rt, people)
    v = visitor(people.legal_head)
    page = v.get(f"/reports/annual?year=2026&agency={people.agency_id}")
    assert page.status_code == 200
    text = text_of(page.text)
    assert "郑州市市场监督管理局2026年度行政执法统计年报" in text and "逾期未报送" in text
    assert "记录已报送司法局" in text
    done = v.post(
        "/reports/annual/submission",
        {"year": "2026", "agency": str(people.agency_id)},
        page=f"/reports/annual?year=2026&agency={people.agency_id}",
    )
    assert done.status_code == 200 and done.url.path == "/reports/annual"
    text = text_of(done.text)
    assert "已逾期报送" in text and "李静于 2027-02-05 09:00" in text and "记录已报送司法局" not in text


def test_the_rubric_page_shows_each_deduction_and_the_sample(
    rt: Runtime, people: People, visitor: Callable[..., Visitor]
) -> None:
    _missing_filing_2026(rt, people)
    page = visitor(people.supervisor).get(f"/reports/rubric?year=2026&agency={people.agency_id}")
    assert page.status_code == 200
    text = text_of(page.text)
    assert "重大行政处罚应备案未备案" in text and "2026年度统计年报逾期未报送" in text
    assert "随机种子 2026:" in text and "张伟" in text


def test_the_pages_download_the_tables(rt: Runtime, people: People, visitor: Callable[..., Visitor]) -> None:
    _missing_filing_2026(rt, people)
    v = visitor(people.supervisor)
    sheet = load_workbook(BytesIO(v.get(f"/reports/annual.xlsx?year=2026&agency={people.agency_id}").content)).active
    assert sheet is not None and sheet["A1"].value == "郑州市市场监督管理局2026年度行政执法统计年报"
    book = load_workbook(BytesIO(v.get(f"/reports/rubric.xlsx?year=2026&agency={people.agency_id}").content))
    assert book.sheetnames == ["考核评分", "抽查样本"]


def test_other_cities_and_bad_years_are_refused_as_pages(
    rt: Runtime, people: People, visitor: Callable[..., Visitor]
) -> None:
    v = visitor(people.legal_head)
    assert v.get(f"/reports/annual?year=2026&agency={people.other_agency_id}").status_code == 404
    assert v.get(f"/reports/rubric?year=1999&agency={people.agency_id}").status_code == 422
    assert v.get("/reports/annual?year=2026&agency=99999999999").status_code == 422
    assert visitor(people.handler).get("/reports/annual").status_code == 403  # not the legal office
