"""The public performance pages: what an admin published for a quarter, without sign-in,
and nothing sensitive, unpublished, risky or named."""

import pytest
from django.test import Client
from django.urls import reverse

from commitments.models import Commitment, ReportingPeriod, StatusUpdate
from kpis.models import KpiValue
from performance.models import PublicRelease
from performance.services import release_publish
from riskreg.marking import Marking, marking_set
from riskreg.models import User
from tests.downloads import csv_rows


def read_csv(content: bytes) -> list[dict]:
    header, *rows = csv_rows(content)
    return [dict(zip(header, row, strict=True)) for row in rows]


pytestmark = pytest.mark.django_db

INDEX = reverse("public:index")


def _text(response) -> str:
    return " ".join(response.content.decode().split())


@pytest.fixture
def q2(demo):
    return ReportingPeriod.objects.get(financial_year=2025, quarter=2)


def test_before_anything_is_published_the_public_page_says_so(db):
    response = Client().get(INDEX)

    assert response.status_code == 200
    assert "Nothing has been published for the public yet" in _text(response)


def test_an_admin_publishes_q2_and_an_anonymous_visitor_reads_it_with_the_illustrative_kpis(q2):
    admin = User.objects.get(username="admin")
    client = Client()
    client.force_login(admin)

    response = client.post(reverse("public:publish", args=["2025-26", "q2"]))

    assert response.status_code == 302
    page = _text(Client().get(INDEX))
    assert "Delivery of the plan: 2025/26 Q2" in page
    illustrative = '<strong class="govuk-tag govuk-tag--grey">Illustrative</strong>'
    assert f"Victims satisfied with the service they received {illustrative}" in page
    assert '<svg class="kpis-chart__svg"' in page
    # The demo's one sensitive KPI value (knife crime, Q2) is withheld and counted.
    assert "1 value is withheld" in page and ">779<" not in page
    commitment = Commitment.objects.get(ref=96)
    assert commitment.text in page
    # No risks, no names of officers.
    assert "CR01" not in page
    for person in User.objects.exclude(first_name=""):
        assert person.get_full_name() not in page


def test_the_page_is_the_snapshot_later_changes_to_the_register_do_not_show(q2):
    release_publish(period=q2, by=None)
    update = StatusUpdate.objects.approved().filter(period=q2).select_related("commitment").first()
    StatusUpdate.objects.filter(pk=update.pk).update(narrative="A NEW WORDING AFTER PUBLICATION")

    assert "A NEW WORDING AFTER PUBLICATION" not in _text(Client().get(INDEX))


def test_marking_a_published_item_sensitive_takes_it_off_the_public_pages_at_once(q2):
    release_publish(period=q2, by=None)
    commitment = Commitment.objects.get(ref=96)
    assert commitment.text in _text(Client().get(INDEX))

    marking_set(item=commitment, marking=Marking.OFFICIAL_SENSITIVE, reason="An operation", by=None)

    page = _text(Client().get(INDEX))
    assert commitment.text not in page
    assert "1 commitment is withheld in this area" in page
    assert PublicRelease.objects.get(period=q2).version == 2


def test_an_open_quarter_is_not_published(demo):
    q3 = ReportingPeriod.objects.get(financial_year=2025, quarter=3)
    client = Client()
    client.force_login(User.objects.get(username="admin"))

    response = client.post(reverse("public:publish", args=["2025-26", "q3"]), follow=True)

    assert "2025/26 Q3 is open: close it before publishing it for the public" in _text(response)
    assert not PublicRelease.objects.filter(period=q3).exists()


def test_the_downloads_carry_the_pages_figures_and_nothing_withheld(q2):
    release_publish(period=q2, by=None)

    response = Client().get(reverse("public:download", args=["2025-26", "q2", "kpis.csv"]))

    assert response.status_code == 200
    rows = read_csv(response.content)
    knife = [row for row in rows if row["Ref"] == "KPI03"]
    assert [row["Quarter"] for row in knife] == ["2025/26 Q1"]
    assert {row["Illustrative"] for row in rows} == {"Yes"}
    summary = read_csv(Client().get(reverse("public:download", args=["2025-26", "q2", "summary.csv"])).content)
    assert [row["Quarter"] for row in summary] == ["2025/26 Q1", "2025/26 Q2"]
    assert all(int(row["Total"]) == Commitment.objects.active().count() for row in summary)


def test_downloads_are_rate_limited_per_address(q2, settings):
    settings.RISKREG_PUBLIC_RATE_LIMIT = 3
    release_publish(period=q2, by=None)
    url = reverse("public:download", args=["2025-26", "q2", "summary.csv"])

    answers = [Client(REMOTE_ADDR="203.0.113.5").get(url).status_code for _ in range(4)]

    assert answers == [200, 200, 200, 429]
    assert Client(REMOTE_ADDR="203.0.113.6").get(url).status_code == 200


@pytest.mark.parametrize("extra_kpi_values", [0, 30])
def test_the_public_pages_run_a_fixed_number_of_queries(q2, extra_kpi_values, django_assert_num_queries):
    from tests.kpis.factories import KpiFactory

    for n in range(extra_kpi_values):
        KpiValue.objects.create(kpi=KpiFactory(ref=f"BENCH{n}"), period=q2, value=n)
    release_publish(period=q2, by=None)
    client = Client()

    with django_assert_num_queries(2):
        assert client.get(INDEX).status_code == 200
    with django_assert_num_queries(2):
        assert client.get(reverse("public:quarter", args=["2025-26", "q2"])).status_code == 200
    with django_assert_num_queries(1):
        assert client.get(reverse("public:download", args=["2025-26", "q2", "commitments.csv"])).status_code == 200
