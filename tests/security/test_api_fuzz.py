"""Schemathesis over the whole OpenAPI schema (/api/schema/), as every role and as nobody.

Every operation is called with generated data, valid (positive) and invalid (negative), once
with each role's knox token and once without a token, and each response goes through
Schemathesis's checks: no server error, a documented status code and content type, a body that
matches the documented schema, invalid input rejected (with 400 or an access refusal), valid
input accepted, and an operation that documents authentication does not work without it.

How the calls reach the app: in-process, through Django's WSGI handler, in this test's own
thread. The database connection is then the test's, inside the transaction pytest-django rolls
back at the end, so the world built here is visible to the app and nothing outlives the test. The
one thing to switch off is what a real WSGI server does at the start and end of every request,
`close_old_connections`: inside the test's transaction it would close the connection and mark the
transaction for rollback (Django's own test Client disconnects it the same way). The fuzz does
not hit the throttle either: 600 calls a minute per user, and the residents' per-client limits,
are production limits, not input rules (tests/engagement/test_resident_limits.py covers them).
"""

from __future__ import annotations

import os
import time
from collections import Counter

import hypothesis
import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase
from hypothesis import strategies as st
from rest_framework.throttling import SimpleRateThrottle
from schemathesis import GenerationMode
from schemathesis.core.failures import FailureGroup
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import positive_data_acceptance

from apps.core.clients import RESIDENT_LIMITS
from tests.security.fuzz_world import ROLES, build_world

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

# Cases generated per operation: valid ones, and invalid ones; each is sent by all 9 callers.
# About 3 minutes on a shared 2-core machine; raise them locally for a deeper run.
EXAMPLES = {GenerationMode.POSITIVE: int(os.environ.get("CRISISPROG_FUZZ_EXAMPLES", "5")),
            GenerationMode.NEGATIVE: int(os.environ.get("CRISISPROG_FUZZ_NEGATIVE_EXAMPLES", "2"))}

# Bad input must be refused as bad input: 400, or the refusal this caller gets anyway (401 without
# a token, 403 without the rights, 404 for what does not exist or is not theirs). Never a 2xx, a
# 409 or a 5xx (Schemathesis's default list accepts those).
REJECTED = ["400", "401", "403", "404", "405", "406", "415"]

# The exception handler's `detail` for field errors (apps/core/api/errors.py).
INVALID_FIELDS = "The request has invalid fields."
FILE_FIELDS = {"evidence", "file"}
NUL_REFUSED = "Null characters are not allowed."

CONFIG = {
    "checks": {"negative_data_rejection": {"expected-statuses": REJECTED}},
}

SETTINGS = hypothesis.settings(
    derandomize=True,  # the same cases on every run, here and in CI
    database=None,  # no example database written into the repository
    deadline=None,
    # No shrinking: a failure is reported as found, with its request, and the run stays bounded.
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
    print_blob=False,
)


@pytest.fixture
def app():
    """crisisprog's WSGI application, called in this thread (see the module docstring)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def unthrottled(monkeypatch, settings):
    for scope in list(SimpleRateThrottle.THROTTLE_RATES):
        monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, scope, None)
    # Residents' per-client limits (apps/core/clients.py) count every attempt, valid or not, from
    # one address; every fuzz call comes from the same address, so they are lifted the same way.
    for setting_name in RESIDENT_LIMITS.values():
        setattr(settings, setting_name, 10**9)


def _collection(path: str) -> str:
    """"/api/v1/scheduling/shifts/{id}/cancel/" -> "scheduling/shifts"."""
    return path.removeprefix("/api/v1/").split("/{", 1)[0].rstrip("/")


def _with_real_references(data, case, references) -> None:
    """Point path parameters, query parameters and body fields at objects that exist, most of the
    time, so the calls reach the code behind the lookups. Only valid cases are changed: an invalid
    one must stay invalid."""
    paths, names = references["path"], references["names"]
    for name in list(case.path_parameters or {}):
        values = paths.get(_collection(case.operation.path), [])
        if values and data.draw(st.integers(0, 3), label=f"real {name}"):
            case.path_parameters[name] = data.draw(st.sampled_from(values), label=name)
    integers = _integer_query_parameters(case.operation)
    for container in (case.query, case.body if isinstance(case.body, dict) else None):
        for name, value in list((container or {}).items()):
            if container is case.query and name in integers:
                values = [v for v in names.get(name, []) if isinstance(v, int)]  # an id, never a slug
            else:
                values = [v for v in names.get(name, []) if type(v) is type(value)]
            if values and data.draw(st.booleans(), label=f"real {name}"):
                container[name] = data.draw(st.sampled_from(values), label=name)


def _integer_query_parameters(operation) -> set[str]:
    """Query parameters the schema types as integers. Their generated value may be a string (empty,
    as `allowEmptyValue` permits), so its type cannot tell an id parameter (a scheduling `organization`)
    from a slug parameter of the same name elsewhere."""
    raw = operation.definition.raw
    return {p["name"] for p in raw.get("parameters", []) if isinstance(p, dict) and p.get("in") == "query"
            and (p.get("schema") or {}).get("type") == "integer"}


def _refused_by_a_rule(response, references) -> bool:
    """A 400 for well-formed input that the schema cannot express, which the API is right to give:

    - a service's refusal (ApplicationError: its own message as `detail`): a state, a deadline,
      eligibility, who may act on what - "only a pending invitation can be withdrawn";
    - field errors only on fields that name other objects (that do not exist or that this caller
      may not see: "another organization's slug does not exist"), on uploaded files (whose content
      is checked: type, size, encoding) and on a report kind's own parameters (typed per kind).

    Any other 400 for valid input - a field refused for its value - means the schema does not
    document a constraint, and positive_data_acceptance reports it."""
    if response.status_code != 400:
        return False
    try:
        body = response.json()
    except ValueError:
        return False  # not the error body: content_type_conformance / response_schema_conformance report it
    if body.get("detail") != INVALID_FIELDS:
        return True
    errors = body.get("errors", {})
    # NUL is refused in every text field (PostgreSQL text cannot hold it), with this message.
    if all(message == NUL_REFUSED for messages in errors.values() for message in messages):
        return True
    return all(field in references["names"] or field in FILE_FIELDS or field.startswith("parameters")
               for field in errors)


class Fuzz:
    """One operation, one mode: each generated case is sent by every caller and checked."""

    def __init__(self, *, app, world, stats: Counter, failures: dict):
        self.app, self.world, self.stats, self.failures = app, world, stats, failures
        self.callers = [(role or "anonymous", {"Authorization": f"Token {world.tokens[role]}"} if role else {})
                        for role in ROLES]

    def run(self, operation, mode: GenerationMode) -> None:
        strategy = operation.as_strategy(generation_mode=mode)

        @hypothesis.settings(SETTINGS, max_examples=EXAMPLES[mode])
        @hypothesis.given(data=st.data())
        def test(data):
            case = data.draw(strategy, label="case")
            if mode is GenerationMode.POSITIVE:
                _with_real_references(data, case, self.world.references)
            for caller, headers in self.callers:
                self.send(case, caller, headers, mode)

        try:
            test()
        except hypothesis.errors.Unsatisfiable:
            self.stats["unsatisfiable"] += 1  # nothing in this operation can be made invalid

    def validation(self, case, response) -> dict:
        """How `case.validate_response` checks this response: every check, except
        positive_data_acceptance on a rule's refusal."""
        excluded = [positive_data_acceptance] if _refused_by_a_rule(response, self.world.references) else []
        self.stats["refused by a rule"] += bool(excluded)
        return {"excluded_checks": excluded}

    def send(self, case, caller, headers, mode) -> None:
        self.stats["requests"] += 1
        response = case.call(app=self.app, headers=headers)
        try:
            case.validate_response(response, headers=headers, transport_kwargs={"app": self.app, "headers": headers},
                                   **self.validation(case, response))
        except FailureGroup as group:
            for failure in group.exceptions:
                key = (case.operation.label, caller, mode.value, failure.title)
                self.failures.setdefault(key, str(group))
            return
        self.stats[f"status {response.status_code}"] += 1


def schema_operations(app) -> list:
    """Every operation of the API's own schema, loaded through the app (none may fail to load)."""
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", app,
                                            config=schemathesis.Config.from_dict(CONFIG))
    results = list(schema.get_all_operations())
    assert [result.err() for result in results if not isinstance(result, Ok)] == []
    operations = [result.ok() for result in results]
    assert len(operations) >= 80, "the schema lost operations"
    return operations


def _has_inputs(operation) -> bool:
    return bool(list(operation.iter_parameters())) or bool(operation.body)


def test_api_fuzz_every_operation_every_role(app, unthrottled):
    world = build_world()
    operations = schema_operations(app)

    stats: Counter = Counter()
    failures: dict = {}
    fuzz = Fuzz(app=app, world=world, stats=stats, failures=failures)
    started = time.monotonic()
    for operation in operations:
        fuzz.run(operation, GenerationMode.POSITIVE)
        if _has_inputs(operation):
            fuzz.run(operation, GenerationMode.NEGATIVE)
    elapsed = time.monotonic() - started
    valid, invalid = EXAMPLES[GenerationMode.POSITIVE], EXAMPLES[GenerationMode.NEGATIVE]
    print(f"\nAPI fuzz: {len(operations)} operations x {len(ROLES)} callers, up to {valid} valid and {invalid} "
          f"invalid cases each: {stats['requests']} requests in {elapsed:.1f}s; "
          + ", ".join(f"{key}: {value}" for key, value in sorted(stats.items()) if key != "requests"))
    report = [f"=== {label} as {caller} ({mode}): {title} ===\n{message}"
              for (label, caller, mode, title), message in failures.items()]
    assert not failures, f"{len(failures)} failures:\n\n" + "\n\n".join(report)
