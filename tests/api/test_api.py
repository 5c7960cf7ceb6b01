"""The open data API (the published snapshots only) and the staff API (a person's token,
their pages' permissions)."""

import pytest
from django.test import Client
from django.urls import reverse

from api.models import ApiToken, token_hash
from api.services import token_create
from commitments.models import Commitment, ReportingPeriod, StatusUpdate
from performance.services import release_publish
from riskreg.models import User
from tests.factories import StatusUpdateFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(demo):
    release_publish(period=ReportingPeriod.objects.get(financial_year=2025, quarter=2), by=None)


def test_the_open_data_lists_the_published_quarter_and_its_tables(published):
    client = Client()

    quarters = client.get("/api/v1/quarters").json()
    assert [q["slug"] for q in quarters] == ["2025-26-q2"]
    detail = client.get("/api/v1/quarters/2025-26-q2").json()
    assert detail["commitments_total"] == Commitment.objects.active().count()
    assert detail["kpi_values_withheld"] == 1
    commitments = client.get("/api/v1/quarters/2025-26-q2/commitments").json()
    assert {c["ref"] for c in commitments} >= {96}
    assert not any("lead" in key for c in commitments for key in c)
    kpis = {k["ref"]: k for k in client.get("/api/v1/quarters/2025-26-q2/kpis").json()}
    assert [v["period"] for v in kpis["KPI03"]["values"]] == ["2025/26 Q1"]  # Q2's is sensitive
    assert kpis["KPI03"]["withheld"] == 1 and kpis["KPI01"]["illustrative"] is True


def test_an_unpublished_quarter_is_not_found(published):
    response = Client().get("/api/v1/quarters/2025-26-q3/commitments")

    assert response.status_code == 404
    assert response.json() == {"detail": "No quarter 2025-26-q3 has been published for the public."}


def test_the_api_is_rate_limited_per_address(published, settings):
    settings.RISKREG_PUBLIC_RATE_LIMIT = 2

    answers = [Client(REMOTE_ADDR="198.51.100.7").get("/api/v1/quarters").status_code for _ in range(3)]

    assert answers == [200, 200, 429]


@pytest.mark.parametrize("extra", [0, 40])
def test_the_list_endpoints_run_a_fixed_number_of_queries(published, extra, django_assert_num_queries):
    from tests.factories import CommitmentFactory

    plan = Commitment.objects.first().plan
    for n in range(extra):
        CommitmentFactory(plan=plan, ref=1000 + n)
    release_publish(period=ReportingPeriod.objects.get(financial_year=2025, quarter=2), by=None)
    client = Client()
    for url in ("/api/v1/quarters", "/api/v1/quarters/2025-26-q2/commitments", "/api/v1/quarters/2025-26-q2/kpis"):
        with django_assert_num_queries(1):
            assert client.get(url).status_code == 200
    token = _token("committee")
    with django_assert_num_queries(9):
        assert _get(token, "/api/v1/staff/commitments?limit=500").status_code == 200


def _token(username: str) -> str:
    return token_create(name="test", by=User.objects.get(username=username))[1]


def _get(token, url):
    return Client().get(url, headers={"Authorization": f"Bearer {token}"})


def test_the_staff_api_needs_a_live_token(published):
    assert Client().get("/api/v1/staff/commitments").status_code == 401
    assert _get("not-a-token", "/api/v1/staff/commitments").status_code == 401
    token = _token("committee")
    assert _get(token, "/api/v1/staff/commitments").status_code == 200
    ApiToken.objects.update(revoked_at="2026-01-01T00:00:00Z")
    assert _get(token, "/api/v1/staff/commitments").status_code == 401


def test_tokens_are_stored_hashed(published):
    raw = _token("officer")

    stored = ApiToken.objects.get()
    assert stored.key_hash == token_hash(raw) and raw not in (stored.key_hash, stored.prefix)


def test_the_staff_api_shows_drafts_only_to_those_whose_pages_show_them(published):
    q3 = ReportingPeriod.objects.get(financial_year=2025, quarter=3)
    officer = User.objects.get(username="officer")
    led = Commitment.objects.filter(officer_lead=officer).order_by("ref").first()
    StatusUpdateFactory(commitment=led, period=q3, state=StatusUpdate.State.DRAFT, narrative="A DRAFT IN PROGRESS")
    url = "/api/v1/staff/commitments?limit=500"

    def drafts(username):
        items = _get(_token(username), url).json()["items"]
        return [u for c in items for u in c["updates"] if u["narrative"] == "A DRAFT IN PROGRESS"]

    assert drafts("officer") and drafts("admin")
    assert not drafts("committee")


def test_the_tokens_page_creates_a_token_shown_once_and_revokes_it(published):
    client = Client()
    client.force_login(User.objects.get(username="smt"))

    page = client.post(reverse("api_tokens:tokens"), {"name": "Dashboard"}).content.decode()

    token = ApiToken.objects.get()
    assert "Copy it now: it is not shown again" in page
    raw = page.split('<code class="riskreg-token">')[1].split("</code>")[0]
    assert token_hash(raw) == token.key_hash
    assert "Copy it now" not in client.get(reverse("api_tokens:tokens")).content.decode()
    client.post(reverse("api_tokens:revoke", args=[token.pk]))
    assert _get(raw, "/api/v1/staff/risks").status_code == 401


def test_someone_elses_token_cannot_be_revoked(published):
    token, _ = token_create(name="theirs", by=User.objects.get(username="officer"))
    client = Client()
    client.force_login(User.objects.get(username="smt"))

    assert client.post(reverse("api_tokens:revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.is_active


def test_the_docs_page_lists_every_endpoint_without_sign_in(db):
    page = Client().get(reverse("api_docs")).content.decode()

    for path in ("/api/v1/quarters", "/api/v1/quarters/{period}/kpis", "/api/v1/staff/commitments"):
        assert f"GET {path}" in page
    assert Client().get("/api/v1/openapi.json").json()["openapi"].startswith("3.1")
