"""How a long job reports where it is: services yield Progress, the one background runner shows it."""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")  # for the Job alias


@dataclass(frozen=True)
class Progress:
    """``done`` of ``total`` steps (total 0: unknown), with a short note for the progress bar."""

    done: int
    total: int = 0
    note: str = ""


# A long job: yields Progress between steps (where it may be cancelled) and returns its result.
Job = Generator[Progress, None, T]


def run_to_end[R](job: Job[R]) -> R:
    """Run a job with no progress display (the command line, tests): its result."""
    while True:
        try:
            next(job)
        except StopIteration as stop:
            return stop.value
