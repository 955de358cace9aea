"""The command line: init, demo, workflows, audit verify, and a bad workflow file at start."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from review_workflow.cli import app
from review_workflow.config import PROJECT_ROOT

runner = CliRunner()


@pytest.fixture
def env(database_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("REVIEW_WORKFLOW_DATABASE_URL", database_url)
    monkeypatch.setenv("REVIEW_WORKFLOW_NOW", "2026-03-02T09:30:00+08:00")
    return database_url


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def test_demo_writes_tokens_for_every_role_in_one_agency(env: str, tmp_path: Path) -> None:
    assert run("init")[0] == 0
    tokens_file = tmp_path / "tokens.json"
    code, out = run("demo", "--tokens", str(tokens_file))
    assert code == 0, out
    users = json.loads(tokens_file.read_text(encoding="utf-8"))
    by_agency: dict[str, set[str]] = {}
    for info in users.values():
        assert len(info["token"]) > 20
        by_agency.setdefault(info["agency"], set()).update(info["roles"])
    assert any(
        roles >= {"handler", "reviewer", "legal_head", "agency_head", "admin"} for roles in by_agency.values()
    )
    assert any("supervisor" in roles for roles in by_agency.values())
    code, out = run("demo", "--tokens", str(tokens_file))
    assert code == 2 and "--reset" in out
    assert run("demo", "--tokens", str(tokens_file), "--reset")[0] == 0


def test_audit_verify_passes_on_demo_data_and_fails_after_an_edit(env: str, tmp_path: Path) -> None:
    run("init")
    run("demo", "--tokens", str(tmp_path / "t.json"))
    code, out = run("audit", "verify")
    assert code == 0 and "完整" in out
    engine = create_engine(env.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as conn:
        row = conn.execute(text("select id from audit_events where event = 'submit' order by id limit 1")).one()
        conn.execute(text("update audit_events set event = 'approve' where id = :id"), {"id": row.id})
    engine.dispose()
    code, out = run("audit", "verify")
    assert code == 1
    assert f"audit_events.id={row.id}" in out


def test_workflows_list_show_and_diagram(env: str) -> None:
    code, out = run("workflows", "list")
    assert code == 0 and "major_decision_review" in out and "重大执法决定法制审核" in out
    code, out = run("workflows", "show", "major_decision_review")
    assert code == 0 and "under_review" in out and "送审" in out
    code, out = run("workflows", "diagram", "major_decision_review")
    assert code == 0 and out.startswith("stateDiagram-v2")
    code, out = run("workflows", "show", "nope")
    assert code == 2 and "nope" in out


def test_a_workflow_with_a_transition_to_an_unknown_state_stops_start_up(
    env: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = yaml.safe_load((PROJECT_ROOT / "workflows/major_decision_review.yaml").read_text(encoding="utf-8"))
    data["transitions"][0]["dest"] = "under_reveiw"
    folder = tmp_path / "workflows"
    folder.mkdir()
    (folder / "roles.yaml").write_bytes((PROJECT_ROOT / "workflows/roles.yaml").read_bytes())
    bad = folder / "major_decision_review.yaml"
    bad.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("REVIEW_WORKFLOW_WORKFLOWS_DIR", str(folder))
    for command in (["init"], ["serve"], ["workflows", "list"]):
        code, out = run(*command)
        assert code == 2
        assert str(bad) in out and "transitions[0].dest" in out and "under_reveiw" in out


def _copy(src: Path, dest: Path) -> Path:
    shutil.copytree(src, dest)  # with the scoring sheets' folder
    return dest


def _plant(template: Path, text_from: str, text_to: str) -> None:
    """Rewrite one text of a .docx template in place (word/document.xml)."""
    import zipfile

    parts = {}
    with zipfile.ZipFile(template) as z:
        for info in z.infolist():
            parts[info.filename] = z.read(info)
    xml = parts["word/document.xml"].decode("utf-8")
    assert text_from in xml
    parts["word/document.xml"] = xml.replace(text_from, text_to, 1).encode("utf-8")
    with zipfile.ZipFile(template, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)


def test_a_broken_template_stops_start_up_naming_the_template(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    templates = _copy(PROJECT_ROOT / "doc_templates", tmp_path / "templates")
    _plant(templates / "filing_report.docx", "{{ data.decision_no }}", "{{ broken")
    monkeypatch.setenv("REVIEW_WORKFLOW_TEMPLATES_DIR", str(templates))
    code, out = run("workflows", "list")
    assert code == 2
    assert "filing_report.docx" in out and "模板语法错误" in out and "major_penalty_filing.yaml" in out


def test_a_template_naming_an_unknown_field_stops_start_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    templates = _copy(PROJECT_ROOT / "doc_templates", tmp_path / "templates")
    _plant(templates / "filing_report.docx", "{{ data.decision_no }}", "{{ data.decision_number }}")
    _plant(templates / "disclosure_notice.docx", "{{ data.category }}", "{{ data.category|shout }}")
    monkeypatch.setenv("REVIEW_WORKFLOW_TEMPLATES_DIR", str(templates))
    code, out = run("workflows", "list")
    assert code == 2
    assert "data.decision_number：流程没有这个案件字段" in out
    assert "未知的过滤器 'shout'" in out  # every problem is printed, not only the first


def test_every_load_error_of_every_file_is_printed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _copy(PROJECT_ROOT / "workflows", tmp_path / "workflows")
    review = yaml.safe_load((folder / "major_decision_review.yaml").read_text(encoding="utf-8"))
    review["transitions"][0]["dest"] = "limbo"
    review["transitions"][1]["roles"] = ["janitor"]
    (folder / "major_decision_review.yaml").write_text(yaml.safe_dump(review, allow_unicode=True), encoding="utf-8")
    disclosure = yaml.safe_load((folder / "enforcement_disclosure.yaml").read_text(encoding="utf-8"))
    disclosure["timers"]["disclosure_period"]["opens"]["from_field"] = "decided_on"
    (folder / "enforcement_disclosure.yaml").write_text(yaml.safe_dump(disclosure, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("REVIEW_WORKFLOW_WORKFLOWS_DIR", str(folder))
    code, out = run("workflows", "list")
    assert code == 2 and "3 处问题" in out
    assert "transitions[0].dest" in out and "'limbo'" in out
    assert "transitions[1].roles" in out and "'janitor'" in out
    assert "timers.disclosure_period.opens.from_field" in out and "'decided_on'" in out


def test_workflows_show_lists_guards_timers_documents_and_children() -> None:
    code, out = run("workflows", "show", "penalty_case")
    assert code == 0
    assert "守卫：child_outcome(workflow=major_decision_review, fire=review_passed, since=propose_decision) 其一成立时 penalty_reaches(" in out
    assert "子流程：major_penalty_filing 当 penalty_reaches(" in out and "子流程：enforcement_disclosure" in out
    assert "decision_period" in out and "90d" in out and "文书：penalty_decision" in out
    assert "penalty_decision.docx" in out and "中止：request_hearing,exclude_time" in out
