"""How the site writes a day, and the one rule for a window's end.

A window (nominations, scoring, the vote) is stored half-open: ``closes_at`` is the first
moment *after* it, 0.00 Helsinki time of the day after its last day. People are told the
last day ("äänestys päättyy 27.2."), never the end moment, which is only for comparisons.
"""

from datetime import date, datetime, timedelta

from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.translation import gettext as _

DATE_FORMAT = "j.n.Y"  # 27.2.2022, the Finnish way, in every language of the site


def last_day(closes_at: datetime) -> date:
    """The last day of a window that ends at ``closes_at``: the Helsinki date of its last
    moment (so 28.2. 0.00 gives 27.2., and 27.2. 15.00 gives 27.2.)."""
    return timezone.localtime(closes_at - timedelta(microseconds=1)).date()


def day_text(value: date | datetime | None) -> str:
    """A day as the site writes it (27.2.2022); an instant by its Helsinki date."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value).date()
    return format_date(value, DATE_FORMAT)


def moment_text(value: datetime | None) -> str:
    """The local date and time of an instant: 27.2.2022 klo 9.00."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    return _("%(date)s klo %(time)s") % {
        "date": format_date(local, DATE_FORMAT),
        "time": format_date(local, "G.i"),
    }


def last_day_text(closes_at: datetime | None) -> str:
    """The last day of a window, written for people: every deadline on every page, e-mail,
    image and admin screen goes through this."""
    return "" if closes_at is None else day_text(last_day(closes_at))


def days_left(closes_at: datetime, *, now: datetime | None = None) -> int:
    """Whole days after today that the window still has: 0 on its last day."""
    return (last_day(closes_at) - timezone.localdate(now)).days
