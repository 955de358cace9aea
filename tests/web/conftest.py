"""The pages through TestClient, on SQLite and PostgreSQL (the `rt` and `people` fixtures).

A `Visitor` is one browser: its own cookie jar, logged in as one person, posting forms with the CSRF
token and case version read from the page it was shown — as a browser would.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from itertools import count
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from review_workflow.api.app import create_app
from review_workflow.runtime import Runtime
from review_workflow.schemas import CasePublic
from review_workflow.services import accounts, queries
from review_workflow.services.cases import fire, start_case
from tests.conftest import SUBMISSION, People, Person, pin_clock

PASSWORD = "Correct-Horse-9"
WORKFLOW = "major_decision_review"


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has no CSRF token"
    return found.group(1)


def version_of(html: str) -> str:
    found = re.search(r'name="version" value="(\d+)"', html)
    assert found, "the page has no event form"
    return found.group(1)


class Visitor:
    def __init__(self, client: TestClient) -> None:
        self.client = client

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.client.get(path, **kwargs)

    def post(
        self, path: str, data: dict[str, Any], *, page: str = "/inbox", follow: bool = True
    ) -> httpx.Response:
        """Post `data` with the CSRF token of `page` (fetched first), as the form on that page would."""
        token = csrf_of(self.get(page).text)
        return self.client.post(path, data={**data, "csrf_token": token}, follow_redirects=follow)

    def login(self, username: str, password: str = PASSWORD, follow: bool = True) -> httpx.Response:
        return self.post("/login", {"username": username, "password": password}, page="/login", follow=follow)

    def fire(
        self, case_id: int, event: str, fields: dict[str, Any], *, version: str | None = None
    ) -> httpx.Response:
        """Fill in the event's form on the case page and send it."""
        page = self.get(f"/cases/{case_id}").text
        data = {
            "version": version or version_of(page),
            **{f"f-{k}" if not k.startswith("f-") else k: v for k, v in fields.items()},
        }
        return self.client.post(
            f"/cases/{case_id}/events/{event}", data={**data, "csrf_token": csrf_of(page)}
        )


@pytest.fixture
def app(rt: Runtime) -> Any:
    return create_app(rt)


@pytest.fixture
def visitor(app: Any) -> Callable[..., Visitor]:
    """visitor() is anonymous; visitor(person) is logged in as that person (a password is set first)."""
    rt: Runtime = app.state.runtime

    def make(person: Person | None = None) -> Visitor:
        v = Visitor(TestClient(app, raise_server_exceptions=False))
        if person is not None:
            username = queries.me(rt, person.id).username
            accounts.set_password(rt, person.id, PASSWORD)
            r = v.login(username)
            assert r.status_code == 200 and r.url.path == "/inbox", r.text
        return v

    return make


def submitted_case(rt: Runtime, people: People, **fields: Any) -> CasePublic:
    """A case of the handler's, submitted for review."""
    case = start_case(
        rt,
        people.handler.id,
        WORKFLOW,
        fields.pop("title", "某公司销售过期食品案"),
        fields.pop("party", "某食品有限公司"),
    )
    return fire(rt, case.id, "submit", people.handler.id, {**SUBMISSION, **fields}, case.version)


def text_of(html: str) -> str:
    """The page's text without tags (for "the page says …" checks)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


FILING = "major_penalty_filing"
DISCLOSURE = "enforcement_disclosure"
PERSON_ID = "410105198703150012"  # a 居民身份证号码 (valid check digit)
PHONE = "13812345678"
_serial = count(101)


def filing(rt: Runtime, people: People, title: str, decided: str, fine: float = 200000.0) -> CasePublic:
    """A major-penalty filing started on the decision day (as the decision would start it), due 15 days
    later, addressed to the handler agency's filing office."""
    pin_clock(rt, f"{decided}T09:00:00")
    return start_case(
        rt,
        people.handler.id,
        FILING,
        title,
        f"{title[:4]}有限公司",
        {
            "decision_no": f"郑市监罚〔2026〕{next(_serial)}号",
            "decision_date": decided,
            "party_type": "organization",
            "penalty_types": ["罚款"],
            "fine_amount": fine,
            "penalty_content": f"罚款人民币{fine:.0f}元。",
        },
    )


def move(rt: Runtime, case: CasePublic, event: str, who: Person, payload: dict[str, Any]) -> CasePublic:
    return fire(rt, case.id, event, who.id, payload, case.version)


FILE = {"attachments": ["行政处罚决定书复印件", "案卷材料目录"]}


def disclosure(
    rt: Runtime,
    people: People,
    party: str,
    *,
    individual: bool = True,
    conclusion: str = "罚款人民币5000元。",
) -> CasePublic:
    """A penalty decision's disclosure, started and published today."""
    case = start_case(
        rt,
        people.handler.id,
        DISCLOSURE,
        f"{party}违法案",
        party,
        {
            "category": "行政处罚",
            "decision_no": f"郑市监罚〔2026〕{next(_serial)}号",
            "decision_date": rt.clock.today().isoformat(),
            "party_type": "individual" if individual else "organization",
            **({"party_id_no": PERSON_ID} if individual else {}),
            "conclusion": conclusion,
            "legal_basis": "《中华人民共和国食品安全法》第一百二十二条",
        },
    )
    return move(rt, case, "publish", people.handler, {"channel": "政府网站"})
