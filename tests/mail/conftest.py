"""Mail fixtures: the test outbox (locmem backend) and a real SMTP server (aiosmtpd) on loopback."""
from __future__ import annotations

import email
import re
import socket
from email import policy

import pytest

from participation.extensions import mail

from ..issues.conftest import city, make_issue  # noqa: F401 - fixtures for the notification tests


@pytest.fixture
def outbox(app):
    """The mails sent during the test (MAIL_BACKEND=locmem in TestConfig)."""
    state = app.extensions["mailman"]
    state.outbox = []
    return state.outbox


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SMTPServer:
    """aiosmtpd on 127.0.0.1:<port>; `messages` are parsed email.message.EmailMessage objects."""

    def __init__(self, port: int):
        self.port = port
        self.messages: list[email.message.EmailMessage] = []
        self.controller = None

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def start(self):
        from aiosmtpd.controller import Controller

        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp(app):
    """A real SMTP server the app sends to (MAIL_BACKEND=smtp). `smtp.stop()` takes it down."""
    server = SMTPServer(free_port()).start()
    saved = app.extensions["mailman"]
    app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port, MAIL_TIMEOUT=5)
    mail.init_app(app)
    yield server
    server.stop()
    app.extensions["mailman"] = saved


def text_of(message) -> str:
    part = message.get_body(preferencelist=("plain",))
    return part.get_content()


def html_of(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def links(text: str) -> list[str]:
    return re.findall(r"https?://\S+", text)
