"""Load `workflows/*.yaml` into definitions and check every name they use, at start.

A bad file stops start-up with the file, the path inside it and what is wrong. Everything a transition
refers to (states, roles, guards, documents and their templates, timers, child workflows and the parent
events their ends fire) is resolved here, never at run time.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from .calendar import parse_rule
from .definitions import ANY_ACTIVE, ROLES, Definition, FieldSpec, RuleChoice, TransitionSpec
from .errors import DefinitionError, WorkflowError

Problem = tuple[str, str]  # (path inside the file, what is wrong)


def content_hash(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def _where(loc: Iterable[Any]) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "(根)"


def _unknown_role(role: str) -> str:
    return f"未知角色 {role!r}（可用：{', '.join(ROLES)}）"


def _check_names(d: Definition, guards: Mapping[str, Any], templates_dir: Path) -> list[Problem]:
    """Names that must resolve inside one file: states, roles, guards, documents and their templates."""
    problems: list[Problem] = []
    states = d.states
    if d.initial not in states:
        problems.append(("initial", f"初始状态 {d.initial!r} 未在 states 中定义"))
    elif states[d.initial].final:
        problems.append(("initial", f"初始状态 {d.initial!r} 不能是终态"))
    for role in (d.owner_role, *d.start_roles):
        if role not in ROLES:
            problems.append(("start_roles", _unknown_role(role)))
    problems += [
        (f"start_guards[{j}]", f"未知的守卫 {g.name!r}")
        for j, g in enumerate(d.start_guards)
        if g.name not in guards
    ]
    for key, doc in d.documents.items():
        if not (templates_dir / doc.template).is_file():
            problems.append((f"documents.{key}.template", f"找不到文书模板 {doc.template!r}"))
    seen: set[str] = set()
    for i, t in enumerate(d.transitions):
        at = f"transitions[{i}]"
        if t.event in seen:
            problems.append((f"{at}.event", f"事件 {t.event!r} 重复定义"))
        seen.add(t.event)
        problems += _check_transition(d, t, at, guards)
    return problems


def _check_transition(d: Definition, t: TransitionSpec, at: str, guards: Mapping[str, Any]) -> list[Problem]:
    problems: list[Problem] = []
    for s in t.sources:
        if s != ANY_ACTIVE and s not in d.states:
            problems.append((f"{at}.sources", f"来源状态 {s!r} 未在 states 中定义"))
        elif s != ANY_ACTIVE and d.states[s].final:
            problems.append((f"{at}.sources", f"终态 {s!r} 不能再有流转"))
    if t.dest not in d.states:
        problems.append((f"{at}.dest", f"目标状态 {t.dest!r} 未在 states 中定义"))
    problems += [(f"{at}.roles", _unknown_role(r)) for r in t.roles if r not in ROLES]
    if t.by == "counterpart" and d.counterpart is None:
        problems.append((f"{at}.by", "by: counterpart 需要在流程中声明 counterpart（相对方机关）"))
    problems += [
        (f"{at}.guards[{j}]", f"未知的守卫 {g.name!r}")
        for j, g in enumerate(t.guards)
        if g.name not in guards
    ]
    for j, doc in enumerate(t.documents):
        if doc.name not in d.documents:
            problems.append((f"{at}.documents[{j}]", f"未知的文书 {doc.name!r}（应在 documents 中声明）"))
    for j, child in enumerate(t.starts):
        for k, g in enumerate(child.conditions):
            if g.name not in guards:
                problems.append((f"{at}.starts[{j}].conditions[{k}]", f"未知的守卫 {g.name!r}"))
    return problems


def _date_field(spec: FieldSpec | None) -> bool:
    return spec is not None and spec.type == "date" and spec.required


def _check_timers(d: Definition) -> list[Problem]:
    problems: list[Problem] = []
    events = {t.event: t for t in d.transitions}
    for name, timer in d.timers.items():
        at = f"timers.{name}"
        rules = timer.rule.all_rules() if isinstance(timer.rule, RuleChoice) else [timer.rule]
        rules += [timer.warn_before] if timer.warn_before else []
        rules += [timer.extend.by] if timer.extend else []
        problems += [(f"{at}.rule", problem) for rule in rules if (problem := rule_problem(rule))]
        if timer.opens.on_enter and timer.opens.on_enter not in d.states:
            problems.append((f"{at}.opens.on_enter", f"状态 {timer.opens.on_enter!r} 未在 states 中定义"))
        named = [("opens.on_events", e) for e in timer.opens.on_events]
        named += [("closed_by", e) for e in timer.closed_by] + [
            ("cancelled_by", e) for e in timer.cancelled_by
        ]
        named += [("extend.event", timer.extend.event)] if timer.extend else []
        problems += [
            (f"{at}.{w}", f"事件 {e!r} 未在 transitions 中定义") for w, e in named if e not in events
        ]
        if field := timer.opens.from_field:
            if timer.opens.on_start:
                if not _date_field(d.case_fields.get(field)):
                    problems.append((f"{at}.opens.from_field", f"case_fields 须有必填的日期字段 {field!r}"))
            else:
                openers = [events[e] for e in timer.opens.on_events if e in events] or [
                    t for t in d.transitions if t.dest == timer.opens.on_enter
                ]
                for t in openers:
                    if not (_date_field(t.payload.get(field)) or _date_field(d.case_fields.get(field))):
                        problems.append(
                            (f"{at}.opens.from_field", f"事件 {t.event!r} 须有必填的日期字段 {field!r}")
                        )
        if timer.responsible not in ROLES:
            problems.append((f"{at}.responsible", _unknown_role(timer.responsible)))
        problems += [(f"{at}.escalate_to", _unknown_role(r)) for r in timer.escalate_to if r not in ROLES]
    return problems


def _field_names(d: Definition) -> set[str]:
    """Every field a case of `d` can carry in its data: start fields, payloads, recorded document numbers."""
    names = set(d.case_fields) | {doc.record_number_as for doc in d.documents.values() if doc.record_number_as}
    for t in d.transitions:
        names |= set(t.payload)
    return names


def _check_links(d: Definition, all_definitions: Mapping[str, Definition]) -> list[Problem]:
    """Child workflows exist, the data they get is theirs, and their ends fire auto events of the parent."""
    problems: list[Problem] = []
    events = {t.event: t for t in d.transitions}
    fired: set[str] = set()
    for i, t in enumerate(d.transitions):
        for j, child in enumerate(t.starts):
            at = f"transitions[{i}].starts[{j}]"
            target = all_definitions.get(child.workflow)
            if target is None:
                problems.append((f"{at}.workflow", f"未知的流程 {child.workflow!r}"))
                continue
            theirs, ours = _field_names(target), _field_names(d)
            for key, source in child.data.items():
                if key not in theirs:
                    problems.append((f"{at}.data.{key}", f"流程 {child.workflow!r} 没有字段 {key!r}"))
                if source not in ours:
                    problems.append((f"{at}.data.{key}", f"本流程没有字段 {source!r}"))
            problems += [
                (f"{at}.set.{k}", f"流程 {child.workflow!r} 没有字段 {k!r}")
                for k in child.set
                if k not in theirs
            ]
            for k, outcome in enumerate(child.on_final):
                where = f"{at}.on_final[{k}]"
                if outcome.state is not None and not (
                    outcome.state in target.states and target.is_final(outcome.state)
                ):
                    problems.append(
                        (f"{where}.state", f"{outcome.state!r} 不是流程 {child.workflow!r} 的终态")
                    )
                if outcome.fire not in events or not events[outcome.fire].auto:
                    problems.append((f"{where}.fire", f"{outcome.fire!r} 应是本流程中 auto: true 的事件"))
                fired.add(outcome.fire)
                problems += [
                    (f"{where}.copy_back.{k}", f"流程 {child.workflow!r} 没有字段 {v!r}")
                    for k, v in outcome.copy_back.items()
                    if v not in theirs
                ]
    for i, t in enumerate(d.transitions):
        if t.auto and t.event not in fired:
            problems.append(
                (f"transitions[{i}].auto", f"auto 事件 {t.event!r} 没有被任何子流程的 on_final 触发")
            )
    return problems


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
            f"{path}: {where}: {what}", details=[{"path": p, "message": m} for p, m in problems]
        )


def load_definition(path: Path, guards: Mapping[str, Any], templates_dir: Path) -> Definition:
    """One file, checked on its own (links to other workflows are checked by `load_definitions`)."""
    raw = path.read_bytes()
    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        raise DefinitionError(f"{path}: YAML 语法错误：{exc}") from exc
    if not isinstance(data, dict):
        raise DefinitionError(f"{path}: 文件内容应为一个映射（name, title, states, transitions …）")
    # Top-level keys starting with x- hold YAML anchors (shared thresholds) and are not part of the model.
    data = {k: v for k, v in data.items() if not str(k).startswith("x-")}
    try:
        definition = Definition.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise DefinitionError(
            f"{path}: {_where(first['loc'])}: {first['msg']}",
            details=[{"path": _where(e["loc"]), "message": e["msg"]} for e in exc.errors()],
        ) from exc
    problems = _check_names(definition, guards, templates_dir) + _check_timers(definition)
    if path.stem != definition.name:
        problems.append(("name", f"name {definition.name!r} 应与文件名 {path.stem!r} 一致"))
    _refuse(path, problems)
    return definition.model_copy(update={"source_file": str(path), "content_hash": content_hash(raw)})


def load_definitions(
    directory: Path, guards: Mapping[str, Any], templates_dir: Path
) -> dict[str, Definition]:
    files = sorted(directory.glob("*.yaml"))
    if not files:
        raise DefinitionError(f"{directory}: 没有找到任何流程定义文件（*.yaml）")
    definitions = {d.name: d for d in (load_definition(f, guards, templates_dir) for f in files)}
    for d in definitions.values():
        _refuse(d.source_file, _check_links(d, definitions))
    return definitions
