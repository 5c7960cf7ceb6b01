from django import template

from kpis.models import number_text

register = template.Library()


@register.simple_tag
def figure(value, unit: str = "") -> str:
    """72.5%, 1,204 offences: a value with its unit, as the pages write it."""
    text = number_text(value)
    if not unit or not text:
        return text
    return f"{text}{unit}" if unit == "%" else f"{text} {unit}"


@register.filter
def any_illustrative(rows) -> bool:
    return any(kpi.illustrative for kpi, _ in rows)
