"""Who may read and change the KPIs. Views call these; tests cover each role."""


def can_read(user) -> bool:
    """Every role reads the KPIs, as they read the register."""
    return user.is_authenticated and (
        user.is_register_admin() or user.is_smt_lead() or user.is_officer() or user.is_committee_member()
    )


def can_import(user) -> bool:
    return user.is_authenticated and user.is_register_admin()


def can_set_marking(user) -> bool:
    """A KPI value's protective marking: an SMT lead or an admin (KPIs have no lead of their own)."""
    return user.is_authenticated and (user.is_register_admin() or user.is_smt_lead())
