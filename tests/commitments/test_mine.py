"""My commitments: filtered, paged, its counters links to their rows; plain words when
no quarter is open or a quarter is closed."""

import pytest
from django.urls import reverse

from commitments.models import ReportingPeriod
from tests.factories import CommitmentFactory, StatusUpdateFactory

pytestmark = pytest.mark.django_db

MINE = reverse("commitments:mine")


@pytest.fixture
def led(officer, smt_lead, periods):
    """Commitment 1 not started, 2 a draft, 3 returned, 4 submitted, 5 approved, in Q3."""
    made = {}
    for ref, state in [(1, None), (2, "draft"), (3, "returned"), (4, "submitted"), (5, "approved")]:
        area = "Roads" if ref % 2 else "Victims"
        made[ref] = CommitmentFactory(
            ref=ref, text=f"Deliverable number {ref} about {area.lower()}", officer_lead=officer, smt_lead=smt_lead,
            areas=[area],
        )  # fmt: skip
        if state:
            StatusUpdateFactory(commitment=made[ref], period=periods[3], state=state)
    return made


def refs_to_write(response) -> list[int]:
    html = response.content.decode()
    table = html[html.index('id="to-write"') :].split("</table>")[0]
    return [ref for ref in range(1, 200) if f"the update for commitment {ref}<" in table or f">{ref}</a></th>" in table]


def test_counters_are_links_to_exactly_their_rows(client_as_officer, led):
    html = client_as_officer.get(MINE).content.decode()

    assert 'href="?state=to_write#to-write"><span class="riskreg-count__number">2</span> to write' in html
    assert 'href="?state=returned#to-write"><span class="riskreg-count__number">1</span> returned to you' in html
    assert refs_to_write(client_as_officer.get(MINE + "?state=to_write")) == [1, 2]
    assert refs_to_write(client_as_officer.get(MINE + "?state=returned")) == [3]
    assert refs_to_write(client_as_officer.get(MINE + "?state=submitted")) == [4]


def test_the_home_pages_links_to_not_started_and_drafts_show_exactly_those_rows(client_as_officer, led):
    assert refs_to_write(client_as_officer.get(MINE + "?state=none")) == [1]
    assert refs_to_write(client_as_officer.get(MINE + "?state=draft")) == [2]


def test_filters_by_policy_area_and_text(client_as_officer, led):
    from commitments.models import PolicyArea

    roads = PolicyArea.objects.get(name="Roads")

    assert refs_to_write(client_as_officer.get(MINE + f"?policy_area={roads.pk}")) == [1, 3, 5]
    assert refs_to_write(client_as_officer.get(MINE + "?q=VICTIMS")) == [2, 4]
    assert refs_to_write(client_as_officer.get(MINE + "?q=3")) == [3]


def test_a_bad_filter_is_reported_not_ignored(client_as_officer, led):
    response = client_as_officer.get(MINE + "?state=nonsense&policy_area=abc")

    assert response.status_code == 200
    assert b"<title>Error: " in response.content
    assert b"Select a valid choice" in response.content


def test_the_list_is_paged_fifty_at_a_time_keeping_the_filters(client_as_officer, officer, periods):
    for ref in range(1, 56):
        CommitmentFactory(ref=ref, officer_lead=officer)

    first = client_as_officer.get(MINE + "?state=to_write")
    second = client_as_officer.get(MINE + "?state=to_write&page=2")

    assert len(refs_to_write(first)) == 50
    assert refs_to_write(second) == [51, 52, 53, 54, 55]
    assert b'href="?state=to_write&amp;page=2"' in first.content


def test_with_no_quarter_open_it_says_so_and_not_that_they_lead_nothing(client_as_officer, led, periods):
    ReportingPeriod.objects.filter(pk=periods[3].pk).update(status="closed")

    html = client_as_officer.get(MINE).content.decode()

    assert "No quarter is open for updates at the moment" in html
    assert "You lead 5 commitments as officer lead" in html
    assert "You do not lead any commitments" not in html


def test_someone_who_leads_nothing_is_told_so(client_as_officer, periods, smt_lead):
    CommitmentFactory(ref=1, smt_lead=smt_lead)  # a plan, led by someone else

    assert b"You do not lead any commitments" in client_as_officer.get(MINE).content


def test_the_page_links_to_the_grid_for_the_open_quarter(client_as_officer, led):
    grid = reverse("commitments:update_grid", args=["2025-26", "q3"])

    assert f'href="{grid}"'.encode() in client_as_officer.get(MINE).content


def test_a_closed_quarters_edit_page_says_the_quarter_is_closed_not_ask_about_your_role(client_as_officer, led):
    response = client_as_officer.get(reverse("commitments:update_edit", args=[1, "2025-26", "q2"]))

    assert response.status_code == 403
    assert b"2025/26 Q2 is closed for updates" in response.content
    assert b"check your role" not in response.content


def test_someone_else_on_a_closed_quarters_edit_page_still_gets_the_role_message(client_as_smt_lead, led):
    response = client_as_smt_lead.get(reverse("commitments:update_edit", args=[1, "2025-26", "q2"]))

    assert response.status_code == 403
    assert b"check your role" in response.content
