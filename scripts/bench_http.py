"""HTTP: transitions per second through the API, uvicorn with 1 and 2 worker processes, on PostgreSQL.

The server is `review-workflow serve --workers N` (as deployed); the load comes from
scripts/bench_http_load.py in its own process. Compared, in the same run and on the same database, with
the same events fired in process through services.cases.fire (what the HTTP layer adds).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench_common import WORKFLOW, Cast, settings_env

from review_workflow.runtime import Runtime
from review_workflow.services.cases import fire, start_case

SCRIPTS = Path(__file__).resolve().parent
SUBMIT = {"summary": "当事人销售超过保质期的食品。", "proposed_decision": "拟罚款二十万元。", "materials": ["调查终结报告"]}
APPROVE = {"opinion": "同意。"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def server(url: str, workflows_dir: Path | None, workers: int) -> Iterator[int]:
    port = free_port()
    cmd = [  # as deployed (docs/deployment.md)
        str(Path(sys.executable).with_name("review-workflow")), "serve", "--host", "127.0.0.1", "--port", str(port),
        "--workers", str(workers), "--no-scheduler",
    ]
    env = {**os.environ, **settings_env(url, workflows_dir)}
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        ready = 0
        while ready < workers:  # every worker answers once it has started (best effort: the OS picks)
            if proc.poll() is not None:
                raise RuntimeError(f"uvicorn exited: {proc.stderr.read().decode()[-2000:] if proc.stderr else ''}")
            if time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not answer within 60 s")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=2) as r:
                    ready += r.status == 200
            except OSError:
                time.sleep(0.2)
        time.sleep(0.5 * workers)  # let the other workers finish their start-up
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def make_cases(rt: Runtime, c: Cast, count: int) -> list[int]:
    return [start_case(rt, c.handler_id, WORKFLOW, "某公司销售过期食品案", "某食品有限公司").id for _ in range(count)]


def in_process(rt: Runtime, c: Cast, cases: list[int]) -> float:
    """Seconds per transition, submit then approve on each case, through services.cases.fire."""
    t0 = time.perf_counter()
    for case in cases:
        fire(rt, case, "submit", c.handler_id, SUBMIT, 1)
        fire(rt, case, "approve", c.reviewer_id, APPROVE, 2)
    return (time.perf_counter() - t0) / (2 * len(cases))


def load(
    port: int, workdir: Path, c: Cast, cases: list[int], concurrency: int, seconds: float, warmup: float,
    rate: float = 0.0,
) -> dict[str, Any]:
    """One run of the load generator: closed loop, or open loop at `rate` requests per second."""
    tokens, listed = workdir / "http-tokens.json", workdir / "http-cases.json"
    tokens.write_text(json.dumps({"handler": c.handler_token, "reviewer": c.reviewer_token}))
    listed.write_text(json.dumps(cases))
    cmd = [
        sys.executable, str(SCRIPTS / "bench_http_load.py"), "--port", str(port), "--tokens", str(tokens),
        "--cases", str(listed), "--concurrency", str(concurrency), "--seconds", str(seconds),
        "--warmup", str(warmup), "--rate", str(rate),
    ]
    before = cpu_times()
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + warmup + 120, check=True)
    after = cpu_times()
    got = dict(json.loads(out.stdout.strip().splitlines()[-1]))
    if before and after:  # how busy the whole machine was (server, PostgreSQL, load generator)
        got["machine_busy"] = 1 - (after[1] - before[1]) / max(1, after[0] - before[0])
    return got


def cpu_times() -> tuple[int, int] | None:
    """The machine's CPU time so far, all cores (Linux /proc/stat): (total, idle), in ticks."""
    try:
        with open("/proc/stat") as f:
            ticks = [int(x) for x in f.readline().split()[1:]]
    except OSError:
        return None
    return sum(ticks), ticks[3] + ticks[4]  # idle + iowait
