import email
import email.policy

import pytest
from aiosmtpd.controller import Controller

from tests.riskreg.test_mail import free_port


class MailServer:
    """A real SMTP server's inbox. `refuse` holds answers to give, one per message, before
    taking messages again (e.g. "451 4.3.0 Try again later")."""

    def __init__(self):
        self.messages, self.refuse = [], []
        self.port = free_port()

    async def handle_DATA(self, server, session, envelope):
        if self.refuse:
            return self.refuse.pop(0)
        self.messages.append(email.message_from_bytes(envelope.original_content, policy=email.policy.default))
        return "250 OK"

    def to(self, address: str) -> list:
        return [m for m in self.messages if address in m["To"]]


def smtp_settings(settings, port: int) -> None:
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "use_tls": False, "timeout": 5},
        }
    }


@pytest.fixture
def mail_server(settings):
    """A real SMTP server on a free port, and the site's email pointed at it."""
    server = MailServer()
    controller = Controller(server, hostname="127.0.0.1", port=server.port)
    controller.start()
    smtp_settings(settings, server.port)
    yield server
    controller.stop()


@pytest.fixture
def mail_server_down(settings):
    """The site's email pointed at a port where no server answers."""
    smtp_settings(settings, free_port())


def set_window(period, opens_on, officer_deadline, review_deadline=None):
    """The quarter's update window, as an admin sets it."""
    period.opens_on, period.officer_deadline, period.review_deadline = opens_on, officer_deadline, review_deadline
    period.save()
    return period


def body_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()
