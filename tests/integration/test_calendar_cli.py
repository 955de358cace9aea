"""`review-workflow calendar …`: the contract the acceptance checks use, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from review_workflow.cli import app
from review_workflow.config import PROJECT_ROOT

EXAMPLE_2027 = PROJECT_ROOT / "docs" / "calendar-arrangement-example.yaml"
runner = CliRunner()


@pytest.fixture(autouse=True)
def env(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REVIEW_WORKFLOW_DATABASE_URL", database_url)
    assert runner.invoke(app, ["init"]).exit_code == 0


def run(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), input=stdin)
    return result.exit_code, result.stdout, result.stderr


def last_line(text: str) -> str:
    return text.strip().splitlines()[-1]


def test_due_prints_the_date_as_the_last_line() -> None:
    code, out, _ = run("calendar", "due", "2026-02-06", "7wd")
    assert (code, last_line(out)) == (0, "2026-02-24")
    code, out, _ = run("calendar", "due", "2026-02-06", "15d")
    assert (code, last_line(out)) == (0, "2026-02-24")


def test_an_unpublished_year_exits_3_naming_it_until_the_year_is_loaded() -> None:
    code, out, err = run("calendar", "due", "2026-12-18", "20wd")
    assert code == 3 and "2027" in err and out == ""
    code, out, _ = run("calendar", "due", "2026-12-18", "20wd", "--provisional")
    assert code == 0 and last_line(out) == "2027-01-15" and "暂定" in out
    code, out, _ = run("calendar", "load", str(EXAMPLE_2027))
    assert code == 0 and "2027" in out
    code, out, _ = run("calendar", "due", "2026-12-18", "20wd")
    assert (code, out.strip()) == (0, "2027-01-18")
    code, out, _ = run("calendar", "years")
    assert "2027  示例（非官方，仅演示导入格式）" in out and "2026  chinese_calendar" in out


def test_due_dash_reads_pairs_from_stdin_and_answers_each_line() -> None:
    stdin = (
        "2026-02-06 7wd\n\n2026-02-24 7wd\n2026-12-18 20wd\n2026-02-30 3wd\n2026-02-06 7days\n2026-02-06\n"
    )
    code, out, _ = run("calendar", "due", "-", stdin=stdin)
    assert code == 0
    lines = out.strip().splitlines()
    assert lines[:2] == ["2026-02-06 7wd 2026-02-24", "2026-02-24 7wd 2026-03-04"]
    assert lines[2].startswith("2026-12-18 20wd ERROR ") and "2027" in lines[2]
    assert lines[3].startswith("2026-02-30 3wd ERROR ")
    assert lines[4].startswith("2026-02-06 7days ERROR ")
    assert lines[5].startswith("2026-02-06 ERROR ")
    assert len(lines) == 6


def test_explain_names_every_rest_day_skipped() -> None:
    code, out, _ = run("calendar", "explain", "2026-02-06", "7wd")
    assert code == 0
    assert "2026-02-14 星期六 第6个工作日（调休上班）" in out
    assert "2026-02-17 星期二 跳过：春节" in out and "2026-02-08 星期日 跳过：周末" in out
    assert last_line(out).startswith("期限届满日：2026-02-24")


@pytest.mark.parametrize(
    "args",
    [
        ("calendar", "due", "2026-2-6x", "7wd"),
        ("calendar", "due", "2026-02-06", "0wd"),
        ("calendar", "due", "2026-02-06"),
    ],
)
def test_bad_input_exits_2_with_a_sentence(args: tuple[str, ...]) -> None:
    code, out, err = run(*args)
    assert code == 2 and err.startswith("错误：") and out == ""


def test_load_refuses_a_bad_file_and_keeps_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "2027.csv"
    bad.write_text("date,kind,name\n2027-01-01,rest,元旦\n2027-02-15,work,春节调休\n", encoding="utf-8")
    code, _, err = run("calendar", "load", str(bad))
    assert code == 2 and "调休上班日只能是周六或周日" in err
    assert run("calendar", "due", "2026-12-18", "20wd")[0] == 3
    assert run("calendar", "load", str(tmp_path / "missing.yaml"))[0] == 2
    assert run("calendar", "load", str(PROJECT_ROOT / "README.md"))[0] == 2
