import pytest
from django.core.management import call_command

from commitments.models import Rag
from riskreg.roles import Role
from risks.models import Risk
from tests.browser.helpers import axe_violations, sign_in
from tests.factories import CommitmentFactory, StatusUpdateFactory, UserFactory
from tests.risks.factories import ActionFactory, AssessmentFactory, RiskFactory, StatusChangeFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def register(periods):
    """The 5x5 matrix, an SMT lead who owns two scored risks, a committee member and an admin."""
    call_command("loaddata", "risk_matrix", verbosity=0)
    owner = UserFactory(username="owner", first_name="Sam", last_name="Lead", role=Role.SMT_LEAD)
    UserFactory(username="member", role=Role.COMMITTEE_MEMBER)
    UserFactory(username="boss", role=Role.REGISTER_ADMIN)
    vrp = RiskFactory(ref="CR01", title="Reduction in VRP funding", owner=owner, kind=Risk.Kind.TOPICAL)
    vrp.scores_illustrative = True
    vrp.save()
    devolution = RiskFactory(ref="CR03", title="Transfer of police governance", owner=owner)
    for risk, q1, q2 in [(vrp, (3, 4), (4, 4)), (devolution, (4, 5), (4, 5))]:
        for period, (likelihood, impact) in ((periods[1], q1), (periods[2], q2)):
            AssessmentFactory(
                risk=risk,
                period=period,
                inherent_likelihood=5,
                inherent_impact=5,
                current_likelihood=likelihood,
                current_impact=impact,
                target_likelihood=2,
                target_impact=2,
            )
    commitment = CommitmentFactory(ref=60, text="Campaign for sustained funding", areas=["Serious Youth Violence"])
    StatusUpdateFactory(commitment=commitment, period=periods[2], rag=Rag.RED)
    vrp.commitments.add(commitment)
    ActionFactory(risk=vrp, description="Lobby the Home Office", rag=Rag.AMBER)
    StatusChangeFactory(risk=vrp, from_status="", to_status="open", period=periods[1], reason="Added")
    return periods


def test_the_register_reads_well_and_has_no_axe_violations(page, live_server, register):
    sign_in(page, live_server, "member")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Risks", exact=True).click()

    assert page.get_by_role("heading", level=1).inner_text() == "Corporate risk register"
    row = page.get_by_role("row").filter(has_text="CR01")
    assert "16 Very high" in " ".join(row.inner_text().split())
    assert "increased" in row.inner_text()
    assert "Scores are illustrative: the source paper gives none." in page.inner_text("main")
    assert axe_violations(page) == []


def test_the_register_filters_by_band_from_the_keyboard(page, live_server, register):
    sign_in(page, live_server, "member")
    page.goto(f"{live_server.url}/risks/")

    page.get_by_label("Current band").select_option(label="Very high")
    page.get_by_role("button", name="Apply filters").press("Enter")

    page.wait_for_url("**/risks/?*band=*")
    refs = page.locator("tbody th a").all_inner_texts()
    assert refs == ["CR01", "CR03"]
    assert axe_violations(page) == []


def test_the_risk_page_has_no_axe_violations(page, live_server, register):
    sign_in(page, live_server, "member")
    page.goto(f"{live_server.url}/risks/CR01/")

    assert page.get_by_role("heading", level=1).inner_text() == "Reduction in VRP funding"
    assert page.get_by_role("img", name="Score trend of CR01").is_visible()
    assert "Red" in page.get_by_role("row").filter(has_text="Campaign for sustained funding").inner_text()
    assert axe_violations(page) == []


def test_the_heat_map_and_its_comparison_have_no_axe_violations(page, live_server, register):
    sign_in(page, live_server, "member")
    page.goto(f"{live_server.url}/risks/heatmap/?period=2025-26-q2")
    assert axe_violations(page) == []

    page.get_by_role("link", name="Compare with 2025/26 Q1: show which risks moved").click()

    assert "moved from L3 × I4" in page.inner_text("main")
    assert page.get_by_role("table", name="Risks that moved between 2025/26 Q1 and 2025/26 Q2").is_visible()
    assert axe_violations(page) == []


def test_the_owner_records_an_assessment_after_correcting_an_error(page, live_server, register):
    sign_in(page, live_server, "owner")
    page.goto(f"{live_server.url}/risks/CR01/")
    page.get_by_role("link", name="Record the 2025/26 Q3 assessment").click()

    page.get_by_label("Current likelihood").select_option("")
    page.get_by_role("button", name="Save").click()

    assert page.title().startswith("Error: ")
    assert "Select the current likelihood" in page.inner_text(".govuk-error-summary")
    assert axe_violations(page) == []

    page.get_by_label("Current likelihood").select_option(label="5 Almost certain")
    page.get_by_label("Rationale").fill("The Home Office has said less")
    page.get_by_role("button", name="Save").click()

    page.wait_for_url(f"{live_server.url}/risks/CR01/")
    assert "The 2025/26 Q3 assessment of CR01 was saved." in page.inner_text(".govuk-notification-banner")
    history = page.get_by_role("table", name="Assessments by quarter, newest first", exact=False)
    assert "20 (L5 × I4)" in " ".join(history.get_by_role("row").nth(1).inner_text().split())


def test_the_add_risk_form_with_errors_has_no_axe_violations(page, live_server, register):
    sign_in(page, live_server, "owner")
    page.goto(f"{live_server.url}/risks/new/")
    assert axe_violations(page) == []

    page.get_by_role("button", name="Add the risk").click()

    assert page.title().startswith("Error: ")
    assert "Enter a title" in page.inner_text(".govuk-error-summary")
    assert axe_violations(page) == []


def test_the_import_preview_has_no_axe_violations(page, live_server, register, tmp_path):
    path = tmp_path / "risks.csv"
    path.write_text(
        "Ref,Title,Description,Kind,Owner,Status,Period,Inherent L,Inherent I,Current L,Current I,Target L,Target I\n"
        "CR07,A new risk,,Corporate,owner,Open,2025/26 Q2,3,3,2,3,,\n"
    )
    sign_in(page, live_server, "boss")
    page.goto(f"{live_server.url}/risks/import/")

    page.get_by_label("Upload a CSV or Excel file").set_input_files(str(path))
    page.get_by_role("button", name="Preview the import").click()

    assert "CR07 A new risk: new risk" in page.inner_text("main")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Confirm and import").click()
    page.wait_for_url(f"{live_server.url}/risks/")
    assert "CR07" in page.locator("tbody").inner_text()


def test_the_owner_changes_the_status_and_adds_an_action_without_axe_violations(page, live_server, register):
    sign_in(page, live_server, "owner")
    page.goto(f"{live_server.url}/risks/CR03/")

    page.get_by_role("link", name="Change the status").click()
    page.get_by_role("button", name="Change the status").click()
    assert "Enter the reason for the change" in page.inner_text(".govuk-error-summary")
    assert axe_violations(page) == []
    page.get_by_label("De-escalated").check()
    page.get_by_label("Reason for the change").fill("Now on the force's register")
    page.get_by_role("button", name="Change the status").click()
    page.wait_for_url(f"{live_server.url}/risks/CR03/")
    assert "Risk CR03 is now de-escalated." in page.inner_text(".govuk-notification-banner")

    page.get_by_role("link", name="Add an action").click()
    page.get_by_role("button", name="Save the action").click()
    assert "Enter what the action is" in page.inner_text(".govuk-error-summary")
    assert axe_violations(page) == []
    page.get_by_label("Description").fill("Hand over to the force")
    page.get_by_label("Or the owner's name").fill("Head of Strategy")
    page.get_by_label("Or describe the target").fill("Ongoing")
    page.get_by_role("button", name="Save the action").click()
    page.wait_for_url(f"{live_server.url}/risks/CR03/#actions")
    assert "Hand over to the force" in page.get_by_role("table", name="Actions on the risk").inner_text()

    page.get_by_role("link", name="Edit the risk").click()
    assert axe_violations(page) == []
