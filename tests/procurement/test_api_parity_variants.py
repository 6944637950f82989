"""Procurement's part of the API parity table (tests/security/parity_procurement.py), checked on its own:
every procurement page route is in it, every operation it names is in the schema, and the routes whose
URL names a variant list every variant the page takes, each with its operation (issue 24). The table as
a whole, with the other apps', is tests/security/test_api_parity.py's."""

import pytest
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator

from apps.procurement import services
from apps.procurement.views.steps import TRANSITIONS
from tests.security.parity_procurement import PROCUREMENT, PROCUREMENT_VARIANTS
from tests.security.parity_types import Api, Exempt
from tests.security.test_api_parity import post_routes

from ..factories.procurement import draft_solicitation


@pytest.fixture(scope="module")
def operations() -> set[tuple[str, str]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {(method.upper(), path) for path, ops in schema["paths"].items() for method in ops}


def test_every_procurement_route_that_takes_a_post_is_in_the_table():
    routes = {name for name in post_routes() if name.startswith("procurement:")}
    assert sorted(routes - set(PROCUREMENT)) == [], "procurement routes missing from PROCUREMENT"
    assert sorted(set(PROCUREMENT) - routes) == [], "PROCUREMENT names routes that no longer exist"
    assert all(isinstance(row, Api | Exempt) for row in PROCUREMENT.values())
    assert all(row.reason.strip() for row in PROCUREMENT.values() if isinstance(row, Exempt))


def test_every_operation_named_is_in_the_schema(operations):
    named = [row for row in PROCUREMENT.values() if isinstance(row, Api)]
    named += [row for variants in PROCUREMENT_VARIANTS.values() for row in variants.values()]
    assert sorted({(row.method, row.path) for row in named} - operations) == []
    for route, variants in PROCUREMENT_VARIANTS.items():
        assert PROCUREMENT[route] in variants.values(), route


def test_the_steps_are_the_pages_steps_with_the_same_services():
    assert {action: service for action, (service, _message) in TRANSITIONS.items()} == services.SOLICITATION_STEPS
    assert set(PROCUREMENT_VARIANTS["procurement:solicitation-transition"]) == set(TRANSITIONS)


@pytest.mark.django_db
@pytest.mark.parametrize("route", ["procurement:solicitation-item-add", "procurement:solicitation-item-remove"])
def test_the_item_variants_are_the_ones_the_page_takes(route, client, officer):
    """The page answers 404 for an item it does not take; each variant listed is one it takes."""
    solicitation = draft_solicitation(officer)
    client.force_login(officer)

    existing = {"criterion": solicitation.criteria.first(), "question": solicitation.questions.first(),
                "attachment": solicitation.required_attachments.first()}

    def status(item: str) -> int:
        kwargs = {"pk": solicitation.pk, "item": item}
        if route.endswith("remove"):
            kwargs["item_pk"] = existing[item].pk if item in existing else 0
        return client.post(reverse(route, kwargs=kwargs)).status_code

    assert status("no-such-item") == 404
    # Each variant listed gets past the page's choice of kinds (the add's form is empty: refused, redirected).
    assert {item: status(item) for item in PROCUREMENT_VARIANTS[route]} == dict.fromkeys(
        PROCUREMENT_VARIANTS[route], 302)
    if route.endswith("remove"):  # documents and addenda stay on the record: the page removes neither
        assert status("document") == status("addendum") == 404
