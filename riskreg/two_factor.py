"""Two-factor sign-in for register admins: a time-based code (TOTP) from an
authenticator app, on top of the password.

Register admins manage users and publish committee papers, so a guessed or phished
password alone must not be enough. riskreg.middleware.AdminTwoFactorMiddleware sends an
admin who has not entered a code in this session to the two-factor page; the views in
riskreg.views set up the app (first sign-in) or check its code (every sign-in after).
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
from django_otp.plugins.otp_totp.models import TOTPDevice

from riskreg.forms import form_helper


def is_required_for(user) -> bool:
    # Read per request (not at import) so that tests can switch it with `settings`.
    return settings.ADMIN_2FA_REQUIRED and user.is_authenticated and user.is_register_admin()


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


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
    # A new session key on each step up in privilege, as Django does at sign-in.
    request.session.cycle_key()


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code from your authenticator app",
        help_text="The 6-digit code the app shows for the risk register, for example 123456",
        max_length=20,
        error_messages={"required": "Enter the 6-digit code from your authenticator app"},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "spellcheck": "false"}),
    )

    def __init__(self, *args, device: TOTPDevice, heading: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device
        if heading:
            # On the code page the question is the page's heading (one question per page).
            self.fields["code"].label = "Enter the code from your authenticator app"
            field = Field.text("code", label_size=Size.LARGE, label_tag="h1", field_width=5)
        else:
            field = Field.text("code", label_size=Size.MEDIUM, field_width=5)
        self.helper = form_helper(field, Submit("submit", "Continue"))

    def clean_code(self):
        code = re.sub(r"[\s-]", "", self.cleaned_data["code"])
        if not re.fullmatch(r"[0-9]{6}", code):
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
