"""The performance benchmark (`make bench`): page timings and query counts at two
scales, the registration rush against gunicorn, and the bulletin fan-out. Development
tooling only; nothing here is imported by the application."""
