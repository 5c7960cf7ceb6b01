import pytest
from django.template import engines

from committee.document import Block

# The template loop paper_rows replaced: its output, whitespace included, is what
# published pages were stored with.
LOOP = """{% load riskreg %}{% for row in block.rows %}
    <tr class="govuk-table__row">
      {% for value in row %}
      {% if forloop.first %}<th scope="row" class="govuk-table__header">{{ value }}</th>
      {% elif screen and forloop.counter0 in block.rag_columns %}<td class="govuk-table__cell">{% rag_tag value value %}</td>
      {% else %}<td class="govuk-table__cell riskreg-pre">{{ value }}</td>{% endif %}
      {% endfor %}
    </tr>
    {% endfor %}"""  # noqa: E501

BLOCK = Block(
    "table",
    key="red_list",
    columns=["Ref", "Q1", "Q2", "Update"],
    rows=[
        ["36", "Green", "Red", "Funding <script>alert('x')</script> & \"more\""],
        ["<b>60</b>", "", "Amber", "Line one\nline two"],
    ],
    rag_columns=(1, 2),
)


@pytest.mark.parametrize("screen", [True, False])
def test_paper_rows_are_the_rows_the_template_loop_rendered_escaped_the_same(screen):
    django = engines["django"]
    context = {"block": BLOCK, "screen": screen}

    rows = django.from_string("{% load paper %}{% paper_rows block screen %}").render(context)

    assert rows == django.from_string(LOOP).render(context)
    assert "<script>" not in rows and "&lt;script&gt;" in rows
