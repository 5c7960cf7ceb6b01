from django import template
from django.utils.html import format_html

from riskreg.dates import due_words

register = template.Library()

# The GOV.UK tag colour for each RAG status; the word is always shown with it.
RAG_TAG_CLASSES = {"red": "govuk-tag--red", "amber": "govuk-tag--orange", "green": "govuk-tag--green"}


@register.simple_tag
def rag_tag(rag: str | None, label: str | None = None):
    """A RAG status as a tag with its word: never colour alone.

    A tag rather than an include: registers render hundreds of them per page.
    """
    rag = (rag or "").lower()
    if rag in RAG_TAG_CLASSES:
        return format_html('<strong class="govuk-tag {} riskreg-rag">{}</strong>', RAG_TAG_CLASSES[rag], label)
    return format_html('<span class="govuk-tag govuk-tag--grey riskreg-rag">{}</span>', label or "Not assessed")


@register.filter
def due(deadline):
    """{{ period.officer_deadline|due }}: 'due in 5 days', '2 days overdue'."""
    return due_words(deadline)
