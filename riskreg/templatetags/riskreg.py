from django import template
from django.conf import settings
from django.templatetags.static import static
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


@register.simple_block_tag
def scroll_region(content, *label):
    """{% scroll_region "Change history" %}<table>...</table>{% endscroll_region %}

    The label's words may come in parts: {% scroll_region period.label "progress" %}.

    A table too wide for a phone (or for a 1280 px window at 400% zoom) scrolls sideways
    inside this region, not the whole page (WCAG 1.4.10, reflow). Focusable, so keyboard
    users can scroll it with the arrow keys; labelled, so screen readers say what it holds.
    """
    html = '<div class="riskreg-scroll" role="region" aria-label="{}" tabindex="0">{}</div>'
    return format_html(html, " ".join(map(str, label)), content)


@register.simple_tag
def static_or_plain(path: str) -> str:
    """{% static %} for the 500 and 503 pages, which must render even when collectstatic
    has not run (the manifest storage raises ValueError for a file it has no entry for):
    then the plain address, unstyled at worst, instead of a second failure."""
    try:
        return static(path)
    except ValueError:
        return f"{settings.STATIC_URL}{path}"
