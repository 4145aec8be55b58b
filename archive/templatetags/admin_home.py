from django import template

from archive.overview import year_overview

register = template.Library()


@register.simple_tag(takes_context=True)
def current_year_overview(context):
    """The current year's overview for the signed-in staff member (see archive.overview)."""
    return year_overview(context["request"].user)
