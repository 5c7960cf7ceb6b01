from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from riskreg.roles import Role


class User(AbstractUser):
    """A person who signs in: OPCC officer, SMT lead, committee member or admin.

    Roles are auth groups (see riskreg.roles); a person may hold more than one.
    """

    # The identity provider's subject (the OpenID Connect "sub") of a person who signs in
    # by single sign-on: how they are found again when their email changes.
    sso_subject = models.CharField("single sign-on subject", max_length=255, blank=True, db_index=True)

    # Role changes (group memberships) are part of the record: who made whom an admin.
    history = HistoricalRecords(excluded_fields=["password", "last_login"], m2m_fields=["groups"])

    class Meta:
        ordering = ["first_name", "last_name", "username"]

    def __str__(self):
        return self.get_full_name() or self.username

    def role_names(self) -> tuple[str, ...]:
        # Cached on the instance: templates and permission checks ask several times
        # per request, the database should be asked once.
        if not hasattr(self, "_role_names"):
            self._role_names = tuple(self.groups.order_by("name").values_list("name", flat=True))
        return self._role_names

    def has_any_role(self) -> bool:
        """A person with no role sees only the page saying whom to ask (riskreg.access)."""
        return self.is_superuser or bool(self.role_names())

    def has_role(self, *roles: Role) -> bool:
        return any(role in self.role_names() for role in roles)

    def is_register_admin(self) -> bool:
        return self.is_superuser or self.has_role(Role.REGISTER_ADMIN)

    def is_smt_lead(self) -> bool:
        return self.has_role(Role.SMT_LEAD)

    def is_officer(self) -> bool:
        return self.has_role(Role.OFFICER)

    def is_committee_member(self) -> bool:
        return self.has_role(Role.COMMITTEE_MEMBER)

    def signs_in_with(self) -> str:
        """How they sign in, for the people list: single sign-on, a password, or not yet."""
        if self.sso_subject:
            return "Single sign-on"
        if self.has_usable_password():
            return "Password"
        return "Invited, not yet signed in"

    def is_partner_only(self) -> bool:
        """A partner contributor and nothing more: they reach only their own commitments."""
        return not self.is_superuser and self.role_names() == (Role.PARTNER,)

    def is_staff_member(self) -> bool:
        """OPCC staff: everyone but committee-only readers."""
        return self.is_register_admin() or self.has_role(Role.OFFICER, Role.SMT_LEAD)


class PendingImport(models.Model):
    """An uploaded file whose preview is waiting for its person to confirm it.

    Kept in the database, not the session: the register's own download is tens of
    megabytes at scale, and the session is rewritten on every request. Any app server
    can read it back for the confirmation.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    register = models.CharField(max_length=40)  # the Importer's app: commitments or risks
    name = models.CharField(max_length=255)
    content = models.BinaryField()
    digest = models.CharField(max_length=64)  # the previewed changes' fingerprint
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.name} ({self.register})"


class RegisterLock(models.Model):
    """One row per register, held for the length of a transaction that must not run
    beside another like it (riskreg.imports.lock_register)."""

    name = models.CharField(max_length=40, primary_key=True)

    def __str__(self):
        return self.name


class SignInEvent(models.Model):
    """One sign-in, failure, lockout, single sign-on refusal or password step: the
    admins' record of who got in and who was kept out (the activity page). Written
    once, never changed, so it needs no history of its own."""

    class Kind(models.TextChoices):
        SIGNED_IN = "signed_in", "Signed in"
        FAILED = "failed", "Sign-in failed"
        LOCKED_OUT = "locked_out", "Locked out"
        SSO_REFUSED = "sso_refused", "Single sign-on refused"
        SIGNED_OUT = "signed_out", "Signed out"
        RESET_REQUESTED = "reset_requested", "Password reset asked for"
        PASSWORD_SET = "password_set", "Password set from an emailed link"

    class Method(models.TextChoices):
        PASSWORD = "password", "Password"
        SSO = "sso", "Single sign-on"

    when = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    method = models.CharField(max_length=10, choices=Method.choices, default=Method.PASSWORD)
    # What was typed (or the provider's email): kept even when it matches nobody.
    username = models.CharField(max_length=254, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    detail = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-when", "-id"]
        indexes = [
            models.Index(fields=["-when", "-id"], name="signin_event_newest"),
            # The password reset's throttle counts recent requests per address and per email.
            models.Index(fields=["kind", "ip_address", "when"], name="signin_event_kind_ip"),
            models.Index(fields=["kind", "username", "when"], name="signin_event_kind_username"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.username or '(no username)'}"
