"""The demo's encounter log: recorded on worked shifts by their leads, idempotent, and the evaluation reads it."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from apps.operations.evaluation import evaluation
from apps.operations.models import Encounter, EncounterOutcome
from apps.scheduling.models import Assignment, PositionRole

pytestmark = pytest.mark.django_db


def test_the_demo_log_is_on_worked_shifts_and_seeding_twice_adds_nothing():
    call_command("seed_demo", "--quiet")
    count = Encounter.objects.count()
    call_command("seed_demo", "--quiet")
    assert Encounter.objects.count() == count > 20
    served = Encounter.objects.exclude(outcome=EncounterOutcome.UNSERVED)
    assert not served.filter(shift=None).exists()
    assert not served.filter(cleared_at__gt=timezone.now()).exists()
    # Every served encounter was recorded by a lead who checked in on that shift.
    leads = set(Assignment.objects.filter(position__role=PositionRole.LEAD, checked_in_at__isnull=False)
                .values_list("shift_id", "responder_id"))
    assert set(served.values_list("shift_id", "recorded_by_id")) <= leads
    assert not Encounter.objects.filter(outcome=EncounterOutcome.UNSERVED).exclude(unserved_reason="").filter(
        shift__isnull=False).exists()
    last = Encounter.objects.order_by("-received_at").first()
    assert evaluation(month=timezone.localtime(last.received_at).date(), exact=True).encounters >= 1
