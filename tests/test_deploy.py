"""What an operator installs (deploy/) agrees with what the smoke run runs (Procfile)
and with what the settings read."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
UNITS = DEPLOY / "systemd"
PROCESSES = {"web": "cafe-web", "worker": "cafe-worker", "beat": "cafe-beat"}
HARDENING = {
    "User": "cafe",
    "Group": "cafe",
    "NoNewPrivileges": "yes",
    "ProtectSystem": "strict",
    "PrivateTmp": "yes",
    "ProtectHome": "yes",
    "EnvironmentFile": "/etc/cafe/cafe.env",
    "WorkingDirectory": "/opt/cafe",
}


def procfile() -> dict[str, str]:
    lines = (ROOT / "Procfile").read_text().splitlines()
    return dict(line.split(": ", 1) for line in lines if line.strip())


def unit(name: str) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for line in (UNITS / name).read_text().splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            key, value = line.split("=", 1)
            values.setdefault(key, []).append(value)
    return values


def test_the_units_run_the_procfile_commands():
    commands = procfile()
    assert set(commands) == set(PROCESSES)
    for process, name in PROCESSES.items():
        (start,) = unit(f"{name}.service")["ExecStart"]
        assert start == f"/opt/cafe/.venv/bin/{commands[process]}", name


@pytest.mark.parametrize(
    "name", [*(f"{n}.service" for n in PROCESSES.values()), "cafe-backup.service"]
)
def test_every_unit_is_hardened(name):
    values = unit(name)
    for key, expected in HARDENING.items():
        assert values.get(key) == [expected], f"{name}: {key}"
    assert values["CapabilityBoundingSet"] == [""]
    # ProtectSystem=strict: everything is read-only but what it must write.
    writable = " ".join(
        values.get("ReadWritePaths", [])
        + values.get("StateDirectory", [])
        + values.get("RuntimeDirectory", [])
    )
    assert writable, f"{name}: nothing writable"


def test_exactly_one_scheduler():
    beat = [p for p, c in procfile().items() if " beat" in c]
    assert beat == ["beat"]
    assert "Exactly ONE" in (UNITS / "cafe-beat.service").read_text()


def test_the_units_pass_systemd_analyze_verify(tmp_path):
    """The units as installed, with /opt/cafe pointed at this checkout and its
    virtualenv, so that systemd also checks that each command exists."""
    tool = shutil.which("systemd-analyze")
    if tool is None:
        pytest.skip("systemd-analyze no está instalado (paquete systemd)")
    venv = Path(sys.executable).parent.parent
    names = sorted(p.name for p in UNITS.iterdir())
    for name in names:
        text = (UNITS / name).read_text()
        text = text.replace("/opt/cafe/.venv", str(venv))
        text = text.replace("/opt/cafe", str(ROOT))
        (tmp_path / name).write_text(text)
    done = subprocess.run(
        [tool, "verify", "--man=no", *(str(tmp_path / n) for n in names)],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    output = (done.stdout + done.stderr).strip()
    assert done.returncode == 0 and output == "", output


def test_the_env_example_lists_every_variable_the_settings_read():
    read = set()
    for path in (ROOT / "cafe" / "settings.py", DEPLOY / "gunicorn.conf.py"):
        text = path.read_text()
        read |= set(re.findall(r"env(?:\.\w+)?\(\s*[\"']([A-Z][A-Z0-9_]+)[\"']", text))
        read |= set(re.findall(r"environ\.get\(\s*[\"']([A-Z][A-Z0-9_]+)[\"']", text))
    assert {"DJANGO_SECRET_KEY", "DATABASE_URL", "PORT", "GUNICORN_BIND"} <= read
    example = (DEPLOY / "cafe.env.example").read_text()
    listed = set(re.findall(r"^#?([A-Z][A-Z0-9_]+)=", example, re.M))
    assert sorted(read - listed) == [], "variables sin documentar"
    assert sorted(listed - read) == [], "variables que nada lee"


def test_the_proxy_example():
    conf = (DEPLOY / "nginx" / "cafe.conf").read_text()
    assert "listen 443 ssl" in conf
    assert "return 301 https://" in conf
    assert "location = /metrics { return 404; }" in conf
    assert "client_max_body_size" in conf
    assert "proxy_set_header X-Request-ID" in conf
    assert "alias /opt/cafe/staticfiles/;" in conf
    for header in ("Strict-Transport-Security", "X-Content-Type-Options"):
        assert f"add_header {header}" in conf
