"""Real local servers for the delivery tests: an SMTP sink and a webhook receiver, started per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.servers import WEBHOOK_SECRET, SmtpSink, WebhookSink


@pytest.fixture
def smtp() -> Iterator[SmtpSink]:
    with SmtpSink() as sink:
        yield sink


@pytest.fixture
def hook() -> Iterator[WebhookSink]:
    with WebhookSink(WEBHOOK_SECRET) as sink:
        yield sink
