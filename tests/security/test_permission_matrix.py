"""The permission matrix: every URL pattern and every API operation, for every role, against the
table in matrix_table.py. A route or operation missing from the table fails
(test_every_route_has_a_row / test_every_api_operation_has_a_row), and so does a stale row.

The world (matrix_world.py) is built once for the module inside a transaction rolled back at the
end; each request runs in a savepoint rolled back after it, so a POST that succeeds for one role
leaves nothing behind for the next. Nothing in it needs PostgreSQL (statuses and bodies, no
database-specific behaviour), so it runs on SQLite too, in `make test` without services.
"""

import json
import os
import re
from collections import defaultdict

import pytest
from django.contrib import messages
from django.db import transaction
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator

from apps.core.routes import walk_routes
from tests.security import matrix_table as table
from tests.security.matrix_world import CONTACT, PRICE_A, PRICE_B, ROLES, build_world, price_strings

pytestmark = pytest.mark.django_db


def probe_path(environ) -> str | None:
    """MATRIX_PROBE, a path: record the actual outcomes there instead of asserting them (to fill the
    table for a new route). It turns the matrix's assertions off, so under CI it is an error."""
    path = environ.get("MATRIX_PROBE")
    if path and environ.get("CI", "").lower() not in ("", "0", "false"):
        raise RuntimeError(
            f"MATRIX_PROBE={path} is set under CI (CI={environ['CI']}): it turns the permission matrix's "
            "assertions off. Unset MATRIX_PROBE; it is for filling matrix_table.py on a workstation.")
    return path or None


PROBE = probe_path(os.environ)
EVALUATORS = ("evaluator_assigned", "evaluator_unassigned", "evaluator_recused")
ANONYMOUS = ("anonymous", "resident")
A_ROLES = ("responder", "trainer", "coordinator_a")


# --- discovery -------------------------------------------------------------------------------------

def discovered_routes() -> dict[str, str]:
    """Route name -> pattern for every URL pattern outside the admin and the API (DRF's format-suffix
    variants share their base route's name and collapse into it)."""
    routes = {}
    for pattern, name in walk_routes():
        if pattern.startswith(("admin/", "api/v1/")):
            continue
        assert name, f"URL pattern {pattern!r} has no name: the matrix cannot list it"
        routes.setdefault(name, pattern)
    return routes


def discovered_admin_routes() -> list[str]:
    """Every admin URL pattern (some, like the object-id redirect and the catch-all, have no name)."""
    return sorted({pattern for pattern, _name in walk_routes() if pattern.startswith("admin/")})


def discovered_api_route_paths() -> set[str]:
    """The API's URL patterns as OpenAPI paths (`{pk}` written `{id}` as drf-spectacular does)."""
    paths = set()
    for pattern, _name in walk_routes():
        if not pattern.startswith("api/v1/") or "(?P<format>" in pattern:
            continue
        path = "/" + pattern.replace("^", "").replace("$", "")
        path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: "{%s}" % ("id" if m[1] == "pk" else m[1]), path)
        path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: "{%s}" % ("id" if m[1] == "pk" else m[1]), path)
        paths.add(path.replace("api/v1/", "api/v1/", 1).replace("//", "/"))
    return paths


_SCHEMA = None


def api_operations() -> list[tuple[str, str]]:
    global _SCHEMA
    if _SCHEMA is None:
        _SCHEMA = SchemaGenerator().get_schema(request=None, public=True)
    return sorted((method.upper(), path) for path, ops in _SCHEMA["paths"].items()
                  for method in ops if method in ("get", "post", "put", "patch", "delete"))


# --- the world, the clients ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def media(tmp_path_factory):
    return str(tmp_path_factory.mktemp("matrix-media"))


@pytest.fixture(autouse=True)
def _private_media(settings, media):
    """The module's world keeps its files for every test (the conftest's per-test folder would lose them)."""
    settings.MEDIA_ROOT = media


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, media):
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        w = build_world()
        w.clients = {}
        for role in ROLES:
            client = Client()
            if role in w.users:
                client.force_login(w.users[role])
            w.clients[role] = client
        yield w
        transaction.set_rollback(True)


def resolve(world, spec: str, role: str):
    """A kwarg spec: "=literal", "$link" (a signed link of the world), "@name.attr" (the role's own
    object, e.g. its API token), "name.attr" or "name" (its pk)."""
    if spec.startswith("="):
        return spec[1:]
    if spec.startswith("$"):
        return world.strings[spec[1:]]
    if spec.startswith("@"):
        name, _, attr = spec[1:].partition(".")
        obj = world.obj.get(f"{name}_{role}")  # roles without an account have none
        return getattr(obj, attr) if obj is not None else "no-such-object"
    name, _, attr = spec.partition(".")
    obj = world.obj[name]
    return getattr(obj, attr) if attr else obj.pk


def api_url(world, row, role) -> str:
    url = row.path
    for k, v in row.kwargs.items():
        url = url.replace("{" + k + "}", str(resolve(world, v, role)))
    return url


def _outcome(response) -> str | int:
    """The status, with redirects told apart: to sign-in, to the admin's sign-in, or elsewhere."""
    code = response.status_code
    if code in (301, 302, 303):
        location = response.get("Location", "")
        if location.startswith(reverse("account_login")):
            return "login"
        if location.startswith(reverse("admin:login")):
            return "admin_login"
        # A redirect that carries an error or warning message is a refusal, not the action done.
        storage = getattr(response.wsgi_request, "_messages", None)
        if any(m.level >= messages.WARNING for m in getattr(storage, "_queued_messages", [])):
            return "refused"
        return 302
    return code


def _body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


def _request(world, role, method, url, *, api=False, data=None):
    client = world.clients[role]
    headers = {}
    if api and role in world.tokens:
        headers["Authorization"] = f"Token {world.tokens[role]}"
    extra = {"content_type": "application/json", "data": "{}"} if api and method != "GET" else {}
    if data:
        extra["data"] = data
    with transaction.atomic():
        response = getattr(client, method.lower())(url, headers=headers, **extra)
        body = _body(response)
        transaction.set_rollback(True)
    return response, body


# --- rules that hold for every response ------------------------------------------------------------

def _people(world, *keys) -> list[str]:
    """Names and emails of the world's people of organization A and/or B (keys: "a", "b")."""
    people = {"a": [world.users["responder"], world.users["trainer"], world.users["coordinator_a"],
                    world.obj["peer_a"]],
              "b": [world.obj["responder_b"], world.obj["trainer_b"], world.users["coordinator_b"]]}
    return [s for key in keys for person in people[key] for s in (person.full_name, person.email)]


def _forbidden_strings(world, role) -> list[tuple[str, str]]:
    """(rule, string) pairs the role must never receive, in any page or API body."""
    out = []
    if role in EVALUATORS:
        out += [("price", s) for s in price_strings(PRICE_A) + price_strings(PRICE_B)]
        for org in (world.obj["org_a"], world.obj["org_b"]):
            out += [("identity", org.name), ("identity", org.slug)]
    if role == "program_evaluator":
        out += [("contact", v) for v in CONTACT.values()]
    # People of another organization: A's people never see B's and the reverse; roles outside both
    # nonprofits see none of them (the external evaluator gets de-identified data only). The
    # procurement officer sees the proposers (coordinators), not the organizations' staff.
    if role in A_ROLES:
        out += [("people", s) for s in _people(world, "b")]
    elif role == "coordinator_b":
        out += [("people", s) for s in _people(world, "a")]
    elif role == "procurement_officer":
        out += [("people", s) for s in _people(world, "a", "b")
                if s not in _people_coordinators(world)]
    elif role != "program_admin":
        out += [("people", s) for s in _people(world, "a", "b")]
    return out


def _people_coordinators(world) -> set[str]:
    return {s for u in (world.users["coordinator_a"], world.users["coordinator_b"]) for s in (u.full_name, u.email)}


def _check_body(world, role, key, body, allowed_rules=(), url="") -> list[str]:
    body = body.replace(url, "")  # a 404 page may echo the path the client asked for
    return [f"{key} / {role}: body shows {rule} string {s!r}"
            for rule, s in _forbidden_strings(world, role) if rule not in allowed_rules and s in body]


def _probe_write(kind, key, results):
    path = f"{PROBE}.{kind}.jsonl"
    with open(path, "a") as fh:
        fh.write(json.dumps({"key": key, "results": results}) + "\n")


# --- the page matrix -------------------------------------------------------------------------------

def _route_cases():
    return sorted(table.ROUTES)


@pytest.mark.parametrize("key", _route_cases())
def test_route_matrix(world, key):
    row = table.ROUTES[key]
    name = key.split("[")[0]
    failures, results = [], {}
    for role in ROLES:
        kwargs = {k: resolve(world, v, role) for k, v in row.kwargs.items()}
        url = reverse(name, kwargs=kwargs)
        data = {k: resolve(world, v, role) for k, v in row.data.items()}
        try:
            response, body = _request(world, role, row.method, url, data=data)
        except Exception as exc:  # a crash is a finding, reported with the others
            results[role] = f"EXC {type(exc).__name__}: {exc}"
            failures.append(f"{key} / {role}: {row.method} {url} raised {type(exc).__name__}: {exc}")
            continue
        got = _outcome(response)
        results[role] = got
        want = row.expect[role]
        if got != want:
            failures.append(f"{key} / {role}: {row.method} {url} -> {got}, expected {want}")
        if got == 500:
            failures.append(f"{key} / {role}: server error")
        failures += _check_body(world, role, key, body, row.allow, url)
    if PROBE:
        _probe_write("routes", key, results)
        failures = [f for f in failures if "body shows" in f or "raised" in f or "server error" in f]
    assert not failures, "\n".join(failures)


# --- the API matrix --------------------------------------------------------------------------------

def _ids(payload) -> set:
    items = payload.get("results", payload) if isinstance(payload, dict) else payload
    if not isinstance(items, list):
        return set()
    return {item.get("id") for item in items if isinstance(item, dict)}


@pytest.mark.parametrize("key", sorted(table.API))
def test_api_matrix(world, key):
    row = table.API[key]
    method = row.method
    failures, results = [], {}
    for role in ROLES:
        url = api_url(world, row, role)
        try:
            response, body = _request(world, role, method, url, api=True)
        except Exception as exc:
            results[role] = f"EXC {type(exc).__name__}: {exc}"
            failures.append(f"{key} / {role}: raised {type(exc).__name__}: {exc}")
            continue
        got = response.status_code
        results[role] = got
        want = row.expect[role]
        if got != want:
            failures.append(f"{key} / {role}: {method} {url} -> {got}, expected {want}")
        if got >= 500:
            failures.append(f"{key} / {role}: server error")
        failures += _check_body(world, role, key, body, row.allow, url)
        if got == 200 and key in table.OWNED_LISTS:
            hidden = _hidden_ids(world, role, *table.OWNED_LISTS[key])
            shown = _ids(response.json()) & hidden
            if shown:
                failures.append(f"{key} / {role}: list shows another organization's ids {sorted(shown)}")
    if PROBE:
        _probe_write("api", key, results)
        failures = [f for f in failures if "body shows" in f or "raised" in f or "server error" in f
                    or "another organization" in f]
    assert not failures, "\n".join(failures)


def _hidden_ids(world, role, name: str, visible: dict) -> set:
    """Ids of `<name>_a` / `<name>_b` that the role's list must not hold."""
    default = "a" if role in A_ROLES else "b" if role == "coordinator_b" else "ab" if role == "program_admin" else ""
    sees = visible.get(role, default)
    return {world.obj[f"{name}_{key}"].pk for key in "ab" if key not in sees}


# --- the Django admin ------------------------------------------------------------------------------

def _admin_url(pattern: str) -> str:
    """A concrete URL for an admin pattern; every object id is 1 (the login check comes first)."""
    url = "/" + pattern.replace("^", "").replace("$", "")
    url = re.sub(r"\(\?P<app_label>[^)]*\)", "accounts", url)
    url = re.sub(r"\(\?P<url>[^)]*\)", "no-such-page/", url)
    return re.sub(r"<(?:\w+:)?\w+>", "1", url)


def _admin_groups() -> dict[str, list[str]]:
    """One group per model admin (admin/<app>/<model>/...), plus the site's own views."""
    from django.contrib import admin

    groups = defaultdict(list)
    prefixes = {f"admin/{m._meta.app_label}/{m._meta.model_name}/": f"{m._meta.app_label}.{m._meta.model_name}"
                for m in admin.site._registry}
    for pattern in discovered_admin_routes():
        group = next((label for prefix, label in prefixes.items() if pattern.startswith(prefix)), "site")
        groups[group].append(pattern)
    return groups


# Every admin URL is asked by one role of each kind of account (none, no organization, nonprofit,
# city staff with MFA, evaluation firm); the model's list page and the site's own views by every
# role. The admin's own check does not look at which role a non-staff user holds, so this covers
# the same ground as all 14 x 383 requests at a third of the cost.
ADMIN_SAMPLE_ROLES = ("anonymous", "no_membership", "coordinator_a", "program_admin", "program_evaluator")


@pytest.mark.parametrize("group", sorted(_admin_groups()))
def test_admin_matrix(world, group):
    patterns = _admin_groups()[group]
    failures, results = [], {}
    for pattern in patterns:
        url = _admin_url(pattern)
        rule = table.ADMIN_PATTERNS.get(pattern) or table.ADMIN.get(group, table.ADMIN_DEFAULT)
        every_role = group == "site" or pattern.count("/") == 3  # admin/<app>/<model>/: the list page
        for role in ROLES if every_role else ADMIN_SAMPLE_ROLES:
            response, _body = _request(world, role, "GET", url)
            got = _outcome(response)
            results[f"{pattern}/{role}"] = got
            if got != rule[role]:
                failures.append(f"{pattern} / {role}: GET {url} -> {got}, expected {rule[role]}")
    if PROBE:
        _probe_write("admin", group, results)
        return
    assert not failures, "\n".join(failures)


# --- completeness: nothing escapes the table -------------------------------------------------------

def test_every_route_has_a_row():
    listed = {key.split("[")[0] for key in table.ROUTES}
    found = set(discovered_routes())
    assert sorted(found - listed) == [], "routes with no row in matrix_table.ROUTES"
    assert sorted(listed - found) == [], "stale rows: no such route"


def test_every_api_operation_has_a_row():
    listed = {(row.method, row.path) for row in table.API.values()}
    found = set(api_operations())
    assert sorted(found - listed) == [], "API operations with no row in matrix_table.API"
    assert sorted(listed - found) == [], "stale API rows: no such operation"


def test_every_api_route_is_in_the_schema():
    """An API route left out of the OpenAPI schema would escape the API matrix."""
    schema_paths = {path for _method, path in api_operations()}
    assert sorted(discovered_api_route_paths() - schema_paths) == []


def test_every_admin_group_has_a_rule_or_the_default():
    stale = set(table.ADMIN) - set(_admin_groups())
    assert sorted(stale) == [], "stale admin rules"
    assert sorted(set(table.ADMIN_PATTERNS) - set(discovered_admin_routes())) == [], "stale admin pattern rules"
    assert len(discovered_admin_routes()) > 100  # the admin is mounted and every model admin is walked


def test_every_row_names_every_role():
    for key, row in {**table.ROUTES, **table.API}.items():
        assert set(row.expect) == set(ROLES), key


# --- field-level rules, each with the positive control that proves its strings are the right ones ---

def _get(world, role, url, *, api=False):
    response, body = _request(world, role, "GET", url, api=api)
    return _outcome(response), body


def _api(path, obj) -> str:
    return path.format(obj.pk)


def test_technical_evaluators_never_see_price(world):
    pa, pb = world.obj["proposal_a"], world.obj["proposal_b"]
    prices = price_strings(PRICE_A) + price_strings(PRICE_B)
    # Control: the price envelope printed for its proposer carries these strings.
    got, body = _get(world, "coordinator_b", _api("/api/v1/procurement/proposals/{}/price/", pb), api=True)
    assert got == 200 and any(s in body for s in price_strings(PRICE_B))
    for role, proposals in (("evaluator_assigned", (pa, pb)), ("evaluator_recused", (pb,))):
        pages = [reverse("procurement:evaluation-list"),
                 reverse("procurement:evaluation-detail", args=[world.obj["solicitation"].pk])]
        pages += [reverse("procurement:evaluation-proposal", args=[p.pk]) for p in proposals]
        apis = ["/api/v1/procurement/proposals/", "/api/v1/procurement/scores/"]
        apis += [_api("/api/v1/procurement/proposals/{}/", p) for p in proposals]
        for url, api in [(u, False) for u in pages] + [(u, True) for u in apis]:
            got, body = _get(world, role, url, api=api)
            assert got == 200, (role, url, got)  # reachable: the check below bites
            assert [s for s in prices if s in body] == [], (role, url)
            assert '"price' not in body and "total_price" not in body, (role, url)
        for p in proposals:  # the price envelope itself: visible object, too few rights
            got, body = _get(world, role, _api("/api/v1/procurement/proposals/{}/price/", p), api=True)
            assert got == 403, (role, p, got)
            assert [s for s in prices if s in body] == []


def test_blind_review_evaluators_never_see_the_proposer(world):
    pa, pb = world.obj["proposal_a"], world.obj["proposal_b"]
    org_a, org_b = world.obj["org_a"], world.obj["org_b"]
    identity = [org_a.name, org_a.slug, org_b.name, org_b.slug]
    assert world.obj["solicitation"].blind_review
    # Control: the officer's review of the same proposal names the proposer.
    got, body = _get(world, "procurement_officer", reverse("procurement:proposal-review", args=[pa.pk]))
    assert got == 200 and org_a.name in body
    for role, proposals in (("evaluator_assigned", (pa, pb)), ("evaluator_recused", (pb,))):
        urls = [(reverse("procurement:evaluation-list"), False),
                (reverse("procurement:evaluation-detail", args=[world.obj["solicitation"].pk]), False),
                ("/api/v1/procurement/proposals/", True), ("/api/v1/procurement/scores/", True),
                ("/api/v1/procurement/solicitations/", True)]
        for p in proposals:
            urls += [(reverse("procurement:evaluation-proposal", args=[p.pk]), False),
                     (_api("/api/v1/procurement/proposals/{}/", p), True)]
        for url, api in urls:
            got, body = _get(world, role, url, api=api)
            assert got == 200, (role, url, got)
            assert [s for s in identity if s in body] == [], (role, url)
        # They know each proposal by its code.
        got, body = _get(world, role, reverse("procurement:evaluation-proposal", args=[pb.pk]))
        assert pb.code in body


def test_program_evaluator_never_gets_contact_details(world):
    item = world.obj["feedback_contact"]
    # Control: the moderator, who may follow up, sees the consented contact on the item.
    got, body = _get(world, "moderator", reverse("engagement:feedback-detail", args=[item.pk]))
    assert got == 200 and CONTACT["email"] in body and CONTACT["phone"] in body
    reached = 0
    for key, row in table.ROUTES.items():
        if row.method != "GET":
            continue
        url = reverse(key.split("[")[0], kwargs={k: resolve(world, v, "program_evaluator")
                                                 for k, v in row.kwargs.items()})
        got, body = _get(world, "program_evaluator", url)
        reached += got == 200
        assert [v for v in CONTACT.values() if v in body] == [], url
    for row in table.API.values():
        if row.method != "GET":
            continue
        url = api_url(world, row, "program_evaluator")
        got, body = _get(world, "program_evaluator", url, api=True)
        reached += got == 200
        assert [v for v in CONTACT.values() if v in body] == [], url
    assert reached > 40  # the sweep covered the pages and endpoints a program evaluator can open


SEALED_URLS = (
    ("procurement:proposal-detail", False), ("procurement:proposal-review", False),
    ("procurement:evaluation-proposal", False),
    ("/api/v1/procurement/proposals/{}/", True), ("/api/v1/procurement/proposals/{}/price/", True),
)


# What the proposer itself opens (the officer's and the evaluators' pages refuse it at the role gate).
PROPOSER_URLS = ("procurement:proposal-detail", "/api/v1/procurement/proposals/{}/",
                 "/api/v1/procurement/proposals/{}/price/", "procurement:attachment-download")


def test_sealed_proposals_look_missing_to_everyone_but_the_proposer(world):
    """Before the opening a sealed proposal answers exactly as a proposal that does not exist, for
    every role but its proposer; the officer and the evaluators, who see proposals once opened, get 404."""
    sealed, attachment = world.obj["sealed_proposal_a"], world.obj["sealed_attachment_a"]
    assert world.obj["sealed_solicitation"].is_sealed
    cases = [(target, api, sealed.pk) for target, api in SEALED_URLS]
    cases.append(("procurement:attachment-download", False, attachment.pk))
    for role in ROLES:
        for target, api, pk in cases:
            def url(value, target=target, api=api):
                return target.format(value) if api else reverse(target, args=[value])
            got, _ = _get(world, role, url(pk), api=api)
            if role == "coordinator_a" and target in PROPOSER_URLS:
                assert got == 200, (role, target, got)
                continue
            absent, _ = _get(world, role, url(pk + 10_000), api=api)
            assert got == absent, (role, target, got, absent)
            assert got not in (200, 302), (role, target, got)
    # The people who read proposals once they are opened get a plain 404 before.
    api_detail = f"/api/v1/procurement/proposals/{sealed.pk}/"
    for role, url, api in [("procurement_officer", reverse("procurement:proposal-review", args=[sealed.pk]), False),
                           ("procurement_officer", api_detail, True)] + [
            (role, u, api) for role in EVALUATORS
            for u, api in ((reverse("procurement:evaluation-proposal", args=[sealed.pk]), False), (api_detail, True))]:
        assert _get(world, role, url, api=api)[0] == 404, (role, url)


def test_people_strings_are_the_ones_pages_show(world):
    """Control for the matrix's "people" rule: the names it forbids to outsiders are what an
    organization's own pages print, so their absence elsewhere means something."""
    org_a, org_b = world.obj["org_a"], world.obj["org_b"]
    got, body = _get(world, "coordinator_a", reverse("accounts:organization-detail", args=[org_a.slug]))
    assert got == 200 and world.users["responder"].full_name in body
    got, body = _get(world, "coordinator_b", reverse("accounts:organization-detail", args=[org_b.slug]))
    assert got == 200 and world.obj["responder_b"].full_name in body
    assert [s for s in _people(world, "a") if s in body] == []
