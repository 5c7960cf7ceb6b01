import pytest
from django.urls import reverse

from tests.risks.factories import AssessmentFactory, RiskFactory
from tests.risks.test_register import _populate

pytestmark = pytest.mark.django_db

HEATMAP = reverse("risks:heatmap")


@pytest.fixture
def scored(periods):
    for ref, q1, q2 in [("CR01", (3, 4), (4, 4)), ("CR02", (3, 3), (3, 3)), ("CR03", None, (4, 4))]:
        risk = RiskFactory(ref=ref)
        for quarter, scores in ((1, q1), (2, q2)):
            if scores:
                AssessmentFactory(
                    risk=risk, period=periods[quarter], current_likelihood=scores[0], current_impact=scores[1]
                )
    return periods


def _cell(html: str, likelihood: int, impact: int) -> str:
    row = html.split(f"Likelihood {likelihood}<br>", 1)[1].split("</tr>", 1)[0]
    return " ".join(row.split("<td ")[impact].split())


def test_each_cell_has_its_band_label_score_count_and_refs(client_as_committee, scored):
    response = client_as_committee.get(HEATMAP, {"period": "2025-26-q2"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Current scores in 2025/26 Q2: 3 risks by likelihood (rows) and impact (columns)" in html
    cell = _cell(html, 4, 4)
    assert "Very high, score 16" in cell
    assert "2 risks:" in cell and ">CR01</a>" in cell and ">CR03</a>" in cell
    assert "Medium, score 9" in _cell(html, 3, 3) and "1 risk:" in _cell(html, 3, 3)
    assert "Low, score 1" in _cell(html, 1, 1) and "0 risks" in _cell(html, 1, 1)


def test_cells_carry_their_band_colour_class_and_the_label_in_words(client_as_committee, scored, matrix):
    html = client_as_committee.get(HEATMAP, {"period": "2025-26-q2"}).content.decode()

    for row in matrix.rows():
        for cell in row:
            text = _cell(html, cell.likelihood.value, cell.impact.value)
            assert cell.band.css_class in text
            assert f"{cell.band.label}, score {cell.score}" in text


def test_the_comparison_shows_which_risks_moved(client_as_committee, scored):
    html = client_as_committee.get(HEATMAP, {"period": "2025-26-q2", "compare": "1"}).content.decode()

    assert '>CR01</a> <span class="risks-heatmap__moved">(moved from L3 × I4)</span>' in html
    assert '>CR03</a> <span class="risks-heatmap__moved">(new)</span>' in html
    assert ">CR02</a></li>" in html
    table = html.split("Risks that moved between 2025/26 Q1 and 2025/26 Q2", 1)[1].split("</table>")[0]
    moves = " ".join(table.split())
    assert ">CR01</a>" in moves and "increased" in moves
    assert ">CR03</a>" in moves and "new" in moves
    assert ">CR02</a>" not in moves


def test_without_a_period_the_latest_assessed_quarter_is_shown(client_as_committee, scored):
    html = client_as_committee.get(HEATMAP).content.decode()

    assert "Current scores in 2025/26 Q2" in html
    assert "Compare with 2025/26 Q1" in html


def test_an_unknown_period_is_not_found(client_as_committee, scored):
    assert client_as_committee.get(HEATMAP, {"period": "2019-20-q9"}).status_code == 404


@pytest.mark.parametrize("count", [5, 200])
def test_the_heat_map_runs_a_fixed_number_of_queries(client_as_committee, smt_lead, count, django_assert_num_queries):
    _populate(count, smt_lead)

    # 13: the cells' counts, their first refs and whether any score is illustrative,
    # one query each whatever the size.
    with django_assert_num_queries(13):
        response = client_as_committee.get(HEATMAP, {"period": "2025-26-q4"})

    assert f"{count} risks by likelihood" in response.content.decode()


@pytest.mark.parametrize("count", [5, 200])
def test_the_comparison_runs_a_fixed_number_of_queries(client_as_committee, smt_lead, count, django_assert_num_queries):
    _populate(count, smt_lead)

    # 16: and the risks that moved, those no longer assessed, and where they all were before.
    with django_assert_num_queries(16):
        response = client_as_committee.get(HEATMAP, {"period": "2025-26-q4", "compare": "1"})

    assert f"{count} risks by likelihood" in response.content.decode()


def _in_cell(number: int, periods, likelihood=4, impact=4) -> list[str]:
    refs = [f"CR{n:02d}" for n in range(1, number + 1)]
    for ref in refs:
        AssessmentFactory(
            risk=RiskFactory(ref=ref), period=periods[2], current_likelihood=likelihood, current_impact=impact
        )
    return refs


def test_a_full_cell_lists_ten_refs_and_links_the_rest_to_the_register(client_as_committee, periods):
    refs = _in_cell(12, periods)

    html = client_as_committee.get(HEATMAP, {"period": "2025-26-q2"}).content.decode()

    cell = _cell(html, 4, 4)
    assert "12 risks:" in cell
    assert [ref for ref in refs if f">{ref}</a>" in cell] == refs[:10]
    more = cell.split('class="govuk-link risks-heatmap__more" href="', 1)[1]
    link = more.split('"', 1)[0].replace("&amp;", "&")
    assert link == "/risks/?period=2025-26-q2&likelihood=4&impact=4"
    assert "and 2 more" in more
    assert "of the 12 risks scored likelihood 4, impact 4, in the register" in more

    register = client_as_committee.get(link).content.decode()
    assert "12 risks, scores as at 2025/26 Q2" in register
    assert all(f">{ref}</a>" in register for ref in refs)


def test_a_cell_of_ten_or_fewer_lists_them_all_without_a_link(client_as_committee, periods):
    _in_cell(10, periods)

    cell = _cell(client_as_committee.get(HEATMAP, {"period": "2025-26-q2"}).content.decode(), 4, 4)

    assert "10 risks:" in cell and ">CR10</a>" in cell
    assert "more" not in cell


def test_the_comparison_lists_the_first_hundred_moves_and_says_how_many_in_all(client_as_committee, smt_lead):
    _populate(150, smt_lead)  # every risk changes cell every quarter

    html = client_as_committee.get(HEATMAP, {"period": "2025-26-q4", "compare": "1"}).content.decode()

    assert "Risks that moved between 2025/26 Q3 and 2025/26 Q4: the first 100 of 150, by reference" in html
    table = html.split("the first 100 of 150, by reference", 1)[1].split("<tbody", 1)[1].split("</tbody>", 1)[0]
    assert table.count('<tr class="govuk-table__row">') == 100
    assert ">Q0099</a>" in table and ">Q0100</a>" not in table
