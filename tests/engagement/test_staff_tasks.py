import pytest

from apps.core.errors import ApplicationError
from apps.core.models import AuditEvent
from apps.engagement import services
from apps.engagement.models import StaffTask
from tests.factories.engagement import SessionFactory, language, moderator_of

pytestmark = pytest.mark.django_db


def test_staff_task_closed_twice_records_the_first_closing_once():
    session = SessionFactory()
    registration = services.registration_create(session_id=session.pk, name="Ana", language=language("en"),
                                                access_needs="Wheelchair seating")
    task = StaffTask.objects.get(registration=registration)
    first, second = moderator_of(session.organization), moderator_of(session.organization)
    stale = StaffTask.objects.get(pk=task.pk)  # the second moderator's page, read before the first closed it

    done = services.staff_task_complete(by=first, task=task)
    again = services.staff_task_complete(by=second, task=stale)

    assert (task.status, task.done_by, done.done_by, again.status, again.done_by) == (
        "done", first, first, "done", first)
    assert AuditEvent.objects.filter(action="engagement.task.done", target_id=str(task.pk)).count() == 1
    with pytest.raises(ApplicationError):
        services.staff_task_complete(by=moderator_of(), task=task)
