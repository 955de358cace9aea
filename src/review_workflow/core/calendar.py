"""Working-day arithmetic on the official Chinese calendar (工作日计算). Pure: no database, no clock.

Counting rules (docs/domain.md section 5; 行政处罚法 art. 85, 民事诉讼法 art. 85):

- The start day is never counted (期间开始的日不计算在内).
- ``Nwd``: the Nth working day after the start day.
- ``Nd``: start + N calendar days; when that day is a rest day it ends on the next working day.
- A working day is a weekday that is not a statutory holiday rest day, or a make-up workday (调休上班).
- A year without a loaded arrangement is never guessed: `CalendarNotPublished` names it, unless the
  caller asks for a *provisional* date, which counts Mon-Fri as working in that year and says so.

Data comes from `chinese_calendar` (2004-2026 in version 1.11) through
`arrangements_from_chinese_calendar()`, and from files an administrator loads with
`parse_arrangement()` once the State Council publishes a new year.  Arrangements listed later in
``WorkCalendar([...])`` override earlier ones for the same year.

Arrangement file formats (UTF-8). YAML::

    year: 2027
    source: 国务院办公厅关于2027年部分节假日安排的通知   # optional
    rest_days:                                         # 放假（法定节假日休息日，周末也可列入）
      - {date: 2027-01-01, name: 元旦}
      - {from: 2027-02-05, to: 2027-02-13, name: 春节}  # range form, both ends included
    workdays:                                          # 调休上班日（必须是周六或周日）
      - {date: 2027-02-14, name: 春节调休}

CSV, header ``date,kind,name``; ``kind`` is ``rest`` (休息) or ``work`` (调休上班); ``#`` starts a
comment line::

    date,kind,name
    2027-01-01,rest,元旦
    2027-02-14,work,春节调休

Every date must lie in the arrangement's year, except the last week of the previous December
(25-31), because official notices have put New Year make-up workdays and rest days there
(2018-12-29, 2022-12-31, 2023-12-30).  See docs/calendar-arrangement-example.yaml.
"""

from __future__ import annotations

import csv
import re
from array import array
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache, partial
from typing import Any, Literal, NamedTuple, NoReturn

import yaml

from .errors import CalendarNotPublished, InvalidInput

WEEKDAYS = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")
REASON_WEEKEND = "周末"
REASON_MAKEUP = "调休上班"
REASON_WORKDAY = "工作日"

# chinese_calendar stores English names; agencies read Chinese.
HOLIDAY_NAMES_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利纪念日",
}


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class YearArrangement:
    """One year's official arrangement: rest days (放假) and make-up workdays (调休上班), with names."""

    year: int
    rest_days: dict[date, str]
    workdays: dict[date, str]
    source: str


@dataclass(frozen=True)
class Rule:
    n: int
    unit: Literal["wd", "d"]

    def __str__(self) -> str:
        return f"{self.n}{self.unit}"

    def describe(self) -> str:
        return f"{self.n}个工作日" if self.unit == "wd" else f"{self.n}日（自然日）"


_Date = date  # fields below are called `date`, which would shadow the type inside the class body


class DueDate(NamedTuple):
    """A period's last day. A named tuple: built in C, which matters because due() is the hot path."""

    date: _Date
    provisional: bool
    rule: str
    start: _Date


_new_due = partial(tuple.__new__, DueDate)  # C calls only: no keyword handling of DueDate(...)


@dataclass(frozen=True)
class ExplainedDay:
    date: _Date
    counted: bool
    ordinal: int | None
    reason: str
    provisional: bool = False  # the day lies in a year without a published arrangement


@dataclass(frozen=True)
class Explanation:
    start: date
    rule: Rule
    due: DueDate
    days: list[ExplainedDay] = field(default_factory=list)

    def as_text(self) -> str:
        """Chinese lines a clerk can check against a wall calendar."""
        lines = [f"起算日 {_fmt(self.start)}（当日不计入），期限 {self.rule.describe()}"]
        lines += [_day_line(day, self.rule) for day in self.days]
        tail = "（暂定：部分年份节假日安排尚未发布，仅按周末计算）" if self.due.provisional else ""
        lines.append(f"期限届满日：{_fmt(self.due.date)}{tail}")
        return "\n".join(lines)


def _fmt(d: date) -> str:
    return f"{d.isoformat()} {WEEKDAYS[d.weekday()]}"


def _day_line(day: ExplainedDay, rule: Rule) -> str:
    mark = "（暂定）" if day.provisional else ""
    head = f"{_fmt(day.date)} "
    if rule.unit == "wd":
        if not day.counted:
            return f"{head}跳过：{day.reason}{mark}"
        note = "" if day.reason == REASON_WORKDAY else f"（{day.reason}）"
        return f"{head}第{day.ordinal}个工作日{note}{mark}"
    if day.counted:
        note = "" if day.reason == REASON_WORKDAY else f"（{day.reason}）"
        return f"{head}第{day.ordinal}日{note}{mark}"
    if day.reason in (REASON_WORKDAY, REASON_MAKEUP):
        return f"{head}期限末日为休息日，顺延至此（{day.reason}）{mark}"
    return f"{head}顺延跳过：{day.reason}{mark}"


# --------------------------------------------------------------------------- rules

_RULE_RE = re.compile(r"([0-9]+)(wd|d)", re.ASCII)


def parse_rule(rule: str) -> Rule:
    """'7wd' -> Rule(7, 'wd'); '15d' -> Rule(15, 'd'). N must be at least 1."""
    if not isinstance(rule, str):
        raise InvalidInput(f"期限规则“{rule!r}”无效：应为字符串，如 7wd 或 15d")
    return _parse_rule(rule.strip())


# rule text -> (offset, step, canonical text); see WorkCalendar.due(). Memoised: workflows use a
# handful of rules over and over, and due() is the hot path.
_RULE_STEPS: dict[str, tuple[int, int, str]] = {}


def _rule_steps(rule: str) -> tuple[int, int, str]:
    """Nwd: the working day with count C(start) + N, so (0, N).  Nd: the first working day on or
    after start + N, i.e. the one with count C(start + N - 1) + 1, so (N - 1, 1)."""
    parsed = parse_rule(rule)
    steps = (0, parsed.n, str(parsed)) if parsed.unit == "wd" else (parsed.n - 1, 1, str(parsed))
    if len(_RULE_STEPS) < 1024:  # bounded: rules may come from user input
        _RULE_STEPS[rule] = steps
    return steps


@lru_cache(maxsize=256)
def _parse_rule(rule: str) -> Rule:
    match = _RULE_RE.fullmatch(rule)
    if match is None:
        raise InvalidInput(
            f"期限规则“{rule}”无效：应写作“N wd”（N个工作日，如 7wd）"
            "或“N d”（N日，自然日，如 15d），中间无空格"
        )
    n = int(match.group(1))
    if n < 1:
        raise InvalidInput(f"期限规则“{rule}”无效：天数至少为1")
    return Rule(n, match.group(2))  # type: ignore[arg-type]


# --------------------------------------------------------------------------- chinese_calendar


def arrangements_from_chinese_calendar(first: int = 2004, last: int | None = None) -> list[YearArrangement]:
    """The years `chinese_calendar` carries (2004-2026 in 1.11); `last=None` means its last year.

    Built once per (first, last) and shared: treat the returned arrangements as read-only."""
    return list(_package_arrangements(first, last))


@lru_cache(maxsize=8)
def _package_arrangements(first: int, last: int | None) -> tuple[YearArrangement, ...]:
    import chinese_calendar  # type: ignore[import-untyped]  # imported here: only needed once, at service start

    holidays: dict[date, str] = chinese_calendar.holidays
    workdays: dict[date, str] = chinese_calendar.workdays
    low, high = min(holidays).year, max(holidays).year
    last = high if last is None else last
    if not (low <= first <= last <= high):
        raise InvalidInput(f"chinese_calendar 只包含 {low}–{high} 年的节假日安排，无法提供 {first}–{last} 年")
    version = getattr(chinese_calendar, "__version__", "?")
    by_year: dict[int, tuple[dict[date, str], dict[date, str]]] = {
        y: ({}, {}) for y in range(first, last + 1)
    }
    for index, table in ((0, holidays), (1, workdays)):
        for d, english in table.items():
            if first <= d.year <= last:
                by_year[d.year][index][d] = HOLIDAY_NAMES_ZH.get(english, english)
    return tuple(
        YearArrangement(
            y, dict(sorted(rest.items())), dict(sorted(work.items())), f"chinese_calendar {version}"
        )
        for y, (rest, work) in by_year.items()
    )


# --------------------------------------------------------------------------- validation


def _allowed_in(d: date, year: int) -> bool:
    """In the year, or in the last week of the previous December (New Year arrangements reach there)."""
    return d.year == year or (d.year == year - 1 and d.month == 12 and d.day >= 25)


def validate_arrangement(arr: YearArrangement) -> None:
    """Raise InvalidInput listing every problem in the arrangement."""
    problems = _check_entries(
        arr.year,
        [(f"休息日 {d}", d, "rest", name) for d, name in arr.rest_days.items()]
        + [(f"调休上班日 {d}", d, "work", name) for d, name in arr.workdays.items()],
    )
    if problems:
        _raise(f"{arr.year}年节假日安排", problems)


Entry = tuple[str, date, str, str]  # (where, date, 'rest'|'work', name)


def _check_entries(year: int, entries: list[Entry], require_rest: bool = True) -> list[str]:
    problems: list[str] = []
    seen: dict[tuple[str, date], str] = {}
    kinds: dict[date, set[str]] = {}
    for where, d, kind, name in entries:
        label = "休息日" if kind == "rest" else "调休上班日"
        if not _allowed_in(d, year):
            problems.append(f"{where}：日期 {d} 不在 {year} 年内")
        if not isinstance(name, str) or not name.strip():
            problems.append(f"{where}：缺少名称（如 春节）")
        if kind == "work" and d.weekday() < 5:
            problems.append(f"{where}：调休上班日 {d} 是{WEEKDAYS[d.weekday()]}，调休上班日只能是周六或周日")
        if (kind, d) in seen:
            problems.append(f"{where}：{label} {d} 重复列出（与{seen[kind, d]}重复）")
        seen.setdefault((kind, d), where)
        kinds.setdefault(d, set()).add(kind)
    both = sorted(d for d, k in kinds.items() if len(k) == 2)
    problems += [f"{d} 既列为休息日又列为调休上班日" for d in both]
    if require_rest and not any(kind == "rest" for _, _, kind, _ in entries):
        problems.append("没有列出任何休息日（rest）")
    return problems


def _raise(what: str, problems: list[str]) -> NoReturn:
    numbered = "\n".join(f"{i}. {p}" for i, p in enumerate(problems, 1))
    raise InvalidInput(f"{what}有 {len(problems)} 处错误：\n{numbered}", details=problems)


# --------------------------------------------------------------------------- admin files

_DATE_RE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})", re.ASCII)


def _to_date(value: Any, where: str, problems: list[str]) -> date | None:
    match = _DATE_RE.fullmatch(str(value).strip()) if isinstance(value, str | int) else None
    if match:
        try:
            return date(*(int(g) for g in match.groups()))
        except ValueError:
            pass
    problems.append(f"{where}：日期“{value}”无效，应写作 YYYY-MM-DD，如 2027-01-01")
    return None


class _PlainDateLoader(yaml.SafeLoader):
    """SafeLoader that leaves dates as text, so a bad date gets our message instead of a YAML crash."""


_PlainDateLoader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def parse_arrangement(text: str, fmt: Literal["yaml", "csv"], source: str | None = None) -> YearArrangement:
    """Read an administrator's arrangement file (formats in the module docstring); strict."""
    if not isinstance(text, str) or not text.strip().lstrip("\ufeff").strip():
        raise InvalidInput("节假日安排文件为空")
    text = text.lstrip("\ufeff")  # Excel writes a BOM
    if fmt == "yaml":
        year, entries, problems, file_source = _read_yaml(text)
    elif fmt == "csv":
        year, entries, problems = _read_csv(text)
        file_source = None
    else:
        raise InvalidInput(f"不支持的文件格式“{fmt}”：只支持 yaml 或 csv")
    # "No rest day at all" only when no entry was dropped as unreadable: otherwise it misleads.
    problems += _check_entries(year, entries, require_rest=not problems)
    if problems:
        _raise(f"{year}年节假日安排文件", problems)
    rest = {d: name.strip() for _, d, kind, name in sorted(entries, key=lambda e: e[1]) if kind == "rest"}
    work = {d: name.strip() for _, d, kind, name in sorted(entries, key=lambda e: e[1]) if kind == "work"}
    return YearArrangement(year, rest, work, source or file_source or f"管理员导入（{fmt}）")


_YAML_KEYS = {"year", "source", "note", "rest_days", "workdays"}


def _read_yaml(text: str) -> tuple[int, list[Entry], list[str], str | None]:
    try:
        data = yaml.load(text, Loader=_PlainDateLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise InvalidInput(f"节假日安排文件不是有效的 YAML：{exc}") from exc
    if data is None:
        raise InvalidInput("节假日安排文件为空")
    if not isinstance(data, dict):
        raise InvalidInput("节假日安排文件的顶层应为映射：year、rest_days、workdays")
    unknown = sorted(str(k) for k in data if k not in _YAML_KEYS)
    if unknown:
        raise InvalidInput(
            f"节假日安排文件含未知字段：{'、'.join(unknown)}（允许：year、source、note、rest_days、workdays）"
        )
    year = _read_year(data.get("year"))
    problems: list[str] = []
    entries = _yaml_list(data.get("rest_days"), "rest_days", "rest", problems)
    entries += _yaml_list(data.get("workdays"), "workdays", "work", problems)
    source = data.get("source")
    return year, entries, problems, str(source) if source else None


def _read_year(value: Any) -> int:
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 1900 <= value <= 2200:
        raise InvalidInput(f"节假日安排文件的 year 无效：“{value}”，应为四位年份，如 2027")
    return value


def _yaml_list(items: Any, key: str, kind: str, problems: list[str]) -> list[Entry]:
    if items is None:
        return []
    if not isinstance(items, list):
        problems.append(f"{key} 应为列表")
        return []
    entries: list[Entry] = []
    for i, item in enumerate(items, 1):
        entries += _yaml_item(item, f"{key} 第{i}项", kind, problems)
    return entries


def _yaml_item(item: Any, where: str, kind: str, problems: list[str]) -> list[Entry]:
    allowed = {"date", "name"} | ({"from", "to"} if kind == "rest" else set())
    if not isinstance(item, dict) or not set(item) <= allowed:
        shape = (
            "{date, name} 或 {from, to, name}" if kind == "rest" else "{date, name}（调休上班日请逐日列出）"
        )
        problems.append(f"{where}：格式应为 {shape}")
        return []
    name = item.get("name")
    name = name if isinstance(name, str) else ""
    if "date" in item and not {"from", "to"} & set(item):
        d = _to_date(item["date"], where, problems)
        return [(where, d, kind, name)] if d else []
    if "date" in item or not {"from", "to"} <= set(item):
        problems.append(f"{where}：应写 date，或同时写 from 和 to")
        return []
    start, end = _to_date(item["from"], where, problems), _to_date(item["to"], where, problems)
    if start is None or end is None:
        return []
    if end < start:
        problems.append(f"{where}：起止日期颠倒（from {start} 晚于 to {end}）")
        return []
    if (end - start).days > 31:
        problems.append(f"{where}：{start} 至 {end} 超过一个月，请检查日期")
        return []
    return [(where, start + timedelta(days=i), kind, name) for i in range((end - start).days + 1)]


def _read_csv(text: str) -> tuple[int, list[Entry], list[str]]:
    # Keep the file's own line numbers for messages; skip blank and comment lines.
    rows = [
        (number, next(csv.reader([line])))
        for number, line in enumerate(text.splitlines(), 1)
        if line.strip() and not line.lstrip().startswith("#")
    ]
    if not rows:
        raise InvalidInput("节假日安排文件为空")
    header = [c.strip().lower() for c in rows[0][1]]
    if header != ["date", "kind", "name"]:
        raise InvalidInput(f"CSV 表头应为 date,kind,name，实际为 {','.join(rows[0][1])}")
    if len(rows) == 1:
        raise InvalidInput("CSV 只有表头，没有任何日期行")
    problems: list[str] = []
    entries: list[Entry] = []
    for number, row in rows[1:]:
        where = f"第{number}行"
        if len(row) != 3:
            problems.append(f"{where}：应有 3 列（date,kind,name），实际 {len(row)} 列")
            continue
        raw_date, kind, name = (c.strip() for c in row)
        if kind not in ("rest", "work"):
            problems.append(f"{where}：kind“{kind}”无效，只能是 rest（休息）或 work（调休上班）")
            continue
        d = _to_date(raw_date, where, problems)
        if d:
            entries.append((where, d, kind, name))
    if not entries:
        _raise("CSV 节假日安排文件", problems or ["没有任何日期行"])
    return _csv_year(entries), entries, problems


def _csv_year(entries: list[Entry]) -> int:
    """A CSV names no year: take the one most dates fall in (the others are then reported)."""
    counts = Counter(d.year for _, d, _, _ in entries)
    return max(counts, key=lambda y: (counts[y], y))


# --------------------------------------------------------------------------- the calendar


def _weekdays_upto(x: int) -> int:
    """Mon-Fri days among ordinals 1..x (ordinal 1, 0001-01-01, is a Monday)."""
    return 5 * (x // 7) + min(x % 7, 5)


def _nth_weekday(m: int) -> int:
    """Smallest ordinal x with _weekdays_upto(x) >= m, for m >= 1."""
    q, r = divmod(m - 1, 5)
    return 7 * q + r + 1


class WorkCalendar:
    """Working days of the covered years, precomputed so that a period is two array look-ups.

    C(x) counts the working days up to ordinal x (from a fixed origin).  Inside the covered span it is
    a prefix-count table, and the working day carrying count k is ``ords[k - 1]`` in the sorted array of
    working-day ordinals; outside the span (and in gap years) Mon-Fri count, in closed form, which is
    exactly the provisional rule.  Strict callers are refused before an uncovered date is returned.
    """

    def __init__(self, arrangements: Iterable[YearArrangement] = ()) -> None:
        by_year: dict[int, YearArrangement] = {}
        for arr in arrangements:
            validate_arrangement(arr)
            by_year[arr.year] = arr  # later wins: an administrator's file may correct a year
        self._arrangements = dict(sorted(by_year.items()))
        self._covered = frozenset(by_year)
        self._rest, self._work = self._merge(self._arrangements.values())
        self._build_ordinals()

    def _merge(self, arrangements: Iterable[YearArrangement]) -> tuple[dict[date, str], dict[date, str]]:
        rest: dict[date, str] = {}
        work: dict[date, str] = {}
        for arr in arrangements:  # sorted by year: a year's December entry beats last year's silence
            for d, name in arr.rest_days.items():
                work.pop(d, None)
                rest[d] = name
            for d, name in arr.workdays.items():
                rest.pop(d, None)
                work[d] = name
        # Uncovered years count weekends only, even if a neighbour's notice mentions a date there.
        keep = self._covered
        return (
            {d: n for d, n in rest.items() if d.year in keep},
            {d: n for d, n in work.items() if d.year in keep},
        )

    def _build_ordinals(self) -> None:
        self._ords: list[int] = []  # sorted ordinals of the working days in [lo, hi]
        self._counts = array("l")  # _counts[x - lo] = working days in [lo, x]
        if not self._covered:  # every date is outside the span: Mon-Fri, provisional only
            self._lo, self._hi, self._lo_year, self._hi_year, self._gapless = 1, 0, 0, -1, True
        else:
            self._lo_year, self._hi_year = min(self._covered), max(self._covered)
            self._gapless = len(self._covered) == self._hi_year - self._lo_year + 1
            self._lo = date(self._lo_year, 1, 1).toordinal()
            self._hi = date(self._hi_year, 12, 31).toordinal()
            rest = {d.toordinal() for d in self._rest}
            work = {d.toordinal() for d in self._work}
            for x in range(self._lo, self._hi + 1):
                # Ordinal 1 (0001-01-01) is a Monday, so (x - 1) % 7 < 5 means Mon-Fri.
                if x in work or ((x - 1) % 7 < 5 and x not in rest):
                    self._ords.append(x)
                self._counts.append(len(self._ords))
        self._base_lo = _weekdays_upto(self._lo - 1) if self._covered else 0
        self._base_hi = _weekdays_upto(self._hi) if self._covered else 0
        # due()'s fast path: a gapless span needs no per-year coverage check; with gaps, never fast.
        self._fast = (self._lo, self._hi if self._gapless else 0, self._counts, self._ords)

    # -- coverage

    def covers(self, year: int) -> bool:
        return year in self._covered

    def years(self) -> list[int]:
        return sorted(self._covered)

    def arrangement(self, year: int) -> YearArrangement | None:
        return self._arrangements.get(year)

    def _first_uncovered(self, first: int, last: int) -> int | None:
        if self._gapless and self._lo_year <= first and last <= self._hi_year:
            return None  # the common case, without a loop
        return next((y for y in range(first, last + 1) if y not in self._covered), None)

    def _settle(self, first: date, last: date, provisional: bool) -> bool:
        """Refuse (or mark provisional) when [first, last] touches a year with no arrangement."""
        missing = self._first_uncovered(first.year, last.year)
        if missing is not None and not provisional:
            raise CalendarNotPublished(missing)
        return missing is not None

    # -- single days

    def day_kind(self, d: date, provisional: bool = False) -> tuple[bool, str]:
        """(is_work, reason): reason is 周末, the holiday's name, 调休上班 or 工作日."""
        d = _check_date(d)
        if d.year not in self._covered:
            if not provisional:
                raise CalendarNotPublished(d.year)
        elif d in self._work:
            return True, REASON_MAKEUP
        elif d in self._rest:
            return False, self._rest[d]
        return (False, REASON_WEEKEND) if d.weekday() >= 5 else (True, REASON_WORKDAY)

    def is_workday(self, d: date, provisional: bool = False) -> bool:
        return self.day_kind(d, provisional)[0]

    # -- counting: C and its inverse

    def _count(self, x: int) -> int:
        if x < self._lo:
            return _weekdays_upto(x) - self._base_lo
        if x > self._hi:
            return len(self._ords) + _weekdays_upto(x) - self._base_hi
        return self._counts[x - self._lo]

    def _nth(self, k: int) -> int:
        """Smallest ordinal x with _count(x) >= k: the working day that carries count k."""
        if k <= 0:
            return _nth_weekday(self._base_lo + k)
        if k <= len(self._ords):
            return self._ords[k - 1]
        return _nth_weekday(self._base_hi + k - len(self._ords))

    # -- periods

    def due(self, start: date, rule: str, provisional: bool = False) -> DueDate:
        """The last day of the period `rule` that starts on `start` (start day not counted)."""
        try:
            offset, step, canonical = _RULE_STEPS[rule]
        except (KeyError, TypeError):  # a rule text not seen before, or not text at all
            offset, step, canonical = _rule_steps(rule)
        if type(start) is not date:
            start = _check_date(start)
        s = start.toordinal()
        x = s + offset
        lo, hi, counts, ords = self._fast
        if lo <= s and x <= hi:  # the usual case: inside one gapless covered span
            k = counts[x - lo] + step
            if k <= len(ords):
                return _new_due((date.fromordinal(ords[k - 1]), False, canonical, start))
        end = _from_ordinal(self._nth(self._count(x) + step))
        return DueDate(end, self._settle(start, end, provisional), canonical, start)

    def workdays_between(self, first: date, last: date, provisional: bool = False) -> int:
        """How many working days lie after `first`, up to and including `last` (0 when last <= first)."""
        first, last = _check_date(first), _check_date(last)
        if last <= first:
            return 0
        self._settle(first, last, provisional)
        return self._count(last.toordinal()) - self._count(first.toordinal())

    def warning_date(self, due: date, lead: str, provisional: bool = False) -> date:
        """`lead` before `due`: Nwd is the Nth working day before it, Nd is N calendar days before."""
        parsed = parse_rule(lead)
        due = _check_date(due)
        if parsed.unit == "d":
            return _from_ordinal(due.toordinal() - parsed.n)
        x = self._nth(self._count(due.toordinal() - 1) - parsed.n + 1)
        result = _from_ordinal(x)
        self._settle(result, due, provisional)
        return result

    def explain(self, start: date, rule: str, provisional: bool = False) -> Explanation:
        """Every day from the day after `start` to the due date, with why it counts or not."""
        parsed = parse_rule(rule)
        due = self.due(start, rule, provisional)  # refuses uncovered years before we walk
        days: list[ExplainedDay] = []
        counted = 0
        d = due.start
        while d < due.date:
            d += timedelta(days=1)
            is_work, reason = self.day_kind(d, provisional=True)
            unsure = d.year not in self._covered
            if parsed.unit == "wd":
                counted += is_work
                days.append(ExplainedDay(d, is_work, counted if is_work else None, reason, unsure))
            else:
                inside = (d - due.start).days <= parsed.n
                days.append(ExplainedDay(d, inside, (d - due.start).days if inside else None, reason, unsure))
        return Explanation(due.start, parsed, due, days)


def _check_date(d: Any) -> date:
    # A datetime is refused: a UTC instant near midnight is another day in Beijing.
    if isinstance(d, datetime) or not isinstance(d, date):
        raise InvalidInput(f"需要日期（date），而不是 {type(d).__name__}：请先换算为机关所在地的日期")
    return d


def _from_ordinal(x: int) -> date:
    try:
        return date.fromordinal(x)
    except (ValueError, OverflowError) as exc:
        raise InvalidInput("期限超出可计算的日期范围") from exc
