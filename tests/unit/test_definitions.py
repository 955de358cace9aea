"""Workflow files are validated at load: a bad file names the file, the path and what is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from review_workflow.config import PROJECT_ROOT
from review_workflow.definitions import to_mermaid
from review_workflow.errors import DefinitionError
from review_workflow.guards import GUARDS
from review_workflow.loader import load_definition, load_definitions

REAL = PROJECT_ROOT / "workflows" / "major_decision_review.yaml"


@pytest.fixture
def templates(tmp_path: Path) -> Path:
    folder = tmp_path / "templates"
    folder.mkdir()
    for name in ("review_submission_form", "review_opinion", "collective_discussion_record"):
        (folder / f"{name}.docx").write_bytes(b"placeholder")
    return folder


def write(tmp_path: Path, data: dict, name: str = "major_decision_review") -> Path:  # type: ignore[type-arg]
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def real_data() -> dict:  # type: ignore[type-arg]
    return yaml.safe_load(REAL.read_text(encoding="utf-8"))


def test_the_shipped_review_workflow_loads(templates: Path) -> None:
    d = load_definition(REAL, GUARDS, PROJECT_ROOT / "doc_templates")
    assert d.initial == "drafting"
    assert {t.event for t in d.transitions} >= {
        "submit", "approve", "return", "resubmit", "object", "settle", "escalate", "decide", "withdraw"
    }
    assert [n for n, s in d.states.items() if s.final] == ["approved", "decided", "withdrawn"]
    assert len(d.content_hash) == 64


def test_content_hash_changes_with_the_file(tmp_path: Path, templates: Path) -> None:
    data = real_data()
    first = load_definition(write(tmp_path, data), GUARDS, templates).content_hash
    data["title"] = "另一个标题"
    assert load_definition(write(tmp_path, data), GUARDS, templates).content_hash != first


def test_transition_to_unknown_state_names_the_file_and_field(tmp_path: Path, templates: Path) -> None:
    data = real_data()
    data["transitions"][1]["dest"] = "nowhere"
    path = write(tmp_path, data)
    with pytest.raises(DefinitionError) as err:
        load_definition(path, GUARDS, templates)
    assert str(path) in err.value.message
    assert "transitions[1].dest" in err.value.message and "nowhere" in err.value.message


def test_unknown_guard_is_refused(tmp_path: Path, templates: Path) -> None:
    data = real_data()
    data["transitions"][0]["guards"] = ["moon_is_full"]
    with pytest.raises(DefinitionError, match=r"transitions\[0\]\.guards\[0\].*moon_is_full"):
        load_definition(write(tmp_path, data), GUARDS, templates)


def test_unknown_template_is_refused(tmp_path: Path, templates: Path) -> None:
    data = real_data()
    data["documents"]["review_opinion"]["template"] = "missing.docx"
    with pytest.raises(DefinitionError, match=r"documents\.review_opinion\.template.*missing\.docx"):
        load_definition(write(tmp_path, data), GUARDS, templates)


def test_unknown_document_on_a_transition_is_refused(tmp_path: Path, templates: Path) -> None:
    data = real_data()
    data["transitions"][0]["documents"] = ["no_such_document"]
    with pytest.raises(DefinitionError, match=r"transitions\[0\]\.documents\[0\]"):
        load_definition(write(tmp_path, data), GUARDS, templates)


def test_unknown_role_source_and_duplicate_event_are_refused(tmp_path: Path, templates: Path) -> None:
    for mutate, where in [
        (lambda d: d["transitions"][0].update(roles=["janitor"]), r"transitions\[0\]\.roles"),
        (lambda d: d["transitions"][0].update(sources=["limbo"]), r"transitions\[0\]\.sources"),
        (lambda d: d["transitions"].append(dict(d["transitions"][0])), r"\.event.*重复"),
        (lambda d: d.update(initial="limbo"), r"initial"),
        (lambda d: d["transitions"][0]["payload"]["summary"].update(type="blob"), r"transitions\[0\]\.payload\.summary\.type"),
        (lambda d: d.update(colour="red"), r"colour"),
    ]:
        data = real_data()
        mutate(data)
        with pytest.raises(DefinitionError, match=where):
            load_definition(write(tmp_path, data), GUARDS, templates)


def test_invalid_yaml_and_name_mismatch_are_refused(tmp_path: Path, templates: Path) -> None:
    bad = tmp_path / "broken.yaml"
    bad.write_text("name: [unclosed", encoding="utf-8")
    with pytest.raises(DefinitionError, match="broken.yaml.*YAML"):
        load_definition(bad, GUARDS, templates)
    with pytest.raises(DefinitionError, match="文件名"):
        load_definition(write(tmp_path, real_data(), name="other"), GUARDS, templates)


def test_an_empty_folder_is_refused(tmp_path: Path, templates: Path) -> None:
    with pytest.raises(DefinitionError, match="没有找到"):
        load_definitions(tmp_path, GUARDS, templates)


def test_mermaid_diagram_shows_states_transitions_and_the_current_state(templates: Path) -> None:
    d = load_definition(REAL, GUARDS, PROJECT_ROOT / "doc_templates")
    text = to_mermaid(d, current="returned")
    assert text.startswith("stateDiagram-v2")
    assert "[*] --> drafting" in text
    assert "drafting --> under_review: 送审" in text
    assert "consulting --> approved: 同意" in text
    assert "collective_discussion --> withdrawn: 撤回" in text  # `*` expands to every open state
    assert "approved --> withdrawn" not in text
    assert "class returned current" in text
