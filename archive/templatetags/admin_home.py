from django import template

from archive.overview import year_overview

register = template.Library()


@register.simple_tag(takes_context=True)
def current_year_overview(context):
    """The current year's overview (see archive.overview), for staff who run the year; a
    juror's work is on their own screens."""
    user = context["request"].user
    if not user.has_perm("hyvakaytanto.view_competition"):
        return None
    return year_overview(user)
