"""Every object keeps working after it has ended or expired.

The permission matrix's world (shifts this week and next, training records, community sessions, a
solicitation in evaluation, reports) is built at one instant; this module then asks every page and every
API read of the matrix, for every role, as the calendar moves on: six weeks later (the shifts worked, the
sessions held, the RFP deadline passed, a month ended) and three years later (every certificate expired,
retention periods run out). Nothing may answer 5xx. What a role may see is the matrix's business; here
only "it still works" is asserted, and that the sweep really reached the pages (signed in, answered 200).
"""

from collections import Counter
from datetime import timedelta

import pytest
import time_machine
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from tests.security import matrix_table as table
from tests.security.matrix_world import ROLES
from tests.security.test_permission_matrix import (  # noqa: F401  (fixtures)
    _private_media,
    api_url,
    media,
    resolve,
    world,
)

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

LATER = {"six weeks on": timedelta(days=43), "three years on": timedelta(days=1100)}


def _get(w, role, url) -> int:
    """GET in a savepoint rolled back after it; the API is read with the signed-in session (an API token
    the world made may have expired by then, and a 401 would hide the page behind it)."""
    with transaction.atomic():
        response = w.clients[role].get(url)
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
        transaction.set_rollback(True)
    return response.status_code


def _urls(w, role):
    for key, row in sorted(table.ROUTES.items()):
        if row.method == "GET":
            yield reverse(key.split("[")[0], kwargs={k: resolve(w, v, role) for k, v in row.kwargs.items()})
    for _key, row in sorted(table.API.items()):
        if row.method == "GET":
            yield api_url(w, row, role)


@pytest.mark.parametrize("when", list(LATER))
def test_every_page_and_api_read_answers_after_time_has_passed(world, when):  # noqa: F811
    failures, statuses = [], Counter()
    with time_machine.travel(timezone.now() + LATER[when], tick=False):
        for role in ROLES:
            if role in world.users:  # signed in again: the session has long timed out by then
                world.clients[role].force_login(world.users[role])
            for url in _urls(world, role):
                try:
                    status = _get(world, role, url)
                except Exception as exc:  # the test client re-raises a view's exception
                    failures.append(f"{when} / {role}: GET {url} raised {type(exc).__name__}: {exc}")
                    continue
                statuses[status] += 1
                if status >= 500:
                    failures.append(f"{when} / {role}: GET {url} -> {status}")
    assert not failures, "\n".join(failures)
    assert statuses[200] > 600, statuses
