"""Demo data steps: each app registers a function that ``seed_demo`` calls in order.

Steps must be idempotent (running ``seed_demo`` twice creates nothing twice).
"""

from collections.abc import Callable

_steps: list[Callable] = []


def register_demo_step(step: Callable) -> None:
    """Register ``step(stdout)`` to run after the people and dependencies exist."""
    if step not in _steps:
        _steps.append(step)


def run_demo_steps(stdout) -> None:
    for step in _steps:
        step(stdout)
