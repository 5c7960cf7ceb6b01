"""The four roles of the register, as auth groups, and the model permissions each holds.

Object-level rules (an officer edits only the updates of commitments they lead, an
SMT lead reviews only their own) live with the models they guard; these permissions
are the coarse layer underneath, and what the Django admin uses.
"""

from django.db.models import TextChoices


class Role(TextChoices):
    OFFICER = "Officer", "Officer"
    SMT_LEAD = "SMT lead", "SMT lead"
    COMMITTEE_MEMBER = "Committee member", "Committee member"
    REGISTER_ADMIN = "Register admin", "Register admin"
    # The police force's named WMP lead of some commitments: sees only those, and writes
    # a quarterly contribution the officer may take into the update (commitments.partners).
    PARTNER = "Partner contributor", "Partner contributor"


# The roles as written in settings (RISKREG_OIDC_ROLE_MAP "group-id=officer,...").
ROLE_KEYS = {
    "officer": Role.OFFICER,
    "smt_lead": Role.SMT_LEAD,
    "committee_member": Role.COMMITTEE_MEMBER,
    "register_admin": Role.REGISTER_ADMIN,
    "partner": Role.PARTNER,
}

VIEW_REGISTER = [
    "commitments.view_plan",
    "commitments.view_policyarea",
    "commitments.view_commitment",
    "commitments.view_reportingperiod",
    "commitments.view_statusupdate",
    "risks.view_risk",
    "risks.view_assessment",
    "risks.view_action",
    "risks.view_statuschange",
    "committee.view_paper",
    "kpis.view_kpi",
    "kpis.view_kpivalue",
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.OFFICER: [
        *VIEW_REGISTER,
        "commitments.add_statusupdate",
        "commitments.change_statusupdate",
    ],
    Role.SMT_LEAD: [
        *VIEW_REGISTER,
        "commitments.change_statusupdate",
        "risks.add_risk",
        "risks.change_risk",
        "risks.add_assessment",
        "risks.change_assessment",
        "risks.add_action",
        "risks.change_action",
        "risks.add_statuschange",
    ],
    Role.COMMITTEE_MEMBER: [
        "commitments.view_commitment",
        "commitments.view_policyarea",
        "commitments.view_reportingperiod",
        "risks.view_risk",
        "committee.view_paper",
        "kpis.view_kpi",
        "kpis.view_kpivalue",
    ],
    Role.PARTNER: ["commitments.view_commitment", "commitments.add_contribution", "commitments.change_contribution"],
    # Register admins hold every permission of the register's own apps. They manage
    # people and roles in the site (/people/), not in the Django admin: its user form
    # offers superuser status and raw permissions, which only superusers may give.
    Role.REGISTER_ADMIN: [
        "commitments.*",
        "risks.*",
        "committee.*",
        "kpis.*",
        # Unlock a locked-out account; reset an admin's lost authenticator app.
        "axes.view_accessattempt",
        "axes.delete_accessattempt",
        "otp_totp.view_totpdevice",
        "otp_totp.delete_totpdevice",
    ],
}


def sync_role_permissions(Group, Permission) -> None:
    """Make each role's group hold exactly the permissions in ROLE_PERMISSIONS.

    Runs after every migrate, so permissions of models added later reach the groups
    without a hand-written migration per model.
    """
    permissions = {
        f"{p.content_type.app_label}.{p.codename}": p for p in Permission.objects.select_related("content_type")
    }
    for role, wanted in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        chosen = []
        for name in wanted:
            if name.endswith(".*"):
                app_label = name.removesuffix(".*")
                chosen += [p for key, p in permissions.items() if key.startswith(f"{app_label}.")]
            elif name in permissions:
                chosen.append(permissions[name])
        group.permissions.set(chosen)
