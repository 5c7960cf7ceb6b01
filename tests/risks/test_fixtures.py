"""fixtures/risks.json holds the paper's risks; its scores agree with the paper's statements for 2025/26 Q2."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from risks.importing import plan_import
from risks.models import ILLUSTRATIVE_NOTE, Action, Assessment, Risk
from risks.services import risks_import_apply
from tests.factories import CommitmentFactory

pytestmark = pytest.mark.django_db

EXAMPLE = Path(settings.BASE_DIR) / "fixtures" / "risks-import-example.csv"


@pytest.fixture
def paper_risks(periods, smt_lead, register_admin):
    """What fixtures/risks.json needs (the demo users, the periods and three commitments), then the fixture."""
    CommitmentFactory(ref=36, areas=["VAWG", "Protecting Victims and Witnesses"])
    CommitmentFactory(ref=60, areas=["Serious Youth Violence"])
    CommitmentFactory(ref=307, areas=["Partnerships"])
    call_command("loaddata", "risks", verbosity=0)
    return periods


def test_the_paper_says_no_new_corporate_risks_in_q2(paper_risks):
    assert list(Risk.objects.became_open_during(paper_risks[2])) == []


def test_the_paper_says_one_risk_is_under_consideration(paper_risks):
    rows = list(Risk.objects.under_consideration(paper_risks[2]))

    assert [r.ref for r in rows] == ["CR02"]
    assert "funding cuts to partners" in rows[0].title.lower()


def test_the_paper_says_the_vrp_funding_risk_increased(paper_risks):
    rows = list(Risk.objects.increased_between(paper_risks[1], paper_risks[2]))

    assert [r.ref for r in rows] == ["CR01"]
    assert "Violence Reduction Partnership" in rows[0].title
    assert rows[0].current_score > rows[0].previous_score


def test_the_paper_says_no_score_reduced_and_none_closed(paper_risks):
    assert list(Risk.objects.reduced_between(paper_risks[1], paper_risks[2])) == []
    assert list(Risk.objects.closed_or_deescalated_during(paper_risks[2])) == []


def test_the_paper_risks_are_linked_to_the_commitments_they_threaten(paper_risks):
    links = {r.ref: sorted(c.ref for c in r.commitments.all()) for r in Risk.objects.all()}

    assert links == {"CR01": [60], "CR02": [], "CR03": [307], "CR04": [36]}
    assert Risk.objects.get(ref="CR03").title == "Transfer of police governance functions to a mayoralty"
    assert "Ministry of Justice" in Risk.objects.get(ref="CR04").title


def test_every_paper_risk_has_q1_and_q2_assessments_and_says_its_scores_are_illustrative(paper_risks):
    assert Assessment.objects.count() == 8
    assert all(r.scores_illustrative for r in Risk.objects.all())
    assert all(ILLUSTRATIVE_NOTE in a.rationale for a in Assessment.objects.all())


def test_the_illustrative_note_shows_on_the_register_and_risk_page(paper_risks, client_as_committee):
    register = client_as_committee.get(reverse("risks:register")).content.decode()
    page = client_as_committee.get(reverse("risks:detail", args=["CR01"])).content.decode()

    assert "Scores are illustrative: the source paper gives none." in register
    assert "Scores are illustrative: the source paper gives none." in page


def test_loading_the_risks_fixture_twice_does_not_duplicate(paper_risks):
    call_command("loaddata", "risks", verbosity=0)

    assert (Risk.objects.count(), Assessment.objects.count(), Action.objects.count()) == (4, 8, 4)


def test_the_example_import_file_matches_the_fixture(paper_risks):
    plan = plan_import(EXAMPLE.name, EXAMPLE.read_bytes())

    assert plan.errors == []
    assert plan.rows_read == 8
    assert not plan.has_changes


def test_the_example_import_file_builds_the_paper_risks_on_an_empty_register(periods, smt_lead, register_admin):
    risks_import_apply(result=plan_import(EXAMPLE.name, EXAMPLE.read_bytes()), by=register_admin)

    assert [r.ref for r in Risk.objects.increased_between(periods[1], periods[2])] == ["CR01"]
    assert [r.ref for r in Risk.objects.under_consideration()] == ["CR02"]
    assert Assessment.objects.count() == 8


def test_fixture_owners_are_the_demo_smt_lead_and_admin(paper_risks):
    owners = dict(Risk.objects.values_list("ref", "owner__username"))

    assert owners == {"CR01": "smt", "CR02": "admin", "CR03": "smt", "CR04": "smt"}
