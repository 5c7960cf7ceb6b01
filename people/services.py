"""Writes to people and their roles: invite, change roles, deactivate, reactivate, reset
two-factor. Each refuses what would leave the register without an active register admin."""

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template import loader
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from riskreg.mail import send_email_later
from riskreg.models import User
from riskreg.passwords import invitation_token
from riskreg.roles import Role

LAST_ADMIN = "{name} is the last active register admin: give someone else the role first"


def may_manage_people(user) -> bool:
    return user.is_authenticated and user.is_register_admin()


def _other_active_admins(person: User) -> bool:
    admins = User.objects.filter(is_active=True).exclude(pk=person.pk)
    return admins.filter(groups__name=Role.REGISTER_ADMIN).exists() or admins.filter(is_superuser=True).exists()


def _check_may_manage(by: User) -> None:
    if not may_manage_people(by):
        raise PermissionDenied


def invitation_link(request, person: User) -> str:
    path = reverse(
        "invitation_accept",
        kwargs={"uidb64": urlsafe_base64_encode(force_bytes(person.pk)), "token": invitation_token.make_token(person)},
    )
    return request.build_absolute_uri(path)


def _send_invitation(request, person: User, by: User) -> None:
    context = {"person": person, "by": by, "link": invitation_link(request, person)}
    context["days"] = invitation_token.timeout_seconds // 86400
    context["office_name"] = settings.OFFICE_NAME
    send_email_later(
        to=person.email,
        subject=loader.render_to_string("people/email/invitation_subject.txt", context),
        body=loader.render_to_string("people/email/invitation.txt", context),
    )


@transaction.atomic
def person_invite(*, request, by: User, username: str, email: str, first_name: str, last_name: str, roles) -> User:
    """A new person with no password yet, and an email with a link to choose one."""
    _check_may_manage(by)
    person = User(username=username, email=email, first_name=first_name, last_name=last_name)
    person.set_unusable_password()
    person.full_clean(exclude=["password"])
    person.save()
    person.groups.set(Group.objects.filter(name__in=roles))
    # Queued in the transaction: if the invitation is rolled back, so is its email.
    _send_invitation(request, person, by)
    return person


def invitation_resend(*, request, by: User, person: User) -> None:
    _check_may_manage(by)
    if person.has_usable_password() or person.sso_subject or not person.is_active:
        raise ValidationError(f"{person} has already signed in: there is no invitation to send again")
    _send_invitation(request, person, by)


@transaction.atomic
def person_roles_set(*, by: User, person: User, roles) -> None:
    _check_may_manage(by)
    person = User.objects.select_for_update().get(pk=person.pk)
    stepping_down = Role.REGISTER_ADMIN not in roles and person.has_role(Role.REGISTER_ADMIN)
    if stepping_down and person.is_active and not person.is_superuser and not _other_active_admins(person):
        raise ValidationError(LAST_ADMIN.format(name=person))
    person.groups.set(Group.objects.filter(name__in=roles))


@transaction.atomic
def person_deactivate(*, by: User, person: User) -> None:
    """They can no longer sign in; their history, and what they lead, stay as they are."""
    _check_may_manage(by)
    if person.pk == by.pk:
        raise ValidationError("You cannot deactivate your own account: ask another register admin")
    person = User.objects.select_for_update().get(pk=person.pk)
    if person.is_register_admin() and not _other_active_admins(person):
        raise ValidationError(LAST_ADMIN.format(name=person))
    person.is_active = False
    person.save(update_fields=["is_active"])


def person_reactivate(*, by: User, person: User) -> None:
    _check_may_manage(by)
    person.is_active = True
    person.save(update_fields=["is_active"])


@transaction.atomic
def two_factor_reset(*, by: User, person: User) -> None:
    """A lost phone: their app and backup codes go; they set up a new app at next sign-in."""
    _check_may_manage(by)
    TOTPDevice.objects.filter(user=person).delete()
    StaticDevice.objects.filter(user=person).delete()
