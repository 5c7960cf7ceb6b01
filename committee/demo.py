"""The demo: its accounts, their password and the fixtures it loads (manage.py load_demo).

Plain data, importable without Django set up, so that scripts can load the same fixtures.
"""

from riskreg.roles import Role

# The password of every demo account. Documented in the README; the accounts exist
# only where load_demo ran, which it refuses to do unless debugging.
DEMO_PASSWORD = "riskreg-demo-2026"

# username: (first name, last name, role)
DEMO_ACCOUNTS = {
    "officer": ("Olive", "Officer (illustrative)", Role.OFFICER),
    "smt": ("Sam", "Lead (illustrative)", Role.SMT_LEAD),
    "committee": ("Chris", "Member (illustrative)", Role.COMMITTEE_MEMBER),
    "admin": ("Ada", "Admin (illustrative)", Role.REGISTER_ADMIN),
    "partner": ("Pat", "Partner (illustrative)", Role.PARTNER),
}

# The commitments whose WMP lead is the demo partner account (the force's named contact).
DEMO_PARTNER_COMMITMENTS = {"partner": [96]}

# Loaded in this order; each is also loadable on its own with loaddata.
DEMO_FIXTURES = ["demo_users", "commitments", "risk_matrix", "risks", "papers", "kpis", "panel_reports"]
