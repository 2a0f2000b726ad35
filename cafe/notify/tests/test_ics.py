from datetime import datetime
from zoneinfo import ZoneInfo

from icalendar import Calendar

from cafe.notify.ics import CalendarEvent, build_ics

UTC = ZoneInfo("UTC")


def event(**overrides):
    values = {
        "uid": "session-42@cafe.example",
        "summary": "Un Café con el Secretario: Talento Humano",
        "start": datetime(2026, 12, 3, 13, 0, tzinfo=UTC),
        "end": datetime(2026, 12, 3, 14, 30, tzinfo=UTC),
        "sequence": 2,
        "description": "Encuentro mensual; traiga sus propuestas.",
        "location": "Sala de juntas, piso 3",
        "url": "https://cafe.example/sesiones/42/",
        "organizer_name": "Secretario General",
        "organizer_email": "cafe@secretariageneral.gov.co",
        "attendee_email": "ana@prueba.gov.co",
        "attendee_name": "Ana Pérez",
    }
    values.update(overrides)
    return CalendarEvent(**values)


def test_invitation_is_a_request_in_bogota_time():
    cal = Calendar.from_ical(build_ics(event()))
    assert cal["METHOD"] == "REQUEST"
    vevent = cal.walk("VEVENT")[0]
    assert str(vevent["UID"]) == "session-42@cafe.example"
    assert vevent["SEQUENCE"] == 2
    start = vevent.decoded("DTSTART")
    assert start.tzinfo.key == "America/Bogota"
    assert (start.hour, start.minute) == (8, 0)  # 13:00 UTC is 08:00 in Bogotá
    assert vevent.decoded("DTEND").hour == 9
    assert str(vevent["LOCATION"]) == "Sala de juntas, piso 3"
    assert str(vevent["ORGANIZER"]) == "mailto:cafe@secretariageneral.gov.co"
    assert str(vevent["ATTENDEE"]) == "mailto:ana@prueba.gov.co"
    assert vevent["ATTENDEE"].params["RSVP"] == "TRUE"
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["America/Bogota"]


def test_the_uid_is_stable_and_cancellation_uses_cancel():
    first = Calendar.from_ical(build_ics(event(sequence=0)))
    cancelled = Calendar.from_ical(build_ics(event(sequence=3), method="CANCEL"))
    assert first.walk("VEVENT")[0]["UID"] == cancelled.walk("VEVENT")[0]["UID"]
    assert cancelled["METHOD"] == "CANCEL"
    assert cancelled.walk("VEVENT")[0]["STATUS"] == "CANCELLED"
    assert cancelled.walk("VEVENT")[0]["SEQUENCE"] == 3


def test_text_with_special_characters_round_trips():
    text = "Propuestas; ideas, y «comillas» — ñandú\nsegunda línea"
    cal = Calendar.from_ical(build_ics(event(description=text)))
    assert str(cal.walk("VEVENT")[0]["DESCRIPTION"]) == text
