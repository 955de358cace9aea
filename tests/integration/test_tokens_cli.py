"""`review-workflow tokens create|list|revoke`, and the demo's tokens file, against the real API."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from review_workflow.api.app import create_app
from review_workflow.cli import app
from review_workflow.config import Settings
from review_workflow.runtime import build_runtime

runner = CliRunner()


@pytest.fixture
def env(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REVIEW_WORKFLOW_DATABASE_URL", database_url)
    monkeypatch.setenv("REVIEW_WORKFLOW_NOW", "2026-03-02T09:30:00+08:00")
    assert run("init")[0] == 0


@pytest.fixture
def demo(env: None, tmp_path: Path) -> dict[str, dict[str, str]]:
    tokens_file = tmp_path / "demo-tokens.json"
    code, out = run("demo", "--tokens", str(tokens_file))
    assert code == 0, out
    return json.loads(tokens_file.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


@pytest.fixture
def api(database_url: str, demo: dict[str, dict[str, str]]) -> Iterator[TestClient]:
    rt = build_runtime(Settings(database_url=database_url, now="2026-03-02T10:00:00+08:00", scheduler_enabled=False))  # type: ignore[arg-type]
    yield TestClient(create_app(rt), raise_server_exceptions=False)
    rt.db.dispose()


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def whoami(api: TestClient, token: str) -> tuple[int, str]:
    r = api.get("/api/me", headers={"Authorization": f"Bearer {token}"})
    return r.status_code, r.json().get("username") or r.json()["code"]


def test_the_demo_tokens_open_the_api(demo: dict[str, dict[str, str]], api: TestClient) -> None:
    for username, info in demo.items():
        assert whoami(api, info["token"]) == (200, username)


def test_create_prints_the_token_once_and_it_opens_the_api(
    demo: dict[str, dict[str, str]], api: TestClient
) -> None:
    code, out = run("tokens", "create", "--user", "zhangwei", "--name", "数据对接", "--days", "30")
    assert code == 0, out
    lines = out.strip().splitlines()
    assert "已为 zhangwei 签发令牌" in lines[0] and "有效期至 2026-04-01 09:30" in lines[0]
    token = lines[-1]
    assert whoami(api, token) == (200, "zhangwei")
    code, out = run("tokens", "list", "--user", "zhangwei")
    assert code == 0 and "数据对接" in out and "默认令牌" in out and "有效" in out
    assert token not in out  # never shown again


def test_list_shows_every_user_s_tokens_and_revoke_ends_one(
    demo: dict[str, dict[str, str]], api: TestClient
) -> None:
    code, out = run("tokens", "list")
    assert code == 0 and all(username in out for username in demo)
    run("tokens", "create", "--user", "wangfang", "--name", "临时")
    listed = run("tokens", "list", "--user", "wangfang")[1]
    token_id = next(line.split()[0] for line in listed.splitlines() if line.endswith("临时"))
    code, out = run("tokens", "revoke", token_id)
    assert code == 0 and f"已吊销令牌 {token_id}（wangfang 的“临时”）" in out
    revoked = next(line for line in run("tokens", "list", "--user", "wangfang")[1].splitlines() if line.endswith("临时"))
    assert "已吊销" in revoked
    assert whoami(api, demo["wangfang"]["token"]) == (200, "wangfang")  # the other token stays good
    code, out = run("tokens", "revoke", token_id)
    assert code == 2 and "已于" in out and "吊销" in out


def test_a_revoked_demo_token_is_refused_by_the_api(demo: dict[str, dict[str, str]], api: TestClient) -> None:
    listed = run("tokens", "list", "--user", "lijing")[1]
    [token_id] = [line.split()[0] for line in listed.splitlines()[1:]]
    assert run("tokens", "revoke", token_id)[0] == 0
    assert whoami(api, demo["lijing"]["token"]) == (401, "token_revoked")


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("tokens", "create", "--user", "nobody", "--name", "x"), "用户“nobody”不存在"),
        (("tokens", "create", "--user", "zhangwei"), "请用 --user 指定用户名、用 --name 指定令牌名称"),
        (("tokens", "create", "--name", "x"), "请用 --user 指定用户名"),
        (("tokens", "create", "--user", "zhangwei", "--name", "x", "--days", "abc"), "有效天数应为正整数"),
        (("tokens", "create", "--user", "zhangwei", "--name", "x", "--days", "0"), "有效天数应为正整数"),
        (("tokens", "create", "--user", "zhangwei", "--name", "x", "--days", "4000"), "有效天数须在 1 到 3650 之间"),
        (("tokens", "create", "--user", "zhangwei", "--name", " "), "令牌名称须为"),
        (("tokens", "list", "--user", "nobody"), "用户“nobody”不存在"),
        (("tokens", "revoke", "abc"), "令牌编号应为正整数"),
        (("tokens", "revoke", "99999999999999"), "令牌编号应为正整数"),
        (("tokens", "revoke", "999999"), "没有编号为 999999 的令牌"),
    ],
)
def test_bad_input_is_a_chinese_sentence_and_exit_code_2(env: None, args: tuple[str, ...], says: str) -> None:
    code, out = run(*args)
    assert code == 2 and out.startswith("错误：") and says in out, out
    assert "Traceback" not in out


def test_the_help_is_in_chinese() -> None:
    code, out = run("tokens", "--help")
    assert code == 0 and "签发" in out and "吊销" in out
    code, out = run("tokens", "create", "--help")
    assert code == 0 and "有效天数" in out and "只显示这一次" in out
