"""Passwords of local accounts: reset by email, and the invitation's "choose a password".

Django's own views and token generator, in the site's look. A reset link works once
(its token is made from the password hash, which the reset changes), for
RISKREG_PASSWORD_RESET_MINUTES; an invitation's for RISKREG_INVITATION_DAYS. The
answer to "send me a link" is the same whether or not the address is known, and
requests are throttled per address typed and per client address (riskreg.signins).
"""

import datetime

from crispy_forms_gds.layout import Field, Size, Submit
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import reverse_lazy
from django.utils.http import base36_to_int

from riskreg import signins
from riskreg.forms import form_helper
from riskreg.mail import send_email_later
from riskreg.throttling import client_ip

HOUR = datetime.timedelta(hours=1)


class TimedTokenGenerator(PasswordResetTokenGenerator):
    """Django's one-use token, with its own lifetime (Django's check uses
    PASSWORD_RESET_TIMEOUT, set to the longest of ours)."""

    def __init__(self, *, key_salt: str, setting: str, unit: datetime.timedelta):
        super().__init__()
        self.key_salt, self.setting, self.unit = key_salt, setting, unit

    @property
    def timeout_seconds(self) -> int:
        return int(getattr(settings, self.setting) * self.unit.total_seconds())

    def check_token(self, user, token):
        if not super().check_token(user, token):
            return False
        try:
            timestamp = base36_to_int(token.split("-")[0])
        except ValueError:
            return False
        return self._num_seconds(self._now()) - timestamp <= self.timeout_seconds


reset_token = TimedTokenGenerator(
    key_salt="riskreg.passwords.reset", setting="RISKREG_PASSWORD_RESET_MINUTES", unit=datetime.timedelta(minutes=1)
)
invitation_token = TimedTokenGenerator(
    key_salt="riskreg.passwords.invitation", setting="RISKREG_INVITATION_DAYS", unit=datetime.timedelta(days=1)
)


class ForgottenPasswordForm(auth_forms.PasswordResetForm):
    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email, **kwargs):
        send_email_later(
            to=to_email,
            subject=loader.render_to_string(subject_template_name, context),
            body=loader.render_to_string(email_template_name, context),
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "Email address"
        self.fields["email"].help_text = "The address your risk register account uses"
        self.fields["email"].error_messages = {
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        }
        self.helper = form_helper(Field.text("email", field_width=20), Submit("submit", "Send the link"))


class NewPasswordForm(auth_forms.SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = "New password"
        self.fields[
            "new_password1"
        ].help_text = "12 characters or more, not a common password, not all numbers, and not like your name"
        self.fields["new_password2"].label = "Type the new password again"
        self.fields["new_password1"].error_messages["required"] = "Enter a new password"
        self.fields["new_password2"].error_messages["required"] = "Type the new password again"
        self.error_messages = {**self.error_messages, "password_mismatch": "The two passwords are not the same"}
        self.helper = form_helper(
            Field.text("new_password1", field_width=20),
            Field.text("new_password2", field_width=20),
            Submit("submit", "Save the password"),
            label_size=Size.SMALL,
        )


def reset_refused_from(ip: str | None) -> bool:
    """Too many reset requests from this client address in the last hour."""
    return ip is not None and signins.count_since(signins.Kind.RESET_REQUESTED, HOUR, ip_address=ip) >= (
        settings.RISKREG_RESET_REQUESTS_PER_HOUR_PER_CLIENT
    )


def reset_sent_recently_to(email: str) -> bool:
    """This address was sent links already this hour: say the same, send no more."""
    sent = signins.count_since(signins.Kind.RESET_REQUESTED, HOUR, username__iexact=email)
    return sent > settings.RISKREG_RESET_EMAILS_PER_HOUR_PER_ADDRESS


class ForgottenPasswordView(auth_views.PasswordResetView):
    form_class = ForgottenPasswordForm
    template_name = "riskreg/password_reset_form.html"
    subject_template_name = "riskreg/email/password_reset_subject.txt"
    email_template_name = "riskreg/email/password_reset.txt"
    success_url = reverse_lazy("password_reset_done")
    token_generator = reset_token

    def form_valid(self, form):
        ip = client_ip(self.request)
        if reset_refused_from(ip):
            return render(self.request, "riskreg/password_reset_throttled.html", status=429)
        email = form.cleaned_data["email"]
        signins.record(self.request, signins.Kind.RESET_REQUESTED, username=email)
        if reset_sent_recently_to(email):
            return redirect(self.success_url)
        self.extra_email_context = {"minutes": settings.RISKREG_PASSWORD_RESET_MINUTES}
        return super().form_valid(form)


class ChoosePasswordView(auth_views.PasswordResetConfirmView):
    """The page an emailed link opens: a reset (default) or an invitation."""

    form_class = NewPasswordForm
    template_name = "riskreg/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")
    token_generator = reset_token
    invitation = False

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "invitation": self.invitation}

    def render_to_response(self, context, **kwargs):
        # A used, expired or altered link: the page says so, as a 404 (no such link).
        return super().render_to_response(context, **kwargs, status=200 if self.validlink else 404)

    def form_valid(self, form):
        response = super().form_valid(form)
        signins.record(
            self.request,
            signins.Kind.PASSWORD_SET,
            user=form.user,
            detail="From an invitation" if self.invitation else "From a password reset email",
        )
        return response
