"""Workflow files are validated at load: a bad file names the file, the path and what is wrong."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from review_workflow.config import PROJECT_ROOT
from review_workflow.core.definitions import to_mermaid
from review_workflow.core.errors import DefinitionError
from review_workflow.core.loader import load_definition, load_definitions

REAL = PROJECT_ROOT / "workflows" / "major_decision_review.yaml"


@pytest.fixture
def templates(tmp_path: Path) -> Path:
    folder = tmp_path / "templates"
    folder.mkdir()
    for name in ("review_submission_form", "review_opinion", "collective_discussion_record"):
        shutil.copy(PROJECT_ROOT / "doc_templates" / f"{name}.docx", folder)
    return folder


def write(tmp_path: Path, data: dict, name: str = "major_decision_review") -> Path:  # type: ignore[type-arg]
    """The definition as a file, beside the shipped roles file."""
    shutil.copy(PROJECT_ROOT / "workflows" / "roles.yaml", tmp_path)
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def real_data() -> dict:  # type: ignore[type-arg]
    return yaml.safe_load(REAL.read_text(encoding="utf-8"))


def test_the_shipped_review_workflow_loads(templates: Path) -> None:
    d = load_definition(REAL, PROJECT_ROOT / "doc_templates")
    assert d.initial == "drafting"
    assert {t.event for t in d.transitions} >= {
        "submit",
        "approve",
        "return",
        "resubmit",
        "object",
        "settle",
        "escalate",
        "decide",
        "withdraw",
    }
    assert [n for n, s in d.states.items() if s.final] == ["approved", "decided", "withdrawn"]
    assert len(d.content_hash) == 64


def test_content_hash_changes_with_the_file(tmp_path: Path, templates: Path) -> None:
    data = real_data()
    first = load_definition(write(tmp_path, data), templates).content_hash
    data["title"] = "另一个标题"
    assert load_definition(write(tmp_path, data), templates).content_hash != first


def test_transition_to_unknown_state_names_the_file_and_field(tmp_path: Path, templates: Path) -> None:
    data = real_data()
    data["transitions"][1]["dest"] = "nowhere"
    path = write(tmp_path, data)
    with pytest.raises(DefinitionError) as err:
        load_definition(path, templates)
    assert str(path) in err.value.message
    assert "transitions[1].dest" in err.value.message and "nowhere" in err.value.message


def test_unknown_guard_is_refused(tmp_path: Path, templates: Path) -> None:
    data = real_data()
    data["transitions"][0]["guards"] = ["moon_is_full"]
    with pytest.raises(DefinitionError, match=r"transitions\[0\]\.guards\[0\].*moon_is_full"):
        load_definition(write(tmp_path, data), templates)


def test_unknown_template_is_refused(tmp_path: Path, templates: Path) -> None:
    data = real_data()
    data["documents"]["review_opinion"]["template"] = "missing.docx"
    with pytest.raises(DefinitionError, match=r"documents\.review_opinion\.template.*missing\.docx"):
        load_definition(write(tmp_path, data), templates)


def test_unknown_document_on_a_transition_is_refused(tmp_path: Path, templates: Path) -> None:
    data = real_data()
    data["transitions"][0]["documents"] = ["no_such_document"]
    with pytest.raises(DefinitionError, match=r"transitions\[0\]\.documents\[0\]"):
        load_definition(write(tmp_path, data), templates)


def test_unknown_role_source_and_duplicate_event_are_refused(tmp_path: Path, templates: Path) -> None:
    for mutate, where in [
        (lambda d: d["transitions"][0].update(roles=["janitor"]), r"transitions\[0\]\.roles"),
        (lambda d: d["transitions"][0].update(sources=["limbo"]), r"transitions\[0\]\.sources"),
        (lambda d: d["transitions"].append(dict(d["transitions"][0])), r"\.event.*重复"),
        (lambda d: d.update(initial="limbo"), r"initial"),
        (
            lambda d: d["transitions"][0]["payload"]["summary"].update(type="blob"),
            r"transitions\[0\]\.payload\.summary\.type",
        ),
        (lambda d: d.update(colour="red"), r"colour"),
    ]:
        data = real_data()
        mutate(data)
        with pytest.raises(DefinitionError, match=where):
            load_definition(write(tmp_path, data), templates)


def test_invalid_yaml_and_name_mismatch_are_refused(tmp_path: Path, templates: Path) -> None:
    bad = tmp_path / "broken.yaml"
    bad.write_text("name: [unclosed", encoding="utf-8")
    with pytest.raises(DefinitionError, match="broken.yaml.*YAML"):
        load_definition(bad, templates)
    with pytest.raises(DefinitionError, match="文件名"):
        load_definition(write(tmp_path, real_data(), name="other"), templates)


def test_an_empty_folder_is_refused(tmp_path: Path, templates: Path) -> None:
    with pytest.raises(DefinitionError, match="没有找到"):
        load_definitions(tmp_path, templates)


def test_mermaid_diagram_shows_states_transitions_and_the_current_state(templates: Path) -> None:
    d = load_definition(REAL, PROJECT_ROOT / "doc_templates")
    text = to_mermaid(d, current="returned")
    assert text.startswith("stateDiagram-v2")
    assert "[*] --> drafting" in text
    assert "drafting --> under_review: 送审" in text
    assert "consulting --> approved: 同意" in text
    assert "collective_discussion --> withdrawn: 撤回" in text  # `*` expands to every open state
    assert "approved --> withdrawn" not in text
    assert "class returned current" in text


# ---------------------------------------------------------------- linked workflows


SHIPPED = PROJECT_ROOT / "workflows"


def shipped(name: str) -> dict:  # type: ignore[type-arg]
    return yaml.safe_load((SHIPPED / f"{name}.yaml").read_text(encoding="utf-8"))


def load_all_with(tmp_path: Path, name: str, data: dict) -> None:  # type: ignore[type-arg]
    """Load the shipped workflows with `name` replaced by `data`."""
    folder = tmp_path / "flows"
    folder.mkdir(exist_ok=True)
    for path in SHIPPED.glob("*.yaml"):
        (folder / path.name).write_bytes(path.read_bytes())
    shutil.copytree(SHIPPED / "scoring", folder / "scoring", dirs_exist_ok=True)  # the sheets processes name
    write(folder, data, name)
    load_definitions(folder, PROJECT_ROOT / "doc_templates")


def test_all_shipped_workflows_load_and_link() -> None:
    loaded = load_definitions(SHIPPED, PROJECT_ROOT / "doc_templates")
    assert set(loaded) >= {
        "major_decision_review",
        "penalty_case",
        "major_penalty_filing",
        "enforcement_disclosure",
    }
    decide = loaded["penalty_case"].transition("decide_penalty")
    assert decide is not None
    assert [c.workflow for c in decide.starts] == ["major_penalty_filing", "enforcement_disclosure"]
    filing = decide.starts[0].conditions[0]  # the YAML anchor reaches every place it rules
    review = next(g for g in decide.guards if g.name == "child_outcome")
    assert filing == review.only_if_any[0] and filing.rule == "major_penalty"
    thresholds = loaded["penalty_case"].rules["major_penalty"].params
    assert thresholds["individual_fine"] == 10000 and thresholds["organization_fine"] == 100000
    assert thresholds["types"] == ["责令停产停业"] and thresholds["organization_types"] == ["吊销许可证件"]


def test_a_child_of_an_unknown_workflow_is_refused(tmp_path: Path) -> None:
    data = shipped("penalty_case")
    submit = next(t for t in data["transitions"] if t["event"] == "submit_review")
    submit["starts"][0]["workflow"] = "major_review"
    with pytest.raises(
        DefinitionError,
        match=r"penalty_case.yaml: transitions\[\d+\].starts\[0\].workflow: 未知的流程 'major_review'",
    ):
        load_all_with(tmp_path, "penalty_case", data)


def test_an_outcome_must_name_a_final_child_state_and_an_auto_parent_event(tmp_path: Path) -> None:
    data = shipped("penalty_case")
    submit = next(t for t in data["transitions"] if t["event"] == "submit_review")
    submit["starts"][0]["on_final"][0]["state"] = "under_review"
    with pytest.raises(DefinitionError, match="'under_review' 不是流程 'major_decision_review' 的终态"):
        load_all_with(tmp_path, "penalty_case", data)
    submit["starts"][0]["on_final"][0] = {"state": "approved", "fire": "discuss"}
    with pytest.raises(DefinitionError, match="'discuss' 应是本流程中 auto: true 的事件"):
        load_all_with(tmp_path, "penalty_case", data)


def test_child_data_must_be_fields_of_both_sides(tmp_path: Path) -> None:
    data = shipped("penalty_case")
    decide = next(t for t in data["transitions"] if t["event"] == "decide_penalty")
    decide["starts"][0]["data"]["decision_number"] = "decision_no"
    with pytest.raises(DefinitionError, match="流程 'major_penalty_filing' 没有案件字段 'decision_number'"):
        load_all_with(tmp_path, "penalty_case", data)


def test_an_auto_event_may_not_name_roles_and_must_be_fired_by_some_child(tmp_path: Path) -> None:
    data = shipped("penalty_case")
    passed = next(t for t in data["transitions"] if t["event"] == "review_passed")
    passed["roles"] = ["handler"]
    with pytest.raises(DefinitionError, match="auto 事件由引擎触发"):
        load_all_with(tmp_path, "penalty_case", data)
    passed.pop("roles")
    submit = next(t for t in data["transitions"] if t["event"] == "submit_review")
    submit["starts"][0]["on_final"] = [{"fire": "review_rejected"}]
    with pytest.raises(DefinitionError, match="auto 事件 'review_passed' 没有被任何子流程的 on_final 或期限的 on_expiry 触发"):
        load_all_with(tmp_path, "penalty_case", data)


def test_counterpart_transitions_need_a_counterpart(tmp_path: Path) -> None:
    data = shipped("major_penalty_filing")
    data.pop("counterpart")
    with pytest.raises(DefinitionError, match="by: counterpart 需要在流程中声明 counterpart"):
        load_all_with(tmp_path, "major_penalty_filing", data)


def test_a_timer_from_a_start_date_needs_that_date_among_the_case_fields(tmp_path: Path) -> None:
    data = shipped("enforcement_disclosure")
    data["case_fields"]["decision_date"]["type"] = "str"
    with pytest.raises(
        DefinitionError, match="timers.disclosure_period.opens.from_field: 'decision_date' 应为必填的日期字段"
    ):
        load_all_with(tmp_path, "enforcement_disclosure", data)


def test_rules_chosen_by_a_field_are_each_checked(tmp_path: Path) -> None:
    data = shipped("enforcement_disclosure")
    data["timers"]["withdrawal_period"]["rule"]["cases"]["行政处罚"] = "3 days"
    with pytest.raises(DefinitionError, match="timers.withdrawal_period.rule: 期限规则“3 days”无效"):
        load_all_with(tmp_path, "enforcement_disclosure", data)


def test_minimum_is_only_for_numbers(tmp_path: Path) -> None:
    data = shipped("major_penalty_filing")
    data["case_fields"]["decision_no"]["minimum"] = 0
    with pytest.raises(DefinitionError, match="minimum、maximum 只能用于 int 或 number 类型"):
        load_all_with(tmp_path, "major_penalty_filing", data)


def test_a_template_that_is_not_a_docx_is_refused_naming_it(tmp_path: Path, templates: Path) -> None:
    (templates / "review_opinion.docx").write_bytes(b"placeholder")
    with pytest.raises(DefinitionError, match=r"documents\.review_opinion\.template: review_opinion\.docx：无法读取文书模板"):
        load_definition(write(tmp_path, real_data()), templates)
