"""The demo data is the committee paper's: check it says what the paper says."""

import pytest
from django.core.management import call_command

from commitments.models import Commitment, Meeting, Rag, ReportingPeriod, StatusUpdate
from riskreg.models import User

pytestmark = pytest.mark.django_db

RED_LIST = {
    36: "green",
    60: "amber",
    75: "green",
    96: "green",
    101: "red",
    103: "red",
    164: "green",
    243: "amber",
    307: "red",
    314: "amber",
}
IMPROVING = {
    52: ("red", "green"),
    146: ("red", "amber"),
    152: ("red", "green"),
    256: ("red", "amber"),
    310: ("red", "amber"),
}


@pytest.fixture
def paper(db):
    call_command("loaddata", "demo_users", "commitments", verbosity=0)


def test_the_plan_has_356_commitments_with_placeholders_for_those_not_in_the_paper(paper):
    assert Commitment.objects.count() == 356
    placeholder = Commitment.objects.get(ref=1)
    assert placeholder.text == "Placeholder: the text of commitment 1 is not in the source paper"
    assert not placeholder.status_updates.exists()


def test_q2_red_list_is_the_papers_ten(paper):
    q1, q2 = ReportingPeriod.objects.by_key(2025, 1).get(), ReportingPeriod.objects.by_key(2025, 2).get()

    red = set(Commitment.objects.red_in(q2).values_list("ref", flat=True))

    assert red == set(RED_LIST)
    for ref, q1_rag in RED_LIST.items():
        assert StatusUpdate.objects.get(commitment__ref=ref, period=q1).rag == q1_rag


def test_improving_commitments_went_from_red_to_amber_or_green(paper):
    for ref, (q1_rag, q2_rag) in IMPROVING.items():
        updates = dict(StatusUpdate.objects.filter(commitment__ref=ref).values_list("period__quarter", "rag"))
        assert updates == {1: q1_rag, 2: q2_rag}


def test_continuation_lines_of_refs_96_and_243_are_joined(paper):
    assert Commitment.objects.get(ref=243).text.endswith(
        "as well as access to drug and alcohol treatment, and physical and mental health services."
    )
    update = StatusUpdate.objects.get(commitment__ref=96, period__quarter=2)
    assert "For ASE, in Jan-Mar 2025 there were 56,396 activation" in update.narrative
    assert update.narrative.endswith("However, over 13,000 showing as not completed and over 5,000 cancelled.")


def test_ref_146_names_its_wmp_lead_from_the_update(paper):
    assert Commitment.objects.get(ref=146).wmp_lead == "Tony Hopkins, Head of Public Protection Unit"


def test_ref_36_sits_under_two_policy_areas_in_the_papers_order(paper):
    assert Commitment.objects.with_people().get(ref=36).policy_area_names == "VAWG / Protecting Victims and Witnesses"


def test_periods_q1_q2_closed_and_q3_open(paper):
    statuses = dict(ReportingPeriod.objects.values_list("quarter", "status"))
    assert statuses == {1: "closed", 2: "closed", 3: "open", 4: "upcoming"}


def test_loading_the_fixture_twice_changes_nothing(paper):
    call_command("loaddata", "demo_users", "commitments", verbosity=0)

    assert Commitment.objects.count() == 356
    assert StatusUpdate.objects.count() == 30
    assert StatusUpdate.objects.filter(rag=Rag.RED, period__quarter=2).count() == 10
    assert Meeting.objects.count() == 2
    assert User.objects.count() == 34


PAPER_REFS = set(RED_LIST) | set(IMPROVING)


@pytest.mark.parametrize(("username", "lead"), [("officer", "officer_lead"), ("smt", "smt_lead")])
def test_the_demo_accounts_lead_a_realistic_share_including_the_papers_fifteen(paper, username, lead):
    refs = set(Commitment.objects.filter(**{f"{lead}__username": username}).values_list("ref", flat=True))

    assert 20 <= len(refs) <= 40
    assert refs >= PAPER_REFS


def test_the_other_commitments_are_led_by_about_7_smt_leads_and_25_officers_all_illustrative(paper):
    smt_leads = User.objects.filter(smt_commitments__isnull=False).distinct()
    officers = User.objects.filter(officer_commitments__isnull=False).distinct()

    assert smt_leads.count() == 7 and officers.count() == 25
    assert not Commitment.objects.filter(smt_lead=None).exists()
    assert not Commitment.objects.filter(officer_lead=None).exists()
    for person in [*smt_leads, *officers]:
        assert "(illustrative)" in str(person)
        assert not person.has_usable_password()
    assert {p.role_names() for p in smt_leads} == {("SMT lead",)}
    assert {p.role_names() for p in officers} == {("Officer",)}


def test_q3_has_an_update_window_and_its_two_meetings_after_the_quarter_ends(paper):
    q3 = ReportingPeriod.objects.by_key(2025, 3).get()
    meetings = {m.get_body_display(): m.date for m in q3.meetings.all()}

    assert set(meetings) == {"Joint Audit Committee", "Police and Crime Panel"}
    assert q3.end_date < q3.opens_on < q3.officer_deadline < q3.review_deadline < min(meetings.values())
