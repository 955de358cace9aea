"""The documents of the penalty case, the filing of major penalties and the disclosure."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from review_workflow.documents import cn_date, rmb_upper, yuan

# ---------------------------------------------------------------- filters: dates and sums of money


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-02-13", "2026年2月13日"),
        ("2026-12-01", "2026年12月1日"),
        (dt.date(2026, 3, 5), "2026年3月5日"),
        (dt.datetime(2026, 3, 5, 9, 30, tzinfo=dt.UTC), "2026年3月5日"),
        ("2026年2月13日", "2026年2月13日"),  # data.<event>_on arrives already written the Chinese way
        (None, ""),
        ("", ""),
    ],
)
def test_cn_date_writes_iso_dates_the_chinese_way(value: Any, expected: str) -> None:
    assert cn_date(value) == expected


@pytest.mark.parametrize(
    ("amount", "figures", "capitals"),
    [
        (0, "0.00元", "人民币零元整"),
        (1, "1.00元", "人民币壹元整"),
        (10, "10.00元", "人民币壹拾元整"),
        (10000, "10,000.00元", "人民币壹万元整"),
        (100000, "100,000.00元", "人民币壹拾万元整"),
        (200000, "200,000.00元", "人民币贰拾万元整"),
        (1234567.89, "1,234,567.89元", "人民币壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分"),
        (0.5, "0.50元", "人民币伍角"),
        (0.05, "0.05元", "人民币伍分"),
        (1.05, "1.05元", "人民币壹元零伍分"),
        (1010, "1,010.00元", "人民币壹仟零壹拾元整"),
        (100010, "100,010.00元", "人民币壹拾万零壹拾元整"),
        (1000001, "1,000,001.00元", "人民币壹佰万零壹元整"),
        (100010000, "100,010,000.00元", "人民币壹亿零壹万元整"),
        (100000000, "100,000,000.00元", "人民币壹亿元整"),
        (Decimal("36000"), "36,000.00元", "人民币叁万陆仟元整"),
        ("12000", "12,000.00元", "人民币壹万贰仟元整"),
    ],
)
def test_fine_in_figures_and_in_capitals(amount: Any, figures: str, capitals: str) -> None:
    assert yuan(amount) == figures
    assert rmb_upper(amount) == capitals


def test_a_sum_is_rounded_half_up_to_the_fen() -> None:
    assert yuan(0.125) == "0.13元"
    assert rmb_upper(2.675) == "人民币贰元陆角捌分"  # the float 2.675 is a hair below: read as written


@pytest.mark.parametrize("value", [None, ""])
def test_blank_sum_renders_blank(value: Any) -> None:
    assert yuan(value) == rmb_upper(value) == ""


@pytest.mark.parametrize("value", ["十万", True, float("nan")])
def test_a_sum_that_is_not_a_number_is_refused(value: Any) -> None:
    with pytest.raises(ValueError):
        yuan(value)


def test_a_negative_sum_has_no_capitals() -> None:
    with pytest.raises(ValueError):
        rmb_upper(-1)
