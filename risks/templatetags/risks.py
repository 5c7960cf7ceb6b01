"""Scores, bands and directions of travel as tags rather than includes: the register and
the heat map draw hundreds of them per page, and an include per cell was most of the
register's time (benchmarks/)."""

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import slugify

NOT_ASSESSED = mark_safe('<span class="risks-muted">Not assessed</span>')

register = template.Library()


@register.simple_tag
def band_tag(band):
    """A band as a tag with its label in words: the colour never carries the meaning alone."""
    if band:
        return format_html('<strong class="govuk-tag risks-tag {}">{}</strong>', band.css_class, band.label)
    return mark_safe('<span class="govuk-tag govuk-tag--grey risks-tag">No band</span>')


@register.simple_tag
def score_tag(score, band, likelihood=None, impact=None):
    """A score with its band, and its likelihood and impact when given; or "Not assessed"."""
    if score is None:
        return NOT_ASSESSED
    levels = (
        format_html(' <span class="govuk-body-s risks-muted">(L{} × I{})</span>', likelihood, impact)
        if likelihood
        else ""
    )
    return format_html('<span class="risks-score">{}</span>{} {}', score, levels, band_tag(band))


@register.simple_tag
def direction_tag(direction, arrow):
    """Direction of travel: an arrow (hidden from screen readers) and the words."""
    if not direction:
        return NOT_ASSESSED
    return format_html(
        '<span class="risks-direction risks-direction--{}"><span class="risks-direction__arrow" aria-hidden="true">'
        "{}</span> {}</span>",
        slugify(direction),
        arrow,
        direction.label,
    )


@register.simple_tag
def cell_refs(entries):
    """A heat map cell's listed risks, linked, each with where it moved from when comparing.

    A tag rather than a loop in the template: at 100 times the real data the cells list
    250 risks, and the loop was a third of the page's time.
    """
    return format_html_join(
        "\n",
        '<li><a class="govuk-link" href="{}">{}</a>{}</li>',
        (
            (reverse("risks:detail", args=[entry["risk"].ref]), entry["risk"].ref, _moved_from(entry))
            for entry in entries
        ),
    )


def _moved_from(entry) -> str:
    if not entry["moved"]:
        return ""
    before = entry["from"]
    where = f"moved from L{before.current_likelihood} × I{before.current_impact}" if before else "new"
    return format_html(' <span class="risks-heatmap__moved">({})</span>', where)
