"""Working-day arithmetic: the counting rules of docs/domain.md section 5, checked against the official data."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path

import chinese_calendar  # type: ignore[import-untyped]
import pytest

from review_workflow.core.calendar import (
    HOLIDAY_NAMES_ZH,
    DueDate,
    Rule,
    WorkCalendar,
    YearArrangement,
    arrangements_from_chinese_calendar,
    parse_arrangement,
    parse_rule,
)
from review_workflow.core.errors import CalendarNotPublished, InvalidInput

ROOT = Path(__file__).resolve().parents[2]
D = date

ARRANGEMENT_2027 = """
year: 2027
rest_days:
  - {from: 2027-01-01, to: 2027-01-03, name: 元旦}
  - {from: 2027-02-05, to: 2027-02-13, name: 春节}
workdays:
  - {date: 2027-02-14, name: 春节调休}
"""


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    return WorkCalendar(arrangements_from_chinese_calendar())


@pytest.fixture(scope="module")
def cal_with_2027() -> WorkCalendar:
    return WorkCalendar(arrangements_from_chinese_calendar() + [parse_arrangement(ARRANGEMENT_2027, "yaml")])


# --------------------------------------------------------------------------- the required examples


def test_seven_working_days_from_friday_6_february_2026_end_on_24_february(cal: WorkCalendar) -> None:
    assert cal.due(D(2026, 2, 6), "7wd") == DueDate(D(2026, 2, 24), False, "7wd", D(2026, 2, 6))


def test_fifteen_days_ending_on_a_spring_festival_saturday_roll_to_24_february(cal: WorkCalendar) -> None:
    assert cal.due(D(2026, 2, 6), "15d").date == D(2026, 2, 24)


def test_seven_working_days_from_24_february_count_the_make_up_saturday(cal: WorkCalendar) -> None:
    assert cal.due(D(2026, 2, 24), "7wd").date == D(2026, 3, 4)


def test_fifteen_days_ending_on_a_make_up_saturday_are_not_rolled(cal: WorkCalendar) -> None:
    assert cal.due(D(2026, 2, 13), "15d").date == D(2026, 2, 28)


def test_seven_working_days_from_13_february_end_on_2_march(cal: WorkCalendar) -> None:
    # 2-14 (调休上班) 1, 2-15..2-23 春节, 2-24..2-27 2-5, 2-28 (调休上班) 6, 3-1 Sunday, 3-2 7.
    assert cal.due(D(2026, 2, 13), "7wd").date == D(2026, 3, 2)


def test_a_period_reaching_an_unpublished_year_is_refused_naming_that_year(cal: WorkCalendar) -> None:
    with pytest.raises(CalendarNotPublished) as caught:
        cal.due(D(2026, 12, 18), "20wd")
    assert caught.value.year == 2027
    assert "2027" in caught.value.message


def test_a_provisional_period_counts_only_weekends_in_the_unpublished_year(cal: WorkCalendar) -> None:
    # 9 working days left in December 2026, then Mon-Fri in 2027 (1-1 counted: no arrangement yet).
    assert cal.due(D(2026, 12, 18), "20wd", provisional=True) == DueDate(
        D(2027, 1, 15), True, "20wd", D(2026, 12, 18)
    )


def test_once_2027_is_loaded_the_same_period_is_final_and_skips_new_year(cal_with_2027: WorkCalendar) -> None:
    result = cal_with_2027.due(D(2026, 12, 18), "20wd")
    assert result == DueDate(D(2027, 1, 18), False, "20wd", D(2026, 12, 18))
    assert cal_with_2027.due(D(2026, 12, 18), "20wd", provisional=True).provisional is False


# --------------------------------------------------------------------------- more counting


def test_the_start_day_is_never_counted(cal: WorkCalendar) -> None:
    assert cal.due(D(2026, 3, 9), "1wd").date == D(2026, 3, 10)
    assert cal.due(D(2026, 3, 9), "1d").date == D(2026, 3, 10)


def test_one_working_day_from_friday_is_the_next_monday(cal: WorkCalendar) -> None:
    assert cal.due(D(2026, 3, 6), "1wd").date == D(2026, 3, 9)


def test_a_period_starting_on_saturday_counts_from_monday(cal: WorkCalendar) -> None:
    assert cal.due(D(2026, 3, 7), "1wd").date == D(2026, 3, 9)
    assert cal.due(D(2026, 3, 7), "5wd").date == D(2026, 3, 13)


def test_one_day_from_saturday_lands_on_sunday_and_rolls_to_monday(cal: WorkCalendar) -> None:
    assert cal.due(D(2026, 3, 7), "1d").date == D(2026, 3, 9)


def test_a_period_starting_on_a_holiday_counts_from_the_first_working_day_after_it(cal: WorkCalendar) -> None:
    assert cal.due(D(2026, 10, 3), "1wd").date == D(2026, 10, 8)
    assert cal.due(D(2026, 10, 3), "3wd").date == D(2026, 10, 10)  # Saturday 10-10 is a make-up workday


def test_ten_working_days_skip_qingming(cal: WorkCalendar) -> None:
    assert cal.due(D(2026, 4, 1), "10wd").date == D(2026, 4, 16)


def test_ninety_days_ending_on_qingming_roll_past_the_whole_holiday(cal: WorkCalendar) -> None:
    assert cal.due(D(2026, 1, 5), "90d").date == D(2026, 4, 7)


def test_a_make_up_workday_in_december_for_the_next_new_year_counts(cal: WorkCalendar) -> None:
    assert cal.due(D(2018, 12, 28), "1wd").date == D(2018, 12, 29)


def test_a_rule_with_surrounding_spaces_is_read_and_reported_canonically(cal: WorkCalendar) -> None:
    assert cal.due(D(2026, 3, 9), " 2wd ").rule == "2wd"


def test_a_period_starting_before_the_first_covered_year_is_refused(cal: WorkCalendar) -> None:
    with pytest.raises(CalendarNotPublished) as caught:
        cal.due(D(2003, 12, 30), "1d")
    assert caught.value.year == 2003


def test_a_period_crossing_a_gap_year_is_refused_naming_the_gap(cal: WorkCalendar) -> None:
    years = {a.year: a for a in arrangements_from_chinese_calendar()}
    gappy = WorkCalendar([years[2024], years[2026]])
    with pytest.raises(CalendarNotPublished) as caught:
        gappy.due(D(2024, 12, 20), "300wd")
    assert caught.value.year == 2025
    assert gappy.due(D(2024, 12, 20), "300wd", provisional=True).provisional is True
    assert gappy.due(D(2024, 12, 2), "5wd") == cal.due(D(2024, 12, 2), "5wd")


def test_an_empty_calendar_refuses_everything_but_can_give_provisional_dates() -> None:
    empty = WorkCalendar([])
    assert empty.years() == []
    with pytest.raises(CalendarNotPublished):
        empty.due(D(2026, 3, 6), "1wd")
    assert empty.due(D(2026, 3, 6), "1wd", provisional=True) == DueDate(
        D(2026, 3, 9), True, "1wd", D(2026, 3, 6)
    )


def test_a_due_date_is_frozen_hashable_and_equal_to_one_built_by_hand(cal: WorkCalendar) -> None:
    result = cal.due(D(2026, 2, 6), "7wd")
    by_hand = DueDate(D(2026, 2, 24), False, "7wd", D(2026, 2, 6))
    assert result == by_hand and hash(result) == hash(by_hand) and repr(result) == repr(by_hand)
    with pytest.raises(AttributeError):
        result.date = D(2026, 3, 1)  # type: ignore[misc]


def test_a_provisional_request_inside_covered_years_is_not_marked_provisional(cal: WorkCalendar) -> None:
    assert cal.due(D(2026, 2, 6), "7wd", provisional=True).provisional is False


@pytest.mark.parametrize("rule", ["", "wd", "7", "7w", "7 wd", "7WD", "-1wd", "1.5d", "七wd", "７wd", "7wd7"])
def test_a_malformed_rule_is_refused_naming_the_rule(cal: WorkCalendar, rule: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        cal.due(D(2026, 3, 9), rule)
    assert f"“{rule.strip()}”" in caught.value.message


@pytest.mark.parametrize("rule", ["0wd", "0d", "00d"])
def test_a_rule_of_zero_days_is_refused(rule: str) -> None:
    with pytest.raises(InvalidInput, match="至少为1"):
        parse_rule(rule)


def test_a_rule_that_is_not_text_is_refused(cal: WorkCalendar) -> None:
    with pytest.raises(InvalidInput):
        cal.due(D(2026, 3, 9), 7)  # type: ignore[arg-type]


def test_rules_parse_into_count_and_unit() -> None:
    assert parse_rule("20wd") == Rule(20, "wd")
    assert parse_rule("15d") == Rule(15, "d")
    assert str(parse_rule("007wd")) == "7wd"


def test_a_datetime_start_is_refused_because_its_local_day_is_ambiguous(cal: WorkCalendar) -> None:
    with pytest.raises(InvalidInput, match="date"):
        cal.due(datetime(2026, 3, 9, 23, 30), "1wd")  # type: ignore[arg-type]


def test_a_date_beyond_the_representable_range_is_an_input_error() -> None:
    with pytest.raises(InvalidInput):
        WorkCalendar([]).due(D(9999, 12, 1), "100wd", provisional=True)


# --------------------------------------------------------------------------- single days


@pytest.mark.parametrize(
    ("day", "kind"),
    [
        (D(2026, 2, 14), (True, "调休上班")),
        (D(2026, 2, 16), (False, "春节")),
        (D(2026, 2, 15), (False, "春节")),  # a Sunday inside the holiday is named for the holiday
        (D(2026, 3, 7), (False, "周末")),
        (D(2026, 3, 9), (True, "工作日")),
        (D(2015, 9, 3), (False, "抗战胜利纪念日")),
    ],
)
def test_each_day_has_a_kind_and_a_reason(cal: WorkCalendar, day: date, kind: tuple[bool, str]) -> None:
    assert cal.day_kind(day) == kind
    assert cal.is_workday(day) is kind[0]


def test_a_day_in_an_unpublished_year_is_refused_unless_provisional(cal: WorkCalendar) -> None:
    with pytest.raises(CalendarNotPublished):
        cal.is_workday(D(2027, 1, 1))
    assert cal.day_kind(D(2027, 1, 1), provisional=True) == (True, "工作日")
    assert cal.day_kind(D(2027, 1, 2), provisional=True) == (False, "周末")


def test_the_calendar_covers_exactly_the_loaded_years(cal: WorkCalendar, cal_with_2027: WorkCalendar) -> None:
    assert cal.years() == list(range(2004, 2027))
    assert cal.covers(2026) and not cal.covers(2027) and not cal.covers(2003)
    assert cal_with_2027.covers(2027)


# --------------------------------------------------------------------------- chinese_calendar data


def test_every_holiday_of_the_package_gets_a_chinese_name() -> None:
    names = {
        n for a in arrangements_from_chinese_calendar() for n in (*a.rest_days.values(), *a.workdays.values())
    }
    assert names <= set(HOLIDAY_NAMES_ZH.values())
    assert {"春节", "国庆节", "抗战胜利纪念日"} <= names


def test_each_year_holds_only_its_own_dates() -> None:
    for arr in arrangements_from_chinese_calendar():
        assert all(d.year == arr.year for d in (*arr.rest_days, *arr.workdays))


def test_the_2026_arrangement_matches_the_published_notice() -> None:
    arr = next(a for a in arrangements_from_chinese_calendar() if a.year == 2026)
    assert all(arr.rest_days[D(2026, 2, 15) + timedelta(days=i)] == "春节" for i in range(9))
    assert set(arr.workdays) == {
        D(2026, 1, 4),
        D(2026, 2, 14),
        D(2026, 2, 28),
        D(2026, 5, 9),
        D(2026, 9, 20),
        D(2026, 10, 10),
    }
    assert arr.source.startswith("chinese_calendar")


def test_package_arrangements_are_cached_for_service_start() -> None:
    assert arrangements_from_chinese_calendar()[0] is arrangements_from_chinese_calendar()[0]
    assert [a.year for a in arrangements_from_chinese_calendar(2020, 2021)] == [2020, 2021]


def test_asking_the_package_for_a_year_it_does_not_carry_is_refused() -> None:
    with pytest.raises(InvalidInput, match="2004"):
        arrangements_from_chinese_calendar(2003, 2010)
    with pytest.raises(InvalidInput):
        arrangements_from_chinese_calendar(2020, 2027)


# --------------------------------------------------------------------------- explanations


def test_explaining_working_days_numbers_counted_days_and_names_skipped_ones(cal: WorkCalendar) -> None:
    explanation = cal.explain(D(2026, 2, 6), "7wd")
    days = {d.date: d for d in explanation.days}
    assert explanation.days[0].date == D(2026, 2, 7) and explanation.days[-1].date == D(2026, 2, 24)
    assert (days[D(2026, 2, 7)].counted, days[D(2026, 2, 7)].reason) == (False, "周末")
    assert (days[D(2026, 2, 9)].ordinal, days[D(2026, 2, 9)].reason) == (1, "工作日")
    assert (days[D(2026, 2, 14)].ordinal, days[D(2026, 2, 14)].reason) == (6, "调休上班")
    assert (days[D(2026, 2, 16)].counted, days[D(2026, 2, 16)].ordinal, days[D(2026, 2, 16)].reason) == (
        False,
        None,
        "春节",
    )
    assert [d.ordinal for d in explanation.days if d.counted] == list(range(1, 8))
    assert explanation.due.date == D(2026, 2, 24)


def test_the_text_explanation_reads_as_chinese_lines(cal: WorkCalendar) -> None:
    lines = cal.explain(D(2026, 2, 6), "7wd").as_text().splitlines()
    assert "2026-02-14 星期六 第6个工作日（调休上班）" in lines
    assert "2026-02-16 星期一 跳过：春节" in lines
    assert "2026-02-07 星期六 跳过：周末" in lines
    assert lines[-1] == "期限届满日：2026-02-24 星期二"


def test_explaining_calendar_days_lists_the_plain_days_then_the_roll_forward(cal: WorkCalendar) -> None:
    explanation = cal.explain(D(2026, 2, 6), "15d")
    counted = [d for d in explanation.days if d.counted]
    rolled = [d for d in explanation.days if not d.counted]
    assert [d.ordinal for d in counted] == list(range(1, 16))
    assert (counted[-1].date, counted[-1].reason) == (D(2026, 2, 21), "春节")
    assert [(d.date, d.reason) for d in rolled] == [
        (D(2026, 2, 22), "春节"),
        (D(2026, 2, 23), "春节"),
        (D(2026, 2, 24), "工作日"),
    ]
    text = explanation.as_text()
    assert "2026-02-21 星期六 第15日（春节）" in text
    assert "2026-02-22 星期日 顺延跳过：春节" in text
    assert "2026-02-24 星期二 期限末日为休息日，顺延至此（工作日）" in text


def test_explaining_a_calendar_period_that_needs_no_roll_has_no_roll_days(cal: WorkCalendar) -> None:
    explanation = cal.explain(D(2026, 2, 13), "15d")
    assert all(d.counted for d in explanation.days) and len(explanation.days) == 15
    assert explanation.days[-1].reason == "调休上班"


def test_a_provisional_explanation_marks_the_guessed_days(cal: WorkCalendar) -> None:
    explanation = cal.explain(D(2026, 12, 18), "20wd", provisional=True)
    assert explanation.due.provisional
    assert [d.provisional for d in explanation.days if d.date.year == 2027] == [True] * 15
    assert "2027-01-01 星期五 第10个工作日（暂定）" in explanation.as_text()
    with pytest.raises(CalendarNotPublished):
        cal.explain(D(2026, 12, 18), "20wd")


# --------------------------------------------------------------------------- warnings


def test_a_working_day_warning_lead_counts_back_over_holidays(cal: WorkCalendar) -> None:
    assert cal.warning_date(D(2026, 2, 24), "1wd") == D(2026, 2, 14)
    assert cal.warning_date(D(2026, 2, 24), "2wd") == D(2026, 2, 13)
    assert cal.warning_date(D(2026, 3, 2), "1wd") == D(2026, 2, 28)


def test_a_calendar_day_warning_lead_is_plain_subtraction(cal: WorkCalendar) -> None:
    assert cal.warning_date(D(2026, 2, 24), "3d") == D(2026, 2, 21)


def test_a_warning_in_an_unpublished_year_is_refused_unless_provisional(cal: WorkCalendar) -> None:
    with pytest.raises(CalendarNotPublished):
        cal.warning_date(D(2027, 1, 15), "2wd")
    assert cal.warning_date(D(2027, 1, 15), "2wd", provisional=True) == D(2027, 1, 13)


# --------------------------------------------------------------------------- arrangement files


def test_a_yaml_arrangement_expands_ranges_and_keeps_names() -> None:
    arr = parse_arrangement(ARRANGEMENT_2027, "yaml")
    assert arr.year == 2027
    assert len(arr.rest_days) == 3 + 9
    assert arr.rest_days[D(2027, 2, 10)] == "春节"
    assert arr.workdays == {D(2027, 2, 14): "春节调休"}
    assert arr.source == "管理员导入（yaml）"


def test_a_csv_arrangement_reads_the_same_as_yaml() -> None:
    text = "\ufeffdate,kind,name\n# 元旦\n2027-01-01,rest,元旦\n\n2027-02-14,work,春节调休\n"
    arr = parse_arrangement(text, "csv", source="国办发明电〔2026〕7号")
    assert arr == YearArrangement(
        2027, {D(2027, 1, 1): "元旦"}, {D(2027, 2, 14): "春节调休"}, "国办发明电〔2026〕7号"
    )


def test_the_documented_example_file_is_a_valid_2027_arrangement() -> None:
    text = (ROOT / "docs" / "calendar-arrangement-example.yaml").read_text(encoding="utf-8")
    arr = parse_arrangement(text, "yaml")
    assert arr.year == 2027 and "示例" in arr.source
    assert WorkCalendar(arrangements_from_chinese_calendar() + [arr]).due(D(2027, 2, 4), "1wd").date == D(
        2027, 2, 14
    )


def test_an_arrangement_may_reach_into_the_last_week_of_the_previous_december() -> None:
    text = "year: 2027\nrest_days:\n  - {from: 2026-12-31, to: 2027-01-01, name: 元旦}\n"
    arr = parse_arrangement(text, "yaml")
    calendar = WorkCalendar(arrangements_from_chinese_calendar() + [arr])
    assert calendar.day_kind(D(2026, 12, 31)) == (False, "元旦")
    assert calendar.due(D(2026, 12, 30), "1wd").date == D(2027, 1, 4)


def test_a_later_arrangement_for_the_same_year_replaces_the_earlier_one() -> None:
    first = parse_arrangement("year: 2027\nrest_days: [{date: 2027-01-01, name: 元旦}]", "yaml")
    second = parse_arrangement("year: 2027\nrest_days: [{date: 2027-01-04, name: 元旦}]", "yaml")
    calendar = WorkCalendar([first, second])
    assert calendar.is_workday(D(2027, 1, 1)) and not calendar.is_workday(D(2027, 1, 4))
    assert calendar.arrangement(2027) is second


def test_a_hand_built_arrangement_is_validated_too() -> None:
    bad = YearArrangement(2027, {D(2027, 1, 1): "元旦"}, {D(2027, 1, 4): "元旦调休"}, "手工")
    with pytest.raises(InvalidInput, match="周六或周日"):
        WorkCalendar([bad])


@pytest.mark.parametrize(
    ("text", "fmt", "fragment"),
    [
        ("year: 2027\nrest_days: [{date: 2028-01-01, name: 元旦}]", "yaml", "不在 2027 年内"),
        ("year: 2027\nrest_days: [{date: 2026-12-20, name: 元旦}]", "yaml", "不在 2027 年内"),
        (
            "year: 2027\nrest_days: [{date: 2027-02-06, name: 春节}]\n"
            "workdays: [{date: 2027-02-06, name: 春节}]",
            "yaml",
            "既列为休息日又列为调休上班日",
        ),
        (
            "year: 2027\nrest_days: [{date: 2027-01-01, name: 元旦}]\n"
            "workdays: [{date: 2027-01-04, name: 元旦}]",
            "yaml",
            "只能是周六或周日",
        ),
        (
            "year: 2027\nrest_days: [{date: 2027-01-01, name: 元旦}, {date: 2027-01-01, name: 元旦}]",
            "yaml",
            "重复",
        ),
        (
            "year: 2027\nrest_days:\n  - {from: 2027-02-05, to: 2027-02-10, name: 春节}\n"
            "  - {from: 2027-02-10, to: 2027-02-13, name: 春节}",
            "yaml",
            "2027-02-10 重复列出",
        ),
        ("year: 2027\nrest_days: [{date: 2027-02-30, name: 春节}]", "yaml", "“2027-02-30”无效"),
        ("year: 2027\nrest_days: [{date: next friday, name: 春节}]", "yaml", "无效"),
        ("", "yaml", "为空"),
        ("   \n# only a comment\n", "yaml", "为空"),
        ("", "csv", "为空"),
        ("date,kind,name\n", "csv", "只有表头"),
        ("date,kind,name\n2027-01-01,holiday,元旦\n2027-01-02,rest,元旦\n", "csv", "kind“holiday”无效"),
        ("day,type,name\n2027-01-01,rest,元旦\n", "csv", "表头应为 date,kind,name"),
        ("date,kind,name\n2027-01-01,rest\n2027-01-02,rest,元旦\n", "csv", "应有 3 列"),
        (
            "date,kind,name\n2027-01-01,rest,元旦\n2027-01-02,rest,元旦\n2028-01-03,rest,元旦\n",
            "csv",
            "第4行",
        ),
        ("rest_days: [{date: 2027-01-01, name: 元旦}]", "yaml", "year 无效"),
        ("year: 2027\nrest_days: [{date: 2027-01-01}]", "yaml", "缺少名称"),
        ("year: 2027\nrest_days: [{from: 2027-02-13, to: 2027-02-05, name: 春节}]", "yaml", "起止日期颠倒"),
        ("year: 2027\nworkdays: [{date: 2027-02-14, name: 春节调休}]", "yaml", "没有列出任何休息日"),
        ("year: 2027\nrest_days: [{date: 2027-01-01, name: 元旦}, 2027-01-02]", "yaml", "格式应为"),
        ("year: 2027\nrest_days: 2027-01-01", "yaml", "rest_days 应为列表"),
        ("year: 2027\nrest_days: [{date: 2027-01-01, name: 元旦}]\nholidays: []", "yaml", "未知字段"),
        ("- 2027-01-01", "yaml", "顶层应为映射"),
        ("year: 2027\nrest_days: [{date: 2027-01-01, name: 元旦}", "yaml", "不是有效的 YAML"),
        ("year: 2027\nrest_days: [{date: 2027-01-01, name: 元旦}]", "json", "只支持 yaml 或 csv"),
    ],
)
def test_an_invalid_arrangement_is_refused_with_a_clear_message(text: str, fmt: str, fragment: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_arrangement(text, fmt)  # type: ignore[arg-type]
    assert fragment in caught.value.message


def test_every_problem_of_a_file_is_reported_at_once() -> None:
    text = (
        "year: 2027\n"
        "rest_days: [{date: 2027-02-30, name: 春节}, {date: 2028-01-01, name: 元旦}]\n"
        "workdays: [{date: 2027-03-03, name: 调休}]\n"
    )
    with pytest.raises(InvalidInput) as caught:
        parse_arrangement(text, "yaml")
    assert len(caught.value.details) == 3
    assert caught.value.message.startswith("2027年节假日安排文件有 3 处错误")


# --------------------------------------------------------------------------- against a day-by-day reference


@cache
def _official_workday(d: date) -> bool:
    return chinese_calendar.is_workday(d)  # NotImplementedError beyond 2026


def _reference_due(start: date, n: int, unit: str) -> date:
    """The law read literally, one day at a time, straight from chinese_calendar."""
    if unit == "wd":
        d, counted = start, 0
        while counted < n:
            d += timedelta(days=1)
            counted += _official_workday(d)
        return d
    d = start + timedelta(days=n)
    while not _official_workday(d):
        d += timedelta(days=1)
    return d


def _reference_warning(due: date, n: int) -> date:
    d, counted = due, 0
    while counted < n:
        d -= timedelta(days=1)
        counted += _official_workday(d)
    return d


def test_due_dates_agree_with_a_day_by_day_reference_over_random_periods(cal: WorkCalendar) -> None:
    rng = random.Random(20260206)
    first, span = D(2020, 1, 1).toordinal(), (D(2026, 12, 31) - D(2020, 1, 1)).days
    checked = refused = 0
    for _ in range(4000):
        start = date.fromordinal(first + rng.randrange(span + 1))
        unit = rng.choice(["wd", "d"])
        n = rng.randint(1, 60) if unit == "wd" else rng.randint(1, 120)
        try:
            expected = _reference_due(start, n, unit)
        except NotImplementedError:
            with pytest.raises(CalendarNotPublished):
                cal.due(start, f"{n}{unit}")
            refused += 1
            continue
        assert cal.due(start, f"{n}{unit}").date == expected, (start, n, unit)
        if unit == "wd":
            assert cal.warning_date(expected, f"{n}wd") == _reference_warning(expected, n), (expected, n)
        checked += 1
    assert checked > 3500 and refused > 0


def test_explanations_agree_with_due_dates_over_random_periods(cal: WorkCalendar) -> None:
    rng = random.Random(7)
    for _ in range(300):
        start = D(2020, 1, 1) + timedelta(days=rng.randrange(2000))
        n = rng.randint(1, 40)
        explanation = cal.explain(start, f"{n}wd")
        assert sum(d.counted for d in explanation.days) == n
        assert explanation.days[-1].date == cal.due(start, f"{n}wd").date
        assert explanation.days[-1].ordinal == n


def test_provisional_dates_agree_with_a_day_by_day_walk_before_between_and_after_covered_years() -> None:
    years = {a.year: a for a in arrangements_from_chinese_calendar()}
    gappy = WorkCalendar([years[2010], years[2012]])

    def works(d: date) -> bool:
        return gappy.is_workday(d, provisional=True)

    rng = random.Random(11)
    for _ in range(1500):
        start = D(2008, 6, 1) + timedelta(days=rng.randrange(6 * 365))
        n, unit = rng.randint(1, 80), rng.choice(["wd", "d"])
        d = start
        if unit == "wd":
            counted = 0
            while counted < n:
                d += timedelta(days=1)
                counted += works(d)
        else:
            d = start + timedelta(days=n)
            while not works(d):
                d += timedelta(days=1)
        result = gappy.due(start, f"{n}{unit}", provisional=True)
        assert result.date == d, (start, n, unit)
        assert result.provisional == any(y not in (2010, 2012) for y in range(start.year, d.year + 1))
