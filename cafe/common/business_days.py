"""Business days on the Colombian calendar (weekends and festivos excluded)."""

from datetime import date, timedelta
from functools import cache

import holidays


@cache
def _festivos(year: int):
    return holidays.country_holidays("CO", years=year, language="es")


def festivo(day: date) -> str | None:
    """The name of the Colombian public holiday on ``day`` (in Spanish), or None."""
    return _festivos(day.year).get(day)


def is_business_day(day: date) -> bool:
    return day.weekday() < 5 and festivo(day) is None


def add_business_days(start: date, days: int) -> date:
    """The date ``days`` business days after ``start`` (``start`` not counted)."""
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if is_business_day(current):
            remaining -= 1
    return current
