"""The production topology run as one (``make prod-smoke``), then the restore drill.

PostgreSQL (the server DATABASE_URL names; a new database on it), its own Redis as
broker, a local SMTP sink; collectstatic, migrate, seed_demo; the Procfile's web,
worker and beat under honcho with production settings (DEBUG off, whitenoise, a
real secret key, JSON logs). DJANGO_SECURE=0 only because the run speaks plain HTTP
on 127.0.0.1 (no TLS certificate here): behind the proxy it is on.

Each Procfile entry runs under its own honcho (``honcho start web``...), because
honcho stops every process when one exits: this way one of them is killed and
restarted while the others go on, as systemd does with the units in deploy/.

The scenario: a person logs in and registers (the confirmation reaches the sink
through the worker); Despacho changes a proposal's status (its author is e-mailed);
beat fires the alert job in a short window (CAFE_OPS_CHECK_SECONDS) and the
operators get one alert; /readyz reports the broker degraded (still ready, pages
served from PostgreSQL) while Redis is stopped; the worker is killed (a
registration made meanwhile is delivered once it is back), killed again in the
middle of an SMTP conversation (the sweeper hands the row to the new worker) and
beat is restarted; every outbox row reaches the sink exactly once; no log line
carries a seeded person's e-mail or name.
Then: backup, restore into a new database, compare, and log in and open a page on
the restored copy.

Exit 0 when everything holds; 1 with the reason otherwise.
"""

import collections
import contextlib
import json
import logging
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg2
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent

from cafe.testing.smtp import SmtpSink, free_port  # noqa: E402

PASSWORD = "cafe-demo-2026"  # seed_demo's demo password  # noqa: S105
DOMAIN = "demo.secretariageneral.gov.co"
SERVIDORA = f"servidora@{DOMAIN}"
DESPACHO = f"despacho@{DOMAIN}"
OPERATOR = "operacion@example.org"


class SmokeFailure(AssertionError):
    pass


def check(condition, message):
    if not condition:
        raise SmokeFailure(message)


def wait_for(predicate, what, timeout=60.0, every=0.25):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise SmokeFailure(f"tiempo agotado esperando: {what}")


def step(text):
    print(f"[prod-smoke {time.strftime('%H:%M:%S', time.gmtime())}] {text}", flush=True)


class Databases:
    """New databases on the PostgreSQL server that DATABASE_URL names."""

    def __init__(self, url: str):
        parts = urlsplit(url)
        check(parts.scheme.startswith("postgres"), "DATABASE_URL debe ser PostgreSQL")
        self.parts = parts
        self.created = []

    def url(self, name):
        return urlunsplit(self.parts._replace(path=f"/{name}"))

    def _admin(self):
        conn = psycopg2.connect(self.url("postgres"))
        conn.autocommit = True
        return conn

    def _execute(self, *statements):
        conn = self._admin()
        try:
            with conn.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)
        finally:
            conn.close()

    def create(self, name):
        self._execute(
            f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
            f'CREATE DATABASE "{name}"',
        )
        self.created.append(name)
        return self.url(name)

    def drop_all(self):
        self._execute(
            *(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)' for name in self.created)
        )


class Redis:
    """A redis-server of the run's own: it is stopped and started again."""

    def __init__(self, work: Path):
        self.port = free_port()
        self.work = work
        self.process = None

    def start(self):
        self.process = subprocess.Popen(  # noqa: S603
            [
                *("redis-server", "--bind", "127.0.0.1", "--port", str(self.port)),
                *("--save", "", "--appendonly", "no", "--dir", str(self.work)),
            ],
            stdout=subprocess.DEVNULL,
        )
        wait_for(self.ping, "Redis arriba", 10)

    def ping(self):
        import redis

        try:
            return redis.Redis(port=self.port, socket_connect_timeout=0.5).ping()
        except redis.RedisError:
            return False

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


class Process:
    """One Procfile entry under honcho, its output appended to a log file."""

    def __init__(self, name, env_file: Path, log: Path):
        self.name, self.env_file, self.log = name, env_file, log
        self.popen = None

    def start(self, env):
        with self.log.open("a") as out:
            self.popen = subprocess.Popen(  # noqa: S603
                [
                    *(str(BIN / "honcho"), "-f", str(ROOT / "Procfile")),
                    *("-d", str(ROOT), "-e", str(self.env_file)),
                    *("--no-colour", "start", self.name),
                ],
                stdout=out,
                stderr=subprocess.STDOUT,
                env=env,
                start_new_session=True,
            )

    def child_pid(self):
        """The process honcho started (a group of its own: honcho starts each one
        in a new session), from honcho's "web.1 started (pid=N)" line."""
        found = re.findall(
            rf"{self.name}\.1 started \(pid=(\d+)\)", self.log.read_text()
        )
        return int(found[-1]) if found else None

    def stop(self, sig=signal.SIGTERM, timeout=30):
        """SIGTERM: honcho passes it on and waits. SIGKILL: the process and its
        children die at once (as in a crash), then honcho."""
        if self.popen is None or self.popen.poll() is not None:
            return
        child = self.child_pid()
        if sig == signal.SIGKILL and child:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child, signal.SIGKILL)
        os.killpg(self.popen.pid, sig)
        try:
            self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait()


class Browser:
    """A person's requests session against the web process."""

    def __init__(self, base):
        self.base = base
        self.http = requests.Session()

    def get(self, path, **kw):
        return self.http.get(self.base + path, allow_redirects=False, timeout=15, **kw)

    def post(self, path, data):
        token = self.http.cookies.get("csrftoken") or self._token(path)
        return self.http.post(
            self.base + path,
            data={**data, "csrfmiddlewaretoken": token},
            headers={"Referer": self.base + path},
            allow_redirects=False,
            timeout=15,
        )

    def _token(self, path):
        self.http.get(self.base + "/ingresar/", timeout=15)
        return self.http.cookies.get("csrftoken")

    def login(self, email):
        self.get("/ingresar/")
        response = self.post("/ingresar/", {"username": email, "password": PASSWORD})
        check(
            response.status_code == 302, f"ingreso de {email}: {response.status_code}"
        )
        home = self.get("/")
        if home.status_code == 302 and "/privacidad/" in home.headers["Location"]:
            accepted = self.post("/privacidad/", {"accept": "on", "next": "/"})
            check(accepted.status_code == 302, "aceptar el aviso de privacidad")
        page = self.get("/")
        check(page.status_code == 200, f"inicio tras ingresar: {page.status_code}")
        return page


class Smoke:
    def __init__(self):
        self.work = Path(tempfile.mkdtemp(prefix="cafe-prod-smoke-"))
        self.dbs = Databases(os.environ.get("DATABASE_URL", ""))
        self.redis = Redis(self.work)
        self.sink = SmtpSink()
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.processes = {}
        self.timings = {}

    # --- set-up -------------------------------------------------------------------

    def environment(self, database_url, port):
        return {
            "DJANGO_SETTINGS_MODULE": "cafe.settings",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
            # Plain HTTP on 127.0.0.1 (no certificate in the run); on in production.
            "DJANGO_SECURE": "0",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": database_url,
            "CELERY_BROKER_URL": f"redis://127.0.0.1:{self.redis.port}/0",
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(self.sink.port),
            "EMAIL_TIMEOUT": "5",
            "CAFE_SITE_URL": f"http://127.0.0.1:{port}",
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "GUNICORN_WORKERS": "2",
            "PROMETHEUS_MULTIPROC_DIR": str(self.work / "prometheus"),
            "CELERY_BEAT_SCHEDULE_FILENAME": str(self.work / "celerybeat-schedule"),
            "CAFE_OPS_CHECK_SECONDS": "5",
            # The sweeper re-enqueues, within seconds, what a killed worker held.
            "NOTIFY_SWEEP_EVERY_SECONDS": "3",
            "NOTIFY_SWEEP_AFTER_SECONDS": "3",
            "NOTIFY_CLAIM_SECONDS": "8",
            "CAFE_OPERATOR_EMAILS": OPERATOR,
            "CAFE_BACKUP_DIR": str(self.work / "backups"),
            "DJANGO_MEDIA_ROOT": str(self.work / "media"),
            "LOG_FORMAT": "json",
            "LOG_LEVEL": "INFO",
            "PYTHONUNBUFFERED": "1",
            "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        }

    def write_env(self, env, name):
        path = self.work / name
        path.write_text("".join(f"{k}={v}\n" for k, v in env.items()))
        return path

    def manage(self, *args, env, extra=None):
        done = subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env={**os.environ, **env, **(extra or {})},
            capture_output=True,
            text=True,
            check=False,
        )
        check(
            done.returncode == 0, f"manage.py {' '.join(args)}: {done.stderr[-2000:]}"
        )
        return done.stdout

    def start(self, name, env, env_file, log=None):
        process = Process(name, env_file, log or self.work / f"{name}.log")
        process.start({**os.environ, **env})
        self.processes[name] = process
        return process

    def logs(self):
        return "".join(
            path.read_text(errors="replace") for path in self.work.glob("*.log")
        )

    # --- the run ------------------------------------------------------------------

    def run(self):
        self.redis.start()
        self.sink.start()
        url = self.dbs.create(f"cafe_smoke_{os.getpid()}")
        env = self.environment(url, self.port)
        os.environ.update(env)
        env_file = self.write_env(env, "smoke.env")
        step("collectstatic, migrate, seed_demo")
        # collectstatic (compressing every file) beside migrate: they do not meet.
        static = subprocess.Popen(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
            cwd=ROOT,
            env={**os.environ, **env},
        )
        self.manage("migrate", "--noinput", "-v", "0", env=env)
        step("migrate listo")
        # The demo data's own e-mails stay in memory (seed_demo), sent in-process.
        self.manage(
            "seed_demo", env=env, extra={"CELERY_BROKER_URL": "", "LOG_FORMAT": "plain"}
        )
        check(static.wait() == 0, "collectstatic falló")
        import django

        django.setup()
        logging.getLogger("mail.log").setLevel(logging.WARNING)  # the sink's chatter
        self.started_at = self.now()
        for name in ("web", "worker", "beat"):
            self.start(name, env, env_file)
        step("honcho: web, worker, beat")
        wait_for(lambda: self.ok("/healthz"), "gunicorn responde /healthz", 60)
        self.scenario()
        self.killed_worker_and_restarted_beat(env, env_file)
        self.all_delivered_once()
        self.broker_outage()
        self.no_personal_data_in_logs()
        for process in self.processes.values():
            process.stop()
        self.restore_drill(env)

    def now(self):
        from django.utils import timezone

        return timezone.now()

    def ok(self, path):
        try:
            return requests.get(self.base + path, timeout=2).status_code == 200
        except requests.RequestException:
            return False

    def messages_to(self, email):
        return [m for m in self.sink.messages if m["To"] == email]

    def register_somewhere(self, person: Browser, email):
        from django.db.models import Q
        from django.utils import timezone

        from cafe.org.models import User
        from sessions_app.models import Session

        user = User.objects.get(email=email)
        now = timezone.now()
        session = (
            Session.objects.filter(
                Q(dependency=None) | Q(dependency=user.dependency_id),
                status=Session.Status.PUBLISHED,
                registration_opens_at__lte=now,
                registration_closes_at__gt=now,
            )
            .exclude(registrations__user=user)
            .order_by("starts_at")
            .first()
        )
        check(session is not None, "no hay una sesión abierta para inscribirse")
        response = person.post(f"/sesiones/{session.pk}/inscribirme/", {})
        check(response.status_code == 302, f"inscripción: {response.status_code}")
        return response.headers["X-Request-ID"]

    def scenario(self):
        ready = requests.get(self.base + "/readyz", timeout=5)
        check(ready.status_code == 200, f"/readyz: {ready.text}")
        check(ready.json()["checks"] == {"database": True, "broker": True}, ready.text)

        step("una persona ingresa y se inscribe; la confirmación llega por el worker")
        servidora = Browser(self.base)
        home = servidora.login(SERVIDORA)
        self.despacho = Browser(self.base)
        self.despacho.login(DESPACHO)
        css = re.search(r'href="(/static/[^"]+\.css)"', home.text)
        check(css, "la página no enlaza su hoja de estilos")
        static = servidora.get(css.group(1))
        check(static.status_code == 200, f"whitenoise: {css.group(1)}")
        check("immutable" in static.headers.get("Cache-Control", ""), "estáticos")
        request_id = self.register_somewhere(servidora, SERVIDORA)
        wait_for(lambda: self.messages_to(SERVIDORA), "confirmación en el sumidero")
        # The id of the request that enqueued it, on the worker's lines.
        wait_for(
            lambda: request_id in (self.work / "worker.log").read_text(),
            "el id de la petición en el registro del worker",
            10,
        )
        self.servidora = servidora

        step("/metrics: las cifras de los workers de gunicorn y del correo saliente")
        metrics = requests.get(self.base + "/metrics", timeout=10)
        check(metrics.status_code == 200, f"/metrics: {metrics.status_code}")
        for name in (
            "django_http_requests_latency_seconds_by_view_method",
            "cafe_outbox_pending",
            "cafe_celery_queue_length",
            'cafe_job_late{job="ops-check-and-alert"}',
        ):
            check(name in metrics.text, f"/metrics sin {name}")

        step("una propuesta firmada; Despacho cambia su estado y el autor recibe aviso")
        from proposals.forms import SIGN_NAMED
        from proposals.models import Proposal

        response = servidora.post(
            "/propuestas/nueva/",
            {
                "kind": Proposal.Kind.PROPOSAL,
                "title": "Trámites internos en línea",
                "text": "Propongo que las solicitudes internas se hagan en línea.",
                "signature": SIGN_NAMED,
            },
        )
        check(response.status_code == 302, f"propuesta: {response.status_code}")
        pk = int(re.search(r"/propuestas/(\d+)/", response.headers["Location"])[1])
        proposal = Proposal.objects.select_related("author").get(pk=pk)
        check(proposal.status == Proposal.Status.RECEIVED, proposal.status)
        self.proposal_pk = proposal.pk
        response = self.despacho.post(
            f"/propuestas/{proposal.pk}/estado/",
            {"new_status": "en_analisis", "note": "La estamos analizando."},
        )
        check(response.status_code == 302, f"cambio de estado: {response.status_code}")
        self.settled()
        from cafe.notify.models import Delivery

        check(
            Delivery.objects.filter(
                to_email=proposal.author.email,
                kind="proposal_changed",
                created_at__gte=self.started_at,
            ).exists(),
            "el aviso al autor",
        )

        step("beat dispara la tarea de alertas; los operadores reciben una alerta")
        from cafe.ops.models import JobRun

        wait_for(
            lambda: JobRun.objects.filter(
                name="ops.check_and_alert", last_success_at__gt=self.started_at
            ).exists(),
            "la tarea programada corre",
            30,
        )
        wait_for(lambda: self.messages_to(OPERATOR), "la alerta a operación", 30)

    def settled(self):
        """Every outbox row of the run is sent (by the worker, to the sink)."""
        from cafe.notify.models import Delivery

        rows = Delivery.objects.filter(created_at__gte=self.started_at)
        wait_for(
            lambda: not rows.exclude(state=Delivery.State.SENT).exists(),
            "el correo saliente sin pendientes",
        )
        wait_for(
            lambda: len(self.sink.messages) >= rows.count(), "el sumidero al día", 10
        )

    def killed_worker_and_restarted_beat(self, env, env_file):
        step("se mata el worker; una inscripción mientras tanto sale al volver")
        self.settled()
        worker = self.processes["worker"]
        worker.stop(signal.SIGKILL)
        before = len(self.messages_to(SERVIDORA))
        self.register_somewhere(self.servidora, SERVIDORA)
        time.sleep(3)
        check(len(self.messages_to(SERVIDORA)) == before, "¿quién envió sin worker?")
        self.start("worker", env, env_file)
        wait_for(
            lambda: len(self.messages_to(SERVIDORA)) == before + 1,
            "la confirmación tras reiniciar el worker",
        )

        step("se mata el worker a mitad de un envío; sale una vez, por el barrido")
        # The author (servidora) is told the proposal is not viable.
        self.settled()
        before = len(self.messages_to(SERVIDORA))
        self.sink.hold_next_recipient()
        response = self.despacho.post(
            f"/propuestas/{self.proposal_pk}/estado/",
            {"new_status": "no_viable", "note": "No cabe en el presupuesto de 2027."},
        )
        check(response.status_code == 302, f"cambio de estado: {response.status_code}")
        wait_for(self.sink.holding.is_set, "el worker a mitad del envío", 30)
        self.processes["worker"].stop(signal.SIGKILL)
        self.sink.release()
        self.start("worker", env, env_file)
        wait_for(
            lambda: len(self.messages_to(SERVIDORA)) == before + 1,
            "el envío interrumpido, completado tras reiniciar el worker",
        )

        step("se reinicia beat; la tarea sigue corriendo y la alerta no se repite")
        from cafe.ops.models import JobRun

        self.processes["beat"].stop()
        restarted = self.now()
        self.start("beat", env, env_file)
        wait_for(
            lambda: JobRun.objects.filter(
                name="ops.check_and_alert", last_success_at__gt=restarted
            ).exists(),
            "la tarea programada tras reiniciar beat",
            30,
        )

    def all_delivered_once(self):
        """Every outbox row of the run reached the sink exactly once; nothing else."""
        from cafe.notify.models import Delivery

        self.settled()
        rows = Delivery.objects.filter(created_at__gte=self.started_at)
        time.sleep(2)  # a late duplicate would show now
        expected = collections.Counter(rows.values_list("to_email", "subject"))
        got = collections.Counter(
            (m["To"], " ".join(str(m["Subject"]).split())) for m in self.sink.messages
        )
        expected = collections.Counter(
            {
                (to, " ".join(subject.split())): n
                for (to, subject), n in expected.items()
            }
        )
        check(got == expected, f"enviados {dict(got)} != esperados {dict(expected)}")
        alerts = [k for k in got if k[0] == OPERATOR]
        check(len(alerts) == 1 and got[alerts[0]] == 1, f"alertas: {alerts}")
        step(f"{sum(got.values())} correos, cada uno una vez: {dict(got)}")

    def broker_outage(self):
        step("Redis detenido: /readyz lo reporta; la base de datos sigue arriba")
        self.redis.stop()
        response = requests.get(self.base + "/readyz", timeout=10)
        # Redis is optional for serving: still ready (200), but "degraded".
        check(response.status_code == 200, f"/readyz sin Redis: {response.status_code}")
        body = response.json()
        check(body["status"] == "degraded", response.text)
        check(body["checks"]["database"] is True, response.text)
        check("broker" in body["degraded"], response.text)
        check(self.ok("/healthz"), "/healthz sin Redis")
        check(self.ok("/transparencia/"), "una página sin Redis")
        self.redis.start()
        wait_for(
            lambda: (
                requests.get(self.base + "/readyz", timeout=5).json()["status"] == "ok"
            ),
            "/readyz con Redis de vuelta",
            20,
        )

    def no_personal_data_in_logs(self):
        from cafe.org.models import User

        text = self.logs()
        requests_logged = [
            json.loads(line.split("| ", 1)[1])
            for line in text.splitlines()
            if '"name": "cafe.request"' in line
        ]
        check(len(requests_logged) > 10, "pocas líneas de petición en el registro")
        for line in requests_logged:
            check({"request_id", "user_id", "status", "duration_ms"} <= set(line), line)
        check(any(x["user_id"] for x in requests_logged), "ninguna con user_id")
        people = User.objects.values_list("email", "full_name")
        found = [
            value
            for email, name in people
            for value in (email, name)
            if value and value.lower() in text.lower()
        ]
        check(not found, f"datos personales en el registro: {found[:5]}")
        step(f"registro: {len(text.splitlines())} líneas, sin correos ni nombres")

    def restore_drill(self, env):
        step("copia de respaldo")
        started = time.perf_counter()
        out = self.manage("backup", env=env)
        self.timings["backup"] = time.perf_counter() - started
        folder = re.search(r"Copia lista en (\S+)", out).group(1)
        restored_url = self.dbs.create(f"cafe_smoke_{os.getpid()}_restaurada")
        restored = {
            **env,
            "DATABASE_URL": restored_url,
            "DJANGO_MEDIA_ROOT": str(self.work / "media-restaurada"),
        }
        step("restauración en una base nueva, comparada con el manifiesto")
        started = time.perf_counter()
        out = self.manage("restore", folder, "--media", env=restored)
        self.timings["restore"] = time.perf_counter() - started
        check("Restaurada y verificada" in out, out)
        step("la copia restaurada sirve: ingresar y abrir una página")
        port = free_port()
        restored = {
            **self.environment(restored_url, port),
            "DJANGO_SECRET_KEY": env["DJANGO_SECRET_KEY"],
            "DJANGO_MEDIA_ROOT": str(self.work / "media-restaurada"),
        }
        web = Process("web", self.write_env(restored, "restored.env"), None)
        web.log = self.work / "restored-web.log"
        web.start({**os.environ, **restored})
        try:
            base = f"http://127.0.0.1:{port}"
            wait_for(lambda: self._up(base), "gunicorn sobre la copia", 60)
            person = Browser(base)
            person.login(SERVIDORA)
            mine = person.get("/sesiones/mis-sesiones/")
            check(mine.status_code == 200, f"mis sesiones: {mine.status_code}")
            check(
                "Inscripción confirmada" in mine.text or "Confirmada" in mine.text,
                "las inscripciones no están en la copia",
            )
        finally:
            web.stop()
        step(
            "copia {backup:.1f} s, restauración {restore:.1f} s".format(**self.timings)
        )

    def _up(self, base):
        try:
            return requests.get(base + "/healthz", timeout=2).status_code == 200
        except requests.RequestException:
            return False

    def cleanup(self):
        for process in self.processes.values():
            process.stop(signal.SIGKILL, 5)
        self.sink.stop()
        self.redis.stop()
        self.dbs.drop_all()


def main():
    started = time.monotonic()
    smoke = Smoke()
    try:
        smoke.run()
    except SmokeFailure as failure:
        print(f"prod-smoke FALLÓ: {failure}", file=sys.stderr)
        print(f"registros en {smoke.work}", file=sys.stderr)
        for path in sorted(smoke.work.glob("*.log")):
            print(f"--- {path.name} (final)", file=sys.stderr)
            print("\n".join(path.read_text().splitlines()[-25:]), file=sys.stderr)
        return 1
    finally:
        smoke.cleanup()
    shutil.rmtree(smoke.work, ignore_errors=True)  # kept when it fails
    step(f"prod-smoke OK en {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
