"""Queries and median server time of every main page on one seeded database.

Run as ``python -m bench.pages FIXTURE.json REQUESTS`` with
``DJANGO_SETTINGS_MODULE=bench.settings``: each page (the first path of each entry of
the fixture's ``pages``) is opened through the whole Django stack with the test client
by a person of the page's role, the queries of one visit are counted, and the median of
``REQUESTS`` visits is timed. Nothing in between is cached except the dashboard's
figures, which is what a visit meets in production too. Prints one JSON line.
"""

import json
import statistics
import sys
import time
from pathlib import Path


def main() -> None:
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    fixture = json.loads(Path(sys.argv[1]).read_text())
    requests = int(sys.argv[2])
    clients = {}
    for person in fixture["people"]:
        if person["role"] in clients:
            continue
        client = Client()
        client.cookies[fixture["session_cookie"]] = person["session"]
        clients[person["role"]] = client

    results = []
    for page in fixture["pages"]:
        client = clients[page["role"] or "Servidor"]
        path = page["paths"][0]

        def get(client=client, path=path):
            response = client.get(path)
            if response.status_code != 200:
                raise SystemExit(f"{path} respondió {response.status_code}")

        get()  # a first visit compiles templates and opens the connection
        with CaptureQueriesContext(connection) as queries:
            get()
        count = len(queries)
        timings = []
        for _ in range(requests):
            started = time.perf_counter()
            get()
            timings.append((time.perf_counter() - started) * 1000)
        results.append(
            {
                "page": page["name"],
                "path": path,
                "queries": count,
                "median_ms": round(statistics.median(timings), 2),
            }
        )
    print(json.dumps(results))


if __name__ == "__main__":
    main()
