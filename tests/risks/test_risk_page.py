import datetime

import pytest
from django.urls import reverse

from commitments.models import Rag, StatusUpdate
from risks.models import Risk
from tests.factories import CommitmentFactory, StatusUpdateFactory
from tests.risks.factories import ActionFactory, AssessmentFactory, StatusChangeFactory
from tests.risks.test_register import _populate

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored(risk, periods):
    AssessmentFactory(
        risk=risk,
        period=periods[1],
        inherent_likelihood=4,
        inherent_impact=4,
        current_likelihood=3,
        current_impact=4,
        target_likelihood=2,
        target_impact=3,
        rationale="Funding in place for the year.",
        controls="Lobbying the Home Office.",
    )
    AssessmentFactory(
        risk=risk,
        period=periods[2],
        inherent_likelihood=4,
        inherent_impact=4,
        current_likelihood=4,
        current_impact=4,
        target_likelihood=2,
        target_impact=3,
        rationale="Less funding likely.",
    )
    return risk


def _page(client, ref="CR10"):
    response = client.get(reverse("risks:detail", args=[ref]))
    assert response.status_code == 200
    return " ".join(response.content.decode().split())


def test_the_risk_page_shows_every_field(client_as_committee, risk):
    risk.causes, risk.consequences = "Home Office letter", "Services stop"
    risk.save()

    html = _page(client_as_committee)

    for text in ["CR10", "Loss of a key partner", "Corporate", "Open", "Home Office letter", "Services stop"]:
        assert text in html
    assert str(risk.owner) in html


def test_the_risk_page_shows_the_score_history_per_quarter(client_as_committee, scored):
    html = _page(client_as_committee)

    q2 = html.split("2025/26 Q2</th>", 1)[1].split("</tr>", 1)[0]
    assert '16</span> <span class="govuk-body-s risks-muted">(L4 × I4)</span>' in q2
    assert "Very high" in q2 and "6</span>" in q2 and "↑</span> increased" in q2
    q1 = html.split("2025/26 Q1</th>", 1)[1].split("</tr>", 1)[0]
    assert "12</span>" in q1 and "High" in q1 and "+</span> new" in q1
    assert "Funding in place for the year." in html and "Lobbying the Home Office." in html


def test_the_trend_chart_is_an_svg_with_its_figures_in_words(client_as_committee, scored):
    html = _page(client_as_committee)

    assert '<svg class="risks-chart__svg"' in html
    assert 'role="img"' in html
    assert "Current score by quarter: 2025/26 Q1 12; 2025/26 Q2 16." in html
    assert '<path d="M' in html
    assert "style=" not in html.split('<svg class="risks-chart__svg"', 1)[1].split("</figure>", 1)[0]


def test_linked_commitments_show_their_latest_approved_rag(client_as_committee, risk, periods):
    commitment = CommitmentFactory(ref=60, text="Campaign for sustained funding")
    StatusUpdateFactory(commitment=commitment, period=periods[1], rag=Rag.AMBER)
    StatusUpdateFactory(commitment=commitment, period=periods[2], rag=Rag.RED)
    StatusUpdateFactory(commitment=commitment, period=periods[3], rag=Rag.GREEN, state=StatusUpdate.State.SUBMITTED)
    risk.commitments.add(commitment)

    html = _page(client_as_committee)

    row = html.split(">60</a></th>", 1)[1].split("</tr>", 1)[0]
    assert "Campaign for sustained funding" in row
    assert "Red</strong> in 2025/26 Q2" in row
    assert "Green" not in row


def test_actions_and_status_changes_are_listed(client_as_committee, risk, periods, smt_lead):
    ActionFactory(risk=risk, description="Lobby the Home Office", target_text="Ongoing", rag=Rag.AMBER)
    ActionFactory(
        risk=risk,
        description="Write to the minister",
        owner=smt_lead,
        owner_name="",
        target_text="",
        target_date=datetime.date(2026, 3, 31),
    )
    StatusChangeFactory(
        risk=risk, from_status="", to_status=Risk.Status.OPEN, period=periods[1], reason="Added after the review"
    )

    html = _page(client_as_committee)

    assert "Lobby the Home Office" in html and "Ongoing" in html and "Amber" in html
    assert "Write to the minister" in html and "31 March 2026" in html and str(smt_lead) in html
    assert "Not on the register" in html and "Added after the review" in html


def test_the_change_history_says_who_changed_what_from_and_to(client_as_committee, risk, smt_lead):
    risk.title = "Loss of two key partners"
    risk._history_user = smt_lead
    risk.save()

    html = _page(client_as_committee)

    history = html.split("Change history", 1)[1]
    assert "Changed: Risk, title" in history
    assert "Loss of a key partner" in history and "Loss of two key partners" in history
    assert str(smt_lead) in history


def test_an_unknown_risk_is_not_found(client_as_committee):
    assert client_as_committee.get(reverse("risks:detail", args=["CR99"])).status_code == 404


def _risk_with(count: int, extras: int, owner):
    """`count` risks assessed in 8 quarters; the first, Q0000, with `extras` links, actions, changes and edits."""
    periods = _populate(count, owner)
    risk = Risk.objects.get(ref="Q0000")
    for n in range(extras):
        commitment = CommitmentFactory(ref=500 + n)
        StatusUpdateFactory(commitment=commitment, period=periods[-1])
        risk.commitments.add(commitment)
        ActionFactory(risk=risk)
        StatusChangeFactory(risk=risk, period=periods[n % len(periods)], from_status="", to_status="open")
        risk.title = f"Title {n}"
        risk.save()


@pytest.mark.parametrize(("count", "extras"), [(5, 1), (200, 10)])
def test_the_risk_page_runs_a_fixed_number_of_queries(
    client_as_committee, smt_lead, count, extras, django_assert_num_queries
):
    _risk_with(count, extras, smt_lead)

    with django_assert_num_queries(23):
        response = client_as_committee.get(reverse("risks:detail", args=["Q0000"]))

    assert response.status_code == 200
    assert response.content.decode().count(": rationale and controls</span>") == 8


def test_one_edit_shows_as_one_history_entry_with_its_fields_and_links(client, risk, smt_lead, periods):
    CommitmentFactory(ref=60)
    client.force_login(smt_lead)
    data = {"title": "Loss of two partners", "kind": "corporate", "owner": smt_lead.pk, "commitment_refs": "60"}

    client.post(reverse("risks:edit", args=["CR10"]), data)
    client.post(
        reverse("risks:action_create", args=["CR10"]),
        {"description": "Meet the partners", "owner_name": "The CEO", "target_text": "Ongoing"},
    )

    html = _page(client)
    history = html.split("Change history", 1)[1]
    assert history.count("Changed: Risk, title") == 1
    assert "Changed: Risk, commitments" in history
    assert "Created: Action “Meet the partners”, owner&#x27;s name" in history
    assert history.count(str(smt_lead)) >= 2
