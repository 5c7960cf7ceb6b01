import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from commitments.models import ReportingPeriod, StatusUpdate
from riskreg.roles import Role
from risks.models import Risk
from tests.committee.factories import PublishedPaperFactory
from tests.factories import CommitmentFactory, StatusUpdateFactory, UserFactory
from tests.html import tables, task_list_items
from tests.risks.factories import AssessmentFactory, RiskFactory

pytestmark = pytest.mark.django_db

HOME = reverse("home")
MINE = reverse("commitments:mine")
REGISTER = reverse("commitments:register")
State = StatusUpdate.State
TODAY = timezone.localdate()


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


@pytest.fixture
def q3(periods):
    """2025/26 Q3, open: officers' deadline in 5 days, reviews in 12."""
    period = periods[3]
    period.opens_on, period.officer_deadline, period.review_deadline = days(-20), days(5), days(12)
    period.save()
    return period


def _commitment(ref, officer, smt, state=None, period=None):
    commitment = CommitmentFactory(ref=ref, officer_lead=officer, smt_lead=smt)
    if state:
        StatusUpdateFactory(commitment=commitment, period=period, state=state)
    return commitment


def _items(response) -> dict[str, dict]:
    return {item["name"]: item for item in task_list_items(response.content)}


def _register_refs(client, href) -> list[int]:
    (table,) = tables(client.get(href).content)
    return [int(row[0].split(":")[0]) for row in table[1:]]


# ---------------------------------------------------------------------------
# Officer


@pytest.fixture
def officers_quarter(q3, officer, smt_lead):
    other = UserFactory(username="someone-else", role=Role.OFFICER)
    for ref, state in [(1, None), (2, None), (3, State.DRAFT), (4, State.RETURNED), (5, State.SUBMITTED)]:
        _commitment(ref, officer, smt_lead, state, q3)
    _commitment(6, officer, smt_lead, State.APPROVED, q3)
    _commitment(7, other, smt_lead)  # someone else's: not on the officer's list
    return q3


def test_officer_home_lists_what_to_write_what_came_back_and_what_waits(client_as_officer, officers_quarter):
    items = _items(client_as_officer.get(HOME))

    assert [(name, item["status"], item["href"]) for name, item in items.items()] == [
        ("Updates not started", "2 to write", f"{MINE}?state=none"),
        ("Draft updates to finish and submit", "1 draft", f"{MINE}?state=draft"),
        ("Updates returned to you for changes", "1 returned", f"{MINE}?state=returned"),
        ("Updates waiting for your SMT lead's review", "1 waiting", f"{MINE}?state=submitted"),
    ]


def test_officer_home_gives_the_officers_deadline_in_words(client_as_officer, officers_quarter):
    text = client_as_officer.get(HOME).content.decode()

    assert "2025/26 Q3: updates to write" in text
    assert f"Officers' deadline: <strong>{days(5):%-d %B %Y}</strong>, due in 5 days." in text.replace("&#x27;", "'")


def test_a_passed_deadline_says_how_many_days_overdue(client_as_officer, officers_quarter):
    ReportingPeriod.objects.filter(pk=officers_quarter.pk).update(opens_on=days(-30), officer_deadline=days(-2))

    assert "2 days overdue" in client_as_officer.get(HOME).content.decode()


def test_a_quarter_without_deadlines_says_they_are_not_set(client_as_officer, periods, officer):
    _commitment(1, officer, None)

    assert "deadline: not set yet." in client_as_officer.get(HOME).content.decode()


def test_nothing_to_do_is_said_and_not_linked(client_as_officer, q3, officer):
    _commitment(1, officer, None, State.APPROVED, q3)
    items = _items(client_as_officer.get(HOME))

    assert {item["status"] for item in items.values()} == {"None"}
    assert {item["href"] for item in items.values()} == {""}


# ---------------------------------------------------------------------------
# SMT lead


@pytest.fixture
def smt_quarter(q3, smt_lead):
    call_command("loaddata", "risk_matrix", verbosity=0)
    ann = UserFactory(username="ann", first_name="Ann", last_name="Able", role=Role.OFFICER)
    bob = UserFactory(username="bob", first_name="Bob", last_name="Baker", role=Role.OFFICER)
    cat = UserFactory(username="cat", first_name="Cat", last_name="Cole", role=Role.OFFICER)
    for ref, officer, state in [
        (11, ann, None),
        (12, ann, None),
        (13, ann, State.DRAFT),
        (21, bob, State.RETURNED),
        (31, cat, State.SUBMITTED),
        (32, cat, State.SUBMITTED),
        (33, cat, State.APPROVED),
    ]:
        _commitment(ref, officer, smt_lead, state, q3)
    _commitment(41, ann, UserFactory(username="other-smt", role=Role.SMT_LEAD))  # another lead's
    # CR10 not assessed in Q3; CR11 Very high (monthly), last assessed 40 days ago; CR12
    # Low (annually), assessed today; CR13 closed; CR20 another lead's.
    RiskFactory(ref="CR10", title="Loss of a key partner", owner=smt_lead)
    AssessmentFactory(
        risk=RiskFactory(ref="CR11", title="Funding cut", owner=smt_lead),
        period=q3,
        current_likelihood=4,
        current_impact=4,
        assessed_at=timezone.now() - datetime.timedelta(days=40),
    )
    AssessmentFactory(
        risk=RiskFactory(ref="CR12", title="Minor", owner=smt_lead), period=q3, current_likelihood=1, current_impact=1
    )
    RiskFactory(ref="CR13", title="Closed one", owner=smt_lead, status=Risk.Status.CLOSED)
    RiskFactory(ref="CR20", title="Not theirs", owner=UserFactory(username="other-owner", role=Role.SMT_LEAD))
    return q3


def test_smt_lead_home_counts_updates_to_review_with_the_review_deadline(client_as_smt_lead, smt_quarter):
    response = client_as_smt_lead.get(HOME)
    review = _items(response)["Updates to review"]

    assert (review["status"], review["href"]) == ("2 to review", MINE)
    assert f"review deadline: <strong>{days(12):%-d %B %Y}</strong>, due in 12 days." in response.content.decode()


def test_smt_lead_home_names_each_officer_who_has_not_submitted_and_their_commitments(client_as_smt_lead, smt_quarter):
    items = _items(client_as_smt_lead.get(HOME))

    assert "Cat Cole" not in items  # everything submitted
    ann, bob = items["Ann Able"], items["Bob Baker"]
    assert ann["status"] == "3 not submitted"
    assert ann["hint"].startswith("2 not started, 1 draft.")
    assert ann["links"] == [reverse("commitments:detail", args=[ref]) for ref in (11, 12, 13)]
    assert (bob["status"], bob["hint"].split(".")[0]) == ("1 not submitted", "1 returned")
    assert bob["links"] == [reverse("commitments:detail", args=[21])]


def test_a_long_list_of_commitments_not_submitted_names_the_first_ten_and_counts_the_rest(
    client_as_smt_lead, q3, smt_lead
):
    dan = UserFactory(username="dan", first_name="Dan", last_name="Day", role=Role.OFFICER)
    for ref in range(1, 16):
        _commitment(ref, dan, smt_lead)
    dan_item = _items(client_as_smt_lead.get(HOME))["Dan Day"]

    assert dan_item["status"] == "15 not submitted"
    assert len(dan_item["links"]) == 10
    assert dan_item["hint"].endswith("and 5 more")


def test_smt_lead_home_lists_their_risks_not_assessed_this_quarter(client_as_smt_lead, smt_quarter):
    items = _items(client_as_smt_lead.get(HOME))
    cr10 = items["CR10 Loss of a key partner"]

    assert (cr10["status"], cr10["href"]) == ("Not assessed", reverse("risks:assess", args=["CR10", "2025-26", "q3"]))
    assert not any(name.startswith(("CR13", "CR20")) for name in items)


def test_smt_lead_home_lists_risks_due_for_review_by_their_bands_frequency(client_as_smt_lead, smt_quarter):
    items = _items(client_as_smt_lead.get(HOME))
    cr11 = items["CR11 Funding cut"]
    # The day it was assessed in London: 40 days back from near midnight can be a summer
    # day, whose local date is a day after its UTC date.
    due_on = timezone.localdate(timezone.now() - datetime.timedelta(days=40))
    due_on = due_on.replace(month=due_on.month % 12 + 1, year=due_on.year + (due_on.month == 12))

    assert cr11["href"] == reverse("risks:assess", args=["CR11", "2025-26", "q3"])
    assert cr11["hint"].startswith("Very high: reviewed monthly.")
    assert f"review due {due_on:%-d %B %Y}" in cr11["hint"]
    assert cr11["status"].startswith("Review ") and cr11["status"].endswith("overdue")
    assert "CR12 Minor" not in items  # assessed today, reviewed annually


# ---------------------------------------------------------------------------
# Register admin


@pytest.fixture
def admins_quarter(q3, smt_lead, officer):
    """The officers' deadline passed two days ago. `officer` has all approved; `zed` is behind."""
    ReportingPeriod.objects.filter(pk=q3.pk).update(officer_deadline=days(-2), review_deadline=days(3))
    zed = UserFactory(username="zed", first_name="Zed", last_name="Zulu", role=Role.OFFICER)
    other_smt = UserFactory(username="lead2", first_name="Lee", last_name="Second", role=Role.SMT_LEAD)
    _commitment(1, officer, smt_lead, State.APPROVED, q3)
    _commitment(2, officer, smt_lead, State.APPROVED, q3)
    _commitment(3, zed, smt_lead)
    _commitment(4, zed, other_smt, State.DRAFT, q3)
    _commitment(5, zed, other_smt, State.SUBMITTED, q3)
    _commitment(6, zed, other_smt, State.RETURNED, q3)
    _commitment(7, None, None)
    return ReportingPeriod.objects.get(pk=q3.pk)


def test_admin_home_counts_the_quarter_by_state_each_a_link_to_those_rows(client_as_admin, admins_quarter):
    items = _items(client_as_admin.get(HOME))
    expected = {
        "Commitments with no update yet": ("2 with no update", "none", [3, 7]),
        "Updates in draft": ("1 in draft", "draft", [4]),
        "Updates returned to officers": ("1 returned", "returned", [6]),
        "Updates waiting for review": ("1 waiting", "submitted", [5]),
    }

    for name, (status, state, refs) in expected.items():
        assert items[name]["status"] == status
        assert items[name]["href"] == f"{REGISTER}?period=2025-26-q3&state={state}"
        assert _register_refs(client_as_admin, items[name]["href"]) == refs


def test_admin_home_shows_progress_by_person_overdue_first_each_count_a_link_to_those_rows(
    client_as_admin, admins_quarter
):
    response = client_as_admin.get(HOME)
    by_smt, by_officer = tables(response.content)

    assert by_smt[0] == ["SMT lead", "No update", "Draft", "Submitted", "Returned", "Approved"]
    assert [row[0] for row in by_smt[1:]] == ["Lee Second Overdue", "Sam Lead Overdue", "No SMT lead set Overdue"]
    assert [row[0] for row in by_officer[1:]] == ["Zed Zulu Overdue", "No officer lead set Overdue", "Olive Officer"]
    # Zed's commitments under both SMT leads, added up in Zed's one row.
    numbers = [[cell.split()[0] for cell in row[1:]] for row in (by_officer[1], by_smt[1], by_smt[2])]
    assert numbers == [["1", "1", "1", "1", "0"], ["0", "1", "1", "1", "0"], ["1", "0", "0", "0", "2"]]
    html = response.content.decode()
    for relation, username, state, refs in [
        ("smt_lead", "lead2", "draft", [4]),
        ("smt_lead", "lead2", "returned", [6]),
        ("smt_lead", "smt", "approved", [1, 2]),
        ("smt_lead", "smt", "none", [3]),
        ("officer_lead", "zed", "submitted", [5]),
        ("officer_lead", "officer", "approved", [1, 2]),
    ]:
        href = f"{REGISTER}?period=2025-26-q3&state={state}&{relation}={username}"
        assert f'href="{href.replace("&", "&amp;")}"' in html
        assert _register_refs(client_as_admin, href) == refs


@pytest.fixture(autouse=True)
def _names(officer, smt_lead):
    """Stable names for the people the fixtures make."""
    for user, first, last in [(officer, "Olive", "Officer"), (smt_lead, "Sam", "Lead")]:
        user.first_name, user.last_name = first, last
        user.save()


def test_admin_progress_before_the_deadline_marks_nobody_overdue(client_as_admin, admins_quarter):
    ReportingPeriod.objects.filter(pk=admins_quarter.pk).update(officer_deadline=days(1), review_deadline=days(3))

    assert "Overdue" not in client_as_admin.get(HOME).content.decode()


# ---------------------------------------------------------------------------
# Committee member, no quarter open, anonymous


def test_committee_member_home_has_no_task_list_but_links_to_what_they_read(client_as_committee, periods):
    from tests.committee.factories import PaperFactory

    PublishedPaperFactory(paper=PaperFactory(period=periods[2]))
    response = client_as_committee.get(HOME)
    html = response.content.decode()

    assert task_list_items(response.content) == []
    assert "nothing for you to do here" in html
    assert f'href="{REGISTER}"' in html
    assert f'href="{reverse("risks:register")}"' in html
    assert f'href="{reverse("committee:paper", args=["2025-26", "q2"])}"' in html


def test_committee_member_home_says_when_no_paper_is_published(client_as_committee, periods):
    assert "No committee paper has been published yet." in client_as_committee.get(HOME).content.decode()


@pytest.mark.parametrize("client_fixture", ["client_as_officer", "client_as_smt_lead", "client_as_admin"])
def test_with_no_quarter_open_the_home_says_so_plainly(request, client_fixture, periods, officer, smt_lead):
    ReportingPeriod.objects.update(status=ReportingPeriod.Status.CLOSED)
    _commitment(1, officer, smt_lead)
    response = request.getfixturevalue(client_fixture).get(HOME)

    assert "No quarter is open for updates at the moment" in response.content.decode()
    assert not any(item["name"].startswith("Updates") for item in task_list_items(response.content))


def test_anonymous_visitor_is_sent_to_sign_in_from_home(client):
    assert client.get(HOME)["Location"] == f"{reverse('login')}?next=/"


# ---------------------------------------------------------------------------
# Queries


def _build(size: int, q3, officer, smt_lead):
    """`size` commitments per state for the officer and SMT lead, spread over `size` other
    officers and leads, and `size` risks of the SMT lead's."""
    call_command("loaddata", "risk_matrix", verbosity=0)
    others = [UserFactory(username=f"o{size}-{n}", role=Role.OFFICER) for n in range(size)]
    ref = 1000 * size
    for n in range(size):
        for state in [None, *State.values]:
            ref += 1
            _commitment(ref, officer if n % 2 else others[n], smt_lead if n % 3 else others[n], state, q3)
        risk = RiskFactory(ref=f"CR{size}{n:02d}", owner=smt_lead)
        if n % 2:
            AssessmentFactory(risk=risk, period=q3, current_likelihood=5, current_impact=5)


# Session, user, roles and the session's idle-expiry refresh (6 with savepoints), the open
# quarters; then each role's own: the plan and one aggregate for an officer; the plan, the
# counts by officer, the first commitments not submitted, the risks and the bands for an SMT
# lead; the plan and the counts by SMT lead and officer (one aggregate) for an admin; the latest paper
# for a committee member.
@pytest.mark.parametrize(
    ("role", "queries"), [("officer", 9), ("smt_lead", 12), ("register_admin", 9), ("committee_member", 8)]
)
def test_home_runs_the_same_number_of_queries_at_two_sizes(
    request, client, django_assert_num_queries, q3, officer, smt_lead, role, queries
):
    client.force_login(request.getfixturevalue(role))
    for size in (2, 12):
        _build(size, q3, officer, smt_lead)
        with django_assert_num_queries(queries):
            assert client.get(HOME).status_code == 200


def test_admin_progress_lists_the_people_most_behind_and_counts_the_rest(client_as_admin, q3, smt_lead):
    from tasks import progress

    shown = progress.PROGRESS_ROWS_SHOWN
    officers = [UserFactory(username=f"o{n:03}", role=Role.OFFICER) for n in range(shown + 3)]
    for n, officer in enumerate(officers):
        # The last officer has the most outstanding: two commitments without an update.
        _commitment(100 + n, officer, smt_lead)
    _commitment(99, officers[-1], smt_lead)

    response = client_as_admin.get(HOME)
    _, by_officer = tables(response.content)

    assert len(by_officer) - 1 == shown
    assert by_officer[1][0] == f"{officers[-1].first_name} {officers[-1].last_name}"
    assert "And 3 more officers, with less outstanding" in " ".join(response.content.decode().split())
