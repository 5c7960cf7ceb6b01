"""Who may see and change what, per object. Views call these; tests cover each role."""

from commitments.models import Commitment, ReportingPeriod, StatusUpdate

EDITABLE_STATES = (StatusUpdate.State.DRAFT, StatusUpdate.State.RETURNED)


def can_see_unapproved(user, commitment: Commitment) -> bool:
    """Drafts, submitted and returned updates are for the commitment's leads and admins."""
    return user.is_register_admin() or commitment.is_led_by(user)


def writes_updates_of(user, commitment: Commitment) -> bool:
    return user.is_register_admin() or (user.pk is not None and commitment.officer_lead_id == user.pk)


def can_edit_update(user, commitment: Commitment, period: ReportingPeriod, update: StatusUpdate | None) -> bool:
    """The officer lead (or an admin) writes the update, in an open period, until it is submitted."""
    if not period.is_open:
        return False
    if update is not None and update.state not in EDITABLE_STATES:
        return False
    return writes_updates_of(user, commitment)


def is_reviewer_of(user, commitment: Commitment) -> bool:
    return user.is_register_admin() or (user.pk is not None and commitment.smt_lead_id == user.pk)


def can_review(user, update: StatusUpdate) -> bool:
    """The commitment's SMT lead (or an admin) approves or returns a submitted update."""
    if update.state != StatusUpdate.State.SUBMITTED or not update.period.is_open:
        return False
    return is_reviewer_of(user, update.commitment)


def can_manage_register(user) -> bool:
    """Import the plan, open and close periods."""
    return user.is_register_admin()


def can_set_marking(user, commitment: Commitment) -> bool:
    """The protective marking of a commitment and of its updates: its SMT lead, or an admin."""
    return user.is_register_admin() or (user.is_smt_lead() and commitment.smt_lead_id == user.pk)
