"""An agency's roster of officers as an .xlsx workbook (openpyxl): export it, and import the same layout
to create or update people — every row checked, every bad row reported with its row number and reason,
and nothing written unless every row is right.

Columns (row 1 names them; their order does not matter, and a column left out changes nothing):
用户名 (the key) · 姓名 · 人员类别 · 角色 · 执法证号 · 发证日期 · 有效期至 · 证件状态 · 法律职业资格证书编号 ·
初次从事法制审核日期 · 电子邮箱 · one “2026年培训学时” column per year.

What an import may do to a certificate: 核发 one to a person without one, or 换发 it (a new number or
new dates). 暂扣, 恢复 and 注销 need a reason and are done on the person's page: a 证件状态 that differs from
the one recorded is reported, not applied. People created by an import have no password yet (重置密码
gives them one).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils.exceptions import InvalidFileException
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core import certificates as rules
from ..core.errors import InvalidInput, NotFound, WorkflowError
from ..runtime import Runtime
from ..schemas_people import ImportResult, OfficerCreate, OfficerUpdate
from ..storage.db import UnitOfWork
from ..storage.models import Agency, TrainingHours, User
from . import certificates, security
from .agencies import readable_agency, require_admin, require_reader
from .officers import _log_change, _roles, _state, agency_officers, apply_update, new_user, record_training

SHEET = "执法人员"
MAX_ROWS = 5000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADERS = {
    "username": "用户名",
    "name": "姓名",
    "staff_type": "人员类别",
    "roles": "角色",
    "number": "执法证号",
    "valid_from": "发证日期",
    "valid_until": "有效期至",
    "status": "证件状态",
    "legal_qualification": "法律职业资格证书编号",
    "first_review_on": "初次从事法制审核日期",
    "email": "电子邮箱",
}
TRAINING = re.compile(r"^(\d{4})\s*年\s*培训学时$")
DATE_TEXT = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
WIDTHS = {"username": 14, "name": 10, "staff_type": 12, "roles": 24, "number": 18, "status": 10}


# -- export -----------------------------------------------------------------------------------------


def _years(session: Session, ids: list[int], this_year: int) -> list[int]:
    """The last three years (the rubric looks at 近三年), and any other year recorded for these people."""
    recorded = set(session.scalars(select(TrainingHours.year).where(TrainingHours.user_id.in_(ids))).all()) if ids else set()
    return sorted(recorded | {this_year - 2, this_year - 1, this_year})


def export_officers(rt: Runtime, actor_id: int, agency_id: int) -> tuple[str, bytes]:
    """The agency's active people with their 执法证, 人员类别 and training hours: (file name, .xlsx)."""
    with UnitOfWork(rt.reads) as session:
        agency = readable_agency(session, require_reader(session, actor_id), agency_id)
        people = agency_officers(session, agency_id)
        ids = [u.id for u in people]
        today = rt.clock.today()
        years = _years(session, ids, today.year)
        hours: dict[tuple[int, int], int] = {
            (r.user_id, r.year): r.hours
            for r in session.scalars(select(TrainingHours).where(TrainingHours.user_id.in_(ids)))
        } if ids else {}
        titles = {name: spec.title for name, spec in rt.roles.items()}
        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.title = SHEET
        sheet.append([*HEADERS.values(), *(f"{y}年培训学时" for y in years)])
        for u in people:
            status = (u.certificate_status or rules.VALID) if u.certificate_no else None
            sheet.append(
                [
                    u.username,
                    u.name,
                    rules.STAFF_TYPES.get(u.staff_type or "", ""),
                    "、".join(titles.get(r, r) for r in u.roles),
                    u.certificate_no or "",
                    u.certificate_valid_from,
                    u.certificate_valid_until,
                    rules.STATUS_TITLES.get(status or "", ""),
                    u.legal_qualification or "",
                    u.first_review_on,
                    u.email or "",
                    *(hours.get((u.id, y)) for y in years),
                ]
            )
        _style(sheet, len(HEADERS) + len(years))
        _guide(book, rt, agency, today)
        out = io.BytesIO()
        book.save(out)
        return f"{agency.doc_code}执法人员名册-{today.isoformat()}.xlsx", out.getvalue()


def _style(sheet: Any, columns: int) -> None:
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDE7F0")
    for cell in sheet[1]:
        cell.font, cell.fill, cell.alignment = bold, fill, Alignment(horizontal="center")
    keys = list(HEADERS)
    for index in range(1, columns + 1):
        letter = sheet.cell(row=1, column=index).column_letter
        key = keys[index - 1] if index <= len(keys) else ""
        sheet.column_dimensions[letter].width = WIDTHS.get(key, 16)
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, date):
                cell.number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "C2"


def _guide(book: Workbook, rt: Runtime, agency: Agency, today: date) -> None:
    guide = book.create_sheet("填写说明")
    lines = [
        f"{agency.name}执法人员名册（{today.isoformat()} 导出）",
        "导入时读取“执法人员”工作表：第 1 行为表头，以“用户名”识别人员；缺少的列不作修改，空白单元格不作修改。",
        "人员类别：" + "、".join(rules.STAFF_TYPES.values()) + "。工勤人员、劳动合同工、临时工不得领取《河南省行政执法证》。",
        "角色：用“、”分隔，可填：" + "、".join(spec.title for spec in rt.roles.values()) + "。新人员必须填写。",
        "执法证号、发证日期、有效期至：填写即核发或换发；日期写作 2026-03-02。",
        "证件状态（有效、暂扣、注销）仅供核对：暂扣、恢复、注销须在人员页面办理并写明原因。",
        "“2026年培训学时”等列：当年完成的培训学时（整数）。",
        "任何一行有误，整个文件都不导入，并列出每一行的行号和原因。",
    ]
    for line in lines:
        guide.append([line])
    guide.column_dimensions["A"].width = 110


# -- import -----------------------------------------------------------------------------------------


@dataclass
class Row:
    number: int  # the worksheet's row number
    values: dict[str, Any]  # column key → the cell's value (None when blank)
    training: dict[int, Any] = field(default_factory=dict)  # year → cell value


def _read(content: bytes) -> tuple[list[Row], list[tuple[int, str]]]:
    """The rows of the 执法人员 sheet (or the first sheet), and the problems of the header."""
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise InvalidInput("无法读取该文件：请上传由本系统导出、或按其格式填写的 .xlsx 工作簿") from exc
    try:
        sheet = book[SHEET] if SHEET in book.sheetnames else book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            raise InvalidInput("工作表是空的：第 1 行应为表头")
        columns, problems = _columns(header)
        found: list[Row] = []
        for number, cells in enumerate(rows, start=2):
            if number > MAX_ROWS + 1:
                raise InvalidInput(f"一次最多导入 {MAX_ROWS} 行")
            if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
                continue
            row = Row(number, {key: None for key in HEADERS if key in columns.values()})
            for index, value in enumerate(cells):
                key = columns.get(index)
                if isinstance(key, str):
                    row.values[key] = value
                elif isinstance(key, int):
                    row.training[key] = value
            found.append(row)
        return found, problems
    finally:
        book.close()


def _columns(header: tuple[Any, ...]) -> tuple[dict[int, str | int], list[tuple[int, str]]]:
    by_title = {title: key for key, title in HEADERS.items()}
    columns: dict[int, str | int] = {}
    problems: list[tuple[int, str]] = []
    for index, raw in enumerate(header):
        title = str(raw).strip() if raw is not None else ""
        if not title:
            continue
        if title in by_title:
            columns[index] = by_title[title]
        elif m := TRAINING.match(title):
            columns[index] = int(m.group(1))
        else:
            problems.append((1, f"未知的列“{title}”"))
    if "username" not in columns.values():
        problems.append((1, "缺少“用户名”列"))
    return columns, problems


def _text(value: Any) -> str | None:
    """A cell as text: numbers typed into a text column (an 执法证号 like 41010001) read as written."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime | date):
        return value.strftime("%Y-%m-%d")
    text = str(value).strip()
    return text or None


def _date(value: Any, title: str) -> date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    m = DATE_TEXT.match(str(value).strip())
    if m:
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            pass
    raise InvalidInput(f"{title}“{value}”不是日期（应写作 2026-03-02）")


def _hours(value: Any, year: int) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = -1.5
    if not number.is_integer() or not 0 <= number <= 2000:
        raise InvalidInput(f"{year}年培训学时“{value}”应为 0 到 2000 的整数")
    return int(number)


def _staff_type(value: Any) -> str | None:
    text = _text(value)
    if text is None:
        return None
    by_title = {title: code for code, title in rules.STAFF_TYPES.items()}
    if text in by_title or text in rules.STAFF_TYPES:
        return by_title.get(text, text)
    raise InvalidInput(f"人员类别“{text}”不在可选范围内（{'、'.join(rules.STAFF_TYPES.values())}）")


def _role_names(rt: Runtime, value: Any) -> list[str] | None:
    text = _text(value)
    if text is None:
        return None
    by_title = {spec.title: name for name, spec in rt.roles.items()}
    wanted = [part.strip() for part in re.split(r"[、,，;；\s]+", text) if part.strip()]
    unknown = [w for w in wanted if w not in by_title and w not in rt.roles]
    if unknown:
        raise InvalidInput(f"未知角色：{'、'.join(unknown)}")
    return _roles(rt, [by_title.get(w, w) for w in wanted])


class _Applied:
    def __init__(self) -> None:
        self.created = self.updated = self.unchanged = 0


def import_officers(rt: Runtime, actor_id: int, agency_id: int, content: bytes, ip: str | None = None) -> ImportResult:
    """Create or update the agency's people from the workbook, all or nothing. Any bad row: InvalidInput
    whose details list every problem as {row, message}, and nothing is written."""
    rows, problems = _read(content)
    if not rows and not problems:
        raise InvalidInput("工作表中没有人员（第 2 行起每行一人）")
    with UnitOfWork(rt.sessions) as session:
        require_admin(session, actor_id, "导入执法人员")
        agency = session.get(Agency, agency_id)
        if agency is None:
            raise NotFound(f"机关 {agency_id} 不存在")
        done = _Applied()
        seen: dict[str, int] = {}
        numbers: dict[str, int] = {}
        for row in rows:
            try:
                with session.begin_nested():
                    _check_duplicates(row, seen, numbers)
                    _apply(rt, session, agency, row, actor_id, ip, done)
            except WorkflowError as exc:
                problems.append((row.number, exc.message))
            except ValidationError as exc:
                problems.append((row.number, "；".join(_pydantic_message(e) for e in exc.errors())))
        if problems:
            problems.sort()
            details = [{"row": n, "message": m} for n, m in problems]
            bad = len({n for n, _ in problems})
            first = "；".join(f"第 {n} 行：{m}" for n, m in problems[:3])
            raise InvalidInput(f"导入未执行：{bad} 行有误（{first}{'…' if len(problems) > 3 else ''}）", details=details)
        security.record(
            session, rt.clock.now(), "officers_imported", user_id=actor_id, ip=ip, agency_id=agency_id,
            created=done.created, updated=done.updated, unchanged=done.unchanged,
        )
        session.commit()
        return ImportResult(created=done.created, updated=done.updated, unchanged=done.unchanged)


FIELD_TITLES = {**HEADERS, "agency_id": "机关"}


def _pydantic_message(error: Any) -> str:
    where = FIELD_TITLES.get(str(error["loc"][0]) if error.get("loc") else "", "")
    return f"{where}格式不正确" if where else "内容格式不正确"


def _check_duplicates(row: Row, seen: dict[str, int], numbers: dict[str, int]) -> None:
    username = _text(row.values.get("username"))
    if username is None:
        raise InvalidInput("用户名不能为空")
    if username in seen:
        raise InvalidInput(f"用户名“{username}”与第 {seen[username]} 行重复")
    seen[username] = row.number
    number = _text(row.values.get("number"))
    if number is not None:
        if number in numbers:
            raise InvalidInput(f"执法证号“{number}”与第 {numbers[number]} 行重复")
        numbers[number] = row.number


def _apply(
    rt: Runtime, session: Session, agency: Agency, row: Row, actor_id: int, ip: str | None, done: _Applied
) -> None:
    """One row, in its own savepoint: every problem of the row is raised as InvalidInput."""
    v, problems = row.values, []

    def read(fn: Any, *args: Any) -> Any:
        try:
            return fn(*args)
        except InvalidInput as exc:
            problems.append(exc.message)
            return None

    username = _text(v.get("username"))
    assert username is not None
    staff_type = read(_staff_type, v.get("staff_type"))
    roles = read(_role_names, rt, v.get("roles"))
    valid_from = read(_date, v.get("valid_from"), "发证日期")
    valid_until = read(_date, v.get("valid_until"), "有效期至")
    first_review_on = read(_date, v.get("first_review_on"), "初次从事法制审核日期")
    training = {year: read(_hours, value, year) for year, value in row.training.items()}
    if problems:
        raise InvalidInput("；".join(problems))
    profile = {
        key: value
        for key, value in {
            "name": _text(v.get("name")),
            "staff_type": staff_type,
            "email": _text(v.get("email")),
            "legal_qualification": _text(v.get("legal_qualification")),
            "first_review_on": first_review_on,
        }.items()
        if value is not None
    }
    user = session.scalars(select(User).where(User.username == username)).unique().one_or_none()
    created = user is None
    if user is None:
        if not profile.get("name"):
            raise InvalidInput("新人员须填写姓名")
        if not roles:
            raise InvalidInput("新人员须填写角色")
        user = new_user(rt, session, OfficerCreate(username=username, agency_id=agency.id, roles=roles, **profile))
        before: dict[str, Any] = {}
    else:
        if user.agency_id != agency.id:
            raise InvalidInput(f"用户名“{username}”属于{user.agency.name}，不能在{agency.name}的名册中导入")
        if not user.active:
            raise InvalidInput(f"{user.name}已停用，不能通过导入修改")
        before = _state(user)
        apply_update(user, OfficerUpdate(**profile))
        if roles is not None:
            if user.id == actor_id and "admin" not in roles:
                raise InvalidInput("不能取消自己的系统管理员角色")
            user.roles = roles
    certificate_changed = _certificate(session, user, v, valid_from, valid_until, actor_id, rt.clock.now())
    trained = False
    for year, hours in training.items():
        if hours is not None and record_training(session, rt, user, year, hours, actor_id) != hours:
            trained = True
    if created:
        security.record(
            session, rt.clock.now(), "user_created", user_id=user.id, username=user.username, ip=ip, by=actor_id,
            after=_state(user), source="import",
        )
        done.created += 1
    elif _log_change(session, rt, "user_changed", user, before, actor_id, ip, source="import") or certificate_changed or trained:
        done.updated += 1
    else:
        done.unchanged += 1
    session.flush()


def _certificate(
    session: Session,
    user: User,
    v: dict[str, Any],
    valid_from: date | None,
    valid_until: date | None,
    actor_id: int,
    now: datetime,
) -> bool:
    """The row's 执法证 columns against the record: 核发 or 换发 when the number or dates differ; a status
    that differs is reported (it needs a reason, on the person's page). Returns whether it changed."""
    if "number" not in v:
        return False
    number = _text(v.get("number"))
    stated = _text(v.get("status"))
    if stated is not None and stated not in rules.STATUS_TITLES.values():
        raise InvalidInput(f"证件状态“{stated}”应为 有效、暂扣 或 注销")
    current = (user.certificate_status or rules.VALID) if user.certificate_no else None
    if number is None:
        if certificates.holds_certificate(user):
            raise InvalidInput(f"执法证号为空，但{user.name}持有执法证（{user.certificate_no}）；注销请在人员页面办理并写明原因")
        if stated is not None:
            raise InvalidInput("未填写执法证号，证件状态应为空")
        return False
    same = (number, valid_from, valid_until) == (
        user.certificate_no,
        user.certificate_valid_from,
        user.certificate_valid_until,
    )
    if same and (stated is None or stated == rules.STATUS_TITLES.get(current or "")):
        return False
    if stated is not None and stated != rules.STATUS_TITLES[rules.VALID]:
        now_title = rules.STATUS_TITLES.get(current or "", "无")
        raise InvalidInput(f"证件状态“{stated}”与记录（{now_title}）不符：暂扣、恢复、注销须在人员页面办理并写明原因")
    if valid_from is None or valid_until is None:
        raise InvalidInput("填写执法证号时，发证日期和有效期至都须填写")
    return certificates.issue(session, user, number, valid_from, valid_until, "批量导入", actor_id, now) is not None


def rows_of(content: bytes) -> Iterator[tuple[Any, ...]]:
    """Every row of the roster sheet as values (for tests and checks)."""
    book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        sheet = book[SHEET] if SHEET in book.sheetnames else book.worksheets[0]
        yield from sheet.iter_rows(values_only=True)
    finally:
        book.close()
