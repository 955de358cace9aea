"""What every API test needs: a client on the runtime, and the few verbs a test speaks in."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from review_workflow.api.app import create_app
from review_workflow.runtime import Runtime
from tests.conftest import Person


@pytest.fixture
def client(rt: Runtime) -> TestClient:
    return TestClient(create_app(rt), raise_server_exceptions=False)


def auth(p: Person) -> dict[str, str]:
    return {"Authorization": f"Bearer {p.token}"}


def ok(r: Any, status: int = 200) -> dict[str, Any]:
    assert r.status_code == status, r.text
    return r.json()  # type: ignore[no-any-return]


def assert_error(r: Any, status: int, code: str) -> dict[str, Any]:
    """The answer is the error `code` with `status`, as `{code, message}`; returns the body."""
    assert r.status_code == status, r.text
    body = r.json()
    assert body["code"] == code and body["message"]
    return body  # type: ignore[no-any-return]


def fire(client: TestClient, p: Person, case: dict[str, Any], event: str, payload: Any) -> Any:
    return client.post(
        f"/api/cases/{case['id']}/events/{event}",
        json=payload,
        headers={**auth(p), "If-Match": str(case["version"])},
    )


def move(client: TestClient, p: Person, case: dict[str, Any], event: str, payload: Any) -> dict[str, Any]:
    return ok(fire(client, p, case, event, payload))


def detail(client: TestClient, p: Person, case_id: int) -> dict[str, Any]:
    return ok(client.get(f"/api/cases/{case_id}", headers=auth(p)))


def child(client: TestClient, p: Person, parent_id: int, workflow: str) -> dict[str, Any]:
    [link] = [c for c in detail(client, p, parent_id)["children"] if c["workflow"] == workflow]
    return detail(client, p, link["id"])
