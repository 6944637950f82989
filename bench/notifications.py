"""Benchmark: one Celery worker delivers 10,000 due reminders to a local SMTP server.

Run by `make bench` (PostgreSQL and Redis on this machine). Prints one line and merges
{"notifications": {...}} into bench/results.json. Target: at least 200 messages/second, 0 duplicates.
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
            while bench_rows.exclude(status="sent").exists():
                if time.perf_counter() - start > 600:
                    raise SystemExit("benchmark did not finish in 10 minutes")
                time.sleep(0.2)
            elapsed = time.perf_counter() - start
        finally:
            worker.terminate()
            worker.wait(30)
        counts = sink.message_id_counts()
        result = {
            "reminders": COUNT,
            "seconds": round(elapsed, 2),
            "per_second": round(COUNT / elapsed, 1),
            "received_by_smtp": sum(counts.values()),
            "duplicates": sum(counts.values()) - len(counts),
            "target_per_second": TARGET_PER_SECOND,
            "meets_target": COUNT / elapsed >= TARGET_PER_SECOND and sum(counts.values()) == len(counts) == COUNT,
            "worker": "1 Celery worker process, threads pool x4, batches of 100 over one SMTP connection each",
        }
        bench_rows.delete()
    results_path = ROOT / "bench" / "results.json"
    results = json.loads(results_path.read_text()) if results_path.exists() else {}
    results["notifications"] = result
    results_path.write_text(json.dumps(results, indent=2) + "\n")
    print(f"reminder delivery: {COUNT} in {result['seconds']} s = {result['per_second']}/s "
          f"(target {TARGET_PER_SECOND}/s), {result['duplicates']} duplicates, "
          f"{result['received_by_smtp']} received by the SMTP server")
    return 0 if result["meets_target"] else 1


if __name__ == "__main__":
    sys.exit(main())
