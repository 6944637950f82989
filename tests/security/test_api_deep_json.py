"""A pathologically nested JSON body is refused with the API's 400 error body, never a 500.

The standard library's decoder recurses once per level: `[[[[…]]]]` a thousand deep raised
RecursionError inside DRF's parser and the request ended in a 500. Every write operation of the
OpenAPI schema (POST, PUT, PATCH: no hand-kept list, a new endpoint is covered) is sent a deep body
as a signed-in program admin and anonymously. None may answer 5xx; every one that reached a JSON
parser must answer 400 with {"detail": "...", "errors": {}}.
"""

import json

import pytest
from django.core.cache import cache
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from rest_framework import parsers as drf_parsers

from apps.accounts.roles import Role
from apps.core.api import parsers
from tests.factories import CityDepartmentFactory, user_with_role

pytestmark = pytest.mark.django_db

DEPTH = 1000
BODIES = {
    "arrays": "[" * DEPTH + "]" * DEPTH,
    "objects": '{"a":' * DEPTH + "1" + "}" * DEPTH,
    "arrays_100k": "[" * 100_000 + "]" * 100_000,
}


def write_operations() -> list[tuple[str, str]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    ops = []
    for path, methods in schema["paths"].items():
        for method in methods:
            if method in ("post", "put", "patch"):
                url = path
                for name in {part[1:-1] for part in path.split("/") if part.startswith("{")}:
                    url = url.replace("{" + name + "}", "1")
                ops.append((method, url))
    return sorted(ops)


@pytest.fixture
def parse_calls(monkeypatch):
    """How many times a JSON parser (ours, or DRF's where a view names it) was asked to parse."""
    calls = []
    for cls in (parsers.JSONParser, drf_parsers.JSONParser):
        original = cls.__dict__["parse"]

        def spy(self, *args, _original=original, **kwargs):
            calls.append(type(self).__module__)
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(cls, "parse", spy)
    return calls


@pytest.fixture
def clients():
    cache.clear()  # the anonymous rate limit counts every request of the sweep
    admin = user_with_role(Role.PROGRAM_ADMIN, CityDepartmentFactory())
    signed_in = Client(raise_request_exception=False)
    signed_in.force_login(admin)
    return {"program_admin": signed_in, "anonymous": Client(raise_request_exception=False)}


def test_the_schema_has_the_write_operations_of_the_issue():
    ops = write_operations()
    assert ("post", "/api/v1/reports/") in ops
    assert ("post", "/api/v1/invitations/") in ops
    assert ("post", "/api/v1/scheduling/time-off/") in ops
    assert ("post", "/api/v1/scheduling/shifts/1/reschedule/") in ops
    assert len(ops) > 30


@pytest.mark.parametrize("shape", sorted(BODIES))
def test_deeply_nested_json_is_a_400_on_every_write_operation(clients, parse_calls, shape):
    body = BODIES[shape]
    failures, parsed = [], 0
    for method, url in write_operations():
        for who, client in clients.items():
            before = len(parse_calls)
            response = getattr(client, method)(url, data=body, content_type="application/json")
            reached = len(parse_calls) > before
            parsed += reached
            if response.status_code >= 500:
                failures.append(f"{who} {method.upper()} {url} -> {response.status_code}")
                continue
            if reached:
                if response.status_code != 400 or response.get("Content-Type") != "application/json":
                    failures.append(f"{who} {method.upper()} {url} -> {response.status_code} "
                                    f"{response.get('Content-Type')}, expected 400 JSON")
                    continue
                payload = json.loads(response.content)
                if set(payload) != {"detail", "errors"} or payload["errors"] != {} or not payload["detail"]:
                    failures.append(f"{who} {method.upper()} {url}: body {payload!r}")
    assert failures == [], "\n".join(failures)
    # The sweep reached the parser on the creating endpoints at least (the rest stop at 401/403/404).
    assert parsed >= 10


def test_an_ordinary_body_still_parses_and_a_deep_one_is_named():
    assert parsers.json_depth_exceeds('{"a": [1, {"b": "[[[[[[["}]}', 3) is False
    assert parsers.json_depth_exceeds("[" * 33 + "]" * 33, 32) is True
    assert parsers.json_depth_exceeds("[" * 32 + "]" * 32, 32) is False
    assert parsers.json_depth_exceeds('"\\"[[[[' + '"', 1) is False


def test_reports_endpoint_refuses_a_deep_body_with_the_error_body(clients):
    response = clients["program_admin"].post("/api/v1/reports/", data=BODIES["arrays"],
                                             content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"detail": "The JSON body is nested too deeply (at most 32 levels).", "errors": {}}


def test_an_oversized_body_is_refused(clients, settings):
    settings.API_JSON_MAX_BYTES = 100
    response = clients["program_admin"].post("/api/v1/reports/", data=json.dumps({"kind": "x" * 200}),
                                             content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"detail": "The request body is too large (at most 100 bytes).", "errors": {}}
