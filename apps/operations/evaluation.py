"""The evaluation figures of the encounter log, de-identified: the monthly report, the evaluation page and
the evaluator's exports all read `evaluation()` and `export_rows()`, so they cannot disagree.

Metric names follow the Harvard Kennedy School Government Performance Lab's alternative (non-police)
response metrics: call volume and mix, response time (dispatch to arrival), calls diverted from police
(resolved without police), police backup requested, connection to services, and calls the program
could not serve. DATA_DICTIONARY says for each figure and each export column its definition and where it
comes from.

De-identified: no row names a person or a shift; the note is never exported; a count under 5 (of
encounters, of shifts) reads "<5" in every aggregate, and a share or a time computed over fewer than 5
encounters reads "<5" too (it is as telling as the count); so does a share whose complement is under 5
(calls diverted from police beside the police count). Zero is a count under 5 like the others: the
program's reports suppress it the same way (core.privacy.SUPPRESSION_THRESHOLD, the rule engagement's
public figures use too).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Exists, OuterRef
from django.utils import timezone

from apps.accounts.roles import Role
from apps.core.localtime import month_bounds
from apps.core.privacy import SUPPRESSION_THRESHOLD
from apps.scheduling.models import Assignment, PositionRole, Shift

from .models import Encounter, EncounterOutcome, EncounterSource, ReferralKind, UnservedReason

SUPPRESSED = f"<{SUPPRESSION_THRESHOLD}"
# Outcomes where the team met the person and the call ended without police.
WITHOUT_POLICE = (EncounterOutcome.RESOLVED, EncounterOutcome.REFERRAL, EncounterOutcome.TRANSPORT,
                  EncounterOutcome.MEDICAL)
# Outcomes where the team met the person: the base of "Calls diverted from police".
CONTACTED = (*WITHOUT_POLICE, EncounterOutcome.POLICE)
HOUR_BUCKET = 3  # the export's hour of day, in blocks of 3 hours: "09-12"


def can_read_evaluation(user) -> bool:
    """The de-identified figures and exports: the program admin and the program evaluator."""
    return user.is_authenticated and user.has_any_role(Role.PROGRAM_ADMIN, Role.PROGRAM_EVALUATOR)


def suppress(count: int):
    return count if count >= SUPPRESSION_THRESHOLD else SUPPRESSED


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (the value at rank ceil(share × n) of the sorted values): a time some call
    actually took, which is what an evaluator can check by hand."""
    ordered = sorted(values)
    return ordered[max(math.ceil(share * len(ordered)) - 1, 0)]


@dataclass
class Evaluation:
    month: date
    encounters: object = 0
    by_zone: list[tuple[str, object]] = field(default_factory=list)
    by_hour: list[tuple[int, object]] = field(default_factory=list)
    by_hour_block: list[tuple[str, object]] = field(default_factory=list)  # "09-12": the export's blocks
    by_source: list[tuple[str, object]] = field(default_factory=list)
    by_outcome: list[tuple[str, object]] = field(default_factory=list)
    timed: object = 0
    response_median: object = None  # minutes, dispatch to arrival
    response_p90: object = None
    contacted: object = 0
    diverted: object = 0
    diverted_share: object = None  # percent of contacted
    police_backup: object = 0
    referrals: object = 0
    referrals_by_kind: list[tuple[str, object]] = field(default_factory=list)
    unserved: object = 0
    unserved_by_reason: list[tuple[str, object]] = field(default_factory=list)
    follow_up: object = 0
    shifts: object = 0
    shifts_without_lead: object = 0

    def aggregate_rows(self) -> list[tuple[str, str, object]]:
        """(metric, category, value) for the aggregate CSV, in the order of the data dictionary."""
        rows: list[tuple[str, str, object]] = [("Encounters", "", self.encounters)]
        rows += [("Encounters by zone", name, n) for name, n in self.by_zone]
        rows += [("Encounters by hour of day", f"{hour:02d}", n) for hour, n in self.by_hour]
        rows += [("Encounters by 3-hour block", block, n) for block, n in self.by_hour_block]
        rows += [("Encounters by source", label, n) for label, n in self.by_source]
        rows += [("Encounters by outcome", label, n) for label, n in self.by_outcome]
        rows += [("Response time (dispatch to arrival), median minutes", "", _value(self.response_median)),
                 ("Response time (dispatch to arrival), 90th percentile minutes", "", _value(self.response_p90)),
                 ("Calls with dispatch and arrival times", "", self.timed),
                 ("Calls diverted from police", "", self.diverted),
                 ("Calls diverted from police, share of calls with contact (%)", "", _value(self.diverted_share)),
                 ("Police backup requested", "", self.police_backup),
                 ("Connection to services (referrals)", "", self.referrals)]
        rows += [("Connection to services by kind", label, n) for label, n in self.referrals_by_kind]
        rows += [("Unserved calls", "", self.unserved)]
        rows += [("Unserved calls by reason", label, n) for label, n in self.unserved_by_reason]
        rows += [("Follow-up needed", "", self.follow_up),
                 ("Shifts", "", self.shifts),
                 ("Shifts without a lead", "", self.shifts_without_lead)]
        return rows


def _value(value):
    return "" if value is None else value


def _encounters(month: date, organization_ids: set[int] | None):
    lo, hi = month_bounds(month)
    rows = Encounter.objects.filter(received_at__gte=lo, received_at__lt=hi)
    if organization_ids is not None:
        rows = rows.filter(organization_id__in=organization_ids)
    return rows


def shift_lead_counts(month: date, organization_ids: set[int] | None, *, now: datetime) -> tuple[int, int]:
    """(shifts, shifts without a lead): published shifts that started in the month, by now. A shift is
    without a lead when no one on a lead position checked in on it: the lead place was unfilled, or its
    holder never checked in (a shift planned with no lead position counts too). One query."""
    lo, hi = month_bounds(month)
    shifts = Shift.objects.filter(status=Shift.Status.PUBLISHED, starts_at__gte=lo, starts_at__lt=min(hi, now))
    if organization_ids is not None:
        shifts = shifts.filter(organization_id__in=organization_ids)
    led = Assignment.objects.filter(shift=OuterRef("pk"), position__role=PositionRole.LEAD,
                                    checked_in_at__isnull=False)
    counts = Counter(shifts.annotate(led=Exists(led)).values_list("led", flat=True))
    return counts[True] + counts[False], counts[False]


def evaluation(*, month: date, organization_ids: set[int] | None = None, exact: bool = False) -> Evaluation:
    """The month's figures (the city's calendar month of `month`), for the given organizations (None: the
    whole program). Suppressed under 5 unless `exact` (tests and the admin's own checks). Three queries."""
    def n(count: int):
        return count if exact else suppress(count)

    def over(value, base: int):
        return value if exact or base >= SUPPRESSION_THRESHOLD else SUPPRESSED

    rows = list(_encounters(month, organization_ids).values_list(
        "zone__name", "source", "outcome", "referral_kind", "unserved_reason", "follow_up_needed", "received_at",
        "dispatched_at", "arrived_at"))
    zones, hours, sources, outcomes, kinds, reasons = Counter(), Counter(), Counter(), Counter(), Counter(), Counter()
    minutes: list[float] = []
    follow_up = 0
    for zone, source, outcome, kind, reason, follow, received, dispatched, arrived in rows:
        zones[zone] += 1
        hours[timezone.localtime(received).hour] += 1
        sources[source] += 1
        outcomes[outcome] += 1
        if kind:
            kinds[kind] += 1
        if reason:
            reasons[reason] += 1
        follow_up += bool(follow)
        if dispatched is not None and arrived is not None:
            minutes.append((arrived - dispatched).total_seconds() / 60)
    contacted = sum(outcomes[o] for o in CONTACTED)
    diverted = sum(outcomes[o] for o in WITHOUT_POLICE)
    shifts, without_lead = shift_lead_counts(month, organization_ids, now=timezone.now())
    return Evaluation(
        month=month.replace(day=1), encounters=n(len(rows)),
        by_zone=[(name, n(zones[name])) for name in sorted(zones)],
        by_hour=[(hour, n(hours[hour])) for hour in range(24)],
        by_hour_block=[(f"{lo:02d}-{lo + HOUR_BUCKET:02d}", n(sum(hours[h] for h in range(lo, lo + HOUR_BUCKET))))
                       for lo in range(0, 24, HOUR_BUCKET)],
        by_source=[(str(label), n(sources[value])) for value, label in EncounterSource.choices],
        by_outcome=[(str(label), n(outcomes[value])) for value, label in EncounterOutcome.choices],
        timed=n(len(minutes)),
        response_median=over(round(percentile(minutes, 0.5), 1), len(minutes)) if minutes else None,
        response_p90=over(round(percentile(minutes, 0.9), 1), len(minutes)) if minutes else None,
        contacted=n(contacted), diverted=n(diverted),
        # With the count of calls diverted printed, the share would give away a police count under 5 (and the
        # reverse): it is shown only when both parts are 5 or more.
        diverted_share=over(round(100 * diverted / contacted, 1), min(diverted, contacted - diverted))
        if contacted else None,
        police_backup=n(outcomes[EncounterOutcome.POLICE]),
        referrals=n(outcomes[EncounterOutcome.REFERRAL]),
        referrals_by_kind=[(str(label), n(kinds[value])) for value, label in ReferralKind.choices],
        unserved=n(outcomes[EncounterOutcome.UNSERVED]),
        unserved_by_reason=[(str(label), n(reasons[value])) for value, label in UnservedReason.choices],
        follow_up=n(follow_up), shifts=n(shifts), shifts_without_lead=n(without_lead),
    )


# --- the row export ---------------------------------------------------------------------------------

EXPORT_COLUMNS = ["month", "zone", "hour_block", "source", "outcome", "referral_kind", "unserved_reason",
                  "follow_up_needed", "dispatch_to_arrival_minutes", "arrival_to_clear_minutes"]


def _minutes(start, end) -> str:
    return str(round((end - start).total_seconds() / 60)) if start is not None and end is not None else ""


def export_rows(*, month: date, organization_ids: set[int] | None = None) -> list[list[str]]:
    """One de-identified row per encounter of the month: no id, no organization, no shift, no person, no
    note, no exact time (the hour in blocks of 3). Sorted by the columns, so the order says nothing about
    when a call was recorded. One query."""
    out = []
    for zone, source, outcome, kind, reason, follow, received, dispatched, arrived, cleared in (
            _encounters(month, organization_ids).values_list(
                "zone__slug", "source", "outcome", "referral_kind", "unserved_reason", "follow_up_needed",
                "received_at", "dispatched_at", "arrived_at", "cleared_at")):
        hour = timezone.localtime(received).hour // HOUR_BUCKET * HOUR_BUCKET
        out.append([f"{month:%Y-%m}", zone, f"{hour:02d}-{hour + HOUR_BUCKET:02d}", source, outcome, kind, reason,
                    "yes" if follow else "no", _minutes(dispatched, arrived), _minutes(arrived, cleared)])
    return sorted(out)


# --- the data dictionary ----------------------------------------------------------------------------

GPL = "Harvard Kennedy School Government Performance Lab, alternative response metrics"

# (name, definition, where it comes from)
DATA_DICTIONARY: list[tuple[str, str, str]] = [
    ("month", "The city's calendar month (local time) the call was received in, YYYY-MM.",
     "Encounter log: received time, recorded by the team."),
    ("zone", "The neighborhood (program zone) of the call, by its slug.", "Encounter log: zone chosen by the team."),
    ("hour_block", "The local hour of day the call was received, in blocks of 3 hours (09-12 = 09:00 to 11:59).",
     "Encounter log: received time. Blocks, not minutes, so a row cannot be matched to a 911 record."),
    ("source", "How the call came: 911 (911 transfer), 988 (988 call), walk_up (walk-up or flag-down), "
               "follow_up (a planned follow-up).", "Encounter log."),
    ("outcome", "What happened: resolved (on scene), referral (referral made), transport (voluntary transport), "
                "medical (medical care needed), police (police requested), no_contact, unserved (could not be "
                "served).", "Encounter log."),
    ("referral_kind", "For a referral: the kind of service (mental_health, crisis_center, substance_use, housing, "
                      "medical, peer, benefits, other); empty otherwise.", "Encounter log."),
    ("unserved_reason", "For an unserved call: no_team (no team free), outside_hours, safety (safety screen), "
                        "other; empty otherwise.", "Encounter log (the B-HEARD audit's gap: unserved calls and why)."),
    ("follow_up_needed", "yes when the team marked that the person needs a follow-up contact.", "Encounter log."),
    ("dispatch_to_arrival_minutes", "Minutes from dispatch to arrival on scene, rounded; empty when either time "
                                    "was not recorded.", "Encounter log: dispatched and arrived times."),
    ("arrival_to_clear_minutes", "Minutes on scene, from arrival to clearing the call, rounded; empty when either "
                                 "time was not recorded.", "Encounter log: arrived and cleared times."),
    ("Encounters", "Calls received in the month and recorded in the log, served or not.", "Encounter log. " + GPL
     + ": call volume."),
    ("Encounters by zone / hour of day / source / outcome", "The same calls counted by zone, local hour received, "
     "source and outcome.", "Encounter log. " + GPL + ": call mix."),
    ("Response time (dispatch to arrival)", "Median and 90th percentile (nearest rank) of the minutes from dispatch "
     "to arrival, over calls with both times.", "Encounter log. " + GPL + ": response time."),
    ("Calls diverted from police", "Calls where the team met the person and the call ended without police: "
     "resolved on scene, referral, voluntary transport or medical care. The share is over the calls where the team "
     "met the person (those, plus police requested); no contact and unserved calls are outside it.",
     "Encounter log. " + GPL + ": calls diverted from police / resolved without police involvement."),
    ("Police backup requested", "Calls whose outcome was police requested.",
     "Encounter log. " + GPL + ": police backup requests."),
    ("Connection to services", "Calls that ended with a referral, by the kind of service.",
     "Encounter log. " + GPL + ": connection to services."),
    ("Unserved calls", "Calls the program received but no team could take, by reason.",
     "Encounter log. Recommended by the New York City Comptroller's audit of B-HEARD (2023), which found them "
     "untracked."),
    ("Follow-up needed", "Calls the team marked as needing a follow-up contact.", "Encounter log."),
    ("Shifts without a lead", "Published shifts that started in the month where no one on a lead position checked "
     "in: the lead place was unfilled, its holder never checked in, or the shift had no lead position.",
     "Shift schedule: positions, assignments and check-ins."),
    ("Suppression", "In the aggregates, a count under 5 reads <5, and a share or a time over fewer than 5 calls "
     "reads <5, as does the share of calls diverted from police when fewer than 5 calls were, or were not, "
     "diverted. The row export is not aggregated and has no suppression; it has no name, organization, shift, "
     "note or exact time.", "Program rule for de-identified figures."),
]
