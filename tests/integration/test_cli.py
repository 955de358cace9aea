"""The command line: init, demo, workflows, audit verify, and a bad workflow file at start."""

from __future__ import annotations

import json
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
