"""The run's own thread: play, pause, one step, speed, and changes between weeks.

The page never waits for the models: buttons and levers put commands on a queue that
this thread runs between two weeks, so a run pauses at the end of the week in progress
and a lever moved mid-run lands cleanly on the next week. Figures are refreshed at most
every ``frame_seconds`` (each refresh draws every week run since the last), so drawing
never holds the simulation back more than it must.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
import time
from collections.abc import Callable

from placesim.scenario import InputError

# numba's parallel kernels already use every core, and some of its threading layers
# refuse to be entered from two threads at once: sessions take turns, a week at a time.
ENGINE_LOCK = threading.Lock()
log = logging.getLogger(__name__)


def explain(error: BaseException) -> str:
    """A message for the page: input errors as they are, anything else with its type."""
    return str(error) if isinstance(error, InputError) else f"{type(error).__name__}: {error}"


class Player:
    """Steps ``step()`` on its own thread while playing, at ``speed`` weeks a second
    (None: as fast as it goes); ``frame()`` refreshes the page, ``failed(message)`` shows
    an error (the run pauses and the page stays)."""

    def __init__(self, step: Callable[[], bool], frame: Callable[[], None],
                 failed: Callable[[str], None], context: object | None = None,
                 frame_seconds: float = 0.1):
        self._step, self._frame, self._failed = step, frame, failed
        self._context = context
        self.frame_seconds = frame_seconds
        self.speed: float | None = None
        self.playing = False
        self._commands: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        self._wake = threading.Event()
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._run, name="placesim-ui-run", daemon=True)
        self._thread.start()

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def submit(self, command: Callable[[], None]) -> None:
        """Run ``command`` on the run's thread before the next week."""
        self._commands.put(command)
        self._wake.set()

    def play(self) -> None:
        self.playing = True
        self._wake.set()

    def pause(self) -> None:
        """Stop after the week in progress; the page is refreshed to show it."""
        self.playing = False
        self.submit(lambda: None)

    def step_once(self) -> None:
        self.pause()
        self.submit(self._step_and_show)

    def close(self, timeout: float = 10.0) -> None:
        """Stop the thread (after the week in progress) and wait for it."""
        self.playing = False
        self._closed.set()
        self._wake.set()
        if threading.current_thread() is not self._thread:
            self._thread.join(timeout)

    def _step_and_show(self) -> None:
        with ENGINE_LOCK:
            self._step()

    def _guarded(self, action: Callable[[], object]) -> object:
        try:
            return action()
        except Exception as error:  # shown on the page; the session carries on
            log.exception("placesim UI run failed")
            self.playing = False
            self._failed(explain(error))
            return None

    def _run(self) -> None:
        with self._context if self._context is not None else contextlib.nullcontext():
            self._loop()

    def _loop(self) -> None:
        due = last_frame = 0.0
        dirty = False
        while not self._closed.is_set():
            while not self._commands.empty():
                self._guarded(self._commands.get())
                dirty = True
            if not self.playing:
                if dirty:
                    self._guarded(self._frame)
                    dirty, last_frame = False, time.perf_counter()
                self._wake.wait(0.5)
                self._wake.clear()
                due = 0.0
                continue
            now = time.perf_counter()
            if self.speed and due > now:
                self._wake.wait(due - now)
                self._wake.clear()
                continue
            due = max(due + 1.0 / self.speed, now) if self.speed else now
            with ENGINE_LOCK:
                more = self._guarded(self._step)
            dirty = True
            if not more:
                self.playing = False
            if time.perf_counter() - last_frame >= self.frame_seconds:
                self._guarded(self._frame)
                dirty, last_frame = False, time.perf_counter()
