"""The schema and the behaviour agree: every operation, called with valid (schema-positive) data
by a coordinator and by a responder, answers as the schema says.

Schemathesis's conformance checks on every response: no server error, a documented status code
and content type, a body that matches the documented schema, and valid input accepted. Valid
input accepted is stricter here than in the fuzz (tests/security/test_api_fuzz.py, whose world,
WSGI fixture and sender this reuses): a 400 naming a query parameter is never excused, because a
filter value the schema allows (`?team=0`, an id that does not exist or is not yours) must answer
an empty list, not a refusal. Few cases per operation: the fuzz goes wide, this goes quick.
"""

from __future__ import annotations

import os
from collections import Counter

import pytest
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    positive_data_acceptance,
    response_schema_conformance,
    status_code_conformance,
)

from apps.accounts.roles import Role
from tests.security.fuzz_world import build_world
from tests.security.test_api_fuzz import (  # noqa: F401 (app, unthrottled: the fuzz's fixtures)
    EXAMPLES,
    NUL_REFUSED,
    Fuzz,
    _refused_by_a_rule,
    app,
    schema_operations,
    unthrottled,
)

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

CALLERS = (Role.COORDINATOR, Role.RESPONDER)
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          positive_data_acceptance]
EXAMPLES_PER_OPERATION = int(os.environ.get("CRISISPROG_CONFORMANCE_EXAMPLES", "3"))


def _refused_by_a_rule_not_a_filter(response, case, references) -> bool:
    """The fuzz's excuses for a 400 on valid input, except a field error on a query parameter (other
    than the NUL byte, refused in every text value)."""
    if not _refused_by_a_rule(response, references):
        return False
    errors = response.json().get("errors", {})
    return all(messages == [NUL_REFUSED] for field, messages in errors.items() if field in (case.query or {}))


class Conformance(Fuzz):
    """The fuzz's sender, with the conformance checks only, as the callers of this test."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.callers = [(role, {"Authorization": f"Token {self.world.tokens[role]}"}) for role in CALLERS]

    def validation(self, case, response) -> dict:
        refused = _refused_by_a_rule_not_a_filter(response, case, self.world.references)
        return {"checks": [check for check in CHECKS if not (refused and check is positive_data_acceptance)]}


def test_api_conformance_every_operation_as_coordinator_and_responder(app, unthrottled, monkeypatch):  # noqa: F811
    monkeypatch.setitem(EXAMPLES, GenerationMode.POSITIVE, EXAMPLES_PER_OPERATION)
    world = build_world()
    operations = schema_operations(app)

    stats: Counter = Counter()
    failures: dict = {}
    conformance = Conformance(app=app, world=world, stats=stats, failures=failures)
    for operation in operations:
        conformance.run(operation, GenerationMode.POSITIVE)
    assert stats["requests"] >= len(operations) * len(CALLERS)
    report = [f"=== {label} as {caller}: {title} ===\n{message}"
              for (label, caller, _mode, title), message in failures.items()]
    assert not failures, f"{len(failures)} failures:\n\n" + "\n\n".join(report)
