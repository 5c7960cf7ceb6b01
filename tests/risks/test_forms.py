import datetime

import pytest
from django.urls import reverse

from commitments.models import Rag
from risks import services
from risks.models import Action, Assessment, Risk, StatusChange
from tests.factories import CommitmentFactory, PolicyAreaFactory
from tests.risks.factories import ActionFactory, AssessmentFactory

pytestmark = pytest.mark.django_db


def _html(response) -> str:
    return " ".join(response.content.decode().split())


# ---------------------------------------------------------------------------
# Adding and editing risks


def test_an_smt_lead_adds_a_risk_with_its_links_and_first_status(client_as_smt_lead, smt_lead, periods):
    area = PolicyAreaFactory(name="Partnerships")
    CommitmentFactory(ref=307)
    CommitmentFactory(ref=314)
    data = {
        "ref": "CR05",
        "title": "Loss of the PCC role",
        "kind": "corporate",
        "status": "under_consideration",
        "owner": smt_lead.pk,
        "period": "2025-26-q3",
        "reason": "Raised by the Commissioner",
        "policy_areas": [area.pk],
        "commitment_refs": "314, 307",
    }

    response = client_as_smt_lead.post(reverse("risks:create"), data)

    assert response.status_code == 302 and response["Location"] == "/risks/CR05/"
    risk = Risk.objects.get(ref="CR05")
    assert risk.status == Risk.Status.UNDER_CONSIDERATION
    assert sorted(c.ref for c in risk.commitments.all()) == [307, 314]
    assert list(risk.policy_areas.all()) == [area]
    change = StatusChange.objects.get(risk=risk)
    assert (change.from_status, change.to_status, change.period, change.reason, change.changed_by) == (
        "",
        "under_consideration",
        periods[3],
        "Raised by the Commissioner",
        smt_lead,
    )


def test_an_empty_risk_form_names_each_missing_answer(client_as_smt_lead, periods):
    response = client_as_smt_lead.post(reverse("risks:create"), {})

    html = _html(response)
    assert response.status_code == 200
    assert "<title>Error: Add a risk" in html
    for message in [
        "Enter a reference, such as CR05",
        "Enter a title",
        "Select whether the risk is corporate or topical",
        "Select the risk&#x27;s owner",
        "Select the quarter",
        "Enter why the risk is being added",
    ]:
        assert message in html
    assert not Risk.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("ref", "cr 1", "Enter a reference of capital letters then digits, such as CR01"),
        ("ref", "CR10", "A risk with this reference already exists"),
        ("commitment_refs", "60, sixty", "Enter commitment numbers separated by commas, like 60, 307"),
        ("commitment_refs", "999", "There is no commitment 999 in the Police and Crime Plan 2025-2029"),
        ("owner", "officer", "Select an owner from the list"),
    ],
)
def test_the_risk_form_explains_a_bad_answer(client_as_admin, risk, officer, periods, field, value, message):
    CommitmentFactory(ref=60)
    data = {
        "ref": "CR05",
        "title": "A risk",
        "kind": "corporate",
        "status": "open",
        "owner": risk.owner_id,
        "period": "2025-26-q3",
        "reason": "Because",
    }
    data[field] = officer.pk if value == "officer" else value

    response = client_as_admin.post(reverse("risks:create"), data)

    assert response.status_code == 200
    assert message in response.content.decode()


def test_editing_a_risk_keeps_its_reference_and_status_and_updates_links(client_as_smt_lead, risk, smt_lead):
    CommitmentFactory(ref=60)
    data = {"ref": "XX99", "status": "closed", "title": "New title", "kind": "topical", "owner": smt_lead.pk}
    data["commitment_refs"] = "60"

    client_as_smt_lead.post(reverse("risks:edit", args=["CR10"]), data)

    risk.refresh_from_db()
    assert (risk.ref, risk.status, risk.title, risk.kind) == ("CR10", "open", "New title", "topical")
    assert [c.ref for c in risk.commitments.all()] == [60]


def test_the_edit_form_shows_the_linked_commitments(client_as_smt_lead, risk):
    risk.commitments.add(CommitmentFactory(ref=60), CommitmentFactory(ref=36))

    html = client_as_smt_lead.get(reverse("risks:edit", args=["CR10"])).content.decode()

    assert 'value="36, 60"' in html


# ---------------------------------------------------------------------------
# Status changes


def test_changing_the_status_needs_a_reason(client_as_smt_lead, risk, periods):
    data = {"to_status": "closed", "period": "2025-26-q3", "date_0": "1", "date_1": "12", "date_2": "2025"}
    data["reason"] = "   "

    response = client_as_smt_lead.post(reverse("risks:status", args=["CR10"]), data)

    assert "<title>Error: " in response.content.decode()
    assert "Enter the reason for the change" in response.content.decode()
    risk.refresh_from_db()
    assert risk.status == "open" and not StatusChange.objects.exists()


def test_a_status_change_is_recorded_and_read_by_the_paper(client_as_smt_lead, risk, periods, smt_lead):
    data = {"to_status": "deescalated", "period": "2025-26-q3", "date_0": "1", "date_1": "12", "date_2": "2025"}
    data["reason"] = "Now managed on the force's register"

    client_as_smt_lead.post(reverse("risks:status", args=["CR10"]), data)

    change = StatusChange.objects.get()
    assert (change.from_status, change.to_status, change.date, change.changed_by) == (
        "open",
        "deescalated",
        datetime.date(2025, 12, 1),
        smt_lead,
    )
    rows = list(Risk.objects.closed_or_deescalated_during(periods[3]))
    assert [(r.ref, r.reason) for r in rows] == [("CR10", "Now managed on the force's register")]


def test_the_status_form_does_not_offer_the_present_status(client_as_smt_lead, risk, periods):
    html = client_as_smt_lead.get(reverse("risks:status", args=["CR10"])).content.decode()

    assert 'value="closed"' in html and 'value="open"' not in html


def test_a_status_change_date_must_be_real(client_as_smt_lead, risk, periods):
    data = {"to_status": "closed", "period": "2025-26-q3", "date_0": "31", "date_1": "2", "date_2": "2025"}
    data["reason"] = "Done"

    response = client_as_smt_lead.post(reverse("risks:status", args=["CR10"]), data)

    assert "The date of the change must be a real date" in response.content.decode()


# ---------------------------------------------------------------------------
# Assessments


def _assess(client, data, fy="2025-26", q="q3"):
    return client.post(reverse("risks:assess", args=["CR10", fy, q]), data)


def test_the_owner_records_an_assessment_and_the_score_is_worked_out(client_as_smt_lead, risk, periods, smt_lead):
    data = {
        "version": 0,
        "inherent_likelihood": 5,
        "inherent_impact": 4,
        "current_likelihood": 4,
        "current_impact": 4,
        "target_likelihood": "",
        "target_impact": "",
        "rationale": "Less funding likely",
    }

    response = _assess(client_as_smt_lead, data)

    assert response.status_code == 302
    assessment = Assessment.objects.get()
    assert (assessment.inherent_score, assessment.current_score, assessment.target_score) == (20, 16, None)
    assert (assessment.assessed_by, assessment.version, assessment.period) == (smt_lead, 1, periods[3])


def test_the_old_assessment_address_redirects_for_good_and_a_post_keeps_its_body(client_as_smt_lead, risk, periods):
    old = "/risks/CR10/assessments/2025-26-q3/"
    new = reverse("risks:assess", args=["CR10", "2025-26", "q3"])
    assert new == "/risks/CR10/assessments/2025-26/q3/"

    get = client_as_smt_lead.get(old)
    post = client_as_smt_lead.post(old, {"version": 0, "current_likelihood": 3, "current_impact": 3})

    assert (get.status_code, get["Location"]) == (301, new)
    assert (post.status_code, post["Location"]) == (308, new)
    assert not Assessment.objects.exists()


def test_the_assessment_form_starts_from_the_previous_quarter(client_as_smt_lead, risk, periods):
    AssessmentFactory(risk=risk, period=periods[2], current_likelihood=4, current_impact=2, rationale="Last time")

    html = client_as_smt_lead.get(reverse("risks:assess", args=["CR10", "2025-26", "q3"])).content.decode()

    assert "starts from the 2025/26 Q2 assessment" in html
    assert '<option value="4" selected>4 Likely</option>' in html
    assert "Last time" in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Select the current likelihood"),
        ({"current_likelihood": "6", "current_impact": "2"}, "Current likelihood must be a whole number from 1 to 5"),
        ({"current_likelihood": "0", "current_impact": "2"}, "Current likelihood must be a whole number from 1 to 5"),
        ({"current_likelihood": "2", "current_impact": "x"}, "Current impact must be a whole number from 1 to 5"),
        (
            {"current_likelihood": "2", "current_impact": "2", "target_likelihood": "1"},
            "Select the target impact too, or leave both blank",
        ),
    ],
)
def test_the_assessment_form_refuses_levels_outside_the_matrix(client_as_smt_lead, risk, periods, data, message):
    response = _assess(client_as_smt_lead, {"version": 0, **data})

    assert response.status_code == 200
    assert "<title>Error: " in response.content.decode()
    assert message in response.content.decode()
    assert not Assessment.objects.exists()


def test_a_stale_assessment_save_is_refused_and_shows_what_changed(client, risk, periods, smt_lead, register_admin):
    services.assessment_record(
        risk=risk,
        period=periods[3],
        values={"current_likelihood": 3, "current_impact": 3, "rationale": "First view"},
        version=0,
        by=smt_lead,
    )
    # The admin saves while the owner still has version 1 open.
    services.assessment_record(
        risk=risk,
        period=periods[3],
        values={"current_likelihood": 4, "current_impact": 3, "rationale": "Admin's view"},
        version=1,
        by=register_admin,
    )
    client.force_login(smt_lead)

    response = _assess(client, {"version": 1, "current_likelihood": 2, "current_impact": 2, "rationale": "Mine"})

    html = _html(response)
    assert response.status_code == 200
    assert "<title>Error: " in html
    assert "Someone else saved this assessment while you were editing it" in html
    assert 'Current likelihood</th> <td class="govuk-table__cell riskreg-pre">3</td>' in html
    assert '<td class="govuk-table__cell riskreg-pre">4</td>' in html
    assert "Admin&#x27;s view" in html
    assert str(register_admin) in html
    assessment = Assessment.objects.get()
    assert (assessment.current_likelihood, assessment.version) == (4, 2)
    # Their typing is kept, with the new version: saving again now is a knowing overwrite.
    assert 'name="version" value="2"' in html
    assert _assess(client, {"version": 2, "current_likelihood": 2, "current_impact": 2}).status_code == 302
    assert Assessment.objects.get().current_score == 4


def test_a_second_first_assessment_is_refused_as_stale(risk, periods, smt_lead, register_admin):
    services.assessment_record(
        risk=risk, period=periods[3], values={"current_likelihood": 3, "current_impact": 3}, version=0, by=smt_lead
    )

    with pytest.raises(services.StaleAssessment) as stale:
        services.assessment_record(
            risk=risk,
            period=periods[3],
            values={"current_likelihood": 1, "current_impact": 1},
            version=0,
            by=register_admin,
        )

    assert [c.field for c in stale.value.changes][:2] == ["Inherent likelihood", "Inherent impact"]
    assert Assessment.objects.get().current_score == 9


# ---------------------------------------------------------------------------
# Actions


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"description": ""}, "Enter what the action is"),
        ({"owner_name": ""}, "Select the action&#x27;s owner, or enter their name below"),
        ({"owner": "smt"}, "Select an owner in the register or enter a name, not both"),
        ({"target_text": ""}, "Enter a target date, or describe the target, such as Ongoing"),
        ({"target_date_0": "31", "target_date_1": "3", "target_date_2": "2026"}, "not both"),
        ({"target_date_0": "31", "target_date_1": "", "target_date_2": "2026"}, "must include a day, month and year"),
        ({"description": "Lobby the Home Office"}, "This risk already has an action with this description"),
    ],
)
def test_the_action_form_explains_a_bad_answer(client_as_smt_lead, risk, smt_lead, data, message):
    ActionFactory(risk=risk, description="Lobby the Home Office")
    post = {"description": "Write to the minister", "owner_name": "The Commissioner", "target_text": "Ongoing"}
    post.update(data)
    if post.get("owner") == "smt":
        post["owner"] = smt_lead.pk

    response = client_as_smt_lead.post(reverse("risks:action_create", args=["CR10"]), post)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert Action.objects.count() == 1


def test_an_action_with_a_user_owner_a_date_and_a_rag(client_as_smt_lead, risk, smt_lead):
    post = {
        "description": "Write to the minister",
        "owner": smt_lead.pk,
        "target_date_0": "31",
        "target_date_1": "3",
        "target_date_2": "2026",
        "rag": Rag.AMBER,
        "notes": "Draft ready",
    }

    response = client_as_smt_lead.post(reverse("risks:action_create", args=["CR10"]), post)

    assert response["Location"] == "/risks/CR10/#actions"
    action = Action.objects.get()
    assert (action.owner, action.target_date, action.rag, action.target_label) == (
        smt_lead,
        datetime.date(2026, 3, 31),
        "amber",
        "31 March 2026",
    )


@pytest.mark.parametrize(
    ("name", "args", "message"),
    [
        ("risks:status", ["CR10"], "Enter the reason for the change"),
        ("risks:assess", ["CR10", "2025-26", "q3"], "Select the current likelihood"),
        ("risks:action_create", ["CR10"], "Enter what the action is"),
        ("risks:edit", ["CR10"], "Enter a title"),
    ],
)
def test_an_empty_post_shows_the_errors(client_as_smt_lead, risk, periods, name, args, message):
    response = client_as_smt_lead.post(reverse(name, args=args), {})

    assert response.status_code == 200
    assert "<title>Error: " in response.content.decode()
    assert message in response.content.decode()
