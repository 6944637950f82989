"""`manage.py simulate` end to end, tiny: one day across the spring DST change (the night of
13-14 March 2027) on PostgreSQL and Redis, from seed_demo. The route sweep is the long part of a
checkpoint and runs in `make simulate`; here the beat tasks, the people, the checkpoints' invariants
and the summary are exercised."""

import re
from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def test_simulate_one_day_across_the_spring_change_is_clean(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    out = StringIO()
    call_command("simulate", "--reset", "--days", "1", "--start", "2027-03-13T20:00-05:00", "--seed", "1",
                 "--no-sweep", stdout=out)
    text = out.getvalue()
    assert "Simulated 1.0 days: 2027-03-13T20:00:00-05:00 -> 2027-03-14T20:00:00-05:00 (seed 1)" in text
    assert "checkpoint 2027-03-14 03:30 EDT (DST change 2027-03-14)" in text
    assert "notifications.run_scanners" in text and "engagement.retention_purge" in text
    assert "scheduling.shift_reminder (email)" in text
    assert re.search(r"Audit events verified \(new at each checkpoint, all at the end\): [1-9]\d*\n", text)
    assert "Failures: 0" in text
    assert text.rstrip().endswith("Simulation clean.")
