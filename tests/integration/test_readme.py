"""The README's quick start, run as written: its bash blocks under "Running it", in order, against a server
started the way `scripts/run` starts one (db upgrade, demo, serve) in a fresh directory, on a free port."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from review_workflow.config import PROJECT_ROOT
from tests.servers import free_port, running_server

README = PROJECT_ROOT / "README.md"
README_URL = "http://127.0.0.1:8000"


def quick_start_blocks() -> list[str]:
    """The ```bash blocks of the section "Running it", in order."""
    text = README.read_text(encoding="utf-8")
    section = text.split("\n## Running it\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```bash\n(.*?)```", section, flags=re.S)


def answers(out: str) -> list[dict[str, object]]:
    """The JSON documents curl printed one after the other (without newlines between them)."""
    decoder, found, at = json.JSONDecoder(), [], 0
    while at < len(out.rstrip()):
        value, at = decoder.raw_decode(out, at)
        found.append(value)
        while at < len(out) and out[at].isspace():
            at += 1
    return found


def cli() -> list[str]:
    script = Path(sys.executable).with_name("review-workflow")
    return [str(script)] if script.exists() else [sys.executable, "-m", "review_workflow.cli"]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """A project-like directory (var/ with the database and the demo tokens) and its server's URL."""
    home = tmp_path_factory.mktemp("newcomer")
    (home / "var").mkdir()
    env = {**os.environ, "REVIEW_WORKFLOW_DATABASE_URL": f"sqlite:///{home / 'var' / 'review_workflow.db'}"}
    for name in ("REVIEW_WORKFLOW_NOW", "REVIEW_WORKFLOW_ENV"):
        env.pop(name, None)  # the real clock, as on a newcomer's machine
    for args in (["db", "upgrade"], ["demo", "--tokens", "var/demo-tokens.json"]):
        done = subprocess.run([*cli(), *args], cwd=home, env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stdout + done.stderr
    port = free_port()
    args = [*cli(), "serve", "--port", str(port)]
    env = {**env, "REVIEW_WORKFLOW_SCHEDULER_ENABLED": "false"}
    with running_server(args, home / "server.log", start_seconds=60, cwd=home, env=env) as (url, _):
        yield home, url


def test_the_readme_quick_start_runs_as_written(served: tuple[Path, str]) -> None:
    home, url = served
    blocks = quick_start_blocks()
    assert blocks and all(README_URL in b for b in blocks)
    script = "\n".join(blocks).replace(README_URL, url)
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script], cwd=home, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr
    printed = answers(done.stdout)
    assert len(printed) == 2  # the case created was read by the script, not printed
    tasks, submitted = printed
    assert tasks["count"] >= 1 and tasks["data"]
    assert submitted["state"] == "under_review" and submitted["version"] == 2, submitted
    assert submitted["workflow"] == "major_decision_review" and submitted["title"] == "某公司销售过期食品案"
