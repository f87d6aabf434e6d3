"""Progress of long, silent steps (a cell running, a download): a note every few seconds while they last.

Sphinx-free: the build's executor and its asset downloads both use it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable


class Ticker:
    """Calls ``say(step, seconds)`` while a step lasts: first after ``first`` seconds, then every ``every``.

    ``start(step)`` begins a step (a cell, a download) and restarts the clock; the thread only reads
    which step runs and since when, so a step may start from any thread.
    """

    def __init__(self, say: Callable[[Hashable, float], None], first: float, every: float) -> None:
        self.say = say
        self.first = first
        self.every = every
        self.step: tuple[Hashable, float] | None = None
        self.done = threading.Event()

    def start(self, step: Hashable) -> None:
        """The step ``step`` begins now."""
        self.step = (step, time.monotonic())

    def __enter__(self) -> Ticker:
        threading.Thread(target=self._tick, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.done.set()

    def _tick(self) -> None:
        told: tuple[Hashable, float] | None = None
        due = self.first
        while not self.done.wait(0.25):
            step = self.step
            if step is None:
                continue
            if step != told:
                told, due = step, self.first
            seconds = time.monotonic() - step[1]
            if seconds >= due and not self.done.is_set():
                self.say(step[0], seconds)
                due += self.every
