"""Stopping on Ctrl-C (SIGINT) and SIGTERM: cleanly the first time, at once the second.

Python delivers a signal by raising an exception wherever the main thread happens to be. Inside
the machinery of a process pool or a Dask client that can leave a lock held and the program
hanging, which is what two quick Ctrl-C presses used to do. So while :func:`stopping_on_signals`
is active:

* the first SIGINT or SIGTERM raises :class:`Interrupted` (a ``KeyboardInterrupt``) at once
  when the main thread is in ordinary code (a model run, writing results), and otherwise
  — inside a :func:`critical` section, where executors wait for results or manage workers —
  only records the request, which the executors raise (:func:`check`) at their next safe
  point, at least every quarter of a second while they wait;
* with ``hard_exit`` (the command line), a second signal ends the process at once, from a
  thread that does not depend on the main thread: it kills the worker processes and calls
  ``os._exit``. Without it (a notebook), a second signal is another ``KeyboardInterrupt``.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Callable, Iterator

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupted(KeyboardInterrupt):
    """A SIGINT or SIGTERM asked the program to stop.

    Attributes:
        signum: The signal.
    """

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


class _State:
    def __init__(self) -> None:
        self.active = False
        self.requested: int | None = None
        self.critical = 0
        self.received = 0


_STATE = _State()


def requested() -> int | None:
    """The signal that asked to stop, if one did."""
    return _STATE.requested


def check() -> None:
    """Raise :class:`Interrupted` if a stop was requested."""
    if _STATE.requested is not None:
        raise Interrupted(_STATE.requested)


@contextlib.contextmanager
def critical() -> Iterator[None]:
    """A section in which a signal is only recorded; the code calls :func:`check` at its safe points.

    Nothing is raised when the section ends: it may end while an exception (or a generator's
    close) is already unwinding the stack, where a second exception would be lost.
    """
    _STATE.critical += 1
    try:
        yield
    finally:
        _STATE.critical -= 1


def _watch(read_fd: int, on_hard_exit: Callable[[], None] | None) -> None:
    """Count the signals written to the wakeup file descriptor; end the process at the second."""
    count = 0
    while True:
        try:
            data = os.read(read_fd, 64)
        except OSError:
            data = b""
        if not data:
            with contextlib.suppress(OSError):
                os.close(read_fd)
            return
        for signum in data:
            if signum not in SIGNALS:
                continue
            count += 1
            if count >= 2:
                with contextlib.suppress(Exception):
                    if on_hard_exit is not None:
                        on_hard_exit()
                with contextlib.suppress(OSError):
                    os.write(2, b"\nthroughflow: stopped at once; runs not yet written are lost\n")
                os._exit(128 + signum)


@contextlib.contextmanager
def stopping_on_signals(
    hard_exit: bool = False, on_hard_exit: Callable[[], None] | None = None, restore: bool = True
) -> Iterator[None]:
    """Handle SIGINT and SIGTERM as described in the module docstring, for the duration of the block.

    Does nothing outside the main thread, or when already active (the outer block decides).

    Args:
        hard_exit: End the process at a second signal (for the command line).
        on_hard_exit: Called just before that (to kill worker processes).
        restore: Restore the previous handlers at the end. ``False`` is for a process that
            ends right after the block: a signal arriving while it exits then ends it with
            the usual exit code, not a ``KeyboardInterrupt`` traceback.
    """
    if _STATE.active or threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: object) -> None:
        _STATE.received += 1
        if _STATE.requested is None:
            _STATE.requested = signum
            if _STATE.critical == 0:
                raise Interrupted(signum)
        elif not hard_exit and _STATE.critical == 0:
            raise Interrupted(signum)

    read_fd = write_fd = -1
    previous_fd = None
    previous = {sig: signal.getsignal(sig) for sig in SIGNALS}
    _STATE.active, _STATE.requested, _STATE.received, _STATE.critical = True, None, 0, 0
    try:
        if hard_exit:
            read_fd, write_fd = os.pipe()
            os.set_blocking(write_fd, False)
            previous_fd = signal.set_wakeup_fd(write_fd, warn_on_full_buffer=False)
            threading.Thread(target=_watch, args=(read_fd, on_hard_exit), daemon=True, name="second-signal").start()
        for sig in SIGNALS:
            signal.signal(sig, handler)
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, (old if old is not None else signal.SIG_DFL) if restore else _exit_now)
        if hard_exit:
            signal.set_wakeup_fd(previous_fd if previous_fd is not None else -1)
            os.close(write_fd)  # the watcher reads end-of-file and returns
        _STATE.active, _STATE.requested, _STATE.critical = False, None, 0


def _exit_now(signum: int, frame: object) -> None:
    os._exit(128 + signum)


def exit_code(signum: int) -> int:
    """The conventional exit code of a process stopped by ``signum`` (130 for SIGINT, 143 for SIGTERM)."""
    return 128 + signum


def name(signum: int) -> str:
    """``SIGINT``, ``SIGTERM``, ..."""
    try:
        return signal.Signals(signum).name
    except ValueError:
        return f"signal {signum}"


__all__ = ["Interrupted", "check", "critical", "exit_code", "name", "requested", "stopping_on_signals"]
