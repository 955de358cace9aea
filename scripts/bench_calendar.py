"""Benchmark WorkCalendar.due() against a day-by-day loop over chinese_calendar.is_workday.

    .venv/bin/python scripts/bench_calendar.py            # full run (about a minute)
    .venv/bin/python scripts/bench_calendar.py --quick    # a few seconds

Both sides get the same random (start, rule) pairs, starts in 2020-01-01..2026-06-30 so every
period stays inside the published years; the answers are compared before any figure is printed.
"""

from __future__ import annotations

import argparse
import random
import time
import unicodedata
from collections.abc import Callable
from datetime import date, timedelta
from functools import cache

import chinese_calendar  # type: ignore[import-untyped]

from review_workflow.core.calendar import WorkCalendar, arrangements_from_chinese_calendar

RULES = ("7wd", "20wd", "60wd", "15d", "90d")


def loop_due(
    start: date, rule: str, is_workday: Callable[[date], bool] = chinese_calendar.is_workday
) -> date:
    """The straightforward way: walk one day at a time."""
    n, unit = (int(rule[:-2]), "wd") if rule.endswith("wd") else (int(rule[:-1]), "d")
    d = start
    if unit == "wd":
        counted = 0
        while counted < n:
            d += timedelta(days=1)
            counted += is_workday(d)
        return d
    d += timedelta(days=n)
    while not is_workday(d):
        d += timedelta(days=1)
    return d


def per_call(fn: Callable[[date, str], object], starts: list[date], rule: str, repeat: int) -> float:
    """Best-of-`repeat` seconds per call (best: least disturbed by other work on the machine)."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        for s in starts:
            fn(s, rule)
        best = min(best, (time.perf_counter() - t0) / len(starts))
    return best


def cell(value: object, width: int) -> str:
    """Right-align in terminal columns (a Chinese character takes two)."""
    text = str(value)
    wide = sum(unicodedata.east_asian_width(ch) in "WF" for ch in text)
    return " " * max(0, width - len(text) - wide) + text


def row(*values: object) -> str:
    widths = (6, 11, 13, 11, 12, 8, 15, 8)
    return "".join(cell(v, w) for v, w in zip(values, widths, strict=True))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small samples, finishes in seconds")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    fast_n, slow_n, repeat = (20_000, 200, 3) if args.quick else (200_000, 2_000, 5)

    t0 = time.perf_counter()
    calendar = WorkCalendar(arrangements_from_chinese_calendar())
    startup_ms = (time.perf_counter() - t0) * 1000

    rng = random.Random(args.seed)
    first, last = date(2020, 1, 1).toordinal(), date(2026, 6, 30).toordinal()
    starts = [date.fromordinal(rng.randint(first, last)) for _ in range(fast_n)]
    cached = cache(chinese_calendar.is_workday)

    print(f"载入 chinese_calendar 并建立 WorkCalendar：{startup_ms:.1f} ms（{len(calendar.years())} 年）")
    print(f"样本：due() {fast_n} 次/规则，逐日循环 {slow_n} 次/规则，取 {repeat} 轮最好成绩\n")
    print(row("规则", "due() µs", "due() 次/秒", "逐日 µs", "逐日 次/秒", "倍数", "逐日(缓存) µs", "倍数"))
    for rule in RULES:
        sample = starts[:slow_n]
        for s in sample:  # same answers, or the figures mean nothing
            assert calendar.due(s, rule).date == loop_due(s, rule), (s, rule)
        ours = per_call(calendar.due, starts, rule, repeat)
        loop = per_call(loop_due, sample, rule, 1 if args.quick else 2)
        smart = per_call(lambda s, r: loop_due(s, r, cached), sample * 10, rule, repeat)
        print(
            row(
                rule,
                f"{ours * 1e6:.2f}",
                f"{1 / ours:,.0f}",
                f"{loop * 1e6:.1f}",
                f"{1 / loop:,.0f}",
                f"{loop / ours:,.0f}×",
                f"{smart * 1e6:.1f}",
                f"{smart / ours:,.1f}×",
            )
        )
    print("\n逐日：每天调用 chinese_calendar.is_workday；逐日(缓存)：同样逐日，但 is_workday 结果已缓存。")


if __name__ == "__main__":
    main()
