"""Benchmark: one Celery worker delivers 10,000 due reminders to a local SMTP server.

Run by `make bench` (PostgreSQL and Redis on this machine). Prints one line and merges
{"notifications": {...}} into bench/results.json. Target: at least 200 messages/second, 0 duplicates.
A delivery that fails, a worker that exits or ten minutes gone stop the wait: the line says so and
the script exits 1.
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/crisisprog_bench")
BROKER_URL = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/11")
COUNT = int(os.environ.get("BENCH_REMINDERS", "10000"))
TARGET_PER_SECOND = 200
TIMEOUT_SECONDS = 600


def wait_for_delivery(rows, worker: subprocess.Popen, *, start: float) -> str:
    """Poll until every bench row is sent; "" then, else why the wait stopped early.

    A row has failed when it is given up (failed) or back in the queue with an error: this run hands
    the rows out once, so nothing would deliver a retry, and the wait would only run out the clock.
    """
    from django.db.models import Q

    from apps.notifications.models import Notification

    status = Notification.Status
    failed = Q(status=status.FAILED) | (Q(status=status.QUEUED) & ~Q(last_error=""))
    while rows.exclude(status=status.SENT).exists():
        if rows.filter(failed).exists():
            return "a delivery failed"
        if worker.poll() is not None:
            return f"the worker exited with code {worker.returncode}"
        if time.perf_counter() - start > TIMEOUT_SECONDS:
            return f"not finished in {TIMEOUT_SECONDS // 60} minutes"
        time.sleep(0.2)
    return ""


def main() -> int:
    from tests.support.smtp_sink import SMTPSink

    with SMTPSink() as sink:
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "crisisprog.settings.local", "DATABASE_URL": DATABASE_URL,
               "CELERY_BROKER_URL": BROKER_URL, "CACHE_URL": "locmemcache://bench", "DEBUG": "0",
               "EMAIL_URL": f"smtp://127.0.0.1:{sink.port}", "LOG_LEVEL": "WARNING"}
        os.environ.update(env)
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env,
                       check=True)
        import django

        django.setup()
        from django.utils import timezone

        from apps.notifications.models import Notification
        from apps.notifications.services import dispatch_due
        from crisisprog.celery import app

        app.control.purge()
        Notification.objects.filter(dedupe_key__startswith="bench:").delete()
        now = timezone.now()
        Notification.objects.bulk_create(
            [Notification(kind="accounts.security", channel="email", dedupe_key=f"bench:{i}",
                          recipient_email=f"resident{i}@example.org", subject=f"Reminder {i}",
                          body_text="Your session starts tomorrow at 6:00 PM at the Dorchester library.",
                          scheduled_for=now) for i in range(COUNT)],
            batch_size=2000)
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "crisisprog", "worker", "--pool", "threads", "--concurrency", "4",
             "-Q", "notifications",
             "--without-mingle", "--without-gossip", "--without-heartbeat", "--loglevel", "WARNING"],
            cwd=ROOT, env=env)
        try:
            time.sleep(3)  # let the worker connect before the clock starts
            start = time.perf_counter()
            dispatch_due(limit=COUNT)
            bench_rows = Notification.objects.filter(dedupe_key__startswith="bench:")
            stopped = wait_for_delivery(bench_rows, worker, start=start)
            elapsed = time.perf_counter() - start
        finally:
            worker.terminate()
            worker.wait(30)
        counts = sink.message_id_counts()
        # Counted once the worker is gone, so the rows no longer move.
        status = Notification.Status
        sent = bench_rows.filter(status=status.SENT).count()
        failed = bench_rows.filter(status=status.FAILED).count()
        retrying = bench_rows.filter(status=status.QUEUED).exclude(last_error="").count()
        error = (bench_rows.exclude(last_error="").order_by("pk").values_list("last_error", flat=True).first()
                 or "")
        result = {
            "reminders": COUNT,
            "seconds": round(elapsed, 2),
            "per_second": round(sent / elapsed, 1),
            "sent": sent,
            "failed": failed,
            "awaiting_retry": retrying,
            "received_by_smtp": sum(counts.values()),
            "duplicates": sum(counts.values()) - len(counts),
            "target_per_second": TARGET_PER_SECOND,
            "meets_target": not stopped and sent / elapsed >= TARGET_PER_SECOND
            and sum(counts.values()) == len(counts) == COUNT,
            "worker": "1 Celery worker process, threads pool x4, batches of 100 over one SMTP connection each",
        }
        if stopped:
            result["stopped"] = stopped
            result["first_error"] = error[:200]
        bench_rows.delete()
    results_path = ROOT / "bench" / "results.json"
    results = json.loads(results_path.read_text()) if results_path.exists() else {}
    results["notifications"] = result
    results_path.write_text(json.dumps(results, indent=2) + "\n")
    print(f"reminder delivery: {sent} of {COUNT} sent in {result['seconds']} s = {result['per_second']}/s "
          f"(target {TARGET_PER_SECOND}/s), {result['duplicates']} duplicates, "
          f"{result['received_by_smtp']} received by the SMTP server")
    if stopped:
        print(f"reminder delivery: MISSED, stopped waiting: {stopped}; {failed} failed, {retrying} back in the queue "
              f"with an error, {COUNT - sent - failed - retrying} not delivered yet; first error: "
              f"{result['first_error'] or '-'}")
    return 0 if result["meets_target"] else 1


if __name__ == "__main__":
    sys.exit(main())
