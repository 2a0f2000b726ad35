"""The staff roster import at scale: ``manage.py import_staff`` on a fresh database,
the file applied, then applied again (which must change nothing)."""

import time
from pathlib import Path

from . import db

LIMIT_S = 60.0
DATABASE = "cafe_bench_roster"
SETUP = (
    "from cafe.org.models import Dependency;"
    "Dependency.objects.get_or_create(name='Dirección de Talento Humano',"
    " defaults={'code': '110'})"
)


def write_roster(path: Path, rows: int) -> None:
    lines = ["correo;nombre;dependencia;vinculación;fin del contrato"]
    lines += [
        f"persona{i}@secretariageneral.gov.co;Persona {i} Pérez Gómez;110;planta;"
        for i in range(rows)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def run_roster(*, rows: int, work: Path) -> dict:
    """Seconds to check and apply a roster of ``rows`` people, twice."""
    url = db.fresh_database(DATABASE)
    env = db.child_env(url)
    try:
        db.manage("shell", "-c", SETUP, env=env)
        roster = work / "nomina.csv"
        write_roster(roster, rows)
        timings = []
        outputs = []
        for _ in range(2):
            started = time.perf_counter()
            outputs.append(
                db.manage("import_staff", str(roster), "--apply", "--partial", env=env)
            )
            timings.append(time.perf_counter() - started)
    finally:
        db.drop_database(DATABASE)
    return {
        "rows": rows,
        "first_s": timings[0],
        "again_s": timings[1],
        "added_first": f"'nuevas': {rows}" in outputs[0],
        "nothing_again": "'nuevas': 0, 'cambios': 0" in outputs[1],
    }
