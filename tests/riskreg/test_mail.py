"""Where email goes: files under var/mail/ in development (the folder the README names),
an SMTP server when the environment names one (host, port, user, password, TLS, from)."""

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from django.conf import settings

from tests.commands import run_manage
from tests.mail import free_port


def test_development_email_is_written_to_a_file_in_the_mail_folder(tmp_path):
    result = run_manage(
        "sendtestemail", "smt@example.org", env_overrides={"DJANGO_DEBUG": "true", "RISKREG_MAIL_DIR": str(tmp_path)}
    )

    assert result.returncode == 0, result.stderr
    [sent] = list(tmp_path.iterdir())
    message = sent.read_text()
    assert "To: smt@example.org" in message
    assert "From: Risk register <risk-register@localhost>" in message


def test_the_mail_folder_is_var_mail_in_the_project_as_the_readme_says():
    readme = (settings.BASE_DIR / "README.md").read_text()

    assert settings.MAIL_DIR == settings.BASE_DIR / "var" / "mail"
    assert "`var/mail/`" in readme
    assert "var/" in (settings.BASE_DIR / ".gitignore").read_text().split()


class Inbox:
    def __init__(self):
        self.logins, self.messages = [], []

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        self.logins.append(auth_data.login)
        return AuthResult(success=(auth_data.login, auth_data.password) == (b"register", b"s3cret-password"))

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.mail_from, envelope.rcpt_tos, envelope.content.decode()))
        return "250 OK"


@pytest.fixture
def smtp_server():
    """A real SMTP server on a free port, taking one user's password over plain SMTP."""
    inbox = Inbox()
    controller = Controller(
        inbox, hostname="127.0.0.1", port=free_port(), authenticator=inbox.authenticate, auth_require_tls=False
    )
    controller.start()
    yield controller, inbox
    controller.stop()


def test_with_smtp_settings_email_goes_to_that_server_as_that_user_from_that_address(smtp_server, tmp_path):
    controller, inbox = smtp_server

    result = run_manage(
        "sendtestemail",
        "smt@example.org",
        env_overrides={
            "DJANGO_DEBUG": "true",
            "RISKREG_MAIL_DIR": str(tmp_path),
            "RISKREG_SMTP_HOST": "127.0.0.1",
            "RISKREG_SMTP_PORT": str(controller.port),
            "RISKREG_SMTP_USER": "register",
            "RISKREG_SMTP_PASSWORD": "s3cret-password",
            "RISKREG_SMTP_TLS": "false",
            "RISKREG_EMAIL_FROM": "OPCC risk register <register@opcc.example.org>",
        },
    )

    assert result.returncode == 0, result.stderr
    [(sender, recipients, content)] = inbox.messages
    assert inbox.logins == [b"register"]
    assert (sender, recipients) == ("register@opcc.example.org", ["smt@example.org"])
    assert "From: OPCC risk register <register@opcc.example.org>" in content
    assert not list(tmp_path.iterdir())
