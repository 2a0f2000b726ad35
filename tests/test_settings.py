"""Settings come from the environment; production settings pass the deploy checks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "cafe.settings",
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "p" * 20 + "-R4nd0m-pr0duct10n-k3y-" + "q" * 30,
    "DJANGO_ALLOWED_HOSTS": "cafe.secretariageneral.gov.co",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://cafe.secretariageneral.gov.co",
    "DATABASE_URL": "sqlite:////tmp/cafe-deploy-check.sqlite3",
}


def run_python(code: str, **env) -> str:
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CAFE_"))
    }
    clean.pop("DATABASE_URL", None)
    clean.update({"DJANGO_SETTINGS_MODULE": "cafe.settings", **env})
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip()


PRINT_DB = (
    "import django; django.setup(); from django.conf import settings as s; "
    "d = s.DATABASES['default']; print(d['ENGINE'], d['NAME'], d.get('HOST', ''))"
)


def test_sqlite_is_the_default_database():
    engine, name, _host = (run_python(PRINT_DB) + " ").split(" ", 2)
    assert engine == "django.db.backends.sqlite3"
    assert name == str(ROOT / "db.sqlite3")


def test_postgresql_comes_from_database_url():
    out = run_python(
        PRINT_DB, DATABASE_URL="postgres://cafe:s3cret@db.interno:5432/cafe"
    )
    assert out == "django.db.backends.postgresql cafe db.interno"


def test_deployment_identity_comes_from_the_environment():
    code = (
        "import django; django.setup(); from cafe.branding import brand; "
        "b = brand(); "
        "print(b['entity_name'], '|', b['leader_title'], '|', b['bulletin_name'])"
    )
    out = run_python(
        code,
        CAFE_ENTITY_NAME="Secretaría de Ejemplo",
        CAFE_LEADER_TITLE="Secretaria de Despacho",
        CAFE_BULLETIN_NAME="Somos Uno",
    )
    assert out == "Secretaría de Ejemplo | Secretaria de Despacho | Somos Uno"


def test_language_and_time_zone():
    assert settings.LANGUAGE_CODE == "es-co"
    assert settings.TIME_ZONE == "America/Bogota"
    assert settings.USE_TZ is True
    assert settings.EMAIL_TIMEOUT


def test_check_deploy_is_clean_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            **{
                k: v
                for k, v in os.environ.items()
                if k not in {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
            },
            **PRODUCTION_ENV,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_the_development_secret_key():
    code = "import cafe.wsgi"
    env = {**PRODUCTION_ENV}
    env.pop("DJANGO_SECRET_KEY")
    with pytest.raises(subprocess.CalledProcessError) as error:
        run_python(code, **env)
    assert "DJANGO_SECRET_KEY must be set" in error.value.stderr


def test_production_cookies_and_hsts():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, "
        "s.SESSION_COOKIE_SAMESITE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, "
        "s.SECURE_SSL_REDIRECT)"
    )
    out = run_python(code, **PRODUCTION_ENV)
    assert out == "True True Lax True 31536000 True"


def test_runs_on_postgresql_in_ci(postgres):
    assert postgres.vendor == "postgresql"


PRINT_CONNECTIONS_AND_CACHE = (
    "import django; django.setup(); from django.conf import settings as s; "
    "d = s.DATABASES['default']; c = s.CACHES['default']; "
    "print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'], c['BACKEND'], "
    "c.get('OPTIONS', {}).get('socket_timeout'))"
)


def test_production_keeps_database_connections_and_a_fail_open_cache():
    env = {**PRODUCTION_ENV, "CACHE_URL": "redis://127.0.0.1:6379/2"}
    assert run_python(PRINT_CONNECTIONS_AND_CACHE, **env) == (
        "60 True cafe.common.cache.FailOpenRedisCache 0.5"
    )


def test_debug_opens_a_connection_per_request_unless_told_otherwise():
    out = run_python(PRINT_CONNECTIONS_AND_CACHE, DJANGO_DEBUG="1")
    assert out == "0 True django.core.cache.backends.locmem.LocMemCache None"
    out = run_python(
        PRINT_CONNECTIONS_AND_CACHE, DJANGO_DEBUG="1", DJANGO_CONN_MAX_AGE="30"
    )
    assert out.startswith("30 True")
