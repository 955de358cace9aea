"""The 统计年报 and the rubric as .xlsx (openpyxl), laid out as the statistics tables are: a title row,
the agency and period, then one table per subject with its columns named as the tables name them
(supervision-formats.md §2, Tables 1–3)."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from .rubric import Rubric
from .supervision import AnnualReportPublic

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOLD, FILL = Font(bold=True), PatternFill("solid", fgColor="DDE7F0")


def _percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate:.1%}"


class _Sheet:
    """Rows written top to bottom: a title, then tables (a header row and its values)."""

    def __init__(self, sheet: Worksheet, title: str, subtitle: str) -> None:
        self.sheet = sheet
        sheet.append([title])
        sheet["A1"].font = Font(bold=True, size=14)
        sheet.append([subtitle])
        sheet.append([])

    def table(self, caption: str, headers: list[str], *rows: list[Any]) -> None:
        self.sheet.append([caption])
        self.sheet.cell(self.sheet.max_row, 1).font = BOLD
        self.sheet.append(headers)
        for cell in self.sheet[self.sheet.max_row]:
            cell.font, cell.fill, cell.alignment = BOLD, FILL, Alignment(horizontal="center", wrap_text=True)
        for row in rows:
            self.sheet.append(row)
        self.sheet.append([])

    def widths(self, width: int) -> None:
        for column in range(1, self.sheet.max_column + 1):
            self.sheet.column_dimensions[get_column_letter(column)].width = width


def _first(book: Workbook) -> Worksheet:
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    return sheet


def _bytes(book: Workbook) -> bytes:
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def annual_xlsx(r: AnnualReportPublic) -> tuple[str, bytes]:
    book = Workbook()
    s = _Sheet(_first(book), f"{r.agency.name}{r.year}年度行政执法统计年报", f"统计期间：{r.year}-01-01 至 {r.period_end:%Y-%m-%d}")
    s.sheet.title = "统计年报"
    p = r.penalties
    s.table("表一 行政许可实施情况（件）", ["许可数量（已登记公示的许可决定）"], [r.licences])
    s.table(
        "表二 行政处罚实施情况",
        [t.type for t in p.by_type] + ["合计（宗）", "罚款金额（元）", "没收金额（元）", "不予处罚（件）"],
        [t.count for t in p.by_type] + [p.decisions, p.fines, p.confiscations, p.no_penalty],
    )
    s.table("表三 行政强制实施情况（件）", ["行政强制（已登记公示的强制决定）"], [r.enforcement_measures])
    v = r.reviews
    s.table(
        "表四 重大执法决定法制审核",
        ["审核完成（件）", "其中经退回纠正（件）", "应审核的处罚决定（件）", "已审核（件）", "法制审核率"],
        [v.concluded, v.returned, v.required, v.reviewed, _percent(v.rate)],
    )
    periods = ["合计", "按时", "逾期", "逾期未办", "尚在期限内"]
    f, d = r.filings, r.disclosures
    s.table("表五 重大行政处罚备案（件）", periods + ["按时率"], [f.total, f.on_time, f.late, f.missing, f.pending, _percent(f.rate)])
    s.table(
        "表六 行政执法公示（件）",
        periods + ["其中已撤回", "公示率"],
        [d.total, d.on_time, d.late, d.missing, d.pending, d.withdrawn, _percent(d.rate)],
    )
    o = r.officers
    s.table("表七 听证与执法人员", ["举行听证（次）", "在职人员（人）", "持有效执法证（人）", "持证率"], [r.hearings, o.active, o.certified, _percent(o.rate)])
    sub = r.submission
    s.table(
        "报送情况",
        ["报送期限", "状态", "报送时间", "报送人"],
        [f"{sub.due:%Y-%m-%d}", sub.state_title, sub.submitted_at or "—", sub.submitted_by.name if sub.submitted_by else "—"],
    )
    s.widths(16)
    return f"{r.agency.name}{r.year}年度行政执法统计年报.xlsx", _bytes(book)


def rubric_xlsx(r: Rubric) -> tuple[str, bytes]:
    book = Workbook()
    s = _Sheet(_first(book), f"{r.agency.name}{r.year}年度行政执法责任制考核（系统可见项目）", f"扣分合计 {r.deduction} / {r.max_points}")
    s.sheet.title = "考核评分"
    s.table(
        "评分项目",
        ["项目", "分值", "扣分", "得分", "说明"],
        *[[i.title, i.max_points, i.deduction, i.score, i.detail] for i in r.items],
    )
    s.table(
        "扣分依据",
        ["项目", "事项", "扣分", "案件编号", "人员编号"],
        *[
            [i.title, f.text, f.points, "、".join(map(str, f.case_ids)), "、".join(map(str, f.officer_ids))]
            for i in r.items
            for f in i.findings
        ],
    )
    s.table("比率", ["法制审核率", "公示率"], [_percent(r.review_rate), _percent(r.disclosure_rate)])
    s.widths(22)
    sample = book.create_sheet("抽查样本")
    t = _Sheet(sample, f"{r.agency.name}{r.year}年度抽查样本", f"随机种子 {r.sample.seed}（按年度和机关确定，可复现）")
    t.table(
        "本年度办结的行政处罚决定（随机抽取5份）",
        ["案件编号", "案件", "决定书文号", "决定日期", "结案日期"],
        *[[c.id, c.title, c.decision_no or "—", c.decision_date or "—", c.closed_on or "—"] for c in r.sample.decisions],
    )
    t.table(
        "持证执法人员（随机抽取5人）",
        ["人员编号", "姓名", "执法证号", "本年度参与行政执法"],
        *[[o.id, o.name, o.certificate_no or "—", "是" if o.active_in_year else "否"] for o in r.sample.officers],
    )
    t.widths(22)
    return f"{r.agency.name}{r.year}年度考核评分.xlsx", _bytes(book)
