"""What a run did and what went wrong: counted as it goes, printed at the end."""

import logging
import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class Failure:
    kind: str        # "http", "log", "invariant", "action"
    at: datetime
    where: str       # the route (method and path), the invariant's name or the action
    role: str = ""
    detail: str = ""

    def line(self) -> str:
        role = f" as {self.role}" if self.role else ""
        detail = f": {self.detail}" if self.detail else ""
        return f"[{self.kind}] {self.at.isoformat()} {self.where}{role}{detail}"


@dataclass
class Summary:
    start: datetime
    end: datetime
    seed: int
    steps: int = 0
    actions: Counter = field(default_factory=Counter)
    refused: Counter = field(default_factory=Counter)   # a service said no (ApplicationError): normal life
    tasks: Counter = field(default_factory=Counter)
    checkpoints: int = 0
    checkpoint_requests: int = 0
    sweep_coverage: tuple = (0, 0)  # (asked, total) cells of route x role x past/current/future
    status_codes: Counter = field(default_factory=Counter)
    failures: list[Failure] = field(default_factory=list)
    messages_sent: Counter = field(default_factory=Counter)
    reports_built: int = 0
    audit_events_verified: int = 0  # at the last checkpoint
    wall_seconds: float = 0.0

    def act(self, kind: str, n: int = 1) -> None:
        self.actions[kind] += n

    def fail(self, kind: str, at: datetime, where: str, role: str = "", detail: str = "") -> None:
        self.failures.append(Failure(kind=kind, at=at, where=where, role=role, detail=detail[:500]))

    @property
    def days(self) -> float:
        return (self.end - self.start).total_seconds() / 86400

    def render(self) -> str:
        lines = [f"Simulated {self.days:.1f} days: {self.start.isoformat()} -> {self.end.isoformat()} "
                 f"(seed {self.seed}), {self.steps} steps, {self.wall_seconds:.0f} s wall time."]
        lines.append(f"Actions ({sum(self.actions.values())}):")
        lines += [f"  {kind:<44} {n:>6}" for kind, n in sorted(self.actions.items())]
        if self.refused:
            lines.append(f"Refused by a service, as designed ({sum(self.refused.values())}):")
            lines += [f"  {kind:<44} {n:>6}" for kind, n in sorted(self.refused.items())]
        lines.append(f"Beat tasks run ({sum(self.tasks.values())}):")
        lines += [f"  {name:<44} {n:>6}" for name, n in sorted(self.tasks.items())]
        lines.append(f"Messages sent ({sum(self.messages_sent.values())}):")
        lines += [f"  {kind:<44} {n:>6}" for kind, n in sorted(self.messages_sent.items())]
        lines.append(f"Monthly reports built: {self.reports_built}")
        lines.append(f"Audit events verified (new at each checkpoint, all at the end): {self.audit_events_verified}")
        codes = ", ".join(f"{code}: {n}" for code, n in sorted(self.status_codes.items()))
        lines.append(f"Checkpoints: {self.checkpoints}, requests: {self.checkpoint_requests} ({codes})")
        asked, total = self.sweep_coverage
        if total:
            lines.append(f"Routes x roles x ids (past/current/future) asked over the run: {asked} of {total}")
        lines.append(f"Failures: {len(self.failures)}")
        lines += [f"  {f.line()}" for f in self.failures[:200]]
        if len(self.failures) > 200:
            lines.append(f"  ... and {len(self.failures) - 200} more")
        return "\n".join(lines)


class ErrorLogCapture(logging.Handler):
    """Every log record at ERROR or above, from any logger, while installed on the root logger."""

    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.records: list[logging.LogRecord] = []
        self._lock_local = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        with self._lock_local:
            self.records.append(record)

    def drain(self) -> list[logging.LogRecord]:
        with self._lock_local:
            out, self.records = self.records, []
        return out

    def __enter__(self):
        logging.getLogger().addHandler(self)
        return self

    def __exit__(self, *exc):
        logging.getLogger().removeHandler(self)
