"""Real local servers: our own `review-workflow serve` in a process of its own (`running_server`), and for
delivery tests an SMTP sink (aiosmtpd) and a webhook receiver.

Both bind 127.0.0.1, pick a free port on first start and keep it: `stop()` then `start()` comes
back on the same port, for "the server was down, now it is up" tests. `start(port=...)` binds a
given port (e.g. one from `free_port()` that nothing listened on yet).

    sink = SmtpSink().start()
    try: ... sink.messages[0].message["Subject"] ...
    finally: sink.stop()

Both are context managers too (`with SmtpSink() as sink:`).
"""

from __future__ import annotations

import email
import email.policy
import json
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Self

import httpx
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from review_workflow.adapters.channels import (
    DELIVERY_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    verify,
)

HOST = "127.0.0.1"
WEBHOOK_SECRET = "webhook-测试密钥-s3cret"  # what the tests' receivers check signatures with


def free_port() -> int:
    """A port nothing listens on right now (for "server is down" cases)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_server(args: list[str], log: Path, *, start_seconds: float, **popen: Any) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """`args` (a `serve` command line that binds `--port`) run until /api/health answers, then its URL and
    process; stopped (terminated, then killed) afterwards. A server that exits or does not answer within
    `start_seconds` fails the test with its log."""
    port = args[args.index("--port") + 1]
    with log.open("w") as out:
        proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, **popen)
    url = f"http://{HOST}:{port}"
    try:
        deadline = time.monotonic() + start_seconds
        while True:
            try:
                if httpx.get(f"{url}/api/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the server did not start:\n{log.read_text()}")
            time.sleep(0.2)
        yield url, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# ---------------------------------------------------------------------------------------------
# SMTP


@dataclass(frozen=True)
class ReceivedMail:
    mail_from: str
    rcpt_tos: list[str]
    raw: bytes  # exactly what went over the wire after DATA
    message: EmailMessage  # parsed with policy.default: headers come back decoded


class _Handler:
    def __init__(self, sink: SmtpSink) -> None:
        self.sink = sink

    async def handle_MAIL(
        self, server: Any, session: Any, envelope: Any, address: str, mail_options: list[str]
    ) -> str:
        # Enforced here rather than with auth_required=True, which warns on every start without TLS.
        if self.sink.credentials is not None and not session.authenticated:
            return "530 5.7.0 Authentication required"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        reply = self.sink.data_reply
        if not reply.startswith("250"):
            return reply  # simulate a refusing server; nothing is recorded
        raw = bytes(envelope.original_content or envelope.content)
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        with self.sink._lock:
            self.sink.messages.append(
                ReceivedMail(envelope.mail_from, list(envelope.rcpt_tos), raw, parsed)
            )
        return reply


class _Controller(Controller):
    # aiosmtpd probes the server on self.port after binding; with port 0 that is not the real
    # port, so read the bound one first. (Relies on Controller.server, set before the probe.)
    def _trigger_server(self) -> None:
        assert self.server is not None
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


class SmtpSink:
    """An SMTP server that keeps every accepted message in `.messages`.

    `credentials=("user", "pass")` makes it require AUTH (PLAIN/LOGIN, without TLS: test only).
    `data_reply` (e.g. "451 4.3.0 稍后再试") makes it refuse messages after DATA.
    """

    def __init__(self, port: int = 0, *, credentials: tuple[str, str] | None = None) -> None:
        self.host = HOST
        self.port = port
        self.credentials = credentials
        self.data_reply = "250 OK"
        self.messages: list[ReceivedMail] = []
        self._lock = threading.Lock()
        self._controller: _Controller | None = None

    def start(self, port: int | None = None) -> Self:
        if self._controller is not None:
            raise RuntimeError("SMTP sink already running")
        if port is not None:
            self.port = port
        kwargs: dict[str, Any] = {}
        if self.credentials is not None:
            kwargs.update(authenticator=self._authenticate, auth_require_tls=False)
        # A new controller each time: a stopped one has closed its event loop.
        controller = _Controller(
            _Handler(self),
            hostname=self.host,
            port=self.port,
            server_hostname="localhost",  # else aiosmtpd calls getfqdn(), a DNS lookup
            ready_timeout=10,
            **kwargs,
        )
        controller.start()
        self.port = controller.port
        self._controller = controller
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def running(self) -> bool:
        return self._controller is not None

    def _authenticate(
        self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
    ) -> AuthResult:
        ok = (
            isinstance(auth_data, LoginPassword)
            and self.credentials is not None
            and auth_data.login.decode("utf-8") == self.credentials[0]
            and auth_data.password.decode("utf-8") == self.credentials[1]
        )
        return AuthResult(success=ok, handled=False)

    def __enter__(self) -> Self:
        return self if self.running else self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


# ---------------------------------------------------------------------------------------------
# Webhook


@dataclass(frozen=True)
class WebhookRequest:
    """Every POST the receiver saw, accepted or not."""

    path: str
    headers: dict[str, str]
    body: bytes
    signature_valid: bool
    status: int  # what the receiver answered


@dataclass(frozen=True)
class WebhookDelivery:
    """A POST with a valid signature that was answered 2xx."""

    key: str
    timestamp: str
    headers: dict[str, str]
    body: bytes
    payload: Any


class WebhookSink:
    """An HTTP receiver that checks signatures with `channels.verify`.

    Answers `status` (default 200) to correctly signed requests and 401 to the others. `delay`
    seconds before answering simulates a slow receiver. `clock` (optional, returns an aware
    datetime) turns on the freshness check of `verify`.
    """

    def __init__(
        self,
        secret: str,
        port: int = 0,
        *,
        status: int = 200,
        delay: float = 0,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.secret = secret
        self.host = HOST
        self.port = port
        self.status = status
        self.delay = delay
        self.clock = clock
        self.requests: list[WebhookRequest] = []
        self.deliveries: list[WebhookDelivery] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/hooks/review-workflow"

    def start(self, port: int | None = None) -> Self:
        if self._server is not None:
            raise RuntimeError("webhook sink already running")
        if port is not None:
            self.port = port
        self._stopping.clear()
        server = ThreadingHTTPServer((self.host, self.port), self._handler_class())
        server.daemon_threads = True
        self.port = int(server.server_address[1])
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
        self._thread.daemon = True
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._stopping.set()  # wakes handlers sleeping in `delay`
        self._server.shutdown()
        self._server.server_close()
        assert self._thread is not None
        self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    @property
    def running(self) -> bool:
        return self._server is not None

    def __enter__(self) -> Self:
        return self if self.running else self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _handle(self, path: str, headers: dict[str, str], body: bytes) -> int:
        if self.delay:
            self._stopping.wait(self.delay)
        timestamp = headers.get(TIMESTAMP_HEADER.lower())
        now = self.clock() if self.clock else None
        valid = verify(self.secret, timestamp, body, headers.get(SIGNATURE_HEADER.lower()), now=now)
        status = self.status if valid else 401
        with self._lock:
            self.requests.append(WebhookRequest(path, headers, body, valid, status))
            if valid and 200 <= status < 300:
                self.deliveries.append(
                    WebhookDelivery(
                        key=headers.get(DELIVERY_HEADER.lower(), ""),
                        timestamp=timestamp or "",
                        headers=headers,
                        body=body,
                        payload=json.loads(body.decode("utf-8")),
                    )
                )
        return status

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                headers = {k.lower(): v for k, v in self.headers.items()}
                status = sink._handle(self.path, headers, body)
                reply = json.dumps({"ok": 200 <= status < 300}).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(reply)))
                    self.end_headers()
                    self.wfile.write(reply)
                except OSError:
                    pass  # the client gave up (timeout test); nothing to tell it

            def log_message(self, format: str, *args: Any) -> None:
                pass  # keep pytest output clean

        return Handler
