"""The run: seed, then step through simulated time — beat tasks at their times, people's days,
shifts and sessions as they happen, checkpoints — and return the summary."""

import random
import time as wallclock
from collections import Counter
from datetime import datetime, time, timedelta

from django.core import mail
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from . import actors, checkpoint, invariants
from .clock import (
    Clock,
    StepQueue,
    beat_entries,
    crontab_times,
    dst_changes,
    local,
    local_day,
    month_ends,
    task_callables,
)
from .rfp import RfpCycle
from .summary import ErrorLogCapture, Summary

# Within one instant: beat first, then people, then the checkpoint sees the result.
PRIORITY = {"beat": 0, "plan": 1, "shift_start": 2, "shift_noshow": 3, "shift_calls": 3, "shift_end": 4,
            "shift_late_status": 4, "shift_hours": 4,
            "session_held": 5, "session_closed": 6, "morning": 7, "midday": 8, "evening": 9, "night": 10, "step": 11,
            "checkpoint": 20, "end": 30}
RFP_EVERY_DAYS = 182
# The payloads of plain steps: what opened at that instant.
SHIFT_REMINDERS, SESSION_REMINDERS, DST_NIGHT = "shift reminders", "session reminders", "DST night"
# The scanners (a five-minute beat entry) a step runs. Every scanner looks at a window around now;
# the world only changes at steps, so a scanner needs to run where its window opens (the reminder
# steps, planned 5 minutes before each reminder's time, with the scanner's 15-minute lookahead) and
# often enough for the day-sized windows (expiry warnings, unfilled places, shifts at risk, the
# monthly report on the 1st): all of them after midnight, in the morning, the evening, each hour of
# a DST night and at each checkpoint. The other steps (a shift starting or ending, people acting at
# midday, an hourly crontab entry) run the one-minute entries only: dispatch and heartbeat.
ALL_SCANNERS_AT = {"plan", "morning", "evening", "checkpoint"}
SCANNERS_FOR_STEP = {
    SHIFT_REMINDERS: ["scheduling.shift_reminders"],
    SESSION_REMINDERS: ["engagement.reminders", "training.session_reminders"],
}
SCANNER_TASK = "notifications.run_scanners"


class Simulation:
    def __init__(self, *, start: datetime, end: datetime, seed: int, stdout=None, verbose: bool = False,
                 sweep: bool = True):
        self.start, self.end, self.seed = start, end, seed
        self.stdout, self.verbose, self.do_sweep = stdout, verbose, sweep
        self.summary = Summary(start=start, end=end, seed=seed)
        self.queue = StepQueue(after=start)
        self.rng = random.Random(seed)  # noqa: S311  (reproducible choices, not secrets)
        self.reported: set[str] = set()
        self.cycles: list[RfpCycle] = []
        self.subscribed_at = None
        self.messages_counted_until = start
        self.timing: Counter = Counter()
        self.good_months: set[str] = set()  # monthly reports already found built, with figures
        self.chain = invariants.AuditChainWatch()

    def say(self, text: str) -> None:
        if self.stdout is not None and self.verbose:
            self.stdout.write(text)

    # --- the plan ------------------------------------------------------------------------------

    def _plan_calendar(self) -> None:
        day = local_day(self.start)
        last = local_day(self.end)
        while day <= last:
            self.queue.push(local(day, time(0, 10)), "plan")
            for label, at in (("morning", time(8)), ("midday", time(12, 30)), ("evening", time(17, 30)),
                              ("night", time(23))):
                self.queue.push(local(day, at), label)
            if day.weekday() == 6:
                self.queue.push(local(day, time(23, 30)), "checkpoint", "weekly")
            day += timedelta(days=1)
        for day in dst_changes(self.start, self.end):
            self.queue.push(local(day, time(3, 30)), "checkpoint", f"DST change {day}")
            # the night itself, hour by hour in UTC: shifts and reminders across the change
            night = local(day - timedelta(days=1), time(22))
            for hours in range(0, 8):
                self.queue.push(night + timedelta(hours=hours), "step", DST_NIGHT)
        for day in month_ends(self.start, self.end):
            self.queue.push(local(day, time(23, 50)), "checkpoint", f"month end {day:%Y-%m}")
        self.beat = beat_entries()
        self.tasks = task_callables()
        for entry in self.beat:
            if entry.crontab is not None:
                for moment in crontab_times(entry, self.start, self.end):
                    self.queue.push(moment, "beat", entry.name)
        self.queue.push(self.end, "checkpoint", "end")

    def _plan_near(self) -> None:
        """The instants around the shifts and sessions of the next two days."""
        from apps.engagement.models import CommunitySession
        from apps.scheduling.models import Shift
        from apps.scheduling.services import CHECK_OUT_CLOSES

        now = timezone.now()
        horizon = now + timedelta(days=2)
        # ends after now, not starts: a shift under way at the start of the run ends in it too
        for pk, starts, ends in Shift.objects.filter(status=Shift.Status.PUBLISHED, ends_at__gt=now,
                                                      starts_at__lte=horizon).values_list("pk", "starts_at", "ends_at"):
            for at, kind in ((starts - timedelta(hours=24, minutes=5), "step"),
                             (starts - timedelta(hours=2, minutes=5), "step"),
                             (starts + timedelta(minutes=5), "shift_start"),
                             (starts + timedelta(hours=1), "shift_noshow"),
                             (min(starts + timedelta(hours=2), ends - timedelta(minutes=30)), "shift_calls"),
                             (ends + timedelta(minutes=10), "shift_end"),
                             (ends + timedelta(minutes=20), "shift_late_status"),
                             (ends + CHECK_OUT_CLOSES + timedelta(minutes=15), "shift_hours")):
                if now < at <= self.end:
                    self.queue.push(at, kind, SHIFT_REMINDERS if kind == "step" else pk)
        for pk, starts, ends in CommunitySession.objects.filter(
                status=CommunitySession.Status.PUBLISHED, ends_at__gt=now, starts_at__lte=horizon).values_list(
                "pk", "starts_at", "ends_at"):
            for at, kind in ((starts - timedelta(hours=24, minutes=5), "step"),
                             (starts + timedelta(minutes=10), "session_held"), (ends + timedelta(minutes=15),
                                                                                 "session_closed")):
                if now < at <= self.end:
                    self.queue.push(at, kind, SESSION_REMINDERS if kind == "step" else pk)

    # --- running -------------------------------------------------------------------------------

    def run(self) -> Summary:
        began = wallclock.monotonic()
        with Clock(self.start) as clock, ErrorLogCapture() as capture:
            self.capture = capture
            call_command("seed_demo", "--quiet")
            self.world = actors.build_world(rng=self.rng, summary=self.summary)
            actors.subscribe_to_monthly_report(self.world)
            self.sweeper = checkpoint.Sweeper(summary=self.summary, capture=capture, users=self.world.users)
            self.subscribed_at = timezone.now()
            self._plan_calendar()
            self._plan_near()
            self._collect_logs("setup")
            while True:
                events = self.queue.pop_due(self.end)
                if not events:
                    break
                clock.move_to(events[0].at)
                self.summary.steps += 1
                for event in sorted(events, key=lambda e: (PRIORITY[e.kind], e.order)):
                    began_event = wallclock.monotonic()
                    self._handle(event)
                    self.timing[event.kind] += wallclock.monotonic() - began_event
                began_event = wallclock.monotonic()
                self._interval_tasks(events)
                self.timing["interval tasks"] += wallclock.monotonic() - began_event
                self._collect_logs(",".join(sorted({e.kind for e in events})))
                mail.outbox = []
                self._clear_sms()
        self.summary.wall_seconds = wallclock.monotonic() - began
        self.say("Wall time by step kind (seconds): " + ", ".join(
            f"{kind} {seconds:.1f}" for kind, seconds in self.timing.most_common()))
        if self.verbose and self.do_sweep:
            self.say("Slowest routes over all sweeps (seconds):")
            for template, seconds in self.sweeper.slowest():
                self.say(f"  {seconds:8.1f}  {template}")
        return self.summary

    def _handle(self, event) -> None:
        w = self.world
        kind = event.kind
        if kind == "beat":
            entry = next(e for e in self.beat if e.name == event.payload)
            self._run_task(entry)
        elif kind == "plan":
            self._plan_near()
        elif kind == "shift_start":
            actors.shift_started(w, event.payload)
        elif kind == "shift_noshow":
            actors.shift_no_shows(w, event.payload)
        elif kind == "shift_calls":
            actors.shift_calls(w, event.payload)
        elif kind == "shift_end":
            actors.shift_ended(w, event.payload)
        elif kind == "shift_late_status":
            actors.late_status_tap(w, event.payload)
        elif kind == "shift_hours":
            actors.shift_hours_recorded(w, event.payload)
        elif kind == "session_held":
            actors.session_held(w, event.payload)
        elif kind == "session_closed":
            actors.session_closed(w, event.payload)
        elif kind == "morning":
            self._morning()
        elif kind == "midday":
            actors.moderate(w)
            actors.residents_register(w)
            actors.public_feedback(w)
        elif kind == "evening":
            actors.sign_ups(w)
            actors.swaps_and_time_off(w)
        elif kind == "night":
            actors.public_feedback(w)
            actors.training_day(w)
        elif kind == "checkpoint":
            self._checkpoint(event.payload)

    def _morning(self) -> None:
        w = self.world
        today = local_day(timezone.now())
        age = (today - local_day(self.start)).days
        if age % RFP_EVERY_DAYS == 0:
            self.cycles.append(RfpCycle(w, number=len(self.cycles) + 1))
        for cycle in self.cycles:
            if not cycle.done:
                cycle.day()
        if today.weekday() == 0:
            actors.weekly_schedule(w)
        if today.weekday() == 1:
            actors.plan_community_session(w)
        if today.weekday() == 2 and (age // 7) % 2 == 0:
            actors.schedule_classes(w)
        if today.day == 3:
            actors.publish_decision(w)
        if today.weekday() == 4:
            actors.residents_erase(w)
        actors.fill_positions(w)
        actors.verify_pending_records(w)
        actors.renewals(w)
        actors.invitations(w)
        actors.training_day(w)

    def _run_task(self, entry) -> None:
        try:
            self.tasks[entry.task]()
        except Exception as exc:
            self.summary.fail("task", timezone.now(), entry.task, detail=f"{type(exc).__name__}: {exc}")
        self.summary.tasks[entry.task] += 1

    def _interval_tasks(self, events) -> None:
        """The interval entries, once per step: dispatch and heartbeat always, the scanners as
        SCANNERS_FOR_STEP and ALL_SCANNERS_AT say."""
        from apps.notifications.scanners import run_scanners

        if any(e.kind in ALL_SCANNERS_AT or (e.kind == "step" and e.payload == DST_NIGHT) for e in events):
            only = None
        else:
            only = sorted({key for e in events if e.kind == "step" for key in SCANNERS_FOR_STEP.get(e.payload, ())})
        for entry in self.beat:
            if entry.interval is None:
                continue
            if entry.task != SCANNER_TASK or only is None:
                self._run_task(entry)
            elif only:
                try:
                    run_scanners(only=only)
                except Exception as exc:
                    self.summary.fail("task", timezone.now(), entry.task, detail=f"{type(exc).__name__}: {exc}")
                self.summary.tasks[f"{entry.task} (reminders)"] += 1

    def _clear_sms(self) -> None:
        from apps.notifications.sms import LocmemSMSBackend

        LocmemSMSBackend.outbox.clear()

    def _collect_logs(self, where: str) -> None:
        for record in self.capture.drain():
            self.summary.fail("log", timezone.now(), f"step [{where}]", detail=f"{record.name}: "
                              f"{checkpoint._describe(record)}")

    def _count_messages(self) -> None:
        from apps.notifications.models import Notification

        now = timezone.now()
        rows = (Notification.objects.filter(status=Notification.Status.SENT, sent_at__gt=self.messages_counted_until,
                                            sent_at__lte=now).values("kind", "channel").annotate(n=Count("id")))
        for row in rows:
            self.summary.messages_sent[f"{row['kind']} ({row['channel']})"] += row["n"]
        self.messages_counted_until = now

    def _checkpoint(self, label: str) -> None:
        now = timezone.now()
        self._collect_logs("before checkpoint")
        self._count_messages()
        if self.do_sweep:
            # DST nights, month ends and the end: every route for every role; weekly: a slice in turn.
            began = wallclock.monotonic()
            made = self.sweeper.sweep(label=label, full=label != "weekly")
            self.say(f"    sweep: {made} requests in {wallclock.monotonic() - began:.1f} s")
        else:
            made = 0
            self.summary.checkpoints += 1
        began = wallclock.monotonic()
        results, facts = invariants.check_all(subscriber=self.world.users["admin"], subscribed_at=self.subscribed_at,
                                              chain=self.chain, whole_chain=label == "end",
                                              known_good=self.good_months)
        self.summary.reports_built = facts["reports_built"]
        self.summary.audit_events_verified = facts["audit_events_verified"]
        self.say(f"    invariants: {wallclock.monotonic() - began:.1f} s")
        for name, violations in results.items():
            for violation in violations:
                if violation in self.reported:
                    continue
                self.reported.add(violation)
                self.summary.fail("invariant", now, name, detail=f"{label}: {violation}")
        if self.stdout is not None:
            self.stdout.write(f"  checkpoint {timezone.localtime(now):%Y-%m-%d %H:%M %Z} ({label}): {made} requests, "
                              f"{len(self.summary.failures)} failures so far")
