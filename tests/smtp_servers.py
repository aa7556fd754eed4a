"""Real mail servers on loopback for the mail tests, and settings that point Django's SMTP
backend at one: a server that accepts and keeps every message (aiosmtpd), one that accepts
the connection and never says a word, and a port where nothing listens (refused).

Each is a context manager; a test module wraps the ones it needs in fixtures. No mail
server is mocked: Django's SMTP backend talks to these over TCP as it would in production.
"""

import email
import email.policy
import socket
import threading
from contextlib import contextmanager
from dataclasses import dataclass

from aiosmtpd.controller import Controller
from django.test import override_settings

from .servers import free_port


@dataclass(frozen=True)
class MailServer:
    """A running accepting server: where it listens and what it has received so far."""

    port: int
    deliveries: list


@dataclass(frozen=True)
class Delivery:
    """One message as a mail server received it: the envelope's recipients and the message."""

    recipients: list[str]
    message: email.message.EmailMessage


class KeepEveryMessage:
    """An aiosmtpd handler that accepts every message and keeps it."""

    def __init__(self):
        self.deliveries = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.deliveries.append(Delivery(list(envelope.rcpt_tos), message))
        return "250 OK: queued"


class RefuseEveryRecipient(KeepEveryMessage):
    """An aiosmtpd handler that refuses every recipient for good (a 5xx reply), as a mail
    server does for an address that does not exist."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        return "550 5.1.1 No such mailbox here"


class GreylistEveryRecipient(KeepEveryMessage):
    """An aiosmtpd handler that asks to be tried later (450), as greylisting servers do
    with a sender they have not seen before."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        return "450 4.7.1 Greylisted, please try again later"


@contextmanager
def accepting_smtp_server(port=None, handler_class=KeepEveryMessage):
    """A real SMTP server on 127.0.0.1 (`port`, else a free one); yields a `MailServer`
    whose `deliveries` are in the order they arrived."""
    handler = handler_class()
    controller = Controller(handler, hostname="127.0.0.1", port=port or free_port())
    controller.start()
    try:
        yield MailServer(controller.port, handler.deliveries)
    finally:
        controller.stop()


@contextmanager
def silent_smtp_server():
    """A loopback port that accepts connections and never says a word (no SMTP greeting),
    as a wedged mail server or a firewall that swallows packets does.

    Yields the port and the list of the connections accepted so far.
    """
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(0.1)
    accepted = []
    stop = threading.Event()

    def accept():
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1], accepted
    finally:
        stop.set()
        thread.join()
        for connection in accepted:
            connection.close()
        listener.close()


@contextmanager
def refused_port():
    """A loopback port where no server listens: connecting is refused at once, as when the
    mail server is down. The port is held (bound, not listening) until the block ends, so
    a server can be started on it afterwards, as the mail server coming back."""
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        yield held.getsockname()[1]


def smtp_mailers(port, timeout=2):
    """MAILERS for Django's SMTP backend to send through 127.0.0.1:`port` in plain SMTP,
    giving up on each wait after `timeout` seconds: for pytest-django's `settings`."""
    return {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "use_tls": False, "timeout": timeout},
        }
    }


def smtp_settings(port, timeout=2):
    """`smtp_mailers` as a context manager (override_settings).

    Overrides must end in the reverse order they began: inside this block, change other
    settings with another override, not pytest-django's `settings`, which is undone last.
    """
    return override_settings(MAILERS=smtp_mailers(port, timeout))
