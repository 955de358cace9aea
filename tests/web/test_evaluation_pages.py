"""案卷评查 in the pages, SQLite and PostgreSQL: a supervisor draws files with the form, an evaluator
marks the scoring sheet on the case page, the score and the 0分 flag show on the case and in the list."""

from __future__ import annotations

import re
from collections.abc import Callable

from review_workflow.runtime import Runtime
from tests.api.evaluation import SHEET, add_evaluator, closed_files
from tests.conftest import People
from tests.web.conftest import Visitor, text_of


def test_a_supervisor_draws_and_an_evaluator_scores_on_the_pages(
    rt: Runtime, people: People, visitor: Callable[..., Visitor]
) -> None:
    closed_files(rt, people, 3)
    supervisor, evaluator = visitor(people.supervisor), visitor(add_evaluator(rt, people))
    page = supervisor.get("/evaluations")
    assert page.status_code == 200 and "抽取并发起评查" in page.text and "郑州市市场监督管理局" in page.text
    r = supervisor.post("/evaluations/draw", {"year": "2026", "agency": str(people.agency_id), "count": "2"}, page="/evaluations")
    assert r.status_code == 200 and "抽取 2 卷，新发起评查 2 件" in text_of(r.text)
    ids = [int(x) for x in re.findall(r'<tr data-case="(\d+)"', r.text)]
    assert len(ids) == 2 and "未评分" in r.text

    form = evaluator.get(f"/cases/{ids[0]}").text
    assert all(i.title in form for i in (*SHEET.basic, *SHEET.general))  # the sheet, item by item
    marks = {f"f-marks-basic-{i.key}": "pass" for i in SHEET.basic} | {"f-marks-basic-legal_basis": "fail"}
    r = evaluator.fire(ids[0], "score", {**marks, "f-marks-general-discretion": "3", "opinion": "适用法律错误。"})
    assert r.status_code == 200, text_of(r.text)
    shown = text_of(r.text)
    assert "0分案卷（基础标准不符合）" in shown and "基础标准不符合：有法律依据" in shown

    # Too much deducted: refused beside the sheet, nothing recorded.
    r = evaluator.fire(ids[1], "score", {**{f"f-marks-basic-{i.key}": "pass" for i in SHEET.basic}, "f-marks-general-discretion": "11", "opinion": "—"})
    assert r.status_code == 422 and "不能大于最大值" in text_of(r.text)

    listed = text_of(supervisor.get(f"/evaluations?year=2026&agency={people.agency_id}").text)
    assert "0 分 0分案卷" in listed and "未评分" in listed


def test_a_bad_draw_is_refused_on_the_page(rt: Runtime, people: People, visitor: Callable[..., Visitor]) -> None:
    supervisor = visitor(people.supervisor)
    r = supervisor.post("/evaluations/draw", {"year": "2026", "agency": str(people.agency_id), "count": "99"}, page="/evaluations")
    assert r.status_code == 422 and "抽取数量（count）应在 1 至 50 之间" in text_of(r.text)
    r = supervisor.post("/evaluations/draw", {"year": "2026", "agency": "", "count": "3"}, page="/evaluations")
    assert r.status_code == 422
    assert visitor(people.handler).get("/evaluations").status_code == 403
