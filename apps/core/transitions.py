"""`transition(...)`: the one way a service moves a row from one state to another.

ATOMIC_REQUESTS is off, and a view hands a service the object it fetched at the start of the
request. Checking that copy's status and saving it lets two requests that both read "open" both
write: a withdrawal lands on a swap whose handover a coordinator approved a moment before, and two
check-ins each write and each audit. So a transition locks the row, re-reads it, checks the state it
is in now, saves and audits, all in one transaction: the second request waits for the first to
commit, then sees its state and is refused (or finds the work done).

Every service that moves one row's status goes through it. The few status writes that do not are
of other shapes, each as safe: a worker's claim is one conditional UPDATE (`...filter(status=QUEUED)
.update(status=RUNNING)`: reports, notifications), which needs no read and has nothing to audit; a
batch (a week's drafts published, a page of feedback moderated) locks its rows in id order and writes
one UPDATE and one audit event, so its queries do not grow with the batch; and the changes that
create rows on the way (a proposal's sealed submission, an invitation accepted into an account,
feedback moderated again) take the same row lock and re-check inside one transaction by hand.
"""

from collections.abc import Callable, Collection, Iterable
from typing import Any, TypeVar

from django.db import models, transaction
from django.utils.translation import gettext as _

from .audit import audit
from .errors import ApplicationError

M = TypeVar("M", bound=models.Model)


def transition(
    target: M | type[M],
    pk: Any = None,
    *,
    from_states: Collection[str],
    to_state: str,
    actor,
    action: str,
    field: str = "status",
    done_states: Collection[str] = (),
    refused: str | Callable[[M], str] | None = None,
    apply: Callable[[M], Iterable[str] | None] | None = None,
    organization=None,
    before: dict | Callable[[M], dict | None] | None = None,
    after: dict | Callable[[M], dict | None] | None = None,
    select_related: Iterable[str] = (),
    then: Callable[[M], None] | None = None,
) -> M:
    """Move one row's `field` from one of `from_states` to `to_state` and audit it, under its row lock.

    `target` is the instance the caller holds, or the model class with `pk`. In the row's current
    state (read under the lock): one of `done_states` returns the row untouched and unaudited (the
    change is already made, as a double click makes it); any other state outside `from_states` raises
    ApplicationError with `refused` (a message, or a function of the row giving one, whose error names
    the state field, as procurement's "needs: …" refusals always have). `apply(row)` may check the
    locked row further (raising ApplicationError rolls everything back) and set other fields,
    returning their names so they are saved too. `organization` (the audit's) may be a function of
    the saved row. `before` may be a function of the locked row as it was read, `after` of the saved row.
    `then(row)` runs in the same transaction after the audit, only when the change was made (the
    notifications and follow-on work that belong to it: a double click does not repeat them). The
    caller's instance, when one was given, is brought up to date with the fields written. Returns the
    locked, saved row.
    """
    model = type(target) if isinstance(target, models.Model) else target
    if isinstance(target, models.Model):
        pk = target.pk
    select_related = tuple(select_related)
    with transaction.atomic():
        queryset = model._default_manager.select_related(*select_related)
        # FOR UPDATE, not NO KEY UPDATE: it also waits for an insert that references the row (a
        # sign-up on a shift being cancelled) to commit or roll back before the state is read.
        # OF self always: a default manager may join related rows (SwapRequest's joins its shift),
        # and locking those too made a withdrawal and an approval deadlock on the shift.
        row = queryset.select_for_update(of=("self",)).get(pk=pk)
        current = getattr(row, field)
        if current in done_states:
            return row
        if current not in from_states:
            if callable(refused):
                message = refused(row)
            else:
                message = refused or _("This can no longer be done: it is now %(state)s.") % {
                    "state": _state_label(row, field)}
            raise ApplicationError(message, field=field if callable(refused) else None, code="invalid_transition")
        before = before(row) if callable(before) else before
        fields = [field, *(apply(row) or ())] if apply is not None else [field]
        setattr(row, field, to_state)
        if any(f.name == "updated_at" for f in model._meta.concrete_fields):
            fields.append("updated_at")
        fields = list(dict.fromkeys(fields))
        row.save(update_fields=fields)
        audit(actor=actor, action=action, target=row, before=before,
              organization=organization(row) if callable(organization) else organization,
              after=after(row) if callable(after) else after)
        if then is not None:
            then(row)
    if isinstance(target, models.Model) and target is not row:
        _copy_fields(row, target, fields)
    return row


def _copy_fields(source: models.Model, dest: models.Model, names: Iterable[str]) -> None:
    for name in names:
        model_field = source._meta.get_field(name)
        if model_field.is_relation and model_field.is_cached(source):
            setattr(dest, name, getattr(source, name))
        else:
            setattr(dest, model_field.attname, getattr(source, model_field.attname))


def _state_label(row: models.Model, field: str) -> str:
    display = getattr(row, f"get_{field}_display", None)
    return str(display() if display is not None else getattr(row, field)).lower()
