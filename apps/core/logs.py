"""Logging filters shared by every mode's LOGGING."""

import logging


class ClientErrorsWithoutTraceback(logging.Filter):
    """A 4xx answer (a 403, a 404) is the client's mistake, not the server's: log its one line, not the
    traceback of the PermissionDenied or Http404 behind it, which reads in a terminal as a crash.
    5xx records keep their traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == "django.request" and getattr(record, "status_code", 500) < 500:
            record.exc_info = None
            record.exc_text = None
        return True
