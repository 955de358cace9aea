"""The service for real, in a real browser.

`review-workflow init` and `demo` build a fresh SQLite file (demo data made on a pinned day), one sweep
queues the deadline alerts ten days later, and `review-workflow serve` runs on a free local port with
the clock pinned to that later day and the scheduler off. Playwright drives Debian's headless Chromium
(/usr/bin/chromium; `scripts/test` installs it) — never a browser of Playwright's own.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect

from review_workflow.config import Settings
from review_workflow.runtime import build_runtime
from review_workflow.services import alerts
from tests.conftest import IN_CI
from tests.servers import free_port, running_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DEMO_DAY = "2026-03-02T09:30:00+08:00"  # the demo cases are submitted, returned, approved on this day
SERVE_DAY = (
    "2026-03-12T09:30:00+08:00"  # the server's "now": reviews in their warning lead, a supplement overdue
)
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@dataclass
class Server:
    url: str
    users: dict[str, dict[str, Any]]  # the demo tokens file: {username: {token, password, roles, agency}}
    log: Path

    def api(self, username: str) -> httpx.Client:
        return httpx.Client(
            base_url=self.url,
            headers={"Authorization": f"Bearer {self.users[username]['token']}"},
            timeout=30,
        )


def _cli() -> list[str]:
    script = Path(sys.executable).with_name("review-workflow")
    return [str(script)] if script.exists() else [sys.executable, "-m", "review_workflow.cli"]


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    home = tmp_path_factory.mktemp("e2e")
    database = f"sqlite:///{home / 'review.db'}"
    env = {
        **os.environ,
        "REVIEW_WORKFLOW_DATABASE_URL": database,
        "REVIEW_WORKFLOW_NOW": DEMO_DAY,
        "REVIEW_WORKFLOW_SCHEDULER_ENABLED": "false",
        "REVIEW_WORKFLOW_SECRET_KEY": secrets.token_urlsafe(48),
    }
    env.pop("REVIEW_WORKFLOW_ENV", None)
    tokens = home / "demo-tokens.json"
    for args in (["init"], ["demo", "--tokens", str(tokens)]):
        done = subprocess.run([*_cli(), *args], env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr
    rt = build_runtime(Settings(database_url=database, now=SERVE_DAY, scheduler_enabled=False))  # type: ignore[arg-type]
    try:
        alerts.sweep(rt)
    finally:
        rt.db.dispose()
    port = free_port()
    log = home / "server.log"
    args = [*_cli(), "serve", "--host", "127.0.0.1", "--port", str(port)]
    # a loaded machine (other suites in parallel) starts it slowly
    with running_server(args, log, start_seconds=90, env={**env, "REVIEW_WORKFLOW_NOW": SERVE_DAY}) as (url, _):
        yield Server(url=url, users=json.loads(tokens.read_text(encoding="utf-8")), log=log)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing: scripts/test installs Debian's chromium when run as root"
        if IN_CI:
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


class Visit:
    """One person's browser window: its own cookies, the console errors it saw."""

    def __init__(self, browser: Any, server: Server, viewport: dict[str, int] = DESKTOP) -> None:
        self.server = server
        self.context = browser.new_context(viewport=viewport, locale="zh-CN", accept_downloads=True)
        self.context.set_default_timeout(20_000)
        self.page: Page = self.context.new_page()
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", self._console)
        self.page.on("dialog", self._dialog)

    def _console(self, message: Any) -> None:
        if message.type == "error":
            self.errors.append(message.text)

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def go(self, path: str) -> Page:
        self.page.goto(self.server.url + path)
        return self.page

    def login(self, username: str, password: str | None = None) -> Page:
        page = self.go("/login")
        page.fill("#username", username)
        page.fill("#password", password or self.server.users[username]["password"])
        page.click("form[action='/login'] button[type=submit]")
        return page

    def form(self, event: str) -> Any:
        details = self.page.locator(f"#event-{event}")
        if details.get_attribute("open") is None:
            details.locator("summary").click()
        return details.locator(f"form[data-event='{event}']")

    def state_is(self, title: str) -> None:
        expect(self.page.get_by_test_id("case-state")).to_have_text(title)

    def shot(self, folder: Path, name: str) -> None:
        self.page.wait_for_load_state("networkidle")
        self.page.screenshot(path=str(folder / name), full_page=True)

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def visit(browser: Any, server: Server) -> Iterator[Any]:
    opened: list[Visit] = []

    def make(username: str | None = None, viewport: dict[str, int] = DESKTOP) -> Visit:
        v = Visit(browser, server, viewport)
        opened.append(v)
        if username:
            v.login(username)
            expect(v.page).to_have_url(f"{server.url}/inbox")
        return v

    yield make
    for v in opened:
        v.close()
