"""Date form fields shared by every form and filter: a date outside the sane window
(``cafe.validators.DATE_MIN_YEAR``–``DATE_MAX_YEAR``) is refused with a message in
Spanish before anything is saved or queried. Model date fields carry the same
validator, so model forms and the admin refuse it too."""

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from .validators import date_in_range


class DateField(forms.DateField):
    default_validators = [date_in_range]


class DateTimeField(forms.DateTimeField):
    default_validators = [date_in_range]


def parse_month(value: str) -> date:
    """'2026-12' -> date(2026, 12, 1); ``ValidationError`` in Spanish otherwise."""
    try:
        year, month = (int(part) for part in str(value).split("-", 1))
        first = date(year, month, 1)
    except (ValueError, OverflowError):
        raise forms.ValidationError(
            _("Escriba el mes como AAAA-MM."), code="invalid"
        ) from None
    date_in_range(first)
    return first


class MonthField(forms.CharField):
    """A month typed as ``AAAA-MM`` (``<input type="month">``); cleans to the text,
    checked to be a real month inside the sane window."""

    widget = forms.DateInput(attrs={"type": "month"})

    def validate(self, value):
        super().validate(value)
        if value:
            parse_month(value)
