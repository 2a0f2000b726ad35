"""Calendar invitations (.ics) with icalendar.

Invitations use METHOD:REQUEST with a stable UID per event and an increasing SEQUENCE,
so a calendar updates the same entry when a session changes and removes it on
METHOD:CANCEL. Times are written in America/Bogota with a VTIMEZONE.
"""

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, Timezone, vCalAddress, vText

PRODID = "-//Cafe con el Secretario//ES"


@dataclass(frozen=True)
class CalendarEvent:
    uid: str
    summary: str
    start: datetime
    end: datetime
    sequence: int = 0
    description: str = ""
    location: str = ""
    url: str = ""
    organizer_name: str = ""
    organizer_email: str = ""
    attendee_email: str = ""
    attendee_name: str = ""


def build_ics(event: CalendarEvent, *, method: str = "REQUEST") -> str:
    """Return the iCalendar text of one event (METHOD:REQUEST or CANCEL)."""
    tz = ZoneInfo(settings.TIME_ZONE)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", method)
    vevent = Event()
    vevent.add("uid", event.uid)
    vevent.add("dtstamp", timezone.now())
    vevent.add("dtstart", event.start.astimezone(tz))
    vevent.add("dtend", event.end.astimezone(tz))
    vevent.add("sequence", event.sequence)
    vevent.add("summary", event.summary)
    vevent.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    if event.description:
        vevent.add("description", event.description)
    if event.location:
        vevent["location"] = vText(event.location)
    if event.url:
        vevent.add("url", event.url)
    if event.organizer_email:
        organizer = vCalAddress(f"mailto:{event.organizer_email}")
        if event.organizer_name:
            organizer.params["cn"] = vText(event.organizer_name)
        vevent["organizer"] = organizer
    if event.attendee_email:
        attendee = vCalAddress(f"mailto:{event.attendee_email}")
        if event.attendee_name:
            attendee.params["cn"] = vText(event.attendee_name)
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        attendee.params["partstat"] = vText("NEEDS-ACTION")
        attendee.params["rsvp"] = vText("TRUE")
        vevent.add("attendee", attendee, encode=0)
    cal.add_component(vevent)
    # The VTIMEZONE goes first, as icalendar's add_missing_timezones() would put it,
    # but built once per process: computing its transitions takes tens of ms, and a
    # confirmation's invitation is built while the session row is locked.
    cal.subcomponents.insert(0, _vtimezone(tz.key))
    return cal.to_ical().decode("utf-8")


@cache
def _vtimezone(tzid: str) -> Timezone:
    """The VTIMEZONE of ``tzid`` (read-only once built; shared by every calendar)."""
    return Timezone.from_tzid(tzid)
