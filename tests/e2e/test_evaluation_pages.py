"""In a real browser: the 司法局's supervisor draws the year's files of an agency from 案卷评查 (the demo
drew them already: nothing is started twice); the 评查人员 marks the scoring sheet on the evaluation's case
page, one 基础标准 item failed; the file is flagged 0分 on the case and in the list. Screenshots at 1280
and 390 px."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE, Server

AGENCY = "郑州市市场监督管理局"
FILE = "李某某超范围使用食品添加剂案"  # closed on the demo day, drawn by the demo


def _fits(v: Any, width: int) -> None:
    assert v.page.evaluate("document.documentElement.scrollWidth") <= width


def test_a_supervisor_draws_and_an_evaluator_flags_a_zero_score_file(visit: Any, server: Server, artifacts: Path) -> None:
    supervisor = visit("zhaolei")
    page = supervisor.page
    page.get_by_role("link", name="案卷评查", exact=True).click()
    form = page.get_by_test_id("draw-form")
    form.get_by_label("评查年度").fill("2026")
    form.get_by_label("被评查机关").select_option(label=AGENCY)
    form.get_by_label("抽取数量（卷）").fill("5")
    form.get_by_role("button", name="抽取并发起评查").click()
    expect(page.locator(".flash.ok")).to_contain_text("新发起评查 0 件")  # the demo's draw, not repeated
    results = page.get_by_test_id("evaluation-results")
    expect(results).to_contain_text(FILE)
    expect(results).to_contain_text("未评分")
    evaluation = results.locator("tr[data-case]").first.get_attribute("data-case")
    supervisor.shot(artifacts, "evaluations-1280.png")
    _fits(supervisor, DESKTOP["width"])

    evaluator = visit("qianping")
    evaluator.go(f"/cases/{evaluation}")
    evaluator.state_is("待评查")
    score = evaluator.form("score")
    score.locator("input[name='f-marks-basic-legal_basis'][value='fail']").check()
    score.get_by_label("裁量基准运用适当，说明裁量理由：扣分").fill("4")
    score.locator("[name='f-opinion']").fill("引用的法律条款已废止。")
    evaluator.shot(artifacts, "evaluation-sheet-1280.png")
    _fits(evaluator, DESKTOP["width"])
    score.get_by_role("button", name="评分").click()
    evaluator.state_is("已评分")
    expect(evaluator.page.get_by_test_id("zero-flag")).to_contain_text("0分案卷")
    expect(evaluator.page.get_by_test_id("case-fields")).to_contain_text("评查得分")
    evaluator.shot(artifacts, "evaluation-scored-1280.png")

    # the supervisor reads the flag in the list, and the evaluated file beside the evaluation
    listing = page.url
    page.reload()
    expect(results.locator(f"tr[data-case='{evaluation}']")).to_contain_text("0分案卷")
    supervisor.go(f"/cases/{evaluation}")
    expect(page.get_by_test_id("related-cases")).to_contain_text(FILE)
    expect(page.get_by_test_id("zero-flag")).to_be_visible()

    # the same pages on a phone
    phone = visit("zhaolei", PHONE)
    phone.go(listing.removeprefix(server.url))
    expect(phone.page.get_by_test_id("evaluation-results")).to_contain_text("0分案卷")
    phone.shot(artifacts, "evaluations-390.png")
    _fits(phone, PHONE["width"])
    sheet = visit("qianping", PHONE)
    sheet.go(f"/cases/{evaluation}")
    expect(sheet.page.get_by_test_id("zero-flag")).to_be_visible()
    sheet.shot(artifacts, "evaluation-scored-390.png")
    _fits(sheet, PHONE["width"])
    assert not [e for e in supervisor.errors + evaluator.errors + phone.errors + sheet.errors if "Content Security Policy" in e]
