"""Settings for the benchmark's processes: the product's, plus the floor pages.

Production settings stay free of anything the benchmark needs; its gunicorn, its
Celery worker and its measuring children run with ``DJANGO_SETTINGS_MODULE`` set to
this module.
"""

from cafe.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
