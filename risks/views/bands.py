import re

from django.http import HttpResponse
from django.views.decorators.http import require_GET

from risks.models import Band

_HEX = re.compile(r"^#[0-9A-Fa-f]{6}$")


@require_GET
def band_css(request):
    """The band colours, as a stylesheet: they are data, and the CSP forbids inline styles."""
    rules = []
    for band in Band.objects.all():
        if _HEX.match(band.colour):
            css = band.css_class
            text = band.text_colour
            rules.append(
                f".{css}, .{css} a.govuk-link:link, .{css} a.govuk-link:visited "
                f"{{ background-color: {band.colour}; color: {text}; }}\n"
            )
    response = HttpResponse("".join(rules), content_type="text/css; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response
