"""SMS behind one small interface. Development writes messages to files or the console; a real
provider is a class implementing `send_messages` named by the SMS_BACKEND setting."""

import json
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class SMSMessage:
    to: str
    body: str
    reference: str  # our notification id, for the provider's delivery receipts


class BaseSMSBackend:
    def send(self, message: SMSMessage) -> None:
        raise NotImplementedError("an SMS backend must implement send()")


class ConsoleSMSBackend(BaseSMSBackend):
    def send(self, message: SMSMessage) -> None:
        sys.stdout.write(f"SMS to {message.to} [{message.reference}]: {message.body}\n")


class FileSMSBackend(BaseSMSBackend):
    """One JSON line per message in SMS_FILE_PATH/sms.log (the embedded default)."""

    _lock = threading.Lock()

    def send(self, message: SMSMessage) -> None:
        folder = Path(settings.SMS_FILE_PATH)
        folder.mkdir(parents=True, exist_ok=True)
        line = json.dumps({"at": timezone.now().isoformat(), "to": message.to, "body": message.body,
                           "reference": message.reference})
        with self._lock, (folder / "sms.log").open("a", encoding="utf-8") as fh:
            fh.write(line + "\n")


class LocmemSMSBackend(BaseSMSBackend):
    """Tests: messages collect in `outbox`, like Django's locmem mail backend."""

    outbox: list[SMSMessage] = []

    def send(self, message: SMSMessage) -> None:
        LocmemSMSBackend.outbox.append(message)


def get_sms_backend() -> BaseSMSBackend:
    return import_string(settings.SMS_BACKEND)()
