"""Who may do what, per role, for GET and POST of every page and form.

Committee members and officers read; SMT leads add risks and edit the ones they own;
register admins edit everything and import. Refusals are 403; anonymous visitors are
sent to sign in.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from risks.models import Action, Assessment, Risk, StatusChange
from tests.risks.factories import ActionFactory

pytestmark = pytest.mark.django_db

ROLES = {
    "officer": "client_as_officer",
    "owning SMT lead": "client_as_smt_lead",
    "other SMT lead": "client_as_other_smt_lead",
    "committee member": "client_as_committee",
    "admin": "client_as_admin",
    "anonymous": "client",
}
READERS = {"officer", "owning SMT lead", "other SMT lead", "committee member", "admin"}
EDITORS = {"owning SMT lead", "admin"}
CREATORS = {"owning SMT lead", "other SMT lead", "admin"}
IMPORTERS = {"admin"}


@pytest.fixture
def setting(risk, periods, smt_lead):
    """The risk CR10 owned by `smt`, an action on it, and 2025/26 Q3 open (Q1, Q2 closed)."""
    action = ActionFactory(risk=risk, description="Lobby the Home Office")
    return {"risk": risk, "action": action, "owner": smt_lead}


def _client(request, role):
    return request.getfixturevalue(ROLES[role])


def _expect(response, allowed: bool, role: str, ok=(200,)):
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/sign-in/?next=")
    elif allowed:
        assert response.status_code in ok, response.status_code
    else:
        assert response.status_code == 403


PAGES = [
    ("risks:register", [], READERS),
    ("risks:heatmap", [], READERS),
    ("risks:detail", ["CR10"], READERS),
    ("risks:band_css", [], READERS),
    ("risks:create", [], CREATORS),
    ("risks:edit", ["CR10"], EDITORS),
    ("risks:status", ["CR10"], EDITORS),
    ("risks:assess", ["CR10", "2025-26", "q3"], EDITORS),
    ("risks:action_create", ["CR10"], EDITORS),
    ("risks:import", [], IMPORTERS),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "args", "allowed"), PAGES, ids=[p[0] for p in PAGES])
def test_get_each_page_per_role(request, setting, role, name, args, allowed):
    response = _client(request, role).get(reverse(name, args=args))

    _expect(response, role in allowed, role)


@pytest.mark.parametrize("role", ROLES)
def test_get_the_action_edit_page_per_role(request, setting, role):
    response = _client(request, role).get(reverse("risks:action_edit", args=["CR10", setting["action"].pk]))

    _expect(response, role in EDITORS, role)


@pytest.mark.parametrize("role", ROLES)
def test_nobody_records_an_assessment_in_a_closed_quarter(request, setting, role):
    client = _client(request, role)
    url = reverse("risks:assess", args=["CR10", "2025-26", "q2"])

    get = client.get(url)
    post = client.post(url, {"version": 0, "current_likelihood": 3, "current_impact": 3})

    _expect(get, False, role)
    _expect(post, False, role)
    assert not Assessment.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_post_create_risk_per_role(request, setting, role):
    data = {
        "ref": "CR20",
        "title": "A new risk",
        "kind": "corporate",
        "status": "open",
        "owner": setting["owner"].pk,
        "period": "2025-26-q3",
        "reason": "Raised at the SMT meeting",
    }

    response = _client(request, role).post(reverse("risks:create"), data)

    _expect(response, role in CREATORS, role, ok=(302,))
    assert Risk.objects.filter(ref="CR20").exists() is (role in CREATORS)


@pytest.mark.parametrize("role", ROLES)
def test_post_edit_risk_per_role(request, setting, role):
    data = {"title": "Edited title", "kind": "topical", "owner": setting["owner"].pk}

    response = _client(request, role).post(reverse("risks:edit", args=["CR10"]), data)

    _expect(response, role in EDITORS, role, ok=(302,))
    assert (Risk.objects.get(ref="CR10").title == "Edited title") is (role in EDITORS)


@pytest.mark.parametrize("role", ROLES)
def test_post_status_change_per_role(request, setting, role):
    data = {"to_status": "closed", "period": "2025-26-q3", "date_0": "1", "date_1": "12", "date_2": "2025"}
    data["reason"] = "Funding confirmed"

    response = _client(request, role).post(reverse("risks:status", args=["CR10"]), data)

    _expect(response, role in EDITORS, role, ok=(302,))
    assert StatusChange.objects.filter(risk__ref="CR10").exists() is (role in EDITORS)
    assert (Risk.objects.get(ref="CR10").status == "closed") is (role in EDITORS)


@pytest.mark.parametrize("role", ROLES)
def test_post_assessment_per_role(request, setting, role):
    data = {"version": 0, "current_likelihood": 3, "current_impact": 4}

    response = _client(request, role).post(reverse("risks:assess", args=["CR10", "2025-26", "q3"]), data)

    _expect(response, role in EDITORS, role, ok=(302,))
    assert Assessment.objects.filter(risk__ref="CR10").exists() is (role in EDITORS)


@pytest.mark.parametrize("role", ROLES)
def test_post_new_action_per_role(request, setting, role):
    data = {"description": "Write to the minister", "owner_name": "The Commissioner", "target_text": "Ongoing"}

    response = _client(request, role).post(reverse("risks:action_create", args=["CR10"]), data)

    _expect(response, role in EDITORS, role, ok=(302,))
    assert Action.objects.filter(description="Write to the minister").exists() is (role in EDITORS)


@pytest.mark.parametrize("role", ROLES)
def test_post_action_edit_per_role(request, setting, role):
    data = {"description": "Lobby the Home Office", "owner_name": "Someone new", "target_text": "Ongoing"}
    url = reverse("risks:action_edit", args=["CR10", setting["action"].pk])

    response = _client(request, role).post(url, data)

    _expect(response, role in EDITORS, role, ok=(302,))
    assert (Action.objects.get(pk=setting["action"].pk).owner_name == "Someone new") is (role in EDITORS)


@pytest.mark.parametrize("role", ROLES)
def test_post_import_per_role(request, setting, role):
    upload = SimpleUploadedFile("risks.csv", b"Ref,Title\n", content_type="text/csv")

    preview = _client(request, role).post(reverse("risks:import"), {"file": upload})
    confirm = _client(request, role).post(reverse("risks:import_confirm"))

    _expect(preview, role in IMPORTERS, role)
    _expect(confirm, role in IMPORTERS, role, ok=(302,))


def test_an_action_of_another_risk_is_not_found_through_this_one(client_as_admin, setting, other_smt_lead):
    other = ActionFactory(risk=Risk.objects.create(ref="CR11", title="Other", kind="corporate", owner=other_smt_lead))

    response = client_as_admin.get(reverse("risks:action_edit", args=["CR10", other.pk]))

    assert response.status_code == 404


def test_the_risk_page_offers_editing_only_to_those_who_may(client, setting, other_smt_lead, smt_lead):
    url = reverse("risks:detail", args=["CR10"])
    client.force_login(other_smt_lead)
    assert "Edit the risk" not in client.get(url).content.decode()
    client.force_login(smt_lead)
    html = client.get(url).content.decode()
    assert "Edit the risk" in html and "Record the 2025/26 Q3 assessment" in html
