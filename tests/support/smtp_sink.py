"""A real SMTP server on loopback that records what it accepted (aiosmtpd), for tests and the benchmark.

A message counts as delivered only when the server accepted its DATA, as a real mail server would.
`trap` names a recipient whose RCPT command is held until `release()`: a client killed while it
waits has handed over nothing.
"""

import asyncio
import email
import logging
import threading
from collections import Counter

from aiosmtpd.controller import Controller

# aiosmtpd logs every SMTP command at INFO: far too much for 10,000 messages.
logging.getLogger("mail.log").setLevel(logging.WARNING)


class _Handler:
    def __init__(self, sink: "SMTPSink"):
        self.sink = sink

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == self.sink.trap:
            self.sink.trap = None  # one-shot: the retry after the crash goes through
            self.sink.trapped.set()
            while not self.sink._released.is_set():
                await asyncio.sleep(0.02)
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content)
        with self.sink._lock:
            self.sink.messages.append({"to": list(envelope.rcpt_tos), "message_id": message["Message-ID"],
                                       "subject": message["Subject"]})
        return "250 Message accepted for delivery"


class SMTPSink:
    def __init__(self, port: int = 0, trap: str | None = None):
        self.trap = trap
        self.trapped = threading.Event()
        self._released = threading.Event()
        self._lock = threading.Lock()
        self.messages: list[dict] = []
        self.controller = Controller(_Handler(self), hostname="127.0.0.1", port=port or _free_port())

    @property
    def port(self) -> int:
        return self.controller.port

    def release(self) -> None:
        self._released.set()

    def message_id_counts(self) -> Counter:
        with self._lock:
            return Counter(m["message_id"] for m in self.messages)

    def __enter__(self) -> "SMTPSink":
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.release()
        self.controller.stop()


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
