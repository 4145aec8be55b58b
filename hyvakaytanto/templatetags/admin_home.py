from django import template

from hyvakaytanto.overview import year_overview

register = template.Library()


@register.simple_tag(takes_context=True)
def current_year_overview(context):
    """The current year's overview (see hyvakaytanto.overview) for staff and the chair; a juror's
    work is on their own screens."""
    return year_overview(context["request"].user)
