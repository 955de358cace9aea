"""`review-workflow serve --workers 2 --no-scheduler` on PostgreSQL, as docs/deployment.md runs it: two
server processes each build their runtime from the environment and answer; a case moves through them."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from review_workflow.runtime import Runtime
from tests.conftest import SUBMISSION, People
from tests.integration.test_readme import cli
from tests.servers import free_port, running_server


def children(pid: int) -> list[int]:
    found = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in found.read_text().split()] if found.exists() else []


@pytest.fixture
def served(rt: Runtime, tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    port = free_port()
    env = {**os.environ, "REVIEW_WORKFLOW_DATABASE_URL": rt.settings.database_url}
    env["REVIEW_WORKFLOW_NOW"] = rt.clock.now().isoformat()
    args = [*cli(), "serve", "--port", str(port), "--workers", "2", "--no-scheduler"]
    # seconds on an idle machine; minutes on a starved one
    with running_server(args, tmp_path / "server.log", start_seconds=240, env=env) as served:
        yield served


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_two_server_processes_share_one_database(
    served: tuple[str, subprocess.Popen[bytes]], people: People
) -> None:
    url, proc = served
    if Path(f"/proc/{proc.pid}/task/{proc.pid}/children").exists():
        deadline = time.monotonic() + 30
        while len(children(proc.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert len(children(proc.pid)) >= 2  # the supervisor and its two workers
    auth = {"Authorization": f"Bearer {people.handler.token}"}
    with httpx.Client(base_url=url, headers=auth, timeout=30) as client:
        created = client.post(
            "/api/cases", json={"workflow": "major_decision_review", "title": "某案", "party": "某公司"}
        )
        assert created.status_code == 201, created.text
        case = created.json()
        for _ in range(4):  # new connections: the requests land on either process
            with httpx.Client(base_url=url, headers=auth, timeout=30) as fresh:
                assert fresh.get(f"/api/cases/{case['id']}").json()["version"] == case["version"]
        moved = client.post(
            f"/api/cases/{case['id']}/events/submit", json=SUBMISSION, headers={"If-Match": str(case["version"])}
        )
        assert moved.status_code == 200, moved.text
        again = client.post(
            f"/api/cases/{case['id']}/events/submit", json=SUBMISSION, headers={"If-Match": str(case["version"])}
        )
        assert again.status_code == 409 and again.json()["code"] == "stale_version"
