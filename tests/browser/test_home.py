import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from commitments.models import StatusUpdate
from riskreg.roles import Role
from tests.browser.helpers import axe_violations, sign_in
from tests.committee.factories import PaperFactory, PublishedPaperFactory
from tests.factories import CommitmentFactory, StatusUpdateFactory, UserFactory
from tests.risks.factories import RiskFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

State = StatusUpdate.State


@pytest.fixture
def quarter(periods, officer, smt_lead, register_admin, committee_member):
    """Q3 open with deadlines; updates in every state; a risk to assess; Q2's paper published."""
    call_command("loaddata", "risk_matrix", verbosity=0)
    today = timezone.localdate()
    q3 = periods[3]
    q3.opens_on, q3.officer_deadline, q3.review_deadline = (
        today - datetime.timedelta(days=20),
        today - datetime.timedelta(days=1),
        today + datetime.timedelta(days=6),
    )
    q3.save()
    other = UserFactory(username="other-officer", first_name="Ola", last_name="Other", role=Role.OFFICER)
    for ref, lead, state in [
        (1, officer, None),
        (2, officer, State.DRAFT),
        (3, officer, State.RETURNED),
        (4, officer, State.SUBMITTED),
        (5, other, None),
        (6, other, State.APPROVED),
    ]:
        commitment = CommitmentFactory(ref=ref, officer_lead=lead, smt_lead=smt_lead)
        if state:
            StatusUpdateFactory(commitment=commitment, period=q3, state=state)
    RiskFactory(ref="CR10", title="Loss of a key partner", owner=smt_lead)
    PublishedPaperFactory(paper=PaperFactory(period=periods[2]))
    return q3


def _links_reached_by_tab(page, limit=200) -> set[str]:
    reached = set()
    page.locator("body").focus()
    for _ in range(limit):
        page.keyboard.press("Tab")
        href = page.evaluate("document.activeElement.getAttribute('href')")
        if href:
            reached.add(href)
    return reached


@pytest.mark.parametrize("username", ["officer", "smt", "admin", "committee"])
def test_each_roles_home_is_axe_clean_reflows_at_320px_and_its_links_are_reached_by_tab(
    page, live_server, quarter, username
):
    sign_in(page, live_server, username)
    assert axe_violations(page) == []

    page.set_viewport_size({"width": 320, "height": 900})
    page.reload()
    # What sticks out, if anything, to say in the failure.
    wide = page.evaluate(
        "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 320)"
        ".slice(0, 5).map(e => e.tagName + '.' + e.className)"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 320, wide
    assert axe_violations(page) == []

    links = set(page.eval_on_selector_all("main a[href]", "links => links.map(a => a.getAttribute('href'))"))
    assert links, "expected links on the home page"
    assert links <= _links_reached_by_tab(page)
