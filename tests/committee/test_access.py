import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from committee.models import Paper, PublishedPaper
from risks.models import Assessment, Risk
from tests.committee.conftest import PAPER
from tests.committee.factories import PublishedPaperFactory
from tests.factories import CommitmentFactory, PlanFactory, StatusUpdateFactory, UserFactory
from tests.risks.factories import ActionFactory, AssessmentFactory, RiskFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("username", "can_edit"),
    [("officer", False), ("smt", False), ("committee", False), ("admin", True)],
)
def test_only_register_admins_edit_and_publish_papers(client, demo, username, can_edit):
    from riskreg.models import User

    client.force_login(User.objects.get(username=username))
    expected = 200 if can_edit else 403

    assert client.get(PAPER + "edit/").status_code == expected
    assert client.get(PAPER + "publish/").status_code == expected
    response = client.post(
        PAPER + "edit/",
        {
            "committee_name": "Hacked",
            "meeting_date": "2025-12-11",
            "title": "x",
            "protective_marking": "official",
            "purpose": "x",
            "recommendation": "x",
        },
    )
    assert response.status_code == (302 if can_edit else 403)
    assert (Paper.objects.get().committee_name == "Hacked") is can_edit
    client.post(PAPER + "publish/", {"correction_reason": "Changed committee name"})
    assert PublishedPaper.objects.count() == (2 if can_edit else 1)


def test_anonymous_visitors_are_sent_to_sign_in(client, demo):
    for url in ["/committee/", PAPER, PAPER + "report.pdf", PAPER + "edit/", PAPER + "publish/"]:
        assert client.get(url)["Location"].startswith("/sign-in/")


def test_a_new_quarters_paper_starts_from_the_previous_papers_words(client, demo):
    from riskreg.models import User

    client.force_login(User.objects.get(username="admin"))
    page = client.get("/committee/2025-26/q3/edit/").content.decode()

    assert "Jane Heppel" in page and "corporation sole" in page


def test_the_edit_page_shows_the_meeting_date_in_its_date_field(client, demo):
    """A date field shows only an ISO date: the en-GB "11/12/2025" showed it empty, and
    saving the page then cleared the meeting date."""
    from riskreg.models import User

    paper = Paper.objects.get()
    client.force_login(User.objects.get(username="admin"))
    page = client.get(PAPER + "edit/").content.decode()

    assert f'value="{paper.meeting_date.isoformat()}"' in page


def test_publishing_needs_a_meeting_date(client, demo):
    from riskreg.models import User

    client.force_login(User.objects.get(username="admin"))
    client.post(
        "/committee/2025-26/q3/edit/",
        {
            "committee_name": "Joint Audit Committee",
            "title": "Update",
            "protective_marking": "official",
            "purpose": "P",
            "recommendation": "R",
        },
    )

    response = client.post("/committee/2025-26/q3/publish/", {})

    assert "Set the meeting date before publishing the paper" in response.content.decode()
    assert not PublishedPaper.objects.filter(paper__period__quarter=3).exists()


def _data(size, periods):
    """`size` commitments at Red in both quarters, size/5 risks scored in both (so in the
    increased section and in Appendix 2), each with two actions and two linked commitments."""
    plan = PlanFactory()
    commitments = []
    for ref in range(1, size + 1):
        commitment = CommitmentFactory(plan=plan, ref=ref, areas=["A", "B"])
        commitments.append(commitment)
        for quarter in (1, 2):
            StatusUpdateFactory(commitment=commitment, period=periods[quarter], rag="red")
    owner = UserFactory(username="owner")
    for number in range(size // 5):
        risk = RiskFactory(ref=f"R{number:03d}", owner=owner)
        for quarter, likelihood in ((1, 2), (2, 3)):
            AssessmentFactory(risk=risk, period=periods[quarter], current_likelihood=likelihood)
        ActionFactory(risk=risk, description=f"First action on {risk.ref}", owner=owner, owner_name="")
        ActionFactory(risk=risk, description=f"Second action on {risk.ref}", owner=None, owner_name="A partner")
        risk.commitments.add(*commitments[number : number + 2])


def _count(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "url",
    [
        PAPER + "?live=1",
        PAPER + "red-list.csv?live=1",
        PAPER + "report.xlsx?live=1",
        PAPER + "report.docx?live=1",
        "/committee/",
        PAPER + "edit/",
    ],
)
def test_the_paper_and_its_downloads_run_the_same_queries_at_10_and_150_commitments(client_as_admin, periods, url):
    from django.core.management import call_command

    call_command("loaddata", "risk_matrix", verbosity=0)
    _data(10, periods)
    small = _count(client_as_admin, url)
    Assessment.objects.all().delete()
    Risk.objects.all().delete()
    from commitments.models import Commitment

    Commitment.objects.all().delete()
    _data(150, periods)

    assert _count(client_as_admin, url) == small


@pytest.mark.parametrize("size", [10, 150])
@pytest.mark.parametrize(
    ("shown", "query", "queries"),
    # The live view builds Appendix 2 as well: seven queries (committee.report._register_table).
    [("live view, for a register admin", "?live=1", 31), ("published version, for a committee member", "", 13)],
)
def test_the_paper_page_runs_the_same_queries_at_10_and_150_commitments(
    client, register_admin, committee_member, periods, django_assert_num_queries, size, shown, query, queries
):
    call_command("loaddata", "risk_matrix", verbosity=0)
    _data(size, periods)
    PublishedPaperFactory(paper__period=periods[2])
    client.force_login(register_admin if query else committee_member)

    with django_assert_num_queries(queries):
        assert client.get(PAPER + query).status_code == 200
