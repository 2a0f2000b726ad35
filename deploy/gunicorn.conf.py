"""gunicorn settings for production (``gunicorn -c deploy/gunicorn.conf.py cafe.wsgi``).

Read from the environment (deploy/cafe.env.example): GUNICORN_BIND (or PORT),
GUNICORN_WORKERS, GUNICORN_TIMEOUT. With PROMETHEUS_MULTIPROC_DIR set, each worker
writes its metrics there and /metrics adds them up: the folder is emptied when the
server starts and a dead worker's files are marked so its gauges do not linger.
"""

import os
import shutil
from pathlib import Path

bind = os.environ.get("GUNICORN_BIND") or f"127.0.0.1:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("GUNICORN_WORKERS") or 2 * (os.cpu_count() or 1) + 1)
worker_class = "sync"
# A request that takes longer than this is killed (and logged as a 500 by the proxy).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then (slow leaks), not all at once.
max_requests = 2000
max_requests_jitter = 200
# The reverse proxy on the same machine is the only one trusted for X-Forwarded-*.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
# One JSON line per request comes from the application (cafe.ops.logs): no access log.
accesslog = None
errorlog = "-"
loglevel = "info"
proc_name = "cafe-web"
# Reload with a HUP (systemctl reload cafe-web); no control socket in $HOME, which
# is read-only under the unit and would be shared by two servers on one machine.
control_socket_disable = True


def on_starting(server):
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
        Path(folder).mkdir(parents=True, exist_ok=True)


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
