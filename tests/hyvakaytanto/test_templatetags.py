from datetime import datetime
from zoneinfo import ZoneInfo

from hyvakaytanto.templatetags.site_tags import day, deadline, moment

HELSINKI = ZoneInfo("Europe/Helsinki")


def test_deadline_at_midnight_reads_as_the_last_day():
    # "Voting ends 27.2." is stored as the first instant of 28.2.
    assert deadline(datetime(2022, 2, 28, 0, 0, tzinfo=HELSINKI)) == "27.2.2022"


def test_deadline_at_midnight_after_the_spring_daylight_saving_change():
    assert deadline(datetime(2027, 3, 29, 0, 0, tzinfo=HELSINKI)) == "28.3.2027"


def test_deadline_during_the_day_shows_the_time():
    assert deadline(datetime(2022, 2, 27, 16, 0, tzinfo=HELSINKI)) == "27.2.2022 klo 16.00"


def test_day_and_moment_are_in_helsinki_time_whatever_the_stored_zone():
    utc_evening = datetime(2022, 2, 27, 22, 30, tzinfo=ZoneInfo("UTC"))

    assert day(utc_evening) == "28.2.2022"
    assert moment(utc_evening) == "28.2.2022 klo 0.30"
