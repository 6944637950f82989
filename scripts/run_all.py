"""`make run`: the web server, a Celery worker and Celery beat side by side. Ctrl-C stops all three."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
HOST = os.environ.get("RUN_HOST", "127.0.0.1")
PORT = os.environ.get("RUN_PORT", "8000")

for folder in ("broker/queue", "broker/processed", "broker/control", "mail", "cache", "media"):
    (ROOT / "var" / folder).mkdir(parents=True, exist_ok=True)

COMMANDS = {
    "web": [sys.executable, "manage.py", "runserver", f"{HOST}:{PORT}"],
    "worker": [str(VENV_BIN / "celery"), "-A", "crisisprog", "worker", "-Q", "default,notifications,reports",
               "--loglevel", "INFO", "--concurrency", "2", "--without-mingle", "--without-gossip"],
    "beat": [str(VENV_BIN / "celery"), "-A", "crisisprog", "beat", "--loglevel", "INFO", "--pidfile="],
}


def main() -> int:
    processes = {name: subprocess.Popen(cmd, cwd=ROOT) for name, cmd in COMMANDS.items()}  # noqa: S603
    print(f"crisisprog: web on http://{HOST}:{PORT}/, worker and beat running. Ctrl-C stops all three.",
          flush=True)
    exit_code = 0
    try:
        while True:
            for name, process in processes.items():
                if process.poll() is not None:
                    print(f"crisisprog: {name} exited with code {process.returncode}; stopping the others.",
                          file=sys.stderr, flush=True)
                    exit_code = process.returncode or 1
                    raise KeyboardInterrupt
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        for process in processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        deadline = time.time() + 10
        for process in processes.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.time()))
            except subprocess.TimeoutExpired:
                process.kill()
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
