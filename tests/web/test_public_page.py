"""The public disclosure page (行政执法公示): no log-in, masked personal information, search, pages,
and the withdrawn tab with its reasons — on the real services, SQLite and PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Callable

from review_workflow.runtime import Runtime
from tests.conftest import People
from tests.web.conftest import PERSON_ID, PHONE, Visitor, disclosure, move, text_of

PATH = "/public/disclosures"


def _listed(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'<li class="card disclosure[^"]*" data-id="(\d+)"', html)]


def test_a_published_decision_is_listed_without_login_and_no_longer_once_withdrawn(
    visitor: Callable[..., Visitor], people: People, rt: Runtime
) -> None:
    case = disclosure(rt, people, "王某某", conclusion=f"罚款人民币5000元。当事人联系电话{PHONE}。")
    anonymous = visitor()
    r = anonymous.get(PATH)
    assert r.status_code == 200 and "set-cookie" not in r.headers  # no session for passers-by
    assert _listed(r.text) == [case.id]
    text = text_of(r.text)
    assert "行政执法公示" in text and "郑州市市场监督管理局" in text and "行政处罚" in text
    assert "王某某（410105********0012）" in text and "138****5678" in text
    assert PERSON_ID not in r.text and PHONE not in r.text  # masked on the page, not just hidden
    assert "《中华人民共和国食品安全法》第一百二十二条" in text and "公示日期 2026-03-02" in text
    assert 'href="/inbox"' not in r.text and 'aria-label="主导航"' not in r.text  # no staff navigation
    assert 'href="/login"' in r.text

    case = move(
        rt,
        case,
        "revoke",
        people.handler,
        {"reason_type": "被撤销", "revoked_on": "2026-03-02", "reason": "经行政复议，原处罚决定被撤销。"},
    )
    move(rt, case, "withdraw_disclosure", people.handler, {})
    r = anonymous.get(PATH)
    assert _listed(r.text) == [] and "暂无公示中的执法决定" in text_of(r.text)
    withdrawn = anonymous.get(f"{PATH}?status=withdrawn")
    assert _listed(withdrawn.text) == [case.id]
    text = text_of(withdrawn.text)
    assert "撤回理由 经行政复议，原处罚决定被撤销。" in text and "撤回日期 2026-03-02" in text
    assert "罚款人民币5000元" not in text  # a withdrawn decision's content is not repeated
    assert PERSON_ID not in withdrawn.text
    assert re.search(
        r'aria-current="page" data-testid="tab-withdrawn">已撤回的公示 <span class="count">1', withdrawn.text
    )


def test_the_search_box_and_the_pages(visitor: Callable[..., Visitor], people: People, rt: Runtime) -> None:
    ids = [disclosure(rt, people, f"第{i:02d}号当事人", individual=False).id for i in range(12)]
    v = visitor()
    first, second = v.get(PATH).text, v.get(f"{PATH}?page=2").text
    assert len(_listed(first)) == 10 and len(_listed(second)) == 2
    assert sorted(_listed(first) + _listed(second)) == sorted(ids)
    assert "第 1 / 2 页" in text_of(first) and f'href="{PATH}?status=published&amp;q=&amp;page=2"' in first
    found = v.get(f"{PATH}?q=第03号")
    assert _listed(found.text) == [ids[3]] and "“第03号”的查询结果：1 条" in text_of(found.text)
    assert "没有找到与“无此人”相符的公示中" in text_of(v.get(f"{PATH}?q=无此人").text)
    assert "没有第 9 页" in text_of(v.get(f"{PATH}?page=9").text)


def test_bad_parameters_get_a_chinese_message_not_an_error(visitor: Callable[..., Visitor]) -> None:
    v = visitor()
    r = v.get(f"{PATH}?status=all")
    assert r.status_code == 422 and "status 只能是 published（公示中）或 withdrawn（已撤回）" in text_of(
        r.text
    )
    for query in ("page=0", "page=abc", "page=99999999999999999999999"):
        r = v.get(f"{PATH}?{query}")
        assert r.status_code == 422 and "请求参数有误：page" in text_of(r.text), query
        assert 'href="/public/disclosures"' in r.text  # a way back for a visitor who is not logged in


def test_hostile_text_on_the_public_page_is_escaped(
    visitor: Callable[..., Visitor], people: People, rt: Runtime
) -> None:
    hostile = '<script>alert("x")</script>'
    disclosure(rt, people, hostile, individual=False, conclusion=hostile)
    html = visitor().get(f"{PATH}?q={hostile}").text
    assert "<script>alert" not in html and html.count("&lt;script&gt;alert(") >= 3  # party, conclusion, query


def test_the_log_in_page_links_to_the_public_page(visitor: Callable[..., Visitor]) -> None:
    html = visitor().get("/login").text
    assert f'<a href="{PATH}" data-testid="public-link">行政执法公示</a>' in html
