"""How experiments execute their runs: one options object and the registry of executors.

:class:`ExecutorOptions` is taken by sweeps, comparisons and sensitivity analyses alike (and
by anything else that runs many tasks). The executors themselves live in
:mod:`throughflow.experiments.executors`, which registers ``serial``, ``processes`` and
``dask`` in :data:`EXECUTORS`; :func:`register_executor` adds another. This module is light
(it loads neither the model nor any executor), so options can be checked before anything
runs.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from throughflow.limits import MAX_WORKERS

Payload = dict[str, Any]
Result = dict[str, Any]
Hook = Callable[[bool], None]
"""Called by an executor whenever it is about to wait for a result: ``hook(blocking)``, with
``blocking`` true when it cannot call again until the wait is over (it runs a task itself)."""

BUILT_IN = ("serial", "processes", "dask")
"""The executors :mod:`throughflow.experiments.executors` registers."""


@dataclass(frozen=True)
class ExecutorOptions:
    """How the runs of a sweep, comparison or sensitivity analysis are executed.

    Attributes:
        executor: ``serial``, ``processes`` (default), ``dask``, or a registered name.
        workers: Worker processes (default: all cores); with ``dask`` and no scheduler, the
            size of the local cluster.
        scheduler: Address of a running Dask scheduler (``tcp://host:8786``); only with
            ``dask`` (without it, ``dask`` starts a local cluster on 127.0.0.1).
        timeout: Seconds a Dask cluster may be unreachable or without any worker before the
            sweep stops with an error (finished runs are kept).
    """

    executor: str = "processes"
    workers: int | None = None
    scheduler: str | None = None
    timeout: float = 120.0

    def __post_init__(self) -> None:
        names = executor_names()
        if self.executor not in names:
            raise ValueError(f"unknown executor {self.executor!r} (choose from {', '.join(names)})")
        if self.workers is not None and (
            not isinstance(self.workers, int) or isinstance(self.workers, bool) or not 1 <= self.workers <= MAX_WORKERS
        ):
            raise ValueError(f"workers must be an integer from 1 to {MAX_WORKERS} (got {self.workers!r})")
        if self.scheduler is not None and self.executor != "dask":
            raise ValueError(f"a Dask scheduler address needs the dask executor (not {self.executor})")
        if not 0 < self.timeout <= 86_400:
            raise ValueError(f"the Dask timeout must be from 0 to 86400 seconds (got {self.timeout!r})")

    @property
    def n_workers(self) -> int:
        """Workers to start (default: all cores)."""
        return self.workers or os.cpu_count() or 1


def executor_options(
    options: ExecutorOptions | None = None,
    executor: str | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
) -> ExecutorOptions:
    """One options object from an options object and/or individual settings (which win).

    Raises:
        ValueError: An unknown executor, workers out of bounds, or a scheduler without ``dask``.
    """
    base = options or ExecutorOptions()
    changes: dict[str, Any] = {}
    if executor is not None:
        changes["executor"] = executor
    if workers is not None:
        changes["workers"] = workers
    if scheduler is not None:
        changes["scheduler"] = scheduler
    return replace(base, **changes) if changes else base


Runner = Callable[[Iterable[Payload], ExecutorOptions, Hook | None], Iterator[Result]]
"""An executor: yields the results of the payloads in completion order, and calls the hook
(if any) whenever it is about to wait for a result, and at least every quarter of a second
while it waits."""

EXECUTORS: dict[str, Runner] = {}
"""Executors by name (filled by :mod:`throughflow.experiments.executors` and :func:`register_executor`)."""


def register_executor(name: str) -> Callable[[Runner], Runner]:
    """Register an executor under ``name`` (a decorator)."""

    def add(runner: Runner) -> Runner:
        EXECUTORS[name] = runner
        return runner

    return add


def executor_names() -> tuple[str, ...]:
    """Names of the built-in and registered executors."""
    return tuple(dict.fromkeys((*BUILT_IN, *EXECUTORS)))
