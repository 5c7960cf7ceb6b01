"""Email the site sends about accounts (password reset, invitation), through the
configured mailer (settings.MAILERS), by the task worker: the page that asked answers
at once and in the same time whether or not a message goes out."""

from django.core.mail import EmailMessage
from django.tasks import task


@task
def send_email(*, to: str, subject: str, body: str) -> None:
    EmailMessage(subject=subject, body=body, to=[to]).send()


def send_email_later(*, to: str, subject: str, body: str) -> None:
    send_email.enqueue(to=to, subject=" ".join(subject.splitlines()), body=body)
