"""The command line for a newcomer: the database scripts/run uses by default, one-line errors with their
own exit codes (no schema: 2; a schema not current: 4; a busy port: 5), every help screen in Chinese."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from review_workflow.cli import EXIT_INVALID, EXIT_PORT_BUSY, EXIT_SCHEMA, app
from review_workflow.config import PROJECT_ROOT, Settings
from review_workflow.storage import migrate
from tests.integration import previous_release as old

runner = CliRunner()


def run(url: str | None, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args), env={"REVIEW_WORKFLOW_DATABASE_URL": url, "REVIEW_WORKFLOW_NOW": "2026-03-03T10:00:00+08:00"})
    return result.exit_code, result.output


def one_line_error(out: str) -> str:
    lines = [line for line in out.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("错误："), out
    assert "Traceback" not in out
    return lines[0]


def test_the_cli_uses_the_database_scripts_run_uses(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REVIEW_WORKFLOW_DATABASE_URL", raising=False)
    expected = PROJECT_ROOT / "var" / "review_workflow.db"
    assert Settings().database_url == f"sqlite:///{expected}"
    run_script = (PROJECT_ROOT / "scripts" / "run").read_text(encoding="utf-8")
    assert "sqlite:///$ROOT/var/review_workflow.db" in run_script and "review-workflow db upgrade" in run_script


def test_a_database_file_that_is_not_there_is_one_line_and_exit_2(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'var' / 'review_workflow.db'}"
    for args in (["tokens", "list"], ["audit", "verify"], ["serve"], ["worker", "--once"], ["db", "current"]):
        code, out = run(url, *args)
        assert code == EXIT_INVALID and "review-workflow init" in one_line_error(out), args
    assert not (tmp_path / "var").exists()  # nothing was created on the way


def test_a_database_without_tables_is_one_line_and_exit_2(database_url: str, tmp_path: Path) -> None:
    if database_url.startswith("sqlite"):
        Path(database_url.removeprefix("sqlite:///")).touch()
    for args in (["tokens", "list"], ["audit", "verify"], ["serve"], ["worker", "--once"]):
        code, out = run(database_url, *args)
        assert code == EXIT_INVALID and "review-workflow init" in one_line_error(out), args


def test_serve_and_worker_refuse_a_schema_that_is_not_current_until_it_is_upgraded(database_url: str) -> None:
    old.load(database_url)
    for args in (["serve"], ["worker", "--once"]):
        code, out = run(database_url, *args)
        assert code == EXIT_SCHEMA and "review-workflow db upgrade" in one_line_error(out), args
    assert run(database_url, "db", "current")[0] == EXIT_SCHEMA
    assert run(database_url, "db", "check")[0] == EXIT_SCHEMA
    code, out = run(database_url, "db", "upgrade")
    assert code == 0 and "已升级" in out, out
    assert run(database_url, "db", "current") == (0, f"数据库结构版本 {migrate.head()}（最新）。\n")
    assert run(database_url, "db", "check")[0] == 0
    assert run(database_url, "db", "upgrade") == (0, f"数据库已是最新结构版本 {migrate.head()}，无需升级。\n")
    code, out = run(database_url, "worker", "--once")
    assert code == 0, out


@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


def test_serve_on_a_busy_port_exits_5(tmp_path: Path, busy_port: int) -> None:
    url = f"sqlite:///{tmp_path / 'review.db'}"
    assert run(url, "init")[0] == 0
    code, out = run(url, "serve", "--port", str(busy_port))
    assert code == EXIT_PORT_BUSY and "端口已被占用" in one_line_error(out)


def _commands(group: typer.Typer) -> Iterator[list[str]]:
    command = typer.main.get_command(group)
    stack: list[tuple[list[str], object]] = [([], command)]
    while stack:
        path, cmd = stack.pop()
        yield path
        for name, sub in getattr(cmd, "commands", {}).items():
            stack.append(([*path, name], sub))


ENGLISH = re.compile(r"Usage|Options|Commands|Arguments|Show this|default:|required|Error|Try |<(bool|str|int|float|path)>|\[OPTIONS\]|COMMAND")


def test_every_help_screen_is_in_chinese_and_lists_the_exit_codes() -> None:
    paths = list(_commands(app))
    assert len(paths) > 20
    for path in paths:
        result = runner.invoke(app, [*path, "--help"], env={"COLUMNS": "120"})
        assert result.exit_code == 0, (path, result.output)
        assert not ENGLISH.search(result.output), (path, result.output)
        assert "用法：" in result.output and "显示本帮助并退出。" in result.output
    top = "".join(runner.invoke(app, ["--help"]).output.split())
    assert all(f"{code}{what}" in top for code, what in ((0, "成功"), (1, "审计链"), (2, "参数"), (3, "期限"), (4, "数据库结构"), (5, "端口")))


def test_usage_errors_are_in_chinese() -> None:
    for args, said in (
        (["tokens", "revoke"], "缺少参数“编号”"),
        (["serve", "--bad"], "没有选项 --bad"),
        (["serve", "--port", "abc"], "应为整数"),
        (["nope"], "没有命令"),
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 2 and said in result.output and not ENGLISH.search(result.output), result.output
