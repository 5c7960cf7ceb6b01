"""The home page: a task list for each of the person's roles, for the open quarters.

Why an app of its own: the lists read commitments (updates to write and review), risks
(assessments and reviews due) and the committee's papers, and the site (riskreg) must
import none of them. `tasks` sits above them all (tasks -> committee -> risks ->
commitments -> riskreg), owns no models and serves only the home page, so no domain app
has to learn about the others to build it. The committee app sees everything too, but it
is the paper's app; a home page is not part of the paper.

What each role is shown, for each open quarter:

- an officer: their updates not started, drafts, returned to them (each with the
  officers' deadline) and waiting for review;
- an SMT lead: updates to review (with the review deadline), their commitments whose
  officers have not submitted (each officer named, with counts), their risks not yet
  assessed in the quarter, and, once, their risks whose review is due (rule below);
- a register admin: the quarter's counts by state, and its progress by SMT lead and by
  officer, people with work overdue first;
- a committee member: no tasks; links to the register, the risks and the latest paper.

Every number is counted by the database (one aggregate per grouping, every open quarter
in the same query), and each links to a page that lists exactly those rows. The page
runs the same queries whatever the number of commitments, risks or people.
"""

import datetime

from django.utils import timezone

from commitments.models import Commitment, Plan, ReportingPeriod
from committee.models import PublishedPaper
from tasks.common import CommitteeLinks, Home
from tasks.officer import officer_section
from tasks.progress import admin_section
from tasks.smt import smt_section

# ---------------------------------------------------------------------------
# The page


def home_page(user, today: datetime.date | None = None) -> Home:
    today = today or timezone.localdate()
    periods = list(ReportingPeriod.objects.open())
    home = Home(open_periods=periods, sections=[])
    staff = user.is_register_admin() or user.is_officer() or user.is_smt_lead()
    plan = Plan.objects.current() if staff else None
    home.has_plan = plan is not None or not staff
    commitments = Commitment.objects.in_plan(plan).active() if plan else Commitment.objects.none()
    if user.is_officer() and plan:
        home.sections.append(officer_section(user, commitments, periods))
    if user.is_smt_lead() and plan:
        home.sections.append(smt_section(user, commitments, periods, today))
    if user.is_register_admin() and plan:
        home.sections.append(admin_section(commitments, periods, today))
    if user.is_committee_member():
        latest = (
            # Without its content: at a hundred times the register, 3 MB read to name it.
            PublishedPaper.objects.select_related("paper__period")
            .defer("content")
            .order_by("-paper__period__financial_year", "-paper__period__quarter", "-version")
            .first()
        )
        home.committee = CommitteeLinks(paper=latest)
    return home
