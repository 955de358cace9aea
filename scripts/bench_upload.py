"""Upload and hash a large file through the real server: `POST /api/cases/{id}/attachments` to
`review-workflow serve` on a local port, the body streamed by the client in 1 MB pieces, the server parsing,
hashing and writing it as it arrives. Reports the throughput and the server's peak resident memory
(VmHWM from /proc) before and after, which must stay flat whatever the file's size.

    .venv/bin/python scripts/bench_upload.py            # 100 MB, then 1000 MB
    .venv/bin/python scripts/bench_upload.py --mb 100   # one size

Target (issue 15): ≥ 100 MB/s for 100 MB with flat memory. Figures go in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import struct
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

MB = 1024 * 1024
BOUNDARY = "bench-upload-boundary"


def _cli() -> list[str]:
    script = Path(sys.executable).with_name("review-workflow")
    return [str(script)] if script.exists() else [sys.executable, "-m", "review_workflow.cli"]


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def body(size_mb: int) -> Iterator[bytes]:
    """A multipart body with one MP4-looking file of `size_mb` MB (random bytes after an 'ftyp' box)."""
    yield (
        f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"caption\"\r\n\r\n基准测试\r\n"
        f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"bench.mp4\"\r\n"
        "Content-Type: video/mp4\r\n\r\n"
    ).encode()
    piece = bytearray(os.urandom(MB))
    piece[:24] = struct.pack(">I", 24) + b"ftypisom" + b"\0\0\2\0" + b"isomiso2"
    for i in range(size_mb):
        yield bytes(piece) if i == 0 else piece[24:] + piece[:24]  # not all equal, all 1 MB
    yield f"\r\n--{BOUNDARY}--\r\n".encode()


def pipeline(size_mb: int) -> None:
    """The server's own part without HTTP: the push parser, SHA-256 and the disk write, fed 64 KB pieces."""
    from python_multipart.multipart import MultipartParser

    from review_workflow.adapters.file_store import LocalFileStore
    from review_workflow.api.uploads import _Parts

    root = Path(tempfile.mkdtemp(prefix="rw-bench-pipeline-"))
    parts = _Parts(LocalFileStore(root), size_mb * MB + MB, lambda head, size: None)
    parser = MultipartParser(BOUNDARY.encode(), parts.callbacks())  # type: ignore[arg-type]
    started = time.perf_counter()
    for chunk in body(size_mb):
        for at in range(0, len(chunk), 65536):
            parser.write(chunk[at : at + 65536])
    parser.finalize()
    assert parts.pending is not None
    parts.pending.commit()
    seconds = time.perf_counter() - started
    print(f"{size_mb:>5} MB  {seconds:6.2f} s  {size_mb / seconds:7.1f} MB/s  parse + hash + write, no HTTP")
    subprocess.run(["rm", "-rf", str(root)], check=False)


def run(sizes: list[int]) -> None:
    home = Path(tempfile.mkdtemp(prefix="rw-bench-upload-"))
    env = {
        **os.environ,
        "REVIEW_WORKFLOW_DATABASE_URL": f"sqlite:///{home / 'review.db'}",
        "REVIEW_WORKFLOW_NOW": "2026-03-02T09:30:00+08:00",
        "REVIEW_WORKFLOW_SCHEDULER_ENABLED": "false",
        "REVIEW_WORKFLOW_SECRET_KEY": secrets.token_urlsafe(48),
        "REVIEW_WORKFLOW_UPLOAD_MAX_MB": json.dumps({"photo": 20, "pdf": 50, "audio": 500, "video": max(sizes) + 1}),
    }
    tokens = home / "tokens.json"
    for args in (["init"], ["demo", "--tokens", str(tokens)]):
        subprocess.run([*_cli(), *args], env=env, check=True, capture_output=True)
    token = json.loads(tokens.read_text(encoding="utf-8"))["zhangwei"]["token"]
    port = _free_port()
    server = subprocess.Popen([*_cli(), "serve", "--host", "127.0.0.1", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                if httpx.get(f"{url}/api/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        client = httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=600)
        case_id = client.get("/api/cases", params={"q": "某商店销售无标签食品案"}).json()["data"][0]["id"]
        print(f"server pid {server.pid}, peak RSS after start {peak_rss_mb(server.pid):.0f} MB")
        for size in sizes:
            before = peak_rss_mb(server.pid)
            started = time.perf_counter()
            r = client.post(f"/api/cases/{case_id}/attachments", content=body(size),
                            headers={"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"})
            seconds = time.perf_counter() - started
            assert r.status_code == 201, r.text
            after = peak_rss_mb(server.pid)
            print(f"{size:>5} MB  {seconds:6.2f} s  {size / seconds:7.1f} MB/s  "
                  f"server peak RSS {before:.0f} → {after:.0f} MB  sha256 {r.json()['sha256'][:16]}…")
    finally:
        server.terminate()
        server.wait(timeout=10)
        subprocess.run(["rm", "-rf", str(home)], check=False)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mb", type=int, action="append", help="file size in MB (repeatable); default 100 and 1000")
    chosen = parser.parse_args().mb or [100, 1000]
    pipeline(chosen[0])
    run(chosen)
