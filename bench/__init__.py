"""The benchmark (``make bench``, ``python -m bench``): not part of the product.

It serves the project with gunicorn on its own PostgreSQL databases, Redis servers,
Celery worker and SMTP sink, drives it with locust, and holds the results to the
targets in docs/performance.md. It only uses the apps' models, services and URLs.
"""
