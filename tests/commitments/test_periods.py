"""A quarter's meetings and update window, and closing it once its readiness is seen."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from commitments.models import Meeting, ReportingPeriod, StatusUpdate
from riskreg.dates import due_words
from riskreg.roles import Role
from tests.factories import CommitmentFactory, StatusUpdateFactory, UserFactory
from tests.html import tables

pytestmark = pytest.mark.django_db

D = datetime.date
Q3 = reverse("commitments:period_window", args=["2025-26", "q3"])
Q4 = reverse("commitments:period_window", args=["2025-26", "q4"])
CLOSE_Q3 = reverse("commitments:period_close", args=["2025-26", "q3"])
PERIODS = reverse("commitments:periods")


def dates(**days: D | None) -> dict[str, str]:
    """The GOV.UK date inputs' fields: jac=D(2026, 3, 12) -> jac_0=12, jac_1=3, jac_2=2026."""
    posted = {}
    for name, day in days.items():
        parts = (day.day, day.month, day.year) if day else ("", "", "")
        posted |= {f"{name}_{i}": str(part) for i, part in enumerate(parts)}
    return posted


@pytest.fixture(autouse=True)
def offsets(settings):
    settings.RISKREG_WINDOW_OPENS_DAYS = 30
    settings.RISKREG_OFFICER_DEADLINE_DAYS = 15
    settings.RISKREG_REVIEW_DEADLINE_DAYS = 10


def q3():
    return ReportingPeriod.objects.get(financial_year=2025, quarter=3)


def test_admin_sets_the_meetings_and_the_deadlines_are_counted_back_in_working_days(client_as_admin, periods):
    # Thursday 12 March 2026: 10 working days back is 26 February, 15 is 19 February,
    # 30 is 29 January.
    response = client_as_admin.post(Q3, dates(jac=D(2026, 3, 12), pcp=D(2026, 3, 24)), follow=True)

    period = q3()
    assert (period.opens_on, period.officer_deadline, period.review_deadline) == (
        D(2026, 1, 29),
        D(2026, 2, 19),
        D(2026, 2, 26),
    )
    assert {m.body: m.date for m in period.meetings.all()} == {"jac": D(2026, 3, 12), "pcp": D(2026, 3, 24)}
    text = response.content.decode()
    assert "The 2025/26 Q3 dates are saved." in text
    assert "Thursday 19 February 2026, <strong>" + due_words(D(2026, 2, 19)) in text


def test_a_deadline_counted_back_over_easter_skips_the_bank_holidays(client_as_admin, periods, settings):
    settings.RISKREG_REVIEW_DEADLINE_DAYS = 3
    # Q4's meeting on Thursday 9 April 2026: back over Easter Monday and Good Friday.
    client_as_admin.post(Q4, dates(jac=D(2026, 4, 9)))

    assert ReportingPeriod.objects.get(quarter=4).review_deadline == D(2026, 4, 2)


def test_a_deadline_the_admin_gives_is_kept_and_the_blank_ones_are_counted(client_as_admin, periods):
    client_as_admin.post(Q3, dates(jac=D(2026, 3, 12), officer_deadline=D(2026, 2, 20)))

    period = q3()
    assert (period.opens_on, period.officer_deadline, period.review_deadline) == (
        D(2026, 1, 29),
        D(2026, 2, 20),
        D(2026, 2, 26),
    )


def test_the_form_shows_the_saved_dates_to_change(client_as_admin, periods):
    client_as_admin.post(Q3, dates(jac=D(2026, 3, 12)))

    page = client_as_admin.get(Q3).content.decode()

    assert 'name="officer_deadline_0" value="19"' in page
    assert 'name="jac_1" value="3"' in page


BAD_DATES = [
    (
        dates(opens_on=D(2026, 2, 2), officer_deadline=D(2026, 1, 30)),
        "The officers&#x27; deadline (30 January 2026) must be on or after the day updates open (2 February 2026)",
    ),
    (
        dates(jac=D(2026, 3, 12), officer_deadline=D(2026, 2, 27)),
        "The SMT leads&#x27; review deadline (26 February 2026) must be on or after "
        "the officers&#x27; deadline (27 February 2026)",
    ),
    (
        dates(pcp=D(2025, 12, 15)),
        "The Police and Crime Panel meeting (15 December 2025) must be after the quarter ends (31 December 2025)",
    ),
    (
        dates(jac=D(2026, 3, 12), review_deadline=D(2026, 3, 13)),
        "The SMT leads&#x27; review deadline (13 March 2026) must be before "
        "the Joint Audit Committee meeting (12 March 2026)",
    ),
    ({"jac_0": "31", "jac_1": "2", "jac_2": "2026"}, "The Joint Audit Committee date must be a real date"),
    ({"jac_0": "12", "jac_1": "", "jac_2": "2026"}, "must include a day, month and year"),
    ({"jac_0": "1", "jac_1": "1", "jac_2": "99999999999999999999"}, "must be a real date"),
]


@pytest.mark.parametrize(("posted", "message"), BAD_DATES)
def test_dates_out_of_order_or_unreal_are_refused_naming_them_and_nothing_changes(
    client_as_admin, periods, posted, message
):
    response = client_as_admin.post(Q3, posted)

    assert response.status_code == 200
    text = response.content.decode()
    assert "<title>Error: " in text
    assert message in text
    assert 'class="govuk-error-summary"' in text
    period = q3()
    assert (period.opens_on, period.officer_deadline, period.review_deadline) == (None, None, None)
    assert not Meeting.objects.exists()
    assert period.history.count() == 1  # created, never changed


def test_a_meeting_left_blank_is_removed(client_as_admin, periods):
    client_as_admin.post(Q3, dates(jac=D(2026, 3, 12), pcp=D(2026, 3, 24)))
    client_as_admin.post(Q3, dates(jac=None, pcp=D(2026, 3, 24)))

    assert [(m.body, m.date) for m in q3().meetings.all()] == [("pcp", D(2026, 3, 24))]


def test_saving_and_opening_an_upcoming_quarter_opens_its_window(client_as_admin, periods):
    today = timezone.localdate()
    meeting = today + datetime.timedelta(days=90)

    client_as_admin.post(Q4, {**dates(jac=meeting), "open": ""})

    period = ReportingPeriod.objects.get(quarter=4)
    assert period.is_open
    assert period.opens_on == today  # counted back it would open later: it opened now
    assert period.officer_deadline > today


def test_opening_a_quarter_from_the_list_opens_its_window_today(client_as_admin, periods):
    today = timezone.localdate()
    client_as_admin.post(Q4, dates(jac=today + datetime.timedelta(days=90)))

    client_as_admin.post(reverse("commitments:period_status", args=["2025-26", "q4"]), {"status": "open"})

    period = ReportingPeriod.objects.get(quarter=4)
    assert period.is_open and period.opens_on == today


def test_the_periods_page_shows_each_deadline_in_words_and_who_changed_which_date(
    client_as_admin, periods, register_admin
):
    client_as_admin.post(Q3, dates(jac=D(2026, 3, 12)))
    client_as_admin.post(Q3, dates(jac=D(2026, 3, 12), officer_deadline=D(2026, 2, 20)))

    page = client_as_admin.get(PERIODS)

    text = page.content.decode()
    assert f"Friday 20 February 2026, <strong>{due_words(D(2026, 2, 20))}</strong>" in text
    assert "12 March 2026" in text
    history = tables(page.content)[-1]
    who = register_admin.get_full_name()
    assert [who, "Changed: 2025/26 Q3, officers' deadline", "2026-02-19", "2026-02-20"] == history[1][1:]
    assert [who, "Created: 2025/26 Q3 Joint Audit Committee, date", "(none)", "2026-03-12"] in [
        row[1:] for row in history
    ]


@pytest.mark.parametrize("role", ["officer", "smt_lead", "committee_member"])
@pytest.mark.parametrize("url", [Q3, CLOSE_Q3])
def test_only_register_admins_set_dates_or_close_a_quarter(request, client, periods, role, url):
    client.force_login(request.getfixturevalue(role))

    assert client.get(url).status_code == 403
    assert client.post(url, {**dates(jac=D(2026, 3, 12)), "reason": "Because."}).status_code == 403
    assert not Meeting.objects.exists()
    assert q3().is_open


@pytest.mark.parametrize("name", ["commitments:period_window", "commitments:period_close"])
@pytest.mark.parametrize("args", [("2030-31", "q1"), ("2025-26", "q5"), ("2025-27", "q1")])
def test_an_unknown_quarter_is_404(client_as_admin, periods, name, args):
    assert client_as_admin.get(reverse(name, args=args)).status_code == 404
    assert client_as_admin.post(reverse(name, args=args), {"reason": "x"}).status_code == 404


# Closing


@pytest.fixture
def quarter(periods, officer, smt_lead):
    """Q3 with an update in each state, one commitment with none, and one withdrawn."""
    other_smt = UserFactory(username="smt2", first_name="Zara", last_name="Young", role=Role.SMT_LEAD)
    other_officer = UserFactory(username="off2", first_name="Amir", last_name="Zeller", role=Role.OFFICER)
    # Listed by last name: smt (Adams) before Young, officer (Baker) before Zeller.
    for user, (first, last) in [(smt_lead, ("Ann", "Adams")), (officer, ("Ben", "Baker"))]:
        user.first_name, user.last_name = first, last
        user.save()
    made = {}
    for ref, state, leads in [
        (1, None, (officer, smt_lead)),
        (2, "draft", (officer, smt_lead)),
        (3, "submitted", (other_officer, smt_lead)),
        (4, "returned", (other_officer, other_smt)),
        (5, "approved", (officer, smt_lead)),
        (6, "approved", (officer, other_smt)),
    ]:
        made[ref] = CommitmentFactory(ref=ref, officer_lead=leads[0], smt_lead=leads[1])
        if state:
            StatusUpdateFactory(commitment=made[ref], period=periods[3], state=state)
    CommitmentFactory(ref=7, active=False, officer_lead=officer, smt_lead=smt_lead)
    return made


def test_the_close_page_counts_updates_by_state_over_the_active_commitments(client_as_admin, quarter):
    page = client_as_admin.get(CLOSE_Q3)

    assert tables(page.content)[0][1:] == [
        ["No update yet", "1"],
        ["Draft", "1"],
        ["Submitted for review", "1"],
        ["Returned for changes", "1"],
        ["Approved", "2"],
        ["All active commitments", "6"],
    ]


def test_the_close_page_lists_what_is_not_approved_by_smt_lead_then_officer(client_as_admin, quarter):
    page = client_as_admin.get(CLOSE_Q3)

    text = page.content.decode()
    assert "4 commitments without an approved update" in text
    listed = [[row[1] for row in table[1:]] for table in tables(page.content)[1:]]
    assert listed == [["No update yet", "Draft"], ["Submitted for review"], ["Returned for changes"]]
    assert text.index("SMT lead: Ann Adams (3)") < text.index("SMT lead: Zara Young (1)")
    assert text.index("Officer: Ben Baker (2)") < text.index("Officer: Amir Zeller (1)")


@pytest.mark.parametrize("more", [10, 130])
def test_the_close_page_lists_the_outstanding_a_page_at_a_time_in_a_fixed_number_of_queries(
    client_as_admin, quarter, officer, smt_lead, more, django_assert_num_queries
):
    from commitments.quarters import CLOSE_PAGE_SIZE

    for ref in range(100, 100 + more):
        CommitmentFactory(ref=ref, officer_lead=officer, smt_lead=smt_lead)

    with django_assert_num_queries(10):
        page = client_as_admin.get(CLOSE_Q3)
    listed = sum(len(table) - 1 for table in tables(page.content)[1:])
    outstanding = 4 + more
    assert listed == min(outstanding, CLOSE_PAGE_SIZE)
    text = page.content.decode()
    # Each lead's and officer's count is of all their outstanding commitments, not the page's.
    assert f"SMT lead: Ann Adams ({3 + more})" in text
    assert f"Officer: Ben Baker ({2 + more})" in text
    if outstanding > CLOSE_PAGE_SIZE:
        rest = client_as_admin.get(CLOSE_Q3, {"page": 2})
        assert sum(len(table) - 1 for table in tables(rest.content)[1:]) == outstanding - CLOSE_PAGE_SIZE
        assert "SMT lead: Zara Young (1)" in rest.content.decode()


def test_closing_with_updates_outstanding_needs_a_reason(client_as_admin, quarter):
    response = client_as_admin.post(CLOSE_Q3, {"reason": "  "})

    assert response.status_code == 200
    text = response.content.decode()
    assert "<title>Error: " in text
    assert "Enter why you are closing 2025/26 Q3 while 4 commitments have no approved update" in text
    assert q3().is_open


def test_closing_with_a_reason_closes_and_keeps_the_reason_in_the_history_and_on_the_paper(
    client_as_admin, quarter, register_admin
):
    response = client_as_admin.post(CLOSE_Q3, {"reason": "JAC asked for the paper now.\nThe rest follow in Q4."})

    assert response.status_code == 302
    period = q3()
    assert period.status == "closed"
    assert period.close_reason == "JAC asked for the paper now.\nThe rest follow in Q4."
    assert period.history.first().history_user == register_admin
    history = tables(client_as_admin.get(PERIODS).content)[-1]
    assert any("reason for closing" in row[2] and "JAC asked" in row[4] for row in history[1:])
    paper = client_as_admin.get(reverse("committee:paper_edit", args=["2025-26", "q3"])).content.decode()
    assert "2025/26 Q3 was closed with updates not approved" in paper
    assert "JAC asked for the paper now." in paper


def test_closing_with_everything_approved_needs_no_reason(client_as_admin, periods, commitment):
    StatusUpdateFactory(commitment=commitment, period=periods[3], state="approved")

    page = client_as_admin.get(CLOSE_Q3).content.decode()
    assert "Every active commitment has an approved update for 2025/26 Q3." in page
    assert 'name="reason"' not in page
    assert client_as_admin.post(CLOSE_Q3, {}).status_code == 302
    assert q3().status == "closed" and q3().close_reason == ""


def test_the_one_click_close_refuses_with_updates_outstanding_and_sends_to_the_close_page(client_as_admin, quarter):
    response = client_as_admin.post(reverse("commitments:period_status", args=["2025-26", "q3"]), {"status": "closed"})

    assert response.status_code == 302 and response.url == CLOSE_Q3
    assert q3().is_open
    followed = client_as_admin.get(response.url).content.decode()
    assert "Enter why you are closing 2025/26 Q3 while 4 commitments have no approved update" in followed


def test_the_one_click_close_still_closes_a_quarter_with_everything_approved(client_as_admin, periods, commitment):
    StatusUpdateFactory(commitment=commitment, period=periods[3], state="approved")

    client_as_admin.post(reverse("commitments:period_status", args=["2025-26", "q3"]), {"status": "closed"})

    assert q3().status == "closed"


def test_a_quarter_not_open_has_nothing_to_close(client_as_admin, periods):
    for url in (reverse("commitments:period_close", args=["2025-26", "q2"]), Q4.replace("q4/", "q4/close/")):
        response = client_as_admin.post(url, {"reason": "x"}, follow=True)
        assert "is not open, so there is nothing to close" in response.content.decode()
    assert ReportingPeriod.objects.get(quarter=4).status == "upcoming"


def test_the_paper_edit_page_says_nothing_of_a_quarter_closed_with_everything_approved(client_as_admin, periods):
    page = client_as_admin.get(reverse("committee:paper_edit", args=["2025-26", "q2"])).content.decode()

    assert "was closed with updates not approved" not in page


# Queries


def _build(count, periods):
    officers = [UserFactory(role=Role.OFFICER) for _ in range(3)]
    smts = [UserFactory(role=Role.SMT_LEAD) for _ in range(2)]
    commitments = [
        CommitmentFactory(ref=10_000 * count + i, officer_lead=officers[i % 3], smt_lead=smts[i % 2])
        for i in range(count)
    ]
    states = [None, *StatusUpdate.State.values]
    StatusUpdate.objects.bulk_create(
        StatusUpdate(commitment=c, period=periods[3], state=states[i % len(states)])
        for i, c in enumerate(commitments)
        if states[i % len(states)]
    )
    for period in periods.values():
        Meeting.objects.get_or_create(period=period, body="jac", date=period.end_date + datetime.timedelta(days=60))


def _count(client, url, size, periods):
    _build(size, periods)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("url", [CLOSE_Q3, Q3, PERIODS])
def test_the_periods_pages_run_the_same_number_of_queries_for_10_and_200_commitments(client_as_admin, periods, url):
    small = _count(client_as_admin, url, 10, periods)
    large = _count(client_as_admin, url, 190, periods)

    assert small == large
