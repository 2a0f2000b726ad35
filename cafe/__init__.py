"""Café con el Secretario: project package (settings, urls, Celery wiring)."""

from .celery import app as celery_app

__all__ = ("celery_app",)
