"""The pulse survey over several sessions: no figure below the minimum of answers,
and no figure that a difference with another could narrow below it."""

import pytest

from sessions_app.models import Session
from sessions_app.selectors import survey_aggregates
from sessions_app.tests.factories import held_on, two_past_months
from sessions_app.tests.factories import survey_answers as answer

pytestmark = pytest.mark.django_db


@pytest.fixture
def months():
    return two_past_months()


def test_a_month_below_the_minimum_has_no_figure(months, settings):
    settings.SESSIONS_SURVEY_MIN_ANSWERS = 5
    earlier, later = months
    answer(held_on(earlier), 6, heard=4)
    alone = held_on(later)
    answer(alone, 1, heard=1, useful=1, trust=1)

    survey = survey_aggregates(sessions=Session.objects.all())

    shown, suppressed = survey.by_month
    assert (shown.label, shown.answers, shown.felt_heard) == (
        earlier.strftime("%Y-%m"),
        6,
        4.0,
    )
    assert suppressed.label == later.strftime("%Y-%m")
    assert not suppressed.shown
    assert (suppressed.answers, suppressed.felt_heard, suppressed.useful) == (
        0,
        None,
        None,
    )
    assert suppressed.trust is None
    # The total leaves the lone answer out: it cannot be recovered by difference.
    assert (survey.total.answers, survey.total.felt_heard) == (6, 4.0)
    assert survey.minimum == 5


def test_only_sessions_that_reached_the_minimum_count(months, settings):
    """Two small sessions add up to the minimum, yet neither is counted: otherwise
    the month's figure minus one session's would reveal the other's few answers."""
    settings.SESSIONS_SURVEY_MIN_ANSWERS = 5
    earlier, _later = months
    big, small_a, small_b = held_on(earlier), held_on(earlier), held_on(earlier)
    answer(big, 5, heard=5)
    answer(small_a, 3, heard=1)
    answer(small_b, 2, heard=2)

    survey = survey_aggregates(sessions=Session.objects.all())
    (month,) = survey.by_month
    assert (month.answers, month.felt_heard) == (5, 5.0)
    only_small = survey_aggregates(sessions=Session.objects.exclude(pk=big.pk))
    assert not only_small.total.shown
    assert [bucket.shown for bucket in only_small.by_month] == [False]


def test_the_setting_decides_the_minimum(months, settings):
    earlier, _later = months
    answer(held_on(earlier), 3, heard=2)
    settings.SESSIONS_SURVEY_MIN_ANSWERS = 3
    assert survey_aggregates(sessions=Session.objects.all()).total.felt_heard == 2.0
    settings.SESSIONS_SURVEY_MIN_ANSWERS = 4
    survey = survey_aggregates(sessions=Session.objects.all())
    assert not survey.total.shown
    assert survey.minimum == 4
