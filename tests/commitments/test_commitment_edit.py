"""A register admin edits a commitment in the site, without an import; nobody else can."""

import pytest

from commitments.models import Commitment
from tests.factories import CommitmentFactory, PolicyAreaFactory, UserFactory
from tests.html import tables
from tests.security.helpers import db_counts

pytestmark = pytest.mark.django_db

URL = "/commitments/96/edit/"


@pytest.fixture
def commitment(officer, smt_lead):
    for name in ("VAWG", "Partnerships", "Protecting Victims and Witnesses"):
        PolicyAreaFactory(name=name)
    return CommitmentFactory(
        ref=96, text="Fund the stalking advocacy service", areas=["VAWG"], officer_lead=officer, smt_lead=smt_lead
    )


def _form(client, **changes):
    """What the edit page shows for the commitment, with `changes` typed over it."""
    page = client.get(URL)
    last_saved = page.context["form"].initial["last_saved"]
    data = {
        "text": "Fund the stalking advocacy service",
        "policy_areas": "VAWG",
        "smt_lead": "smt",
        "officer_lead": "officer",
        "wmp_lead": "",
        "timescale": "2025-2029",
        "active": "on",
        "last_saved": "" if last_saved is None else last_saved,
    }
    return {**data, **changes}


def test_an_admin_edits_every_field_and_the_commitments_page_shows_the_change_and_its_history(
    client_as_admin, commitment
):
    new_lead = UserFactory(username="okafor", first_name="Ngozi", last_name="Okafor", role="SMT lead")
    data = _form(
        client_as_admin,
        text="Fund the stalking advocacy service for three years",
        policy_areas="protecting victims and witnesses / VAWG",
        smt_lead="okafor",
        officer_lead="officer@example.org",
        wmp_lead="A named inspector",
        timescale="2026-2027",
    )
    del data["active"]

    response = client_as_admin.post(URL, data, follow=True)

    commitment = Commitment.objects.with_people().get(ref=96)
    assert commitment.text == "Fund the stalking advocacy service for three years"
    assert commitment.policy_area_names == "Protecting Victims and Witnesses / VAWG"  # in the order typed
    assert commitment.smt_lead == new_lead
    assert (commitment.wmp_lead, commitment.timescale, commitment.active) == ("A named inspector", "2026-2027", False)
    html = response.content.decode()
    assert "Commitment 96 was saved." in html
    history = [" | ".join(row[2:]) for row in tables(html)[-1][1:]]
    assert "Changed: Commitment, individual commitment | Fund the stalking advocacy service | " in "\n".join(history)
    assert any(row.startswith("Changed: Commitment, smt lead | ") and "Okafor" in row for row in history)
    assert "Created: Policy area Protecting Victims and Witnesses" in "\n".join(history)


def test_only_a_register_admin_sees_the_edit_link(client, commitment, officer, register_admin):
    client.force_login(officer)
    assert URL not in client.get("/commitments/96/").content.decode()
    client.force_login(register_admin)
    assert URL in client.get("/commitments/96/").content.decode()


@pytest.mark.parametrize("who", ["officer", "smt_lead", "committee_member"])
def test_every_other_role_is_refused_even_the_commitments_own_leads(client, commitment, who, request):
    client.force_login(request.getfixturevalue(who))
    before = db_counts()

    assert client.get(URL).status_code == 403
    assert client.post(URL, {"text": "Changed"}).status_code == 403
    assert Commitment.objects.get(ref=96).text == "Fund the stalking advocacy service"
    assert db_counts() == before


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"text": "   "}, "Enter the text of the commitment"),
        ({"smt_lead": "nobody"}, "There is no user with the username or email &#x27;nobody&#x27;"),
        ({"smt_lead": "committee"}, "is not an SMT lead"),
        ({"officer_lead": "committee"}, "is not OPCC staff"),
        ({"policy_areas": "VAWG / Knife crime"}, "There is no policy area called &#x27;Knife crime&#x27;"),
        ({"policy_areas": "VAWG / vawg"}, "&#x27;VAWG&#x27; is given twice"),
        ({"timescale": "x" * 101}, "Timescale must be 100 characters or fewer"),
        ({"last_saved": "999999"}, "Someone else saved this commitment after you opened it"),
    ],
    ids=["empty text", "unknown lead", "not an SMT lead", "not staff", "unknown area", "area twice", "long", "stale"],
)
def test_bad_input_is_refused_with_a_message_and_changes_nothing(
    client_as_admin, commitment, committee_member, changes, message
):
    data = _form(client_as_admin, **changes)
    before = db_counts()

    response = client_as_admin.post(URL, data)

    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in html and 'class="govuk-error-summary"' in html
    assert message in html
    assert db_counts() == before
    assert Commitment.objects.with_people().get(ref=96).policy_area_names == "VAWG"


def test_a_save_over_someone_elses_change_is_refused_then_saving_again_replaces_it(client_as_admin, commitment):
    opened = _form(client_as_admin, text="Mine")
    client_as_admin.post(URL, _form(client_as_admin, text="Theirs"))

    refused = client_as_admin.post(URL, opened)
    assert Commitment.objects.get(ref=96).text == "Theirs"
    again = refused.context["form"].data

    client_as_admin.post(URL, again)
    assert Commitment.objects.get(ref=96).text == "Mine"


@pytest.mark.parametrize("edits", [1, 6])
def test_the_edit_page_runs_the_same_queries_however_long_the_history(
    client_as_admin, commitment, django_assert_num_queries, edits
):
    for number in range(edits):
        client_as_admin.post(URL, _form(client_as_admin, text=f"Edit {number}", policy_areas="VAWG / Partnerships"))

    with django_assert_num_queries(11):
        assert client_as_admin.get(URL).status_code == 200
