"""The reference documentation keeps up with the code.

- docs/definition-language.md names every key the loader accepts (walked from the pydantic models, so a
  new field fails this test until it is documented), every registered guard and condition, and every
  name and filter a document template may use.
- docs/penalty-procedure.md names every event, timer and `x-` anchor of the shipped penalty process, and
  docs/documents.md every document of every shipped process; no table of the reference lists a guard or
  condition that no longer exists; every docs/ page the README links to exists.
- docs/architecture.md says the core imports no web framework, no database and no scheduler, and
  nothing of the layers above it: checked here on the source, with `ast`.
"""

from __future__ import annotations

import ast
import re
import types
import typing
from collections.abc import Iterable, Iterator
from pathlib import Path

import yaml
from jinja2.defaults import DEFAULT_FILTERS
from pydantic import BaseModel, create_model

from review_workflow.config import PROJECT_ROOT
from review_workflow.core import records
from review_workflow.core.definitions import FIELD_TYPES, Definition
from review_workflow.core.documents import DEADLINE_KEYS, DOCUMENT_CONTEXT, _jinja_env
from review_workflow.core.guards import CONDITIONS, GUARDS
from review_workflow.core.loader import load_definitions

LANGUAGE_DOC = PROJECT_ROOT / "docs" / "definition-language.md"
PENALTY_DOC = PROJECT_ROOT / "docs" / "penalty-procedure.md"
DOCUMENTS_DOC = PROJECT_ROOT / "docs" / "documents.md"
WORKFLOWS = PROJECT_ROOT / "workflows"
SRC = PROJECT_ROOT / "src"
CORE = SRC / "review_workflow" / "core"

# Written by the loader (file and hash of what was loaded), never by the YAML.
LOADER_FILLED = {"source_file", "content_hash"}

# The models a definition is made of, each with the section of the reference that documents its keys
# (a key must appear as `code` in its own model's section: `by` of a transition is not `by` of an
# extension). The walk must reach exactly these models: a check on the walk, and a reminder to give a
# new model its section.
MODEL_SECTIONS = {
    "Definition": "The top level of a definition",
    "RoleSpec": "Roles",
    "FieldSpec": "Fields",
    "StateSpec": "States",
    "TransitionSpec": "Transitions",
    "GuardRef": "Guard references",
    "DocumentSpec": "Documents",
    "DocumentRef": "Documents",
    "RecordRequirement": "Required records (音像记录事项清单)",
    "TimerSpec": "Timers (时限)",
    "TimerOpening": "Timers (时限)",
    "RuleChoice": "Timers (时限)",
    "TimerExtension": "Timers (时限)",
    "TimerPause": "Timers (时限)",
    "ChildStart": "Child cases",
    "ChildOutcome": "Child cases",
    "Counterpart": "Counterpart (相对方机关)",
    "RuleSet": "Rule sets",
    "ScoringSheet": "Scoring sheets (评分表)",
    "SheetItem": "Scoring sheets (评分表)",
    "DerivedField": "Derived fields",
}
GUARDS_SECTION = "Every guard and condition"
TEMPLATES_SECTION = "Document templates"

# What the core may not import: a web framework, the database, the scheduler, the layers above it.
FORBIDDEN_IN_CORE = ("fastapi", "starlette", "sqlalchemy", "apscheduler")
LAYERS_ABOVE_CORE = ("storage", "services", "api", "web")


# -- the walk over the models --------------------------------------------------------------------------


def _models_in(annotation: object) -> Iterator[type[BaseModel]]:
    """Every pydantic model inside a type: itself, or inside tuples, dicts, lists, unions, Literal aside."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
        return
    origin = typing.get_origin(annotation)
    if origin is typing.Literal:
        return
    for arg in typing.get_args(annotation):
        if arg is not Ellipsis and not isinstance(arg, str | int | float | bool | types.NoneType):
            yield from _models_in(arg)


def model_keys(root: type[BaseModel]) -> dict[str, set[str]]:
    """model name → the keys it accepts, for `root` and every model reachable from its fields."""
    found: dict[str, set[str]] = {}
    todo = [root]
    while todo:
        model = todo.pop()
        if model.__name__ in found:
            continue
        found[model.__name__] = set(model.model_fields)
        for info in model.model_fields.values():
            todo += [m for m in _models_in(info.annotation) if m.__name__ not in found]
    return found


def inline_code(text: str) -> set[str]:
    """Every `inline code` span of a Markdown text (fenced blocks left out), and each dotted part of it."""
    text = re.sub(r"^```.*?^```", "", text, flags=re.S | re.M)
    spans = set(re.findall(r"`([^`\n]+)`", text))
    return spans | {part for span in spans for part in re.split(r"[.\s:=,/]+", span) if part}


def sections(doc: str) -> dict[str, str]:
    """Each level-2 section of the doc by its heading, with its subsections."""
    parts = re.split(r"^## (.+)$", doc, flags=re.M)
    return {heading.strip(): body for heading, body in zip(parts[1::2], parts[2::2], strict=True)}


def section(doc: str, heading: str) -> str:
    found = sections(doc)
    assert heading in found, f"docs/definition-language.md has no section '## {heading}'"
    return found[heading]


def undocumented_keys(root: type[BaseModel], doc: str) -> list[str]:
    """`Model.key` for each key of the models reachable from `root` that the model's section never shows
    as code (a model without a section is looked for in the whole doc)."""
    missing = []
    for model, keys in model_keys(root).items():
        heading = MODEL_SECTIONS.get(model)
        written = inline_code(section(doc, heading) if heading else doc)
        missing += [f"{model}.{key}" for key in keys - LOADER_FILLED if key not in written]
    return sorted(missing)


def _missing(names: Iterable[str], text: str) -> list[str]:
    written = inline_code(text)
    return sorted(n for n in names if n not in written)


def language_doc() -> str:
    return LANGUAGE_DOC.read_text(encoding="utf-8")


# -- the definition language ---------------------------------------------------------------------------


def test_the_walk_reaches_every_model_of_a_definition() -> None:
    assert set(model_keys(Definition)) == set(MODEL_SECTIONS)


def test_every_key_the_loader_accepts_is_in_the_reference() -> None:
    missing = undocumented_keys(Definition, language_doc())
    assert not missing, (
        "docs/definition-language.md does not name these keys as `code` in their model's section "
        f"(see MODEL_SECTIONS): {', '.join(missing)}"
    )


def test_a_new_field_nobody_documented_fails_the_check() -> None:
    probe = create_model("Probe", __base__=Definition, escalation_policy=(str, ""))
    assert "Probe.escalation_policy" in undocumented_keys(probe, language_doc())


def test_every_field_type_and_engine_key_is_in_the_reference() -> None:
    missing = _missing([*FIELD_TYPES, *records.ENGINE_KEYS], language_doc())
    assert not missing, "docs/definition-language.md lacks field types or engine keys: " + ", ".join(missing)


def test_every_guard_and_condition_is_in_the_reference() -> None:
    text = section(language_doc(), GUARDS_SECTION)
    missing = _missing(GUARDS, text) + _missing(CONDITIONS, text)
    params = sorted(
        f"{name}.{p}"
        for table in (GUARDS, CONDITIONS)
        for name, named in table.items()
        for p in named.required | named.optional
        if p not in inline_code(text)
    )
    assert not missing, f"'## {GUARDS_SECTION}' lacks these guards or conditions: " + ", ".join(missing)
    assert not params, f"'## {GUARDS_SECTION}' lacks these parameters: " + ", ".join(params)


def test_every_name_a_template_may_use_is_in_the_reference() -> None:
    written = inline_code(section(language_doc(), TEMPLATES_SECTION))
    names = [*DOCUMENT_CONTEXT]
    names += [f"{key}.{attr}" for key, attrs in DOCUMENT_CONTEXT.items() for attr in sorted(attrs or ())]
    names += [f"deadlines.<timer>.{attr}" for attr in sorted(DEADLINE_KEYS)]
    missing = [n for n in names if n not in written]
    assert not missing, f"'## {TEMPLATES_SECTION}' lacks these template names: " + ", ".join(missing)


def test_the_guard_tables_list_no_guard_or_condition_that_is_gone() -> None:
    """A guard renamed or removed in the code (`penalty_is_major`) must leave the tables too: every name in
    the first column of a table under '## Every guard and condition' is registered."""
    text = section(language_doc(), GUARDS_SECTION)
    listed = re.findall(r"^\| `([a-z_]+)` \|", text, flags=re.M)
    assert len(listed) >= len(GUARDS) + len(CONDITIONS)
    gone = sorted(set(listed) - set(GUARDS) - set(CONDITIONS))
    assert not gone, f"'## {GUARDS_SECTION}' lists what the code no longer has: " + ", ".join(gone)


def test_every_filter_the_project_registers_is_in_the_reference() -> None:
    ours = set(_jinja_env().filters) - set(DEFAULT_FILTERS)  # Jinja's own are documented by Jinja
    assert ours, "the template environment registers no filter of its own: is this still the right test?"
    missing = _missing(ours, section(language_doc(), TEMPLATES_SECTION))
    assert not missing, f"'## {TEMPLATES_SECTION}' lacks these template filters: " + ", ".join(missing)


# -- the penalty procedure and the documents ---------------------------------------------------------


def _shipped() -> dict[str, Definition]:
    return load_definitions(WORKFLOWS, PROJECT_ROOT / "doc_templates")


def test_the_penalty_procedure_names_every_event_timer_and_anchor_of_the_penalty_process() -> None:
    d = _shipped()["penalty_case"]
    raw = yaml.safe_load((WORKFLOWS / "penalty_case.yaml").read_text(encoding="utf-8"))
    anchors = [k for k in raw if k.startswith("x-")]
    assert anchors, "penalty_case.yaml has no x- anchors: is this still the right test?"
    text = PENALTY_DOC.read_text(encoding="utf-8")
    missing = _missing([t.event for t in d.transitions] + list(d.timers) + anchors, text)
    assert not missing, "docs/penalty-procedure.md does not name: " + ", ".join(missing)


def test_the_documents_page_names_every_document_of_every_shipped_process() -> None:
    text = DOCUMENTS_DOC.read_text(encoding="utf-8")
    written = inline_code(text)
    missing = []
    for d in _shipped().values():
        for key, spec in d.documents.items():
            if key not in written:
                missing.append(f"{d.name}.{key}")
            series = "null" if spec.series is None else spec.series
            if series and f"`{key}` | `{series}` |" not in text:
                missing.append(f"{d.name}.{key} (series {series} in the table of numbers)")
    assert not missing, "docs/documents.md does not give: " + ", ".join(missing)


def test_every_docs_page_the_readme_links_to_exists() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    linked = set(re.findall(r"\]\((docs/[^)#]+)", readme))
    assert {"docs/penalty-procedure.md", "docs/documents.md", "docs/definition-language.md"} <= linked
    assert not [p for p in linked if not (PROJECT_ROOT / p).is_file()]


# -- the architecture ------------------------------------------------------------------------------------


def _imports(path: Path, src: Path = SRC) -> Iterator[tuple[int, str]]:
    """(line, absolute module) of every import of a module under `src`, relative ones resolved."""
    package = list(path.relative_to(src).parent.parts)
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            yield from ((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                yield node.lineno, node.module or ""
                continue
            base = package[: len(package) - node.level + 1]
            if node.module:
                yield node.lineno, ".".join([*base, node.module])
            else:  # from .. import services
                yield from ((node.lineno, ".".join([*base, alias.name])) for alias in node.names)


def _forbidden(module: str) -> bool:
    top = module.split(".")[0]
    if top in FORBIDDEN_IN_CORE:
        return True
    parts = module.split(".")
    return parts[0] == "review_workflow" and len(parts) > 1 and parts[1] in LAYERS_ABOVE_CORE


def test_the_core_imports_no_framework_no_database_and_no_layer_above_it() -> None:
    files = sorted(CORE.rglob("*.py"))
    assert len(files) > 5
    found = [
        f"{path.relative_to(PROJECT_ROOT)}:{line} imports {module}"
        for path in files
        for line, module in _imports(path)
        if _forbidden(module)
    ]
    assert not found, "the core must stay pure (docs/architecture.md):\n" + "\n".join(found)


def test_the_import_check_sees_relative_and_absolute_imports(tmp_path: Path) -> None:
    (tmp_path / "review_workflow" / "core").mkdir(parents=True)
    sample = tmp_path / "review_workflow" / "core" / "sample.py"
    sample.write_text(
        "import sqlalchemy.orm\nfrom ..services import cases\nfrom .. import web\n"
        "from review_workflow.api import app\nfrom .records import read\nimport yaml\n",
        encoding="utf-8",
    )
    assert [m for _, m in _imports(sample, tmp_path) if _forbidden(m)] == [
        "sqlalchemy.orm",
        "review_workflow.services",
        "review_workflow.web",
        "review_workflow.api",
    ]
