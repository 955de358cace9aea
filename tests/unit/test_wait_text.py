"""How a log-in lock's wait reads to a person."""

from __future__ import annotations

import pytest

from review_workflow.core.errors import TooManyAttempts, wait_text


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0, "1 秒"), (45, "45 秒"), (60, "1 分钟"), (61, "2 分钟"), (900, "15 分钟"), (3600, "1 小时"), (5400, "1 小时 30 分钟"), (86400, "24 小时")],
)
def test_a_wait_reads_in_seconds_minutes_or_hours(seconds: int, text: str) -> None:
    assert wait_text(seconds) == text


def test_a_lock_says_how_long_and_carries_the_seconds() -> None:
    exc = TooManyAttempts(900)
    assert (exc.status, exc.code, exc.retry_after) == (429, "too_many_attempts", 900)
    assert exc.message == "登录失败次数过多，已暂时锁定，请在 15 分钟后再试"
