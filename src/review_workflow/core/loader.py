"""Load `workflows/*.yaml` into definitions and check every name they use, at start.

A bad file stops start-up with the file, the path inside it and what is wrong — every problem, not only
the first (they are in the error's details). Everything a definition refers to is resolved here, never at
run time: states, roles (workflows/roles.yaml and the process's own), guards and conditions with their
parameters, paths of the case (`field`, `event.field`), documents and their templates (which must compile
and use only names that exist), timers, child workflows and the parent events their ends fire.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zipfile import BadZipFile

import yaml
from docx.opc.exceptions import OpcError
from jinja2 import TemplateSyntaxError
from pydantic import BaseModel, ValidationError

from . import records
from .calendar import parse_rule
from .definitions import (
    ANY_ACTIVE,
    Definition,
    FieldSpec,
    GuardRef,
    RoleSpec,
    RuleChoice,
    TransitionSpec,
)
from .documents import (
    DEADLINE_KEYS,
    DOCUMENT_CONTEXT,
    TemplateUse,
    has_column_loop,
    template_problems,
    template_use,
)
from .errors import DefinitionError, WorkflowError
from .guards import CONDITIONS, GUARDS, Named, param_paths, params_problems
from .scoring import DERIVATIONS

Problem = tuple[str, str]  # (path inside the file, what is wrong)
ROLES_FILE = "roles.yaml"  # the roles every process may use, beside the definitions
_DATE = FieldSpec(type="date", title="日期")
_NUMBER = FieldSpec(type="int", title="编号")
ENGINE_KEY_SPECS = {"on": _DATE, "by": _NUMBER, "seq": _NUMBER, "child_id": _NUMBER}


def content_hash(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def _where(loc: Iterable[Any]) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "(根)"


@dataclass(frozen=True)
class Context:
    """What the checks of one file need: the roles, the templates' folder."""

    roles: Mapping[str, RoleSpec]
    templates_dir: Path

    def role_problem(self, role: str) -> str | None:
        if role in self.roles:
            return None
        return f"未知角色 {role!r}（可用：{', '.join(self.roles)}；新角色在 roles.yaml 或流程的 roles 中声明）"


# -- paths --------------------------------------------------------------------------------------------


def path_spec(d: Definition, path: str) -> FieldSpec | str:
    """The field a path names, or what is wrong with it."""
    p = records.parse(path)
    if p.event is None:
        if p.field in d.case_fields:
            return d.case_fields[p.field]
        if p.field in d.engine_fields():
            return FieldSpec(type="str", title=p.field)
        return f"路径 {path!r}：流程没有案件字段 {p.field!r}（事件记录写作“事件.字段”）"
    t = d.transition(p.event)
    if t is None:
        return f"路径 {path!r}：流程没有事件 {p.event!r}"
    if p.field in t.payload:
        return t.payload[p.field]
    if p.field in ENGINE_KEY_SPECS and (p.field != "child_id" or t.auto):
        return ENGINE_KEY_SPECS[p.field]
    return f"路径 {path!r}：事件 {p.event!r} 没有字段 {p.field!r}"


def _paths(d: Definition, at: str, paths: Iterable[str]) -> list[Problem]:
    return [(at, found) for path in paths if isinstance(found := path_spec(d, path), str)]


def _start_dates(d: Definition, at: str, paths: str | tuple[str, ...]) -> list[Problem]:
    """One required date path; or a list of date paths, the first that has a value being the start."""
    if isinstance(paths, str):
        return _date_path(d, at, paths)
    found = [path_spec(d, p) for p in paths]
    problems = [(at, f) for f in found if isinstance(f, str)]
    problems += [(at, f"{p!r} 不是日期字段") for p, f in zip(paths, found, strict=True) if not isinstance(f, str) and f.type != "date"]
    return problems


def _date_path(d: Definition, at: str, path: str) -> list[Problem]:
    """A date the case always has when the path is read: a required date field (or an event's day)."""
    found = path_spec(d, path)
    if isinstance(found, str):
        return [(at, found)]
    return [] if found.type == "date" and found.required else [(at, f"{path!r} 应为必填的日期字段")]


# -- guards and conditions -------------------------------------------------------------------------


def _refs(
    d: Definition, at: str, refs: Iterable[GuardRef], table: Mapping[str, Named], kind: str
) -> list[Problem]:
    problems: list[Problem] = []
    for j, ref in enumerate(refs):
        where = f"{at}[{j}]"
        named = table.get(ref.name)
        if named is None:
            problems.append((where, f"未知的{kind} {ref.name!r}（可用：{', '.join(sorted(table))}）"))
            continue
        params = dict(ref.params)
        if ref.rule is not None:
            if ref.rule not in d.rules:
                problems.append((f"{where}.rule", f"流程没有规则 {ref.rule!r}（应在 rules 中声明）"))
            else:
                params = {**d.rules[ref.rule].params, **params}
        problems += [(f"{where}.params", p) for p in params_problems(named, params)]
        problems += _paths(d, f"{where}.params", param_paths(named, params))
        problems += [(f"{where}.params", p) for p in _named_params(d, named, params)]
        for key in ("only_if", "only_if_any", "unless"):
            problems += _refs(d, f"{where}.{key}", getattr(ref, key), CONDITIONS, "条件")
    return problems


def _named_params(d: Definition, named: Named, params: Mapping[str, Any]) -> list[str]:
    """Events, timers and rules a guard's parameters name exist (child workflows: `_check_links`)."""
    problems = [
        f"{key}：流程没有事件 {params[key]!r}"
        for key in named.events
        if key in params and not d.transition(str(params[key]))
    ]
    problems += [
        f"{key}：流程没有期限 {params[key]!r}" for key in named.timers if key in params and params[key] not in d.timers
    ]
    problems += [f"{key}：{p}" for key in named.rules if key in params and (p := rule_problem(str(params[key])))]
    return problems


def _guards(d: Definition, at: str, refs: Iterable[GuardRef]) -> list[Problem]:
    return _refs(d, at, refs, GUARDS, "守卫")


def _conditions(d: Definition, at: str, refs: Iterable[GuardRef]) -> list[Problem]:
    return _refs(d, at, refs, CONDITIONS, "条件")


# -- one file ---------------------------------------------------------------------------------------


def _check_names(d: Definition, ctx: Context) -> list[Problem]:
    """Names that must resolve inside one file: states, roles, fields, guards, documents, templates."""
    problems: list[Problem] = []
    states = d.states
    if d.initial not in states:
        problems.append(("initial", f"初始状态 {d.initial!r} 未在 states 中定义"))
    elif states[d.initial].final:
        problems.append(("initial", f"初始状态 {d.initial!r} 不能是终态"))
    problems += [(w, p) for w, r in [("owner_role", d.owner_role)] + [("start_roles", r) for r in d.start_roles] if (p := ctx.role_problem(r))]
    problems += _guards(d, "start_guards", d.start_guards)
    problems += _field_names(d)
    seen: set[str] = set()
    for i, t in enumerate(d.transitions):
        at = f"transitions[{i}]"
        if t.event in seen:
            problems.append((f"{at}.event", f"事件 {t.event!r} 重复定义"))
        seen.add(t.event)
        problems += _check_transition(d, t, at, ctx)
    problems += _check_documents(d, ctx)
    problems += _check_derived(d)
    problems += [
        (f"transitions[{i}].notify", p) for i, t in enumerate(d.transitions) for r in t.notify if (p := ctx.role_problem(r))
    ]
    return problems


def _all_fields(d: Definition) -> Iterable[tuple[str, FieldSpec]]:
    """Every field spec of a definition with where it sits: case fields, payloads, list items."""

    def walk(at: str, fields: Mapping[str, FieldSpec]) -> Iterable[tuple[str, FieldSpec]]:
        for name, spec in fields.items():
            yield f"{at}.{name}", spec
            yield from walk(f"{at}.{name}.fields", spec.fields or {})

    yield from walk("case_fields", d.case_fields)
    for i, t in enumerate(d.transitions):
        yield from walk(f"transitions[{i}].payload", t.payload)


def _check_derived(d: Definition) -> list[Problem]:
    """Scoring sheets named by fields exist; a derived field is computed by a known computation from a
    scoresheet field, and is neither a case field nor a payload field (no client can send it)."""
    problems = [
        (f"{at}.sheet", f"流程没有评分表 {spec.sheet!r}（应在 sheets 中声明）")
        for at, spec in _all_fields(d)
        if spec.type == "scoresheet" and spec.sheet not in d.sheets
    ]
    for name, derived in d.derive.items():
        at = f"derive.{name}"
        if name in d.case_fields or any(name in t.payload for t in d.transitions):
            problems.append((at, f"{name!r} 由引擎计算，不能同时是案件字段或提交字段"))
        if any(doc.record_number_as == name for doc in d.documents.values()):
            problems.append((at, f"{name!r} 已是文书编号记录字段"))
        if derived.compute not in DERIVATIONS:
            problems.append((f"{at}.compute", f"未知的计算 {derived.compute!r}（可用：{', '.join(sorted(DERIVATIONS))}）"))
        found = path_spec(d, derived.from_)
        if isinstance(found, str):
            problems.append((f"{at}.from", found))
        elif found.type != "scoresheet":
            problems.append((f"{at}.from", f"{derived.from_!r} 不是评分表（scoresheet）字段"))
    return problems


def _field_names(d: Definition) -> list[Problem]:
    """No event may carry a field the engine writes into its record; a recorded document number is no
    field anyone could send."""
    problems: list[Problem] = []
    for i, t in enumerate(d.transitions):
        problems += [
            (f"transitions[{i}].payload.{k}", f"{k!r} 由引擎写入事件记录，不能作为提交字段")
            for k in t.payload
            if k in records.ENGINE_KEYS
        ]
    for key, doc in d.documents.items():
        name = doc.record_number_as
        if name and (name in d.case_fields or any(name in t.payload for t in d.transitions)):
            problems.append(
                (f"documents.{key}.record_number_as", f"{name!r} 由引擎写入，不能同时是案件字段或提交字段")
            )
        if name and doc.series is None:
            problems.append((f"documents.{key}.record_number_as", "不编号的文书（series: null）没有文号可记录"))
        if doc.dated_by:
            found = path_spec(d, doc.dated_by)
            if isinstance(found, str) or found.type != "date":
                problems.append((f"documents.{key}.dated_by", found if isinstance(found, str) else f"{doc.dated_by!r} 不是日期字段"))
    return problems


def _check_transition(d: Definition, t: TransitionSpec, at: str, ctx: Context) -> list[Problem]:
    problems: list[Problem] = []
    for s in t.sources:
        if s != ANY_ACTIVE and s not in d.states:
            problems.append((f"{at}.sources", f"来源状态 {s!r} 未在 states 中定义"))
        elif s != ANY_ACTIVE and d.states[s].final:
            problems.append((f"{at}.sources", f"终态 {s!r} 不能再有流转"))
    if t.dest is not None and t.dest not in d.states:
        problems.append((f"{at}.dest", f"目标状态 {t.dest!r} 未在 states 中定义"))
    problems += [(f"{at}.roles", p) for r in t.roles if (p := ctx.role_problem(r))]
    if t.by == "counterpart" and d.counterpart is None:
        problems.append((f"{at}.by", "by: counterpart 需要在流程中声明 counterpart（相对方机关）"))
    for name in t.updates:
        if name not in t.payload:
            problems.append((f"{at}.updates", f"{name!r} 不是本事件的提交字段"))
        elif name not in d.case_fields:
            problems.append((f"{at}.updates", f"{name!r} 不是案件字段（case_fields）"))
        elif t.payload[name].type != d.case_fields[name].type:
            problems.append((f"{at}.updates", f"{name!r} 的类型与案件字段不一致"))
    problems += _guards(d, f"{at}.guards", t.guards)
    for j, doc in enumerate(t.documents):
        if doc.name not in d.documents:
            problems.append((f"{at}.documents[{j}]", f"未知的文书 {doc.name!r}（应在 documents 中声明）"))
        problems += _paths(d, f"{at}.documents[{j}].when", doc.when)
        problems += _conditions(d, f"{at}.documents[{j}].conditions", doc.conditions)
    for j, child in enumerate(t.starts):
        problems += _conditions(d, f"{at}.starts[{j}].conditions", child.conditions)
        sources = [s for v in child.data.values() for s in ([v] if isinstance(v, str) else v)]
        problems += _paths(d, f"{at}.starts[{j}].data", sources)
    return problems


def _check_documents(d: Definition, ctx: Context) -> list[Problem]:
    """Each template exists, compiles, and uses only names the renderer gives it for this definition."""
    problems: list[Problem] = []
    for key, doc in d.documents.items():
        at = f"documents.{key}.template"
        path = ctx.templates_dir / doc.template
        if not path.is_file():
            problems.append((at, f"找不到文书模板 {doc.template!r}"))
            continue
        try:
            use = template_use(path)
        except TemplateSyntaxError as exc:
            problems.append((at, f"{doc.template}：模板语法错误（第 {exc.lineno} 行附近）：{exc.message}"))
            continue
        except (OSError, ValueError, KeyError, OpcError, BadZipFile) as exc:  # not a .docx (no zip, no document part)
            problems.append((at, f"{doc.template}：无法读取文书模板（{exc}）"))
            continue
        issuing = [t for t in d.transitions if any(ref.name == key for ref in t.documents)]
        found = template_problems(use, DOCUMENT_CONTEXT) + _template_fields(d, use, issuing)
        if has_column_loop(path):
            found.append("不支持按列循环（{%tc %}）：渲染时不调整表格的列数")
        problems += [(at, f"{doc.template}：{p}") for p in found]
    return problems


def _template_fields(d: Definition, use: TemplateUse, issuing: list[TransitionSpec]) -> list[str]:
    """The definition's own names a template reads: case fields, payload fields of the events that
    issue it, event records and timers."""
    payload = {name for t in issuing for name in t.payload}
    case = set(d.case_fields) | d.engine_fields()
    problems = []
    for chain in sorted(use.chains):
        root, rest = chain[0], chain[1:]
        if not rest:
            continue
        if root == "data" and rest[0] not in case:
            problems.append(f"data.{rest[0]}：流程没有这个案件字段")
        elif root == "payload" and rest[0] not in payload:
            problems.append(f"payload.{rest[0]}：出具本文书的事件都没有这个字段")
        elif root == "events":
            if len(rest) == 1:
                problems += [] if d.transition(rest[0]) else [f"events.{rest[0]}：流程没有这个事件"]
            elif isinstance(found := path_spec(d, f"{rest[0]}.{rest[1]}"), str):
                problems.append(f"events.{rest[0]}.{rest[1]}：{found}")
        elif root == "deadlines":
            if rest[0] not in d.timers:
                problems.append(f"deadlines.{rest[0]}：流程没有这个期限")
            elif len(rest) > 1 and rest[1] not in DEADLINE_KEYS:
                problems.append(f"deadlines.{rest[0]}.{rest[1]}：期限只有 {', '.join(sorted(DEADLINE_KEYS))}")
    return problems


def _check_timers(d: Definition, ctx: Context) -> list[Problem]:
    problems: list[Problem] = []
    events = {t.event: t for t in d.transitions}
    for name, timer in d.timers.items():
        at = f"timers.{name}"
        rules = timer.rule.all_rules() if isinstance(timer.rule, RuleChoice) else [timer.rule]
        rules += [timer.warn_before] if timer.warn_before else []
        rules += [timer.extend.by] if timer.extend else []
        problems += [(f"{at}.rule", problem) for rule in rules if (problem := rule_problem(rule))]
        if isinstance(timer.rule, RuleChoice):
            problems += _paths(d, f"{at}.rule.field", [timer.rule.field])
        if timer.opens.on_enter and timer.opens.on_enter not in d.states:
            problems.append((f"{at}.opens.on_enter", f"状态 {timer.opens.on_enter!r} 未在 states 中定义"))
        named = [("opens.on_events", e) for e in timer.opens.on_events]
        named += [("closed_by", e) for e in timer.closed_by] + [("cancelled_by", e) for e in timer.cancelled_by]
        named += [("extend.event", timer.extend.event)] if timer.extend else []
        if timer.pause:
            named += [("pause.by", e) for e in timer.pause.by] + [("pause.resumed_by", e) for e in timer.pause.resumed_by]
        problems += [(f"{at}.{w}", f"事件 {e!r} 未在 transitions 中定义") for w, e in named if e not in events]
        if timer.on_expiry is not None and not (timer.on_expiry in events and events[timer.on_expiry].auto):
            problems.append((f"{at}.on_expiry", f"{timer.on_expiry!r} 应是本流程中 auto: true 的事件"))
        if timer.opens.from_field:
            problems += _start_dates(d, f"{at}.opens.from_field", timer.opens.from_field)
        if timer.closed_on:
            names = [timer.closed_on] if isinstance(timer.closed_on, str) else list(timer.closed_on)
            specs = [events[e].payload.get(n) for e in timer.closed_by if e in events for n in names]
            if not any(specs):
                problems.append((f"{at}.closed_on", f"结束事件都没有字段 {'、'.join(names)}"))
            elif any(s is not None and s.type != "date" for s in specs):
                problems.append((f"{at}.closed_on", f"{'、'.join(names)} 应为日期字段"))
        problems += _paths(d, f"{at}.opens.when", timer.opens.when)
        problems += [(f"{at}.{w}", p) for w, r in [("responsible", timer.responsible)] + [("escalate_to", r) for r in timer.escalate_to] if (p := ctx.role_problem(r))]
    return problems


# -- across files -----------------------------------------------------------------------------------


def _check_links(d: Definition, all_definitions: Mapping[str, Definition]) -> list[Problem]:
    """Child workflows exist, the data they get is theirs, and their ends fire auto events of the parent."""
    problems: list[Problem] = []
    events = {t.event: t for t in d.transitions}
    fired = {timer.on_expiry for timer in d.timers.values() if timer.on_expiry}
    for i, t in enumerate(d.transitions):
        for j, child in enumerate(t.starts):
            at = f"transitions[{i}].starts[{j}]"
            target = all_definitions.get(child.workflow)
            if target is None:
                problems.append((f"{at}.workflow", f"未知的流程 {child.workflow!r}"))
                continue
            problems += [
                (f"{at}.{part}.{key}", f"流程 {child.workflow!r} 没有案件字段 {key!r}")
                for part, keys in (("data", child.data), ("set", child.set))
                for key in keys
                if key not in target.case_fields
            ]
            for k, outcome in enumerate(child.on_final):
                where = f"{at}.on_final[{k}]"
                if outcome.state is not None and not (
                    outcome.state in target.states and target.is_final(outcome.state)
                ):
                    problems.append((f"{where}.state", f"{outcome.state!r} 不是流程 {child.workflow!r} 的终态"))
                problems += [(f"{where}.when", f"流程 {child.workflow!r}：{p}") for _, p in _paths(target, "", outcome.when)]
                fired_event = events.get(outcome.fire)
                if fired_event is None or not fired_event.auto:
                    problems.append((f"{where}.fire", f"{outcome.fire!r} 应是本流程中 auto: true 的事件"))
                    continue
                fired.add(outcome.fire)
                for key, source in outcome.copy_back.items():
                    if key not in fired_event.payload:
                        problems.append((f"{where}.copy_back.{key}", f"事件 {outcome.fire!r} 须在 payload 中声明 {key!r}"))
                    problems += [(f"{where}.copy_back.{key}", f"流程 {child.workflow!r}：{p}") for _, p in _paths(target, "", [source])]
    problems += [
        (f"{at}.workflow", f"未知的流程 {spec.workflow!r}")
        for at, spec in _all_fields(d)
        if spec.type == "case" and spec.workflow not in all_definitions
    ]
    problems += [
        (at, f"{key}：未知的流程 {ref.params[key]!r}")
        for at, ref in _all_refs(d)
        for key in (GUARDS.get(ref.name) or CONDITIONS[ref.name]).workflows
        if key in ref.params and ref.params[key] not in all_definitions
    ]
    for i, t in enumerate(d.transitions):
        if t.auto and t.event not in fired:
            problems.append(
                (f"transitions[{i}].auto", f"auto 事件 {t.event!r} 没有被任何子流程的 on_final 或期限的 on_expiry 触发")
            )
    return problems


def _all_refs(d: Definition) -> Iterable[tuple[str, GuardRef]]:
    """Every guard reference of a definition with where it sits (conditions are found by name)."""
    for i, t in enumerate(d.transitions):
        for j, ref in enumerate(t.guards):
            yield f"transitions[{i}].guards[{j}]", ref


def rule_problem(rule: str) -> str | None:
    try:
        parse_rule(rule)
    except WorkflowError as exc:
        return exc.message
    return None


def _refuse(path: Path | str, problems: list[Problem]) -> None:
    if problems:
        where, what = problems[0]
        raise DefinitionError(
            f"{path}: {where}: {what}",
            details=[{"file": str(path), "path": p, "message": m} for p, m in problems],
        )


def _read_yaml(path: Path) -> tuple[bytes, dict[str, Any]]:
    raw = path.read_bytes()
    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        raise DefinitionError(f"{path}: YAML 语法错误：{exc}") from exc
    if not isinstance(data, dict):
        raise DefinitionError(f"{path}: 文件内容应为一个映射")
    return raw, data


def _validated(path: Path, model: type[BaseModel], data: Any) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise DefinitionError(
            f"{path}: {_where(first['loc'])}: {first['msg']}",
            details=[{"file": str(path), "path": _where(e["loc"]), "message": e["msg"]} for e in exc.errors()],
        ) from exc


class _RolesFile(BaseModel):
    model_config = {"extra": "forbid"}
    roles: dict[str, RoleSpec]


def load_roles(directory: Path) -> dict[str, RoleSpec]:
    """The roles of workflows/roles.yaml (none when the file is missing)."""
    path = directory / ROLES_FILE
    if not path.is_file():
        return {}
    _, data = _read_yaml(path)
    return dict(_validated(path, _RolesFile, data).roles)


def _read_sheets(path: Path, data: dict[str, Any]) -> tuple[dict[str, Any], bytes]:
    """`sheets: {name: file}` → the files' contents (their own YAML, beside or below the definition), and
    their bytes, which count in the definition's hash: a changed sheet is a changed process."""
    named = data.get("sheets")
    if not named:
        return data, b""
    if not isinstance(named, dict):
        raise DefinitionError(f"{path}: sheets: 应为“名称: 文件”的映射")
    sheets: dict[str, Any] = {}
    raw = b""
    for name, file in named.items():
        if not isinstance(file, str) or not file.endswith(".yaml") or ".." in Path(file).parts or Path(file).is_absolute():
            raise DefinitionError(f"{path}: sheets.{name}: 应为流程目录下的 .yaml 文件（如 scoring/case_file_scoring.yaml）")
        sheet_path = path.parent / file
        if not sheet_path.is_file():
            raise DefinitionError(f"{path}: sheets.{name}: 找不到评分表文件 {file!r}")
        sheet_raw, sheets[name] = _read_yaml(sheet_path)
        raw += sheet_raw
    return {**data, "sheets": sheets}, raw


def parse_definition(path: Path) -> Definition:
    """One file, parsed into its model; names are checked by `load_definitions`."""
    raw, data = _read_yaml(path)
    # Top-level keys starting with x- hold YAML anchors (shared thresholds) and are not part of the model.
    data = {k: v for k, v in data.items() if not str(k).startswith("x-")}
    data, sheets_raw = _read_sheets(path, data)
    definition: Definition = _validated(path, Definition, data)
    return definition.model_copy(update={"source_file": str(path), "content_hash": content_hash(raw + sheets_raw)})


def check_definition(d: Definition, ctx: Context) -> list[Problem]:
    problems = _check_names(d, ctx) + _check_timers(d, ctx)
    if Path(d.source_file).stem != d.name:
        problems.append(("name", f"name {d.name!r} 应与文件名 {Path(d.source_file).stem!r} 一致"))
    return problems


def load_definition(path: Path, templates_dir: Path, roles: Mapping[str, RoleSpec] | None = None) -> Definition:
    """One file, checked on its own (links to other workflows are checked by `load_all`); its roles are
    those of the roles file beside it, unless given, and its own."""
    d = parse_definition(path)
    known = {**(load_roles(path.parent) if roles is None else roles), **d.roles}
    _refuse(path, check_definition(d, Context(known, templates_dir)))
    return d


@dataclass(frozen=True)
class Loaded:
    definitions: dict[str, Definition]
    roles: dict[str, RoleSpec]


def load_all(directory: Path, templates_dir: Path) -> Loaded:
    """Every definition of `directory` with its roles, every name checked. Raises DefinitionError with
    every problem of every file in its details (the message names the first)."""
    files = sorted(f for f in directory.glob("*.yaml") if f.name != ROLES_FILE)
    if not files:
        raise DefinitionError(f"{directory}: 没有找到任何流程定义文件（*.yaml）")
    shared = load_roles(directory)
    roles = dict(shared)  # the shared roles and every process's own: the roles people may hold
    errors: list[DefinitionError] = []
    definitions: dict[str, Definition] = {}
    for f in files:
        try:
            d = parse_definition(f)
        except DefinitionError as exc:
            errors.append(exc)
            continue
        for name, spec in d.roles.items():
            if name in roles and roles[name] != spec:
                errors.append(DefinitionError(f"{f}: roles.{name}: 角色 {name!r} 已在别处以不同的名称声明"))
            roles.setdefault(name, spec)
        definitions[d.name] = d
    for d in definitions.values():
        # A process may use the shared roles and its own, as it would if loaded alone.
        problems = check_definition(d, Context({**shared, **d.roles}, templates_dir)) + _check_links(d, definitions)
        try:
            _refuse(d.source_file, problems)
        except DefinitionError as exc:
            errors.append(exc)
    if errors:
        details = [item for exc in errors for item in (exc.details or [{"message": exc.message}])]
        count = len(details)
        raise DefinitionError(
            errors[0].message if count == 1 else f"{errors[0].message}（共 {count} 处问题）", details=details
        )
    return Loaded(definitions, roles)


def load_definitions(directory: Path, templates_dir: Path) -> dict[str, Definition]:
    return load_all(directory, templates_dir).definitions
