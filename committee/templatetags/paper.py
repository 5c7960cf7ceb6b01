from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from riskreg.templatetags.riskreg import rag_tag

register = template.Library()


@register.simple_tag
def paper_rows(block, screen: bool):
    """The body rows of one of the paper's tables (committee.document.Block).

    A tag rather than a loop in the template: at 100 times the real data the paper has
    thousands of rows, and the template loop took about a second over them. The markup,
    whitespace included, is the loop's, so pages stored before are the same byte for byte.
    `screen` shows the RAG columns as tags.
    """
    parts = []
    for row in block.rows:
        parts.append('\n    <tr class="govuk-table__row">\n      ')
        for index, value in enumerate(row):
            if index == 0:
                cell = f'<th scope="row" class="govuk-table__header">{conditional_escape(value)}</th>\n      '
            elif screen and index in block.rag_columns:
                cell = f'<td class="govuk-table__cell">{rag_tag(value, value)}</td>\n      '
            else:
                cell = f'<td class="govuk-table__cell riskreg-pre">{conditional_escape(value)}</td>'
            parts.append(f"\n      {cell}\n      ")
        parts.append("\n    </tr>\n    ")
    return mark_safe("".join(parts))  # every value escaped above; rag_tag escapes its own


@register.filter
def css_string(value) -> str:
    """`value` as the text of a CSS string in double quotes (a page's margin box): every
    character but letters, digits and spaces escaped the CSS way (\\2D for "-"), so a
    committee named with quotes or a backslash can neither end the string nor the style."""
    return mark_safe("".join(c if c.isalnum() or c == " " else f"\\{ord(c):X} " for c in str(value)))
