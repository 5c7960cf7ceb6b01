"""The KPI register and a KPI's page: its values over time as a chart with a text
equivalent, and a table."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from kpis.models import Kpi
from tests.kpis.factories import KpiFactory, KpiValueFactory

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return " ".join(response.content.decode().split())


def test_a_kpis_page_draws_its_values_with_a_text_equivalent_and_a_table(client_as_committee, periods):
    kpi = KpiFactory(ref="KPI01", name="Victims satisfied", target=80)
    KpiValueFactory(kpi=kpi, period=periods[1], value="72.4")
    KpiValueFactory(kpi=kpi, period=periods[2], value="74.1", note="Survey of 1,100")

    page = _text(client_as_committee.get(reverse("kpis:detail", args=["KPI01"])))

    assert '<svg class="kpis-chart__svg"' in page
    assert (
        '<desc id="kpi-chart-desc">Victims satisfied by quarter: 2025/26 Q1 72.4%; 2025/26 Q2 74.1%. '
        "Target 80%. Higher is better. The table gives every figure.</desc>"
    ) in page
    assert "Survey of 1,100" in page
    assert '<th scope="row" class="govuk-table__header">2025/26 Q2</th>' in page


def test_the_register_lists_each_kpi_with_its_latest_value(client_as_officer, periods):
    kpi = KpiFactory(ref="KPI02", name="Knife crime offences", unit="offences", better=Kpi.Better.LOWER, target=700)
    KpiValueFactory(kpi=kpi, period=periods[1], value=812)
    KpiValueFactory(kpi=kpi, period=periods[2], value=1779)

    page = _text(client_as_officer.get(reverse("kpis:register")))

    assert "Knife crime offences" in page
    assert "1,779 offences in 2025/26 Q2" in page
    assert "700 offences" in page and "(lower is better)" in page


@pytest.mark.parametrize("count", [2, 20])
def test_the_pages_run_the_same_queries_whatever_the_number_of_kpis(
    client_as_committee, periods, count, django_assert_num_queries
):
    for n in range(count):
        kpi = KpiFactory()
        for quarter in (1, 2, 3):
            KpiValueFactory(kpi=kpi, period=periods[quarter], value=n + quarter)
    first = Kpi.objects.order_by("ref").first()

    with django_assert_num_queries(8):
        assert client_as_committee.get(reverse("kpis:register")).status_code == 200
    with django_assert_num_queries(10):
        assert client_as_committee.get(reverse("kpis:detail", args=[first.ref])).status_code == 200


def test_the_demo_loads_illustrative_kpis_with_values_for_its_quarters(db):
    from committee.demo import DEMO_FIXTURES

    call_command("loaddata", *DEMO_FIXTURES, verbosity=0)

    kpis = list(Kpi.objects.with_values())
    assert len(kpis) >= 5 and all(kpi.illustrative for kpi in kpis)
    assert {v.period.label for kpi in kpis for v in kpi.values_in_order} == {"2025/26 Q1", "2025/26 Q2"}
