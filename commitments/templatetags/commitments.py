from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator

from riskreg.templatetags.riskreg import rag_tag

register = template.Library()


def _status_cell(update):
    tag = rag_tag(update.rag, update.rag_label) if update else rag_tag("")
    return format_html('<td class="govuk-table__cell">{}</td>', tag)


@register.simple_tag
def register_rows(rows, previous, period):
    """The register table's body rows: (commitment, update in `previous`, update in `period`).

    A tag rather than a loop in the template: the loop took a quarter of the page's time,
    and left the register slower than the admin's list of the same commitments.
    """
    return format_html_join(
        "\n",
        '<tr class="govuk-table__row">'
        '<th scope="row" class="govuk-table__header"><a class="govuk-link" href="{}">{}'
        '<span class="govuk-visually-hidden">: view commitment</span></a></th>'
        '<td class="govuk-table__cell">{}</td>'
        '<td class="govuk-table__cell">{}</td>'
        '<td class="govuk-table__cell govuk-body-s">SMT: {}<br>Officer: {}</td>'
        "{}{}</tr>",
        (
            (
                reverse("commitments:detail", args=[commitment.ref]),
                commitment.ref,
                commitment.policy_area_names or "–",
                Truncator(commitment.text).words(40, truncate=" …"),
                commitment.smt_lead or "none",
                commitment.officer_lead or "none",
                _status_cell(previous_update) if previous else "",
                _status_cell(update) if period else "",
            )
            for commitment, previous_update, update in rows
        ),
    )
