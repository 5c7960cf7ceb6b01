from django.contrib.auth.models import AbstractUser
from simple_history.models import HistoricalRecords

from riskreg.roles import Role


class User(AbstractUser):
    """A person who signs in: OPCC officer, SMT lead, committee member or admin.

    Roles are auth groups (see riskreg.roles); a person may hold more than one.
    """

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

    def is_staff_member(self) -> bool:
        """OPCC staff: everyone but committee-only readers."""
        return self.is_register_admin() or self.has_role(Role.OFFICER, Role.SMT_LEAD)
