"""Two-factor sign-in: a time-based code (TOTP) from an authenticator app, on top of
the password, with one-time backup codes for a lost phone.

Required for register admins: they manage people and publish committee papers, so a
guessed or phished password alone must not be enough. Anyone else may turn it on (their
account page); from then on it is asked for at every sign-in.
riskreg.middleware.AdminTwoFactorMiddleware sends a person who needs a code and has not
entered one in this session to the two-factor page; the views in riskreg.views set up
the app (first time) or check its code (every sign-in after).
"""

import base64
import math
import re

import segno
from crispy_forms_gds.layout import Field, Size, Submit
from django import forms
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from riskreg.forms import form_helper

# Set at sign-in: whether the person has an authenticator app, so that every page after
# knows whether to ask for a code without a query of its own.
HAS_APP_SESSION_KEY = "riskreg_two_factor_app"
BACKUP_CODES_SESSION_KEY = "riskreg_backup_codes"
BACKUP_CODE_COUNT = 10


def is_required_for(user) -> bool:
    # Read per request (not at import) so that tests can switch it with `settings`.
    return settings.ADMIN_2FA_REQUIRED and user.is_authenticated and user.is_register_admin()


def code_needed(request) -> bool:
    """This session must enter a code before going on: an admin (when required), or
    anyone who set up an authenticator app."""
    user = request.user
    if not user.is_authenticated or user.is_verified():
        return False
    return is_required_for(user) or bool(request.session.get(HAS_APP_SESSION_KEY))


def on_signed_in(sender, request, user, **kwargs):
    """user_logged_in: remember whether this person has an app (one query, at sign-in)."""
    if request is not None and hasattr(request, "session"):
        request.session[HAS_APP_SESSION_KEY] = confirmed_device(user) is not None


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


@transaction.atomic
def backup_codes_new(user) -> list[str]:
    """Ten new one-time codes for when the app is not to hand; the old ones stop working.
    Each works once (django-otp deletes it when used)."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name="Backup codes", defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def backup_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user).count()


def device_to_set_up(user) -> TOTPDevice:
    """The admin's unconfirmed device, made on their first visit and kept until they
    enter a correct code, so reloading the page does not change the secret they scanned."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


def secret_for_display(device: TOTPDevice) -> str:
    """The base32 secret that authenticator apps accept, in groups of four to copy by hand."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_data_uri(device: TOTPDevice) -> str:
    # A data: URI in an <img> is allowed by our CSP (img-src data:); inline SVG markup
    # would be too, but an <img> gets alt text the simple way.
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=4)


@transaction.atomic
def sign_in_with(request, device: TOTPDevice) -> None:
    """Mark this session as verified with the device (confirming a new one)."""
    if not device.confirmed:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    otp_login(request, device)
    request.session[HAS_APP_SESSION_KEY] = True
    # A new session key on each step up in privilege, as Django does at sign-in.
    request.session.cycle_key()


BACKUP_CODE = re.compile(r"[a-z2-7]{8}")


class CodeForm(forms.Form):
    """The 6-digit code from the app; on the sign-in step (backup=True) a backup code too."""

    code = forms.CharField(
        label="Code from your authenticator app",
        help_text="The 6-digit code the app shows for the risk register, for example 123456",
        max_length=20,
        error_messages={"required": "Enter the 6-digit code from your authenticator app"},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "spellcheck": "false"}),
    )

    def __init__(self, *args, device: TOTPDevice, heading: bool = False, backup: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device
        self.backup = backup
        if backup:
            self.fields["code"].help_text = (
                "The 6-digit code the app shows for the risk register, for example 123456, "
                "or one of your 8-character backup codes"
            )
        if heading:
            # On the code page the question is the page's heading (one question per page).
            self.fields["code"].label = "Enter the code from your authenticator app"
            field = Field.text("code", label_size=Size.LARGE, label_tag="h1", field_width=5)
        else:
            field = Field.text("code", label_size=Size.MEDIUM, field_width=5)
        self.helper = form_helper(field, Submit("submit", "Continue"))

    def clean_code(self):
        code = re.sub(r"[\s-]", "", self.cleaned_data["code"]).lower()
        if self.backup and BACKUP_CODE.fullmatch(code):
            return self._clean_backup_code(code)
        if not re.fullmatch(r"[0-9]{6}", code):
            if self.backup:
                raise forms.ValidationError(
                    "Enter the 6 digits the app shows, for example 123456, or an 8-character backup code"
                )
            raise forms.ValidationError("Enter the code as 6 digits, for example 123456")
        # Lock the row: two tabs posting the same code must not both succeed. The
        # failure count django-otp keeps must be committed, so raise after the block.
        with transaction.atomic():
            device = TOTPDevice.objects.select_for_update().get(pk=self.device.pk)
            allowed, details = device.verify_is_allowed()
            verified = allowed and device.verify_token(code)
        if not allowed:
            locked_until = (details or {}).get("locked_until")
            wait = math.ceil((locked_until - timezone.now()).total_seconds()) if locked_until else 1
            raise forms.ValidationError(
                f"You entered too many wrong codes. Wait {max(wait, 1)} seconds, then enter the code the app shows"
            )
        if not verified:
            raise forms.ValidationError("The code is not correct. Enter the code the app shows now")
        self.device = device
        return code

    def _clean_backup_code(self, code: str) -> str:
        # Same locking as the app's codes: one backup code cannot let two sessions in.
        with transaction.atomic():
            device = StaticDevice.objects.select_for_update().filter(user=self.device.user).first()
            allowed = device is not None and device.verify_is_allowed()[0]
            verified = allowed and device.verify_token(code)
        if device is not None and not allowed:
            raise forms.ValidationError("You entered too many wrong codes. Wait a minute, then try again")
        if not verified:
            raise forms.ValidationError("The code is not correct, or that backup code was already used")
        self.device = device
        return code
