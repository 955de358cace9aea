"""The same input limits for the pages: a control character in a form post, a search or an address is
a Chinese error page with 422; an id no row can have is the 404 page — never a 500, on either database."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from review_workflow.runtime import Runtime
from review_workflow.services import queries
from tests.conftest import People
from tests.web.conftest import Visitor, csrf_of, submitted_case, text_of


def test_a_nul_in_the_public_search_is_a_page_not_an_error(visitor: Callable[..., Visitor]) -> None:
    r = visitor().get("/public/disclosures?q=%00")
    assert r.status_code == 422 and r.headers["content-type"].startswith("text/html")
    assert "控制字符" in text_of(r.text)


@pytest.mark.parametrize("path", ["/cases/2147483648", "/cases/9223372036854775806", "/cases/0", "/cases/-1"])
def test_a_case_page_with_an_id_out_of_range_is_not_found(
    visitor: Callable[..., Visitor], people: People, path: str
) -> None:
    r = visitor(people.handler).get(path)
    assert r.status_code == 404 and "未找到" in text_of(r.text)


def test_a_nul_in_a_search_of_the_case_list_is_refused(visitor: Callable[..., Visitor], people: People) -> None:
    r = visitor(people.handler).get("/cases?q=%00")
    assert r.status_code == 422 and "控制字符" in text_of(r.text)


def test_a_nul_in_a_form_post_is_refused_and_moves_nothing(
    visitor: Callable[..., Visitor], people: People, rt: Runtime
) -> None:
    case = submitted_case(rt, people)
    reviewer = visitor(people.reviewer)
    page = reviewer.get(f"/cases/{case.id}").text
    r = reviewer.client.post(
        f"/cases/{case.id}/events/approve",
        data={"version": str(case.version), "f-opinion": "同意\x00", "csrf_token": csrf_of(page)},
    )
    assert r.status_code == 422 and "控制字符" in text_of(r.text)
    after = queries.get_case(rt, people.handler.id, case.id)
    assert (after.state, after.version) == ("under_review", case.version)


def test_a_nul_in_the_log_in_form_is_refused(visitor: Callable[..., Visitor]) -> None:
    v = visitor()
    r = v.post("/login", {"username": "zhang\x00", "password": "x"}, page="/login")
    assert r.status_code == 422 and "控制字符" in text_of(r.text)
