"""Who gets what, for every page of the site: one table, checked for every role.

Every URL pattern of the site (read from the resolver, not typed here) must have a
GET and a POST row in TABLE, so a new page fails this test until its permissions are
declared. Each row says what each role gets:

    OK     200, or a redirect within the site (not to a sign-in page)
    LOGIN  a redirect to the sign-in page, asking to come back
    NO     403 or 404: refused, without saying more
    405    the method is not allowed

POSTs send an empty body: the question is refused or allowed (an allowed POST may
answer 200 with the form's errors, or redirect). A refused request changes nothing:
every table of the register has the same rows before and after it. The Django admin
checks its own permissions; here we only check that it sends everyone but register
admins to its sign-in page.
"""

import datetime
from dataclasses import dataclass

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse

from api.services import token_create
from commitments.models import StatusUpdate
from notices.models import Notice
from panel.models import PanelReport
from panel.services import panel_report_publish
from performance.services import release_publish
from riskreg.roles import Role
from tests.committee.factories import PublishedPaperFactory
from tests.factories import CommitmentFactory, StatusUpdateFactory, UserFactory
from tests.kpis.factories import KpiFactory, KpiValueFactory
from tests.riskreg.queue_tasks import failed_run
from tests.risks.factories import ActionFactory, AssessmentFactory, RiskFactory
from tests.security.helpers import db_counts

pytestmark = pytest.mark.django_db

OK, LOGIN, NO = "OK", "LOGIN", "NO"

ROLES = (
    "anonymous",
    "officer",
    "other officer",
    "SMT lead",
    "other SMT lead",
    "committee member",
    "admin",
    "no role",
    "partner",
)

# The objects the URLs name (built by the `world` fixture):
# - commitment 96: officer and SMT lead lead it; no 2025/26 Q3 update yet (editable);
# - commitment 97: the same leads; its Q3 update is submitted (reviewable);
# - commitment 98: the other officer and other SMT lead lead it;
# - the partner contributor is the WMP lead of 96 and 97, not of 98;
# - risk CR10, owned by the SMT lead, with an action; CR11, owned by the other SMT lead;
# - the 2025/26 Q2 paper, published; Q3 (open) has no paper;
# - a failed task in the queue, FAILED_TASK;
# - a failed notice to the officer, FAILED_NOTICE.
# - KPI KPI01, with a 2025/26 Q2 value;
# - 2025/26 Q2 published for the public; Q3 not;
# - the 2025/26 Q2 Panel report, published; Q3 has none (its draft is built from the register);
# - an API token of the officer's.
FAILED_TASK = "6f1d0b6e-0000-4000-8000-000000000014"
FAILED_NOTICE = 914
KWARGS = {
    "commitments:register_download": {"extension": "csv"},
    "commitments:detail": {"ref": 96},
    "commitments:commitment_edit": {"ref": 96},
    "commitments:commitment_marking": {"ref": 96},
    "commitments:update_marking": {"ref": 97, "fy": "2025-26", "q": "q3"},
    "commitments:update_edit": {"ref": 96, "fy": "2025-26", "q": "q3"},
    "commitments:update_review": {"ref": 97, "fy": "2025-26", "q": "q3"},
    "commitments:contribute": {"ref": 96, "fy": "2025-26", "q": "q3"},
    "commitments:update_grid": {"fy": "2025-26", "q": "q3"},
    "commitments:period_status": {"fy": "2025-26", "q": "q3"},
    "commitments:period_window": {"fy": "2025-26", "q": "q3"},
    "commitments:period_close": {"fy": "2025-26", "q": "q3"},
    "risks:detail": {"ref": "CR10"},
    "risks:edit": {"ref": "CR10"},
    "risks:status": {"ref": "CR10"},
    "risks:marking": {"ref": "CR10"},
    "risks:assess": {"ref": "CR10", "fy": "2025-26", "q": "q3"},
    "risks:assess_moved": {"ref": "CR10", "period": "2025-26-q3"},
    "risks:action_create": {"ref": "CR10"},
    "risks:action_edit": {"ref": "CR10", "pk": "action"},  # filled in with the action's id
    "committee:paper": {"fy": "2025-26", "q": "q2"},
    "committee:paper_edit": {"fy": "2025-26", "q": "q2"},
    "committee:paper_publish": {"fy": "2025-26", "q": "q2"},
    "committee:paper_download": {"fy": "2025-26", "q": "q2", "filename": "red-list.csv"},
    "panel:report": {"fy": "2025-26", "q": "q2"},
    "panel:report_edit": {"fy": "2025-26", "q": "q2"},
    "panel:report_publish": {"fy": "2025-26", "q": "q2"},
    "panel:report_download": {"fy": "2025-26", "q": "q2", "filename": "commitments.csv"},
    "task_retry": {"run_id": FAILED_TASK},
    "notices:send_again": {"pk": FAILED_NOTICE},
    "kpis:detail": {"ref": "KPI01"},
    "public:quarter": {"fy": "2025-26", "q": "q2"},
    "public:publish": {"fy": "2025-26", "q": "q2"},
    "public:download": {"fy": "2025-26", "q": "q2", "filename": "summary.csv"},
    "api:quarter": {"period": "2025-26-q2"},
    "api:quarter_commitments": {"period": "2025-26-q2"},
    "api:quarter_kpis": {"period": "2025-26-q2"},
    "api_tokens:revoke": {"pk": "token"},  # filled in with the officer's token's id
    "kpis:value_marking": {"ref": "KPI01", "fy": "2025-26", "q": "q2"},
    "people:detail": {"pk": "person"},  # filled in with the other officer's id
    "people:deactivate": {"pk": "person"},
    "people:reactivate": {"pk": "person"},
    "people:two_factor_reset": {"pk": "person"},
    "people:invitation_resend": {"pk": "person"},
    "password_reset_confirm": {"uidb64": "MQ", "token": "not-a-real-token"},
    "invitation_accept": {"uidb64": "MQ", "token": "not-a-real-token"},
}

# Some patterns get a second row with other arguments: "name (variant)".
VARIANTS = {
    "commitments:detail (not theirs)": ("commitments:detail", {"ref": 98}),
    "committee:paper (unpublished)": ("committee:paper", {"fy": "2025-26", "q": "q3"}),
    "public:quarter (unpublished)": ("public:quarter", {"fy": "2025-26", "q": "q3"}),
    "api:quarter_commitments (unpublished)": ("api:quarter_commitments", {"period": "2025-26-q3"}),
    "public:download (unpublished)": ("public:download", {"fy": "2025-26", "q": "q3", "filename": "summary.csv"}),
    "panel:report (unpublished)": ("panel:report", {"fy": "2025-26", "q": "q3"}),
    "panel:report_download (unpublished)": (
        "panel:report_download",
        {"fy": "2025-26", "q": "q3", "filename": "commitments.csv"},
    ),
    "committee:paper_download (unpublished)": (
        "committee:paper_download",
        {"fy": "2025-26", "q": "q3", "filename": "red-list.csv"},
    ),
}

# A signed-in person with no role gets the page saying whom to ask (home) or that page
# with a 403 (everything else), whatever the method: the last column of most rows.
EVERYONE = (OK, OK, OK, OK, OK, OK, OK, OK, OK)
SIGNED_IN = (LOGIN, OK, OK, OK, OK, OK, OK, NO, NO)
# Their own sign-in, sign-out, password and two-factor pages: people with no role too.
ANY_ACCOUNT = (LOGIN, OK, OK, OK, OK, OK, OK, OK, OK)
NOT_ALLOWED = (LOGIN, 405, 405, 405, 405, 405, 405, NO, NO)
NOT_ALLOWED_FOR_ANYONE = (405, 405, 405, 405, 405, 405, 405, 405, 405)
ADMIN_ONLY = (LOGIN, NO, NO, NO, NO, NO, OK, NO, NO)
RISK_EDITORS = (LOGIN, NO, NO, OK, NO, NO, OK, NO, NO)  # CR10's owner and admins
SMT_LEAD_OF_96_97 = (LOGIN, NO, NO, OK, NO, NO, OK, NO, NO)  # the SMT lead of commitments 96 and 97, and admins
# The public pages: no sign-in, and GET only.
PUBLIC = EVERYONE
NO_ONE = (NO, NO, NO, NO, NO, NO, NO, NO, NO)
PUBLIC_NOT_ALLOWED = NOT_ALLOWED_FOR_ANYONE
TOKEN_NEEDED = (401, 401, 401, 401, 401, 401, 401, 401, 401)

# fmt: off
TABLE = {
    #                                                anonymous officer other-off SMT   other-SMT committee admin no-role
    # A person with no role is shown, as their home page, whom to ask for one.
    ("home", "GET"):                                 ANY_ACCOUNT,
    ("home", "POST"):                                (LOGIN, 405, 405, 405, 405, 405, 405, 405, 405),
    ("healthz", "GET"):                              EVERYONE,
    ("healthz", "POST"):                             NOT_ALLOWED_FOR_ANYONE,
    # The accessibility statement is public, as the regulations ask.
    ("accessibility", "GET"):                        EVERYONE,
    ("accessibility", "POST"):                       NOT_ALLOWED_FOR_ANYONE,
    # Signed-in people are sent on from the sign-in page.
    ("login", "GET"):                                EVERYONE,
    ("login", "POST"):                               EVERYONE,
    # Two-factor is for register admins when required (off in the tests): others are sent on.
    ("two_factor", "GET"):                           ANY_ACCOUNT,
    ("two_factor", "POST"):                          ANY_ACCOUNT,
    ("two_factor_set_up", "GET"):                    ANY_ACCOUNT,
    ("two_factor_set_up", "POST"):                   ANY_ACCOUNT,
    ("logout", "GET"):                               (LOGIN, 405, 405, 405, 405, 405, 405, 405, 405),
    ("logout", "POST"):                              ANY_ACCOUNT,
    # Single sign-on: not configured in these tests, so not there (tests/riskreg/test_sso.py).
    ("sso_start", "GET"):                            (NO,) * 9,
    ("sso_start", "POST"):                           (NO,) * 9,
    ("sso_callback", "GET"):                         (NO,) * 9,
    ("sso_callback", "POST"):                        (NO,) * 9,
    # Backup codes: shown once after they are made; without an app, back to the account page.
    ("two_factor_backup_codes", "GET"):              ANY_ACCOUNT,
    ("two_factor_backup_codes", "POST"):             ANY_ACCOUNT,
    ("account", "GET"):                              ANY_ACCOUNT,
    ("account", "POST"):                             (LOGIN, 405, 405, 405, 405, 405, 405, 405, 405),
    # Password reset by email, and an invitation's link: public (the link is the proof);
    # a link that is not valid answers a page saying so, as a 404.
    ("password_reset", "GET"):                       EVERYONE,
    ("password_reset", "POST"):                      EVERYONE,
    ("password_reset_done", "GET"):                  EVERYONE,
    ("password_reset_done", "POST"):                 NOT_ALLOWED_FOR_ANYONE,
    ("password_reset_confirm", "GET"):               (NO,) * 9,
    ("password_reset_confirm", "POST"):              (NO,) * 9,
    ("password_reset_complete", "GET"):              EVERYONE,
    ("password_reset_complete", "POST"):             NOT_ALLOWED_FOR_ANYONE,
    ("invitation_accept", "GET"):                    (NO,) * 9,
    ("invitation_accept", "POST"):                   (NO,) * 9,
    ("activity", "GET"):                             ADMIN_ONLY,
    ("activity", "POST"):                            NOT_ALLOWED,
    ("task_queue", "GET"):                           ADMIN_ONLY,
    ("task_queue", "POST"):                          NOT_ALLOWED,
    ("task_retry", "GET"):                           NOT_ALLOWED,
    ("task_retry", "POST"):                          ADMIN_ONLY,

    ("commitments:register", "GET"):                 SIGNED_IN,
    ("commitments:register", "POST"):                NOT_ALLOWED,
    ("commitments:register_download", "GET"):        SIGNED_IN,
    ("commitments:register_download", "POST"):       NOT_ALLOWED,
    # "My commitments" is for OPCC staff: committee members lead nothing.
    ("commitments:mine", "GET"):                     (LOGIN, OK, OK, OK, OK, NO, OK, NO, NO),
    ("commitments:mine", "POST"):                    NOT_ALLOWED,
    # The grid shows OPCC staff the rows they lead as officer lead (none, for some).
    ("commitments:update_grid", "GET"):              (LOGIN, OK, OK, OK, OK, NO, OK, NO, NO),
    ("commitments:update_grid", "POST"):             (LOGIN, OK, OK, OK, OK, NO, OK, NO, NO),
    # Approving from the queue: each update is checked for its reviewer (tests/commitments/test_reviews.py).
    ("commitments:approve_selected", "GET"):         NOT_ALLOWED,
    ("commitments:approve_selected", "POST"):        (LOGIN, OK, OK, OK, OK, NO, OK, NO, NO),
    ("commitments:import", "GET"):                   ADMIN_ONLY,
    ("commitments:import", "POST"):                  ADMIN_ONLY,
    ("commitments:import_confirm", "GET"):           NOT_ALLOWED,
    ("commitments:import_confirm", "POST"):          ADMIN_ONLY,
    # A partner contributor reads only the commitments they are WMP lead for (96 and 97);
    # everything else is a 404 to them (the last column of every row).
    ("commitments:detail", "GET"):                   (LOGIN, OK, OK, OK, OK, OK, OK, NO, OK),
    ("commitments:detail", "POST"):                  (LOGIN, 405, 405, 405, 405, 405, 405, NO, 405),
    ("commitments:detail (not theirs)", "GET"):      (LOGIN, OK, OK, OK, OK, OK, OK, NO, NO),
    ("commitments:detail (not theirs)", "POST"):     (LOGIN, 405, 405, 405, 405, 405, 405, NO, 405),
    # The WMP lead's quarterly contribution: theirs only, while the quarter is open.
    ("commitments:contribute", "GET"):               (LOGIN, NO, NO, NO, NO, NO, NO, NO, OK),
    ("commitments:contribute", "POST"):              (LOGIN, NO, NO, NO, NO, NO, NO, NO, OK),
    ("commitments:contributions", "GET"):            (LOGIN, NO, NO, NO, NO, NO, NO, NO, OK),
    ("commitments:contributions", "POST"):           (LOGIN, 405, 405, 405, 405, 405, 405, NO, 405),
    # Editing a commitment (text, areas, leads): register admins only, even its own leads.
    ("commitments:commitment_edit", "GET"):          ADMIN_ONLY,
    ("commitments:commitment_edit", "POST"):         ADMIN_ONLY,
    # The protective marking of a commitment and of its updates: its SMT lead and admins.
    ("commitments:commitment_marking", "GET"):       SMT_LEAD_OF_96_97,
    ("commitments:commitment_marking", "POST"):      SMT_LEAD_OF_96_97,
    ("commitments:update_marking", "GET"):           SMT_LEAD_OF_96_97,
    ("commitments:update_marking", "POST"):          SMT_LEAD_OF_96_97,
    ("commitments:update_edit", "GET"):              (LOGIN, OK, NO, NO, NO, NO, OK, NO, NO),
    ("commitments:update_edit", "POST"):             (LOGIN, OK, NO, NO, NO, NO, OK, NO, NO),
    ("commitments:update_review", "GET"):            (LOGIN, NO, NO, OK, NO, NO, OK, NO, NO),
    ("commitments:update_review", "POST"):           (LOGIN, NO, NO, OK, NO, NO, OK, NO, NO),
    ("commitments:periods", "GET"):                  ADMIN_ONLY,
    ("commitments:periods", "POST"):                 NOT_ALLOWED,
    ("commitments:period_status", "GET"):            NOT_ALLOWED,
    ("commitments:period_status", "POST"):           ADMIN_ONLY,
    ("commitments:period_window", "GET"):            ADMIN_ONLY,
    ("commitments:period_window", "POST"):           ADMIN_ONLY,
    ("commitments:period_close", "GET"):             ADMIN_ONLY,
    ("commitments:period_close", "POST"):            ADMIN_ONLY,

    ("risks:register", "GET"):                       SIGNED_IN,
    ("risks:register", "POST"):                      NOT_ALLOWED,
    ("risks:create", "GET"):                         (LOGIN, NO, NO, OK, OK, NO, OK, NO, NO),
    ("risks:create", "POST"):                        (LOGIN, NO, NO, OK, OK, NO, OK, NO, NO),
    ("risks:heatmap", "GET"):                        SIGNED_IN,
    ("risks:heatmap", "POST"):                       NOT_ALLOWED,
    ("risks:import", "GET"):                         ADMIN_ONLY,
    ("risks:import", "POST"):                        ADMIN_ONLY,
    ("risks:import_confirm", "GET"):                 NOT_ALLOWED,
    ("risks:import_confirm", "POST"):                ADMIN_ONLY,
    ("risks:band_css", "GET"):                       SIGNED_IN,
    ("risks:band_css", "POST"):                      NOT_ALLOWED,
    ("risks:detail", "GET"):                         SIGNED_IN,
    ("risks:detail", "POST"):                        NOT_ALLOWED,
    ("risks:edit", "GET"):                           RISK_EDITORS,
    ("risks:edit", "POST"):                          RISK_EDITORS,
    ("risks:status", "GET"):                         RISK_EDITORS,
    ("risks:status", "POST"):                        RISK_EDITORS,
    ("risks:marking", "GET"):                        RISK_EDITORS,
    ("risks:marking", "POST"):                       RISK_EDITORS,
    ("risks:assess", "GET"):                         RISK_EDITORS,
    ("risks:assess", "POST"):                        RISK_EDITORS,
    # The old address of the page above: moved for good, for everyone signed in.
    ("risks:assess_moved", "GET"):                   (LOGIN, 301, 301, 301, 301, 301, 301, NO, NO),
    ("risks:assess_moved", "POST"):                  (LOGIN, 308, 308, 308, 308, 308, 308, NO, NO),
    ("risks:action_create", "GET"):                  RISK_EDITORS,
    ("risks:action_create", "POST"):                 RISK_EDITORS,
    ("risks:action_edit", "GET"):                    RISK_EDITORS,
    ("risks:action_edit", "POST"):                   RISK_EDITORS,

    # People and their roles: register admins only.
    ("people:list", "GET"):                          ADMIN_ONLY,
    ("people:list", "POST"):                         NOT_ALLOWED,
    ("people:invite", "GET"):                        ADMIN_ONLY,
    ("people:invite", "POST"):                       ADMIN_ONLY,
    ("people:detail", "GET"):                        ADMIN_ONLY,
    ("people:detail", "POST"):                       ADMIN_ONLY,
    ("people:deactivate", "GET"):                    NOT_ALLOWED,
    ("people:deactivate", "POST"):                   ADMIN_ONLY,
    ("people:reactivate", "GET"):                    NOT_ALLOWED,
    ("people:reactivate", "POST"):                   ADMIN_ONLY,
    ("people:two_factor_reset", "GET"):              NOT_ALLOWED,
    ("people:two_factor_reset", "POST"):             ADMIN_ONLY,
    ("people:invitation_resend", "GET"):             NOT_ALLOWED,
    ("people:invitation_resend", "POST"):            ADMIN_ONLY,

    ("committee:papers", "GET"):                     SIGNED_IN,
    ("committee:papers", "POST"):                    NOT_ALLOWED,
    ("committee:word_template", "GET"):              ADMIN_ONLY,
    ("committee:word_template", "POST"):             ADMIN_ONLY,
    ("committee:paper", "GET"):                      SIGNED_IN,
    ("committee:paper", "POST"):                     NOT_ALLOWED,
    # An unpublished paper's live view is for OPCC staff only.
    ("committee:paper (unpublished)", "GET"):        (LOGIN, OK, OK, OK, OK, NO, OK, NO, NO),
    ("committee:paper (unpublished)", "POST"):       NOT_ALLOWED,
    ("committee:paper_edit", "GET"):                 ADMIN_ONLY,
    ("committee:paper_edit", "POST"):                ADMIN_ONLY,
    ("committee:paper_publish", "GET"):              ADMIN_ONLY,
    ("committee:paper_publish", "POST"):             ADMIN_ONLY,
    ("committee:paper_download", "GET"):             SIGNED_IN,
    ("committee:paper_download", "POST"):            NOT_ALLOWED,
    ("committee:paper_download (unpublished)", "GET"):  (LOGIN, OK, OK, OK, OK, NO, OK, NO, NO),
    ("committee:paper_download (unpublished)", "POST"): NOT_ALLOWED,

    # The Police and Crime Panel's report: OPCC staff and committee members read it, its
    # draft included (marked as one); register admins edit and publish it.
    ("panel:reports", "GET"):                        SIGNED_IN,
    ("panel:reports", "POST"):                       NOT_ALLOWED,
    ("panel:report", "GET"):                         SIGNED_IN,
    ("panel:report", "POST"):                        NOT_ALLOWED,
    ("panel:report (unpublished)", "GET"):           SIGNED_IN,
    ("panel:report (unpublished)", "POST"):          NOT_ALLOWED,
    ("panel:report_edit", "GET"):                    ADMIN_ONLY,
    ("panel:report_edit", "POST"):                   ADMIN_ONLY,
    ("panel:report_publish", "GET"):                 ADMIN_ONLY,
    ("panel:report_publish", "POST"):                ADMIN_ONLY,
    ("panel:report_download", "GET"):                SIGNED_IN,
    ("panel:report_download", "POST"):               NOT_ALLOWED,
    ("panel:report_download (unpublished)", "GET"):  SIGNED_IN,
    ("panel:report_download (unpublished)", "POST"): NOT_ALLOWED,

    # Everyone's own notices and choices; every notice sent, for admins.
    ("notices:notifications", "GET"):                SIGNED_IN,
    ("notices:notifications", "POST"):               SIGNED_IN,
    ("notices:sent", "GET"):                         ADMIN_ONLY,
    ("notices:sent", "POST"):                        NOT_ALLOWED,
    ("notices:send_again", "GET"):                   NOT_ALLOWED,
    ("notices:send_again", "POST"):                  ADMIN_ONLY,
    ("kpis:register", "GET"):                        SIGNED_IN,
    ("kpis:register", "POST"):                       NOT_ALLOWED,
    ("kpis:import", "GET"):                          ADMIN_ONLY,
    ("kpis:import", "POST"):                         ADMIN_ONLY,
    ("kpis:import_confirm", "GET"):                  NOT_ALLOWED,
    ("kpis:import_confirm", "POST"):                 ADMIN_ONLY,
    ("kpis:detail", "GET"):                          SIGNED_IN,
    ("kpis:detail", "POST"):                         NOT_ALLOWED,
    ("public:index", "GET"):                         PUBLIC,
    ("public:index", "POST"):                        PUBLIC_NOT_ALLOWED,
    ("public:quarter", "GET"):                       PUBLIC,
    ("public:quarter", "POST"):                      PUBLIC_NOT_ALLOWED,
    ("public:quarter (unpublished)", "GET"):         NO_ONE,
    ("public:quarter (unpublished)", "POST"):        PUBLIC_NOT_ALLOWED,
    ("public:download", "GET"):                      PUBLIC,
    ("public:download", "POST"):                     PUBLIC_NOT_ALLOWED,
    ("public:download (unpublished)", "GET"):        NO_ONE,
    ("public:download (unpublished)", "POST"):       PUBLIC_NOT_ALLOWED,
    ("public:publish_list", "GET"):                  ADMIN_ONLY,
    ("public:publish_list", "POST"):                 NOT_ALLOWED,
    ("public:publish", "GET"):                       ADMIN_ONLY,
    ("public:publish", "POST"):                      ADMIN_ONLY,
    # The API: the open data for everyone; the staff API answers 401 to all without a
    # token (tests/api: with one, each gets what their pages give).
    ("api:api-root", "GET"):                         NO_ONE,
    ("api:api-root", "POST"):                        NO_ONE,
    ("api:openapi-json", "GET"):                     PUBLIC,
    # ninja's schema view answers the schema to any method; it writes nothing.
    ("api:openapi-json", "POST"):                    PUBLIC,
    ("api_docs", "GET"):                             PUBLIC,
    ("api_docs", "POST"):                            PUBLIC_NOT_ALLOWED,
    ("api:quarters", "GET"):                         PUBLIC,
    ("api:quarters", "POST"):                        PUBLIC_NOT_ALLOWED,
    ("api:quarter", "GET"):                          PUBLIC,
    ("api:quarter", "POST"):                         PUBLIC_NOT_ALLOWED,
    ("api:quarter_commitments", "GET"):              PUBLIC,
    ("api:quarter_commitments", "POST"):             PUBLIC_NOT_ALLOWED,
    ("api:quarter_commitments (unpublished)", "GET"):  NO_ONE,
    ("api:quarter_commitments (unpublished)", "POST"): PUBLIC_NOT_ALLOWED,
    ("api:quarter_kpis", "GET"):                     PUBLIC,
    ("api:quarter_kpis", "POST"):                    PUBLIC_NOT_ALLOWED,
    ("api:staff_commitments", "GET"):                TOKEN_NEEDED,
    ("api:staff_commitments", "POST"):               PUBLIC_NOT_ALLOWED,
    ("api:staff_risks", "GET"):                      TOKEN_NEEDED,
    ("api:staff_risks", "POST"):                     PUBLIC_NOT_ALLOWED,
    ("api:staff_kpis", "GET"):                       TOKEN_NEEDED,
    ("api:staff_kpis", "POST"):                      PUBLIC_NOT_ALLOWED,
    # Everyone who reads the registers may have tokens; a token is revoked by its owner.
    ("api_tokens:tokens", "GET"):                    SIGNED_IN,
    ("api_tokens:tokens", "POST"):                   SIGNED_IN,
    ("api_tokens:revoke", "GET"):                    NOT_ALLOWED,
    ("api_tokens:revoke", "POST"):                   (LOGIN, OK, NO, NO, NO, NO, NO, NO, NO),
    # A KPI value's marking: any SMT lead (KPIs have no lead of their own) and admins.
    ("kpis:value_marking", "GET"):                   (LOGIN, NO, NO, OK, OK, NO, OK, NO, NO),
    ("kpis:value_marking", "POST"):                  (LOGIN, NO, NO, OK, OK, NO, OK, NO, NO),
}
# fmt: on


def site_patterns(patterns=None, namespace=None):
    """(name, route) of every URL pattern, the Django admin's excepted."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            yield from site_patterns(pattern.url_patterns, pattern.namespace or namespace)
        else:
            name = pattern.name or str(pattern.pattern)
            yield (f"{namespace}:{name}" if namespace and pattern.name else name), str(pattern.pattern)


def test_every_url_pattern_of_the_site_has_a_get_and_a_post_row():
    names = {name for name, _ in site_patterns()}
    rows = {name for name, _ in TABLE if name not in VARIANTS}

    missing = sorted(names - rows)
    assert not missing, f"Declare who may use these pages in TABLE: {missing}"
    assert not sorted(rows - names), "TABLE names pages that no longer exist"
    for name in names | set(VARIANTS):
        assert (name, "GET") in TABLE and (name, "POST") in TABLE, name
    for row in TABLE.values():
        assert len(row) == len(ROLES)


@pytest.fixture
def world(periods, officer, smt_lead, committee_member, register_admin):
    people = {
        "officer": officer,
        "other officer": UserFactory(username="officer2", role=Role.OFFICER),
        "SMT lead": smt_lead,
        "other SMT lead": UserFactory(username="smt2", role=Role.SMT_LEAD),
        "committee member": committee_member,
        "admin": register_admin,
        "no role": UserFactory(username="newcomer"),
        "partner": UserFactory(username="wmp-lead", role=Role.PARTNER),
    }
    q2, q3 = periods[2], periods[3]
    for ref in (96, 97):
        commitment = CommitmentFactory(
            ref=ref, officer_lead=officer, smt_lead=smt_lead, wmp_lead_user=people["partner"]
        )
        StatusUpdateFactory(commitment=commitment, period=q2, rag="red", state=StatusUpdate.State.APPROVED)
    StatusUpdateFactory(commitment=commitment, period=q3, state=StatusUpdate.State.SUBMITTED)
    CommitmentFactory(ref=98, officer_lead=people["other officer"], smt_lead=people["other SMT lead"])

    call_command("loaddata", "risk_matrix", verbosity=0)
    risk = RiskFactory(ref="CR10", owner=smt_lead)
    AssessmentFactory(risk=risk, period=q2)
    action = ActionFactory(risk=risk)
    RiskFactory(ref="CR11", owner=people["other SMT lead"])

    PublishedPaperFactory(paper__period=q2, paper__meeting_date=datetime.date(2025, 12, 11))
    failed_run(id=FAILED_TASK)
    Notice.objects.create(
        pk=FAILED_NOTICE,
        person=officer,
        kind="returned",
        subject="Returned",
        body="x",
        link="http://x/",
        state="failed",
    )
    KpiValueFactory(kpi=KpiFactory(ref="KPI01"), period=q2)
    release_publish(period=q2, by=None)
    panel_report_publish(report=PanelReport.objects.create(period=q2, meeting_date=datetime.date(2026, 2, 4)), by=None)
    token, _ = token_create(name="matrix", by=officer)
    return {"people": people, "action": action, "token": token}


@dataclass
class Request:
    row: str
    method: str
    url: str
    expected: object


def _placeholder(world, value):
    if value in ("action", "token"):
        return world[value].pk
    if value == "person":
        return world["people"]["other officer"].pk
    return value


def requests_for(role: str, world) -> list[Request]:
    found = []
    for (row, method), outcomes in TABLE.items():
        name, kwargs = VARIANTS.get(row, (row, KWARGS.get(row, {})))
        kwargs = {key: _placeholder(world, value) for key, value in kwargs.items()}
        found.append(Request(row, method, reverse(name, kwargs=kwargs), outcomes[ROLES.index(role)]))
    # Signing out ends the session: do it last.
    return sorted(found, key=lambda r: r.row == "logout")


def outcome(response) -> object:
    if response.status_code == 302:
        location = response["Location"]
        if location.startswith("/sign-in/?next="):
            return LOGIN
        if location.startswith("/admin/login/"):
            return "admin sign-in"
        return OK if location.startswith("/") and not location.startswith("//") else f"302 to {location}"
    if response.status_code == 200:
        return OK
    if response.status_code in (403, 404):
        return NO
    return response.status_code


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_what_the_table_says_on_every_page(world, role):
    client = Client()
    if role != "anonymous":
        client.force_login(world["people"][role])
    wrong = []
    for request in requests_for(role, world):
        before = db_counts()
        response = client.generic(request.method, request.url) if request.method == "GET" else client.post(request.url)
        got = outcome(response)
        if got != request.expected:
            wrong.append(f"{request.method} {request.url} ({request.row}): expected {request.expected}, got {got}")
        elif got != OK:
            # Refused: nothing changed anywhere in the register.
            after = db_counts()
            changed = {table: (before[table], after[table]) for table in before if before[table] != after[table]}
            if changed:
                wrong.append(f"{request.method} {request.url} was refused but changed {changed}")
    assert not wrong, f"As {role}:\n" + "\n".join(wrong)


@pytest.mark.parametrize("role", ROLES)
def test_only_register_admins_get_into_the_django_admin(world, role):
    client = Client()
    if role != "anonymous":
        client.force_login(world["people"][role])

    response = client.get("/admin/")

    if role == "admin":
        assert response.status_code == 200
    elif role == "no role":
        assert response.status_code == 403  # the page saying whom to ask
    elif role == "partner":
        assert response.status_code == 404  # nothing but their own commitments
    else:
        assert response.status_code == 302
        assert response["Location"] == "/admin/login/?next=/admin/"


@pytest.mark.parametrize("name", sorted({name for name, route in site_patterns() if "<str:" in route}))
def test_a_nul_character_in_any_address_is_refused_not_a_500(request, world, name):
    client = Client()
    client.force_login(world["people"]["admin"])
    kwargs = {key: _placeholder(world, value) for key, value in KWARGS[name].items()}
    pattern = next(route for n, route in site_patterns() if n == name)
    for key in kwargs:
        if f"<str:{key}>" not in pattern:
            continue
        url = reverse(name, kwargs={**kwargs, key: "x\x00y"})
        for method in ("GET", "POST"):
            response = client.generic(method, url)
            assert response.status_code in (302, 400, 403, 404, 405), (method, url, response.status_code)


def test_a_person_with_no_role_is_told_so_and_whom_to_ask_on_every_page(world):
    client = Client()
    client.force_login(world["people"]["no role"])

    home = client.get("/")
    refused = client.get(reverse("commitments:detail", kwargs={"ref": 96}))
    download = client.get(reverse("committee:paper_download", kwargs=KWARGS["committee:paper_download"]))

    assert home.status_code == 200
    assert refused.status_code == 403 and download.status_code == 403
    for response in (home, refused, download):
        page = response.content.decode()
        assert "You do not have a role in the risk register yet" in page
        assert "admin@example.org" in page  # the register admin to ask
        assert "Increase" not in page and "Red" not in page


@pytest.mark.parametrize("url", ["/admin/riskreg/user/", "/admin/riskreg/user/add/", "/admin/auth/group/"])
def test_a_register_admin_who_is_not_a_superuser_cannot_use_the_django_admins_user_pages(world, url):
    """The stock user form offers superuser status and raw permissions: superusers only."""
    client = Client()
    client.force_login(world["people"]["admin"])
    colleague = world["people"]["officer"]

    assert client.get(url).status_code == 403
    response = client.post(
        f"/admin/riskreg/user/{colleague.pk}/change/",
        {"username": "officer", "is_superuser": "on", "is_staff": "on", "is_active": "on"},
    )

    assert response.status_code == 403
    colleague.refresh_from_db()
    assert not colleague.is_superuser and not colleague.is_staff


def test_a_superuser_still_manages_accounts_in_the_django_admin(world):
    client = Client()
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))

    assert client.get("/admin/riskreg/user/").status_code == 200
