from django import template

from panel.charts import status_chart

register = template.Library()


@register.simple_tag
def chart_of(block):
    """The bar chart (panel.charts.StatusChart) of a "chart" block's figures."""
    return status_chart(block.rows, caption=block.text)
