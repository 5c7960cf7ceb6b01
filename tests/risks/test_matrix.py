"""The scoring matrix is data: a 4x4 matrix with other bands works without a code change."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse

from riskreg.tabular import TabularRow
from risks import services
from risks.forms import AssessmentForm
from risks.importing import plan_rows
from risks.models import Band, Level, ScoringMatrix
from tests.factories import ReportingPeriodFactory
from tests.risks.factories import AssessmentFactory, RiskFactory

pytestmark = pytest.mark.django_db


def _use_4x4(register_admin) -> ScoringMatrix:
    call_command("loaddata", "risk_matrix_4x4", verbosity=0)
    return services.matrix_activate(matrix=ScoringMatrix.objects.get(name="Alternative 4x4 matrix"), by=register_admin)


def test_the_5x5_matrix_loads_complete_and_in_use(matrix):
    assert matrix.name == "OPCC 5x5 matrix"
    assert [level.label for level in matrix.likelihoods] == ["Rare", "Unlikely", "Possible", "Likely", "Almost certain"]
    assert [level.value for level in matrix.impacts] == [1, 2, 3, 4, 5]
    assert matrix.problems() == []
    assert [(b.label, b.min_score, b.max_score) for b in matrix.sorted_bands] == [
        ("Low", 1, 4),
        ("Medium", 5, 9),
        ("High", 10, 15),
        ("Very high", 16, 25),
    ]


def test_loading_the_matrix_fixtures_twice_does_not_duplicate_them():
    call_command("loaddata", "risk_matrix", "risk_matrix_4x4", verbosity=0)
    call_command("loaddata", "risk_matrix", "risk_matrix_4x4", verbosity=0)

    assert ScoringMatrix.objects.count() == 2
    assert Level.objects.count() == 2 * 5 + 2 * 4
    assert Band.objects.count() == 4 + 3
    assert ScoringMatrix.objects.filter(is_active=True).count() == 1


@pytest.mark.parametrize(("score", "label"), [(1, "Low"), (4, "Low"), (5, "Medium"), (12, "High"), (16, "Very high")])
def test_band_lookup_follows_the_5x5_bands(matrix, score, label):
    assert matrix.band_for(score).label == label


def test_a_4x4_matrix_changes_band_lookup(register_admin):
    matrix = _use_4x4(register_admin)

    active = ScoringMatrix.objects.active()
    assert active == matrix
    assert active.max_score == 16
    assert [(b.label, b.min_score, b.max_score) for b in active.sorted_bands] == [
        ("Green", 1, 3),
        ("Amber", 4, 8),
        ("Red", 9, 16),
    ]
    assert active.band_for(9).label == "Red"
    assert active.band_for(25) is None


def test_a_4x4_matrix_refuses_a_likelihood_of_5_in_the_assessment_form(register_admin):
    matrix = _use_4x4(register_admin)
    data = {"version": 0, "current_likelihood": "5", "current_impact": "4"}

    form = AssessmentForm(data, matrix=matrix)

    assert not form.is_valid()
    assert form.errors["current_likelihood"] == [
        "Current likelihood must be a whole number from 1 to 4, the matrix's scale"
    ]
    assert [c[0] for c in form.fields["current_impact"].choices] == ["", 1, 2, 3, 4]


def test_a_4x4_matrix_refuses_a_likelihood_of_5_in_an_import(register_admin, smt_lead):
    _use_4x4(register_admin)
    ReportingPeriodFactory(financial_year=2025, quarter=2)
    values = {
        "Ref": "CR01",
        "Title": "A risk",
        "Description": "",
        "Kind": "Corporate",
        "Owner": "smt",
        "Status": "Open",
        "Period": "2025/26 Q2",
        "Inherent L": "",
        "Inherent I": "",
        "Current L": "5",
        "Current I": "2",
        "Target L": "",
        "Target I": "",
    }

    plan = plan_rows("risks.csv", list(values), [TabularRow(2, values)])

    assert plan.errors == ["Row 2: Current L (likelihood) must be a whole number from 1 to 4, the matrix's scale"]


def test_the_heat_map_follows_a_4x4_matrix(register_admin, client_as_admin):
    _use_4x4(register_admin)
    period = ReportingPeriodFactory(financial_year=2025, quarter=2)
    AssessmentFactory(risk=RiskFactory(ref="CR01"), period=period, current_likelihood=3, current_impact=4)

    response = client_as_admin.get(reverse("risks:heatmap"), {"period": period.slug})

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('<th scope="row" class="govuk-table__header">Likelihood') == 4
    assert "Impact 4<br>" in html and "Impact 5<br>" not in html
    assert "Very likely" in html
    assert "Red, score 12" in html
    assert "Very high" not in html


def test_a_matrix_with_a_gap_in_its_bands_is_reported_and_not_put_in_use(register_admin):
    call_command("loaddata", "risk_matrix_4x4", verbosity=0)
    matrix = ScoringMatrix.objects.get(name="Alternative 4x4 matrix")
    Band.objects.filter(matrix=matrix, label="Amber").update(min_score=5)

    with pytest.raises(ValidationError, match="No band covers the score"):
        services.matrix_activate(matrix=matrix, by=register_admin)

    assert ScoringMatrix.objects.active().name == "OPCC 5x5 matrix"


def test_only_register_admins_change_the_matrix_in_use(smt_lead):
    call_command("loaddata", "risk_matrix_4x4", verbosity=0)

    with pytest.raises(PermissionDenied):
        services.matrix_activate(matrix=ScoringMatrix.objects.get(name="Alternative 4x4 matrix"), by=smt_lead)


def test_band_text_colour_is_readable_on_its_background(matrix):
    colours = {band.label: band.text_colour for band in matrix.sorted_bands}

    assert colours == {"Low": "#0b0c0c", "Medium": "#0b0c0c", "High": "#0b0c0c", "Very high": "#ffffff"}


def test_band_stylesheet_gives_each_band_its_colour(client_as_committee, matrix):
    very_high = matrix.band_for(25)

    response = client_as_committee.get(reverse("risks:band_css"))

    assert response["Content-Type"].startswith("text/css")
    assert f".{very_high.css_class}, " in response.content.decode()
    assert "background-color: #d4351c; color: #ffffff;" in response.content.decode()


@pytest.mark.parametrize(
    ("frequency", "months"),
    [
        ("Monthly", 1),
        ("Quarterly", 3),
        ("Every six months", 6),
        ("every  6 months", 6),
        ("Annually", 12),
        ("Yearly.", 12),
        ("When the committee asks", None),
        ("Every 0 months", None),
        ("", None),
    ],
)
def test_a_bands_review_frequency_reads_as_months(frequency, months):
    from risks.matrix import review_interval_months

    assert review_interval_months(frequency) == months


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (datetime.date(2025, 1, 31), 1, datetime.date(2025, 2, 28)),
        (datetime.date(2025, 10, 3), 3, datetime.date(2026, 1, 3)),
        (datetime.date(2024, 2, 29), 12, datetime.date(2025, 2, 28)),
        (datetime.date(2025, 12, 15), 1, datetime.date(2026, 1, 15)),
    ],
)
def test_the_next_review_is_the_assessment_date_plus_the_bands_months(day, months, expected):
    from risks.matrix import add_months

    assert add_months(day, months) == expected


def test_a_band_without_an_interval_gives_no_review_date():
    from risks.matrix import Band

    assert Band(review_frequency="As needed").next_review_after(datetime.date(2025, 10, 3)) is None
    assert Band(review_frequency="Monthly").next_review_after(datetime.date(2025, 10, 3)) == datetime.date(2025, 11, 3)
