import pytest
from django.urls import reverse

from commitments.models import ReportingPeriod
from risks.models import Assessment, Risk
from tests.downloads import csv_rows, xlsx_rows
from tests.factories import ReportingPeriodFactory, UserFactory
from tests.risks.factories import AssessmentFactory, RiskFactory

pytestmark = pytest.mark.django_db

REGISTER = reverse("risks:register")


@pytest.fixture
def register(periods, smt_lead, other_smt_lead):
    """Four risks scored in 2025/26 Q1 and Q2."""
    uc = Risk.Status.UNDER_CONSIDERATION
    rows = [
        ("CR01", "VRP funding", Risk.Kind.TOPICAL, smt_lead, Risk.Status.OPEN, (3, 4), (4, 4)),
        ("CR02", "Partners' funding", Risk.Kind.CORPORATE, other_smt_lead, uc, None, (3, 3)),
        ("CR03", "Devolution", Risk.Kind.CORPORATE, smt_lead, Risk.Status.OPEN, (4, 5), (4, 5)),
        ("CR04", "MOJ funding", Risk.Kind.TOPICAL, other_smt_lead, Risk.Status.OPEN, (3, 4), (2, 4)),
    ]
    for ref, title, kind, owner, status, q1, q2 in rows:
        risk = RiskFactory(ref=ref, title=title, kind=kind, owner=owner, status=status)
        for quarter, scores in ((1, q1), (2, q2)):
            if scores:
                AssessmentFactory(
                    risk=risk, period=periods[quarter], current_likelihood=scores[0], current_impact=scores[1]
                )
    return periods


def _rows(response) -> list[str]:
    html = response.content.decode()
    body = html.split('<tbody class="govuk-table__body">', 1)[1].split("</tbody>", 1)[0]
    return [" ".join(row.split()) for row in body.split("</tr>")[:-1]]


def _refs(response) -> list[str]:
    return [ref for row in _rows(response) for ref in ["CR01", "CR02", "CR03", "CR04"] if f">{ref}</a>" in row]


def test_the_register_shows_scores_bands_previous_scores_and_direction(client_as_committee, register):
    response = client_as_committee.get(REGISTER)

    rows = _rows(response)
    assert response.status_code == 200
    assert "scores as at 2025/26 Q2" in response.content.decode()
    assert "Current score (2025/26 Q2)" in response.content.decode()
    assert "Previous score (2025/26 Q1)" in response.content.decode()
    assert "VRP funding" in rows[0] and "Open" in rows[0]
    assert "16</span>" in rows[0] and "Very high" in rows[0] and "12</span>" in rows[0] and "High" in rows[0]
    assert "↑</span> increased" in rows[0]
    assert "Under consideration" in rows[1] and "+</span> new" in rows[1]
    assert "→</span> no change" in rows[2]
    assert "↓</span> reduced" in rows[3]


def test_the_register_shows_another_quarter_on_request(client_as_committee, register):
    response = client_as_committee.get(REGISTER, {"period": "2025-26-q1"})

    rows = _rows(response)
    assert "scores as at 2025/26 Q1" in response.content.decode()
    assert "12</span>" in rows[0] and "+</span> new" in rows[0]
    assert "Not assessed" in rows[1]


@pytest.mark.parametrize(
    ("filters", "refs"),
    [
        ({"status": "open"}, ["CR01", "CR03", "CR04"]),
        ({"status": "under_consideration"}, ["CR02"]),
        ({"kind": "topical"}, ["CR01", "CR04"]),
        ({"owner": "smt"}, ["CR01", "CR03"]),
        ({"owner": "SMT2"}, ["CR02", "CR04"]),
        ({"owner": "nobody at all"}, []),
        ({"band": "Very high"}, ["CR01", "CR03"]),
        ({"band": "Medium", "status": "under_consideration"}, ["CR02"]),
        ({"band": "High"}, []),
    ],
)
def test_the_register_filters_by_status_kind_owner_and_band(client_as_officer, register, matrix, filters, refs):
    query = dict(filters)
    if "band" in query:
        query["band"] = next(b.pk for b in matrix.sorted_bands if b.label == query["band"])

    response = client_as_officer.get(REGISTER, query)

    assert response.status_code == 200
    assert _refs(response) == refs


def test_the_register_filters_by_a_heat_map_cell(client_as_officer, register):
    response = client_as_officer.get(REGISTER, {"period": "2025-26-q1", "likelihood": "3", "impact": "4"})

    assert _refs(response) == ["CR01", "CR04"]
    assert _refs(client_as_officer.get(REGISTER, {"likelihood": "4"})) == ["CR01", "CR03"]


@pytest.mark.parametrize("value", ["6", "0", "high"])
def test_a_likelihood_off_the_matrix_is_reported(client_as_officer, register, value):
    response = client_as_officer.get(REGISTER, {"likelihood": value, "impact": "4"})

    html = response.content.decode()
    assert "<title>Error: Corporate risk register" in html
    assert "Select a current likelihood from the list" in html
    assert _refs(response) == []


def test_a_bad_filter_is_reported_not_ignored(client_as_officer, register):
    response = client_as_officer.get(REGISTER, {"status": "lost"})

    html = response.content.decode()
    assert "<title>Error: Corporate risk register" in html
    assert "Select a status from the list" in html
    assert _refs(response) == []


def test_the_csv_download_has_exactly_the_filtered_rows(client_as_committee, register):
    response = client_as_committee.get(REGISTER, {"kind": "topical", "download": "csv"})

    assert response["Content-Disposition"] == 'attachment; filename="risk-register-2025-26-q2.csv"'
    rows = csv_rows(response.content)
    assert rows[0][:7] == ["Ref", "Title", "Kind", "Owner", "Status", "Period", "Current score"]
    assert [(r[0], r[6], r[7], r[9], r[10]) for r in rows[1:]] == [
        ("CR01", "16", "Very high", "12", "increased"),
        ("CR04", "8", "Medium", "12", "reduced"),
    ]


def test_the_xlsx_download_has_exactly_the_filtered_rows(client_as_committee, register):
    response = client_as_committee.get(REGISTER, {"status": "open", "download": "xlsx"})

    values = xlsx_rows(response.content)
    assert values[0][0] == "Ref"
    assert [row[0] for row in values[1:]] == ["CR01", "CR03", "CR04"]


def test_a_download_of_bad_filters_sends_the_reader_back_with_a_message(client_as_committee, register):
    response = client_as_committee.get(REGISTER, {"status": "lost", "download": "csv"}, follow=True)

    assert response.redirect_chain[0][0] == f"{REGISTER}?status=lost"
    assert "The filters are not valid" in response.content.decode()


def test_a_user_without_a_role_cannot_read_the_register(client, register):
    client.force_login(UserFactory(username="norole"))

    assert client.get(REGISTER).status_code == 403
    assert client.get(REGISTER, {"download": "csv"}).status_code == 403


def _populate(count: int, owner) -> list[ReportingPeriod]:
    """`count` risks, each assessed in 8 quarters (2024/25 and 2025/26)."""
    periods = [
        ReportingPeriodFactory(financial_year=year, quarter=quarter, status=ReportingPeriod.Status.CLOSED)
        for year in (2024, 2025)
        for quarter in (1, 2, 3, 4)
    ]
    risks = Risk.objects.bulk_create(
        Risk(ref=f"Q{n:04d}", title=f"Risk {n}", kind=Risk.Kind.CORPORATE, owner=owner) for n in range(count)
    )
    Assessment.objects.bulk_create(
        Assessment(risk=risk, period=period, current_likelihood=1 + (n + i) % 5, current_impact=1 + (n * i) % 5)
        for n, risk in enumerate(risks)
        for i, period in enumerate(periods)
    )
    return periods


@pytest.mark.parametrize("count", [5, 200])
def test_the_register_runs_a_fixed_number_of_queries(client_as_committee, smt_lead, count, django_assert_num_queries):
    _populate(count, smt_lead)

    # 12: the page's risks and the count for the pagination among them.
    with django_assert_num_queries(12):
        response = client_as_committee.get(REGISTER, {"status": "open"})

    assert len(_rows(response)) == min(count, 100)
    assert f"{count} risks".encode() in response.content


def test_the_register_shows_100_risks_a_page_and_downloads_them_all(client_as_committee, smt_lead):
    _populate(150, smt_lead)

    first = client_as_committee.get(REGISTER)
    second = client_as_committee.get(REGISTER, {"page": 2})
    download = client_as_committee.get(REGISTER, {"download": "csv"})

    assert len(_rows(first)) == 100 and len(_rows(second)) == 50
    assert b"Page 1 of 2" in first.content
    assert len(csv_rows(download.content)) == 151


def test_the_owner_filter_finds_owners_by_their_names(client_as_officer, register, other_smt_lead):
    other_smt_lead.first_name, other_smt_lead.last_name = "Bea", "Stander"
    other_smt_lead.save()

    assert _refs(client_as_officer.get(REGISTER, {"owner": "stander bea"})) == ["CR02", "CR04"]
    assert _refs(client_as_officer.get(REGISTER, {"owner": "Bea Smith"})) == []
