"""Business days on the Colombian calendar (weekends and festivos excluded)."""

from datetime import date, timedelta

import holidays


def is_business_day(day: date) -> bool:
    return day.weekday() < 5 and day not in holidays.country_holidays(
        "CO", years=day.year
    )


def add_business_days(start: date, days: int) -> date:
    """The date ``days`` business days after ``start`` (``start`` not counted)."""
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if is_business_day(current):
            remaining -= 1
    return current
