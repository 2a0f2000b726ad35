"""The registration rush: many people register for one session at the same instant.

300 threads, each a different logged-in person, post the registration form together
(as the htmx button does) for a 40-seat session on the benchmark's gunicorn; then the
same crowd posts the floor form (``bench.urls.floor_post``: lock one row, insert one
row) together. The database must end with exactly the seats confirmed, no request may
fail, and registration's throughput is compared with the floor's.
"""

import http.client
import json
import re
import threading
import time
from collections import Counter
from urllib.parse import urlencode

from .db import run
from .load import percentile

ERROR_ALERT = re.compile(r'class="alert alert-danger">(.*?)</div>', re.DOTALL)
TIMEOUT_S = 120
COUNT = """
import django, json
django.setup()
from django.db.models import Count
from sessions_app.models import Registration
rows = Registration.objects.filter(session_id={session_id}).values("status")
print(json.dumps({{r["status"]: r["n"] for r in rows.annotate(n=Count("pk"))}}))
"""


def problem(response, page: str, *, registration: bool) -> str | None:
    """Why a response is not what the person asked for (None when it is)."""
    if response.getheader("HX-Redirect"):
        return f"redirigido a {response.getheader('HX-Redirect')}"
    if response.status != 200:
        return f"HTTP {response.status}"
    if not registration:
        return None
    if match := ERROR_ALERT.search(page):
        return match.group(1).strip()
    if "alert-success" not in page and "alert-warning" not in page:
        return "respuesta sin mensaje de inscripción"
    return None


def post_all(port: int, fixture: dict, path: str, *, registration: bool) -> dict:
    """Every person of the rush posts ``path`` at the same instant."""
    crowd = fixture["rush"]["crowd"]
    barrier = threading.Barrier(len(crowd))
    outcomes: list = [None] * len(crowd)
    detail = f"http://127.0.0.1:{port}{fixture['rush']['detail']}"

    def one(index: int) -> None:
        person = crowd[index]
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"{fixture['session_cookie']}={person['session']}; "
            f"{fixture['csrf_cookie']}={person['csrf_secret']}",
            "HX-Request": "true",
            "HX-Target": "inscripcion",
            "HX-Current-URL": detail,
        }
        body = urlencode({"csrfmiddlewaretoken": person["csrf_token"], "needs": ""})
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT_S)
        barrier.wait()
        started = time.perf_counter()
        try:
            connection.request("POST", path, body=body, headers=headers)
            response = connection.getresponse()
            page = response.read().decode(errors="replace")
            error = problem(response, page, registration=registration)
        except (OSError, http.client.HTTPException) as exc:
            error = f"{type(exc).__name__}: {exc}"
        finally:
            connection.close()
        finished = time.perf_counter()
        outcomes[index] = (started, finished, error)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(crowd))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = max(o[1] for o in outcomes) - min(o[0] for o in outcomes)
    latencies = [(o[1] - o[0]) * 1000 for o in outcomes]
    errors = Counter(o[2] for o in outcomes if o[2])
    return {
        "clients": len(crowd),
        "errors": sum(errors.values()),
        "error_kinds": [text for text, _ in errors.most_common(3)],
        "wall_s": wall,
        "throughput": len(crowd) / wall,
        "p50": percentile(latencies, 50),
        "p95": percentile(latencies, 95),
    }


def run_rush(port: int, fixture: dict, env: dict[str, str]) -> dict:
    rush = fixture["rush"]
    registration = post_all(port, fixture, rush["register"], registration=True)
    floor = post_all(port, fixture, rush["floor_post"], registration=False)
    output = run(
        ["-c", COUNT.format(session_id=rush["session_id"])],
        env=env,
        what="El conteo de la avalancha",
    )
    counts = json.loads(output.strip().splitlines()[-1])
    registration["confirmed"] = counts.get("confirmada", 0)
    registration["waitlisted"] = counts.get("en_espera", 0)
    return {"registration": registration, "floor": floor}
