from django import template

from archive.queries import latest_winners as latest_winners_query

register = template.Library()


@register.inclusion_tag("archive/_latest_winners.html")
def latest_winners():
    """The newest winners, for pages outside the archive (one query)."""
    return {"winners": list(latest_winners_query())}
