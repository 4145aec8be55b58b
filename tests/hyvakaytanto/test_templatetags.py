from datetime import datetime
from zoneinfo import ZoneInfo

from core.dates import days_left
from core.templatetags.site_tags import day, last_day_filter, moment

HELSINKI = ZoneInfo("Europe/Helsinki")


def test_a_window_ending_at_midnight_reads_as_its_last_day():
    # "Voting ends 27.2." is stored as the first instant of 28.2.
    assert last_day_filter(datetime(2022, 2, 28, 0, 0, tzinfo=HELSINKI)) == "27.2.2022"


def test_last_day_after_the_spring_daylight_saving_change():
    assert last_day_filter(datetime(2027, 3, 29, 0, 0, tzinfo=HELSINKI)) == "28.3.2027"


def test_a_window_ending_during_the_day_reads_as_that_day():
    assert last_day_filter(datetime(2022, 2, 27, 16, 0, tzinfo=HELSINKI)) == "27.2.2022"


def test_last_day_in_helsinki_time_whatever_the_stored_zone():
    # 22.00 UTC on 27.2. is 0.00 on 28.2. in Helsinki: the window's last day is 27.2.
    assert last_day_filter(datetime(2022, 2, 27, 22, 0, tzinfo=ZoneInfo("UTC"))) == "27.2.2022"


def test_days_left_is_zero_on_the_last_day():
    closes_at = datetime(2022, 2, 28, 0, 0, tzinfo=HELSINKI)

    assert days_left(closes_at, now=datetime(2022, 2, 27, 23, 59, tzinfo=HELSINKI)) == 0
    assert days_left(closes_at, now=datetime(2022, 2, 26, 8, 0, tzinfo=HELSINKI)) == 1


def test_day_and_moment_are_in_helsinki_time_whatever_the_stored_zone():
    utc_evening = datetime(2022, 2, 27, 22, 30, tzinfo=ZoneInfo("UTC"))

    assert day(utc_evening) == "28.2.2022"
    assert moment(utc_evening) == "28.2.2022 klo 0.30"
