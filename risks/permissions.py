"""Who may read and change the risk register. Views call these; tests cover each role."""

from commitments.models import ReportingPeriod
from risks.models import Risk


def can_read(user) -> bool:
    """Every role reads the register: officers, SMT leads, committee members, admins."""
    return user.is_authenticated and (
        user.is_register_admin() or user.is_smt_lead() or user.is_officer() or user.is_committee_member()
    )


def can_create(user) -> bool:
    return user.is_authenticated and (user.is_register_admin() or user.is_smt_lead())


def can_edit(user, risk: Risk) -> bool:
    """The risk's fields, status and actions: its owner (an SMT lead) or an admin."""
    return risk.is_editable_by(user)


def can_assess(user, risk: Risk, period: ReportingPeriod) -> bool:
    """A quarter's assessment: the risk's owner or an admin, while the quarter is open."""
    return period.is_open and risk.is_editable_by(user)


def can_import(user) -> bool:
    return user.is_authenticated and user.is_register_admin()


def can_set_marking(user, risk: Risk) -> bool:
    """A risk's protective marking: its owner (an SMT lead) or an admin, as for its other fields."""
    return risk.is_editable_by(user)
