"""The mixed load: staff members clicking through the site (locust).

Each locust user is one browser tab working for a slice of the fixture's people
(``bench.fixture``): on every click it picks one of its people, who either opens a
main page their role sees (85 %) or writes (15 %): registers for a session, cancels a
registration, sends a proposal or supports one. Each person has their own cookies
(login session, CSRF, flash messages), as in their browser.

Set by ``bench.load`` through the environment:
- ``BENCH_FIXTURE``: the fixture's JSON; ``BENCH_SAMPLES``: where every request's
  (end time, page, milliseconds, error) is written when the run stops;
- ``BENCH_PAUSE``: seconds between a person's clicks on average (0: no pause);
- ``BENCH_ONLY``: a page name to open instead of the mix (the floor's own runs).
"""

import csv
import itertools
import json
import os
import random
import re
import time

from locust import HttpUser, between, constant, events, task
from locust.clients import HttpSession

FIXTURE = json.loads(open(os.environ["BENCH_FIXTURE"], encoding="utf-8").read())  # noqa: SIM115
PAUSE = float(os.environ.get("BENCH_PAUSE", "1"))
ONLY = os.environ.get("BENCH_ONLY", "")
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "1"))
WRITE_SHARE = 0.15
SAMPLES: list[tuple[float, str, float, str]] = []
NUMBERS = itertools.count()
ERROR_ALERT = re.compile(r'class="alert alert-danger[^"]*">(.*?)</div>', re.DOTALL)


@events.request.add_listener
def record(name, response_time, exception, **_kwargs):
    SAMPLES.append((time.time(), name, response_time, str(exception or "")))


@events.test_stop.add_listener
def write_samples(**_kwargs):
    with open(os.environ["BENCH_SAMPLES"], "w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows(SAMPLES)


class Person:
    def __init__(self, user, login: dict):
        self.role = login["role"]
        self.csrf_token = login["csrf_token"]
        self.http = HttpSession(user.host, user.environment.events.request, user)
        self.http.cookies.set(FIXTURE["session_cookie"], login["session"])
        self.http.cookies.set(FIXTURE["csrf_cookie"], login["csrf_secret"])
        self.sessions = set(login["sessions"])
        self.registered: set[int] = set()
        self.pages = [
            page
            for page in FIXTURE["pages"]
            if page["role"] in (None, self.role) and page["paths"]
        ]


def check(response, *, expect: tuple[int, ...], refusal: bool = False) -> bool:
    """Anything but the expected answer is an error: a 4xx/5xx, a timeout, a
    redirect to the login page, an htmx redirect; with ``refusal``, an error message
    in the registration panel (the benchmark only asks for what is allowed, so a
    refusal is the application failing, e.g. "Intente de nuevo")."""
    location = response.headers.get("Location", "") + response.headers.get(
        "HX-Redirect", ""
    )
    if response.status_code not in expect:
        response.failure(f"HTTP {response.status_code}")
    elif "/ingresar" in location or response.headers.get("HX-Redirect"):
        response.failure(f"redirigido a {location}")
    elif refusal and (match := ERROR_ALERT.search(response.text or "")):
        response.failure(" ".join(match.group(1).split())[:120])
    else:
        response.success()
        return True
    return False


class Staff(HttpUser):
    wait_time = between(PAUSE * 0.5, PAUSE * 1.5) if PAUSE else constant(0)

    def on_start(self):
        number = next(NUMBERS)
        self.people = [
            Person(self, login)
            for index, login in enumerate(FIXTURE["people"])
            if index % CLIENTS == number % CLIENTS
        ]

    @task
    def click(self):
        person = random.choice(self.people)
        if ONLY:
            page = next(p for p in FIXTURE["pages"] if p["name"] == ONLY)
            self.view(person, page)
        elif random.random() < WRITE_SHARE:
            random.choice([self.register, self.cancel, self.propose, self.support])(
                person
            )
        else:
            self.view(person, random.choice(person.pages))

    def view(self, person: Person, page: dict) -> None:
        path = random.choice(page["paths"])
        with person.http.get(
            path, name=page["name"], allow_redirects=False, catch_response=True
        ) as response:
            check(response, expect=(200,))

    def htmx_post(self, person: Person, path: str, name: str) -> bool:
        with person.http.post(
            path,
            name=name,
            data={"csrfmiddlewaretoken": person.csrf_token, "needs": ""},
            headers={"HX-Request": "true", "HX-Target": "inscripcion"},
            allow_redirects=False,
            catch_response=True,
        ) as response:
            return check(response, expect=(200,), refusal=True)

    def register(self, person: Person) -> None:
        writes = FIXTURE["writes"]
        choices = person.sessions - person.registered
        if not choices:
            return self.cancel(person)
        index = random.choice(sorted(choices))
        if self.htmx_post(person, writes["register"][index], "Escritura: inscribirse"):
            person.registered.add(index)

    def cancel(self, person: Person) -> None:
        if not person.registered:
            return self.register(person) if person.sessions else self.propose(person)
        index = random.choice(sorted(person.registered))
        person.registered.discard(index)
        path = FIXTURE["writes"]["unregister"][index]
        self.htmx_post(person, path, "Escritura: cancelar inscripción")

    def propose(self, person: Person) -> None:
        words = random.sample(["sede", "horario", "trámite", "pausas", "firma"], 3)
        with person.http.post(
            FIXTURE["writes"]["propose"],
            name="Escritura: enviar propuesta",
            data={
                "csrfmiddlewaretoken": person.csrf_token,
                "kind": "propuesta",
                "title": f"Propuesta de la carga {random.randrange(10**9)}",
                "text": f"Propongo mejorar {' '.join(words)} en la dependencia.",
                "signature": "nombre",
            },
            allow_redirects=False,
            catch_response=True,
        ) as response:
            # 302 to the new proposal; 200 is the form again with a message (a
            # person's daily limit), which is an answer, not an error.
            check(response, expect=(200, 302))

    def support(self, person: Person) -> None:
        path = random.choice(FIXTURE["writes"]["support"])
        with person.http.post(
            path,
            name="Escritura: apoyar propuesta",
            data={"csrfmiddlewaretoken": person.csrf_token},
            allow_redirects=False,
            catch_response=True,
        ) as response:
            check(response, expect=(302,))
