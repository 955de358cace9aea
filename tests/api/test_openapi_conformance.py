"""The OpenAPI tells the truth: schemathesis sends what the schema allows (and what it forbids) to every
operation, on SQLite and PostgreSQL, and every answer must be declared: its status, its content type,
its headers and its body — and none may be a server error. Bounded: a few derandomized examples per
operation and mode, so a run is repeatable and takes well under a minute per database."""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS

from review_workflow.api.app import create_app
from review_workflow.runtime import Runtime
from tests.api.conftest import auth
from tests.conftest import People

EXAMPLES = 8
MIN_SUCCEEDED = 24  # of 45: those needing a row that exists (a case id, a document) seldom hit one
CHECK_NAMES = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
)


def problems_of(operation: Any, mode: GenerationMode, headers: dict[str, str], seen: set[int]) -> str | None:
    """Run one operation in one mode; the failures schemathesis found, as its report, or None.
    Each status answered goes into `seen`."""
    checks = [CHECKS.get_one(name) for name in CHECK_NAMES]

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case: schemathesis.Case) -> None:
        response = case.call(headers=headers)
        seen.add(response.status_code)
        case.validate_response(response, checks=checks)

    try:
        run()
    except (Exception, BaseExceptionGroup) as exc:  # every operation is tried, all are reported
        if "Unable to satisfy assumptions" in str(exc):  # nothing to negate (no parameters): nothing sent
            return None
        return f"{operation.label} [{mode.value}]: {exc}"
    return None


def test_every_answer_is_declared_in_the_openapi(rt: Runtime, people: People) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(rt))
    problems, answered = [], {}
    for result in schema.get_all_operations():
        operation = result.ok()
        who = people.admin if operation.path.startswith("/api/admin") else people.handler
        seen: set[int] = set()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            found = problems_of(operation, mode, auth(who), seen)
            if found:
                problems.append(found)
        answered[operation.label] = seen
    assert not problems, "\n\n".join(problems)
    # An honest run reaches past the refusals: most operations answered a success at least once.
    succeeded = [label for label, statuses in answered.items() if any(200 <= s < 300 for s in statuses)]
    assert len(succeeded) >= MIN_SUCCEEDED, sorted(set(answered) - set(succeeded))
