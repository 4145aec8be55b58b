"""A real SMTP server (aiosmtpd) on a loopback port, recording every message it accepts."""

import email
import socket
import threading
from dataclasses import dataclass
from email import policy

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass(frozen=True)
class Received:
    recipients: tuple[str, ...]
    subject: str
    message_id: str
    body: str


class SmtpServer:
    """Start and stop it at will; the port stays the same, so a sender configured for it sees
    a refused connection while it is down. ``before_data`` (optional) runs in the server's
    thread when a message's sender is announced, before its content is sent."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.received: list[Received] = []
        self.lock = threading.Lock()
        self.before_data = None
        self.on_message = None  # called with the first recipient of every accepted message
        self.refused: set[str] = set()  # recipients answered "550 no such user"
        self._controller = None

    def settings(self) -> dict:
        """Django settings that make the worker deliver here."""
        return {
            "EMAIL_DELIVERY_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": self.port,
            "EMAIL_USE_TLS": False,
            "EMAIL_HOST_USER": "",
            "EMAIL_HOST_PASSWORD": "",
            "EMAIL_TIMEOUT": 5,
        }

    def start(self) -> "SmtpServer":
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    async def handle_MAIL(self, server, session, envelope, address, options):
        if self.before_data is not None:
            self.before_data(len(self.received))
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refused:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.received.append(
                Received(
                    recipients=tuple(envelope.rcpt_tos),
                    subject=" ".join(str(message["Subject"]).split()),  # unfolded
                    message_id=str(message["Message-ID"]),
                    body=message.get_body(("plain",)).get_content(),
                )
            )
        if self.on_message is not None:
            self.on_message(envelope.rcpt_tos[0])
        return "250 Message accepted for delivery"
