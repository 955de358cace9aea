"""评分: a case file's score on a scoring sheet (案卷评查), from the marks an evaluator gave each item.

Pure. The marks are what `payloads` accepted for a `scoresheet` field: `basic` maps each 基础标准 item
to true (符合) or false; `general` maps each 一般标准 item to the points deducted (0 up to its points).
A file failing any 基础标准 item scores 0 (否决项, 河南省行政处罚案卷评查标准（2022年版）); otherwise the
total less the deductions, never below 0 (扣完为止，不计负分).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .definitions import ScoringSheet

Marks = Mapping[str, Mapping[str, Any]]


def failed_basic(sheet: ScoringSheet, marks: Marks) -> list[str]:
    """The titles of the 基础标准 items the file fails, in the sheet's order."""
    basic = marks.get("basic", {})
    return [item.title for item in sheet.basic if basic.get(item.key) is not True]


def total(sheet: ScoringSheet, marks: Marks) -> float | int:
    """The file's score: 0 when a 基础标准 item fails, else the total less every deduction (floor 0);
    a whole number reads as one (93, not 93.0)."""
    if failed_basic(sheet, marks):
        return 0
    general = marks.get("general", {})
    lost = sum(min(float(general.get(item.key, 0)), item.points or 0) for item in sheet.general)
    score = round(max(sheet.total - lost, 0.0), 2)
    return int(score) if score.is_integer() else score


def is_zero(sheet: ScoringSheet, marks: Marks) -> bool:
    """0分案卷: the file scores 0 (a 基础标准 item failed, or every point deducted)."""
    return total(sheet, marks) == 0


def by_group(sheet: ScoringSheet, marks: Marks) -> list[dict[str, Any]]:
    """Points kept in each 一般标准 group (for the result document and the page)."""
    general = marks.get("general", {})
    rows = []
    for key, title in sheet.groups.items():
        items = [i for i in sheet.general if i.group == key]
        points = sum(i.points or 0 for i in items)
        lost = sum(min(float(general.get(i.key, 0)), i.points or 0) for i in items)
        rows.append({"group": key, "title": title, "points": points, "lost": lost})
    return rows


# What a `derive:` entry may compute from a scoresheet field, by name.
DERIVATIONS: dict[str, Callable[[ScoringSheet, Marks], Any]] = {
    "sheet_total": total,
    "sheet_is_zero": is_zero,
    "sheet_failed_basic": failed_basic,
}
