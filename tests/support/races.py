"""Racing state changes on PostgreSQL, in a known order.

`queue_behind_a_lock(model, pk, *works)`: a third connection holds the row's lock while the racers
start one after the other, so they queue behind it in that order; letting it go lets them run. The
first in the queue commits; the second must see what it committed, not the copy it was handed.
"""

import threading
import time

from django.db import connection, transaction


def _waiting_on_locks() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                       "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()")
        return cursor.fetchone()[0]


def _until_waiting(n: int) -> None:
    for _ in range(1000):  # ten seconds (the clock is frozen, so count sleeps)
        if _waiting_on_locks() >= n:
            return
        time.sleep(0.01)
    raise AssertionError(f"{n} racer(s) never queued on the row lock")


class Racer(threading.Thread):
    def __init__(self, work) -> None:
        super().__init__()
        self.work, self.result, self.error = work, None, None

    def run(self) -> None:
        try:
            self.result = self.work()
        except BaseException as exc:  # asserted by the test
            self.error = exc
        finally:
            connection.close()


def queue_behind_a_lock(model, pk, *works) -> list[Racer]:
    """Run `works` in this order against a row someone else has locked, then let the lock go."""
    locked, release = threading.Event(), threading.Event()

    def hold() -> None:
        with transaction.atomic():
            model.objects.select_for_update().get(pk=pk)
            locked.set()
            release.wait(timeout=20)

    holder = Racer(hold)
    holder.start()
    assert locked.wait(timeout=10)
    racers = []
    for n, work in enumerate(works, start=1):
        racer = Racer(work)
        racer.start()
        racers.append(racer)
        _until_waiting(n)
    release.set()
    for thread in (holder, *racers):
        thread.join(timeout=30)
    assert holder.error is None
    return racers




def two_copies(obj) -> tuple:
    """Two copies of `obj` read from the database, as two requests' views would each hold one."""
    return tuple(type(obj)._default_manager.get(pk=obj.pk) for _ in range(2))
