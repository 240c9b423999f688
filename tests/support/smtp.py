"""A real SMTP server on a free local port (aiosmtpd), keeping every message it receives."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


@dataclass
class Inbox:
    """What the server has received; ``address`` is what ``WINWIN_MAIL_SERVER`` takes.

    The app mails synchronously (smtplib waits for the server's 250, given after the
    message is stored here), so once a response or command has returned, ``messages``
    holds everything it sent: "nothing was sent" is read there at once, never polled.
    """

    address: str = ""
    messages: list[EmailMessage] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        return "250 OK"

    def wait_for(self, count: int, timeout: float = 10.0) -> list[EmailMessage]:
        """The first ``count`` messages, waiting for mail sent after a response."""
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.messages[:count]


@contextmanager
def smtp_server() -> Iterator[Inbox]:
    inbox = Inbox()
    # aiosmtpd's controller connects to the port it was given to check that it serves,
    # so it needs a real one: a free port is found by binding and releasing, and another
    # process may take it in between; then the server starts again on another.
    for attempt in range(5):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        controller = Controller(inbox, hostname="127.0.0.1", port=port)
        try:
            controller.start()
            break
        except (OSError, RuntimeError):
            if attempt == 4:
                raise
    try:
        inbox.address = f"127.0.0.1:{controller.port}"
        yield inbox
    finally:
        controller.stop()
