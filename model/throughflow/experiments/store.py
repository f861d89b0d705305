"""The results store of a sweep: one folder, atomic writes, one writer, resumable.

Layout of ``results/<sweep name>/``::

    manifest.json           sweep file, its hash, package version, code hash, git commit, environment
    sweep.yaml              the sweep file as given
    design.parquet          design points: factor levels and parameter values
    runs/part-*.parquet     finished runs (one row per run), each file written atomically
    runs.parquet            all runs in run order (written when a sweep completes)
    posterior_draws.parquet with a calibration posterior: the parameter set of each replicate
    timeseries/point=P/rep=K.parquet   optional time series, written before the run's row
    .lock                   held by the process writing the store

A run counts as finished once its row is in a part file. Parts are written to a temporary
name and renamed, so a sweep killed at any moment (even ``kill -9``) leaves only complete
parts; resuming reruns the runs that have no row, and since every run is deterministic in
its seed the final table equals that of an uninterrupted sweep. A run that repeats another
(see :mod:`throughflow.experiments.sweep`) gets a copy of that run's row, written after it;
its ``same_as`` column names the run it copies.

Finished rows are written while the executor waits for the next result: at once when the
previous write is at least ``flush_seconds`` (1 s) old, else as soon as it is; so a row reaches
disk within about a second of its run finishing, whatever the count, and when results come
fast they are written together. Small parts are merged now and then (and into one when the
sweep completes) so the folder stays small. Every part has the same columns and types, so the
folder reads with plain ``pandas.read_parquet(store / "runs")`` (rows in completion order;
:func:`load_runs` returns them in run order, and also drops the duplicates that a kill in
the middle of a merge can leave until the next resume removes them). Parts carry page
checksums, so a damaged part is reported instead of read.

One process writes a store at a time: :meth:`Store.lock` takes an exclusive lock on
``.lock`` (released by the operating system when the process ends, however it ends), and a
second writer is refused with a message naming the first. Readers need no lock.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import socket
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from throughflow.experiments.design import Sweep
from throughflow.experiments.executors import output_columns
from throughflow.experiments.interrupts import critical
from throughflow.experiments.outputs import OutputError, atomic_text, atomic_write, describe, environment, make_dirs

VOLATILE = ("wall_seconds", "worker", "same_as")
"""Columns that legitimately differ between executions (excluded from equality checks).

``same_as`` is empty for a run that ran and names the run whose row was copied for a run
that repeats it (it depends on whether repeated runs were skipped).
"""

MERGE_PARTS = 32
"""Parts below :data:`MERGE_ROWS` rows that trigger a merge of those parts into one."""

MERGE_ROWS = 2048
"""Parts with fewer rows than this are merged with each other."""


class StoreError(RuntimeError):
    """The results folder cannot be used as asked (exists, mismatched, unreadable, in use)."""


class StoreBusy(StoreError):
    """Another process is writing the store."""


LOCK_PATIENCE = 20
"""Tries, 0.1 s apart, to take a store's lock before another writer is reported."""

_HELD: dict[Path, tuple[int, int]] = {}
"""Locks held by this process: store folder -> (file descriptor, depth)."""


def _locked(fd: int, path: Path) -> bool:
    """Take the exclusive lock on ``fd`` if it is free; whether this process holds it now."""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
            return False
        os.close(fd)
        raise StoreError(f"{path}: cannot lock ({describe(exc)})") from None
    return True


def run_schema(sweep: Sweep) -> pa.Schema:
    """Columns and types of a sweep's run table (the same in every part)."""
    first = sweep.points()[:1]
    factors = list(first[0][0]) if first else [f.name for f in sweep.factors]
    fields = [
        pa.field("run_id", pa.string()),
        pa.field("point", pa.int64()),
        pa.field("replicate", pa.int64()),
        pa.field("seed", pa.int64()),
        *(pa.field(f"factor:{name}", pa.string()) for name in factors),
        pa.field("status", pa.string()),
        pa.field("error", pa.string()),
    ]
    for name, kind in output_columns(sweep.cost_outputs):
        fields.append(pa.field(name, pa.list_(pa.float64()) if kind == "curve" else pa.float64()))
    fields += [pa.field("wall_seconds", pa.float64()), pa.field("worker", pa.string()), pa.field("same_as", pa.string())]
    return pa.schema(fields)


def read_part(path: Path, columns: list[str] | None = None) -> pa.Table:
    """Read one part file, verifying its page checksums.

    Raises:
        FileNotFoundError: The part was merged away meanwhile (the caller lists again).
        StoreError: The part is damaged (one line naming it).
    """
    try:
        return pq.read_table(path, columns=columns, page_checksum_verification=True)
    except FileNotFoundError:
        raise
    except (OSError, pa.ArrowException, ValueError) as exc:
        raise StoreError(
            f"{path}: damaged part file ({describe(exc)}); move it out of {path.parent} and resume to rerun its runs"
        ) from None


class Store:
    """A sweep's results folder.

    Args:
        root: The folder.
        flush_rows: Rows buffered before a part is written even while results keep coming.
        flush_seconds: Shortest time between two writes while results keep coming (see
            :meth:`write_finished`).
    """

    def __init__(self, root: Path, flush_rows: int = 64, flush_seconds: float = 1.0) -> None:
        self.root = Path(root)
        self.flush_rows = flush_rows
        self.flush_seconds = flush_seconds
        self.schema: pa.Schema | None = None
        self._buffer: list[dict[str, Any]] = []
        self._last_write = 0.0
        self._parts = 0
        self._small: dict[Path, int] = {}  # parts below MERGE_ROWS rows -> their rows
        self._written: dict[Path, pa.Table] = {}  # small parts written by this process, kept for merging

    # ------------------------------------------------------------------ lock

    @property
    def lock_path(self) -> Path:
        """The lock file."""
        return self.root / ".lock"

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the store's writer lock (re-entrant within a process).

        Raises:
            StoreBusy: Another process holds it.
        """
        key = self.root.resolve()
        if key in _HELD:
            fd, depth = _HELD[key]
            _HELD[key] = (fd, depth + 1)
            try:
                yield
            finally:
                fd, depth = _HELD[key]
                _HELD[key] = (fd, depth - 1)
            return
        make_dirs(self.root)
        try:
            fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o666)
        except OSError as exc:
            raise OutputError(f"{self.lock_path}: cannot create lock file ({describe(exc)})") from None
        acquired, holder = False, ""
        for attempt in range(LOCK_PATIENCE):
            acquired = _locked(fd, self.lock_path)
            if acquired:
                break
            # the holder signs the lock once its store is in use; a command that is about to be
            # refused holds it unsigned, and only for a moment
            holder = os.pread(fd, 512, 0).decode(errors="replace").strip()
            if holder and attempt >= 2:
                break
            time.sleep(0.1)
        if not acquired:
            os.close(fd)
            raise StoreBusy(
                f"{self.root}: in use by another throughflow process ({holder or 'starting'}); "
                "wait for it to finish or use another --out"
            )
        _HELD[key] = (fd, 1)
        try:
            yield
        finally:
            fd, depth = _HELD[key]
            if depth <= 1:
                del _HELD[key]
                os.close(fd)  # releases the lock
            else:
                _HELD[key] = (fd, depth - 1)

    def _require_lock(self) -> None:
        if self.root.resolve() not in _HELD:
            raise RuntimeError(f"{self.root}: write the store inside `with store.lock():`")

    def _sign_lock(self) -> None:
        """Write who holds the lock into it (named to a second writer); only once the store is in use."""
        fd, _ = _HELD[self.root.resolve()]
        stamp = f"pid {os.getpid()} on {socket.gethostname()} since {datetime.now(UTC).isoformat(timespec='seconds')}"
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
            os.pwrite(fd, stamp.encode(), 0)

    # ------------------------------------------------------------------ create / open

    @property
    def manifest_path(self) -> Path:
        """Path of the manifest."""
        return self.root / "manifest.json"

    def exists(self) -> bool:
        """Whether a store was already created here."""
        return self.manifest_path.is_file()

    def create(self, sweep: Sweep, design: pd.DataFrame) -> None:
        """Create the store for ``sweep`` (refuses to overwrite an existing one)."""
        self._require_lock()
        if self.exists():
            raise StoreError(
                f"{self.root}: a results store already exists; use --resume to continue it or --out for a new folder"
            )
        self.schema = run_schema(sweep)
        self._sign_lock()
        make_dirs(self.root / "runs")
        atomic_text(self.root / "sweep.yaml", sweep.text)
        atomic_write(self.root / "design.parquet", lambda p: design.to_parquet(p, index=False))
        if sweep.posterior:
            draws = pd.DataFrame(sweep.posterior.draws(sweep.replications, sweep.seed)).rename_axis("replicate").reset_index()
            atomic_write(self.root / "posterior_draws.parquet", lambda p: draws.to_parquet(p, index=False))
        manifest = {
            "sweep": sweep.name,
            "source": sweep.source,
            "sweep_hash": sweep.digest,
            "replications": sweep.replications,
            "seed": sweep.seed,
            "replicate_seeds": sweep.replicate_seeds(),
            "runs": sweep.size(),
            **(
                {
                    "posterior": {
                        "source": sweep.posterior.source,
                        "digest": sweep.posterior.digest,
                        "parameters": list(sweep.posterior.names),
                    }
                }
                if sweep.posterior
                else {}
            ),
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            **environment(),
        }
        atomic_text(self.manifest_path, json.dumps(manifest, indent=2))

    def manifest(self) -> dict[str, Any]:
        """The store's manifest.

        Raises:
            StoreError: It is missing or unreadable.
        """
        try:
            data = json.loads(self.manifest_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise StoreError(f"{self.root}: not a results store (no manifest.json)") from None
        except (OSError, ValueError):
            raise StoreError(f"{self.manifest_path}: unreadable manifest") from None
        if not isinstance(data, dict):
            raise StoreError(f"{self.manifest_path}: unreadable manifest")
        return data

    def open(self, sweep: Sweep, allow_code_change: bool = False) -> None:
        """Open an existing store for resuming; the sweep must be the same, and so must the model code.

        Args:
            sweep: The sweep being resumed.
            allow_code_change: Resume even if the store was written by other model code (the
                manifest records each such resume).

        Raises:
            StoreError: No store, another sweep, other model code, or a damaged part.
        """
        self._require_lock()
        if not self.exists():
            raise StoreError(f"{self.root}: no results store to resume")
        manifest = self.manifest()
        if manifest.get("sweep_hash") != sweep.digest:
            raise StoreError(f"{self.root}: holds a different sweep (hash {manifest.get('sweep_hash')} != {sweep.digest})")
        now = environment()
        if not allow_code_change:
            for key, what in (("code_hash", "model code"), ("throughflow", "throughflow version")):
                if manifest.get(key) != now.get(key):
                    raise StoreError(
                        f"{self.root}: was written by {what} {manifest.get(key)}, this is {now.get(key)}; resuming would mix "
                        "results of two versions (use another --out, or --allow-code-change to resume anyway)"
                    )
        self.schema = run_schema(sweep)
        ids = self._verify()
        self._sign_lock()
        make_dirs(self.root / "runs")
        self._tidy(ids)
        if manifest.get("code_hash") != now.get("code_hash") or manifest.get("throughflow") != now.get("throughflow"):
            resumes = list(manifest.get("resumed_with_other_code", []))
            resumes.append(
                {
                    "time": datetime.now(UTC).isoformat(timespec="seconds"),
                    **{k: now[k] for k in ("throughflow", "code_hash", "git_commit", "git_dirty")},
                }
            )
            atomic_text(self.manifest_path, json.dumps({**manifest, "resumed_with_other_code": resumes}, indent=2))

    def _verify(self) -> dict[Path, set[str]]:
        """Read every part in full (checking every page), before anything is written; run ids per part."""
        ids = {}
        for part in self.part_files():
            table = read_part(part)
            ids[part] = set(table.column("run_id").to_pylist()) if "run_id" in table.column_names else set()
        return ids

    def _tidy(self, ids: dict[Path, set[str]]) -> None:
        """Remove what an interrupted writer leaves: temporary files, and parts a merge made redundant."""
        for folder in (self.root, self.root / "runs"):
            for tmp in folder.glob(".*.parquet.*"):
                with contextlib.suppress(OSError):
                    tmp.unlink()
        for part, own in sorted(ids.items(), key=lambda item: (len(item[1]), item[0])):
            # its rows were merged into another part (larger, or written later) before the merge finished
            if own and any(
                other != part and own <= rows and (len(rows) > len(own) or other > part) for other, rows in ids.items()
            ):
                part.unlink()
                del ids[part]
        for part, own in ids.items():
            if len(own) < MERGE_ROWS:
                self._small[part] = len(own)

    # ------------------------------------------------------------------ parts

    def part_files(self) -> list[Path]:
        """Finished part files, in write order."""
        return sorted((self.root / "runs").glob("part-*.parquet"))

    def _read_parts(self, columns: list[str] | None = None) -> list[pa.Table]:
        for _ in range(20):  # a concurrent writer may merge parts away while we read
            try:
                return [read_part(part, columns) for part in self.part_files()]
            except FileNotFoundError:
                time.sleep(0.05)
        raise StoreError(f"{self.root}: parts keep changing while being read; try again")

    def finished(self) -> set[str]:
        """Run ids that have a row (ok or failed)."""
        done: set[str] = set()
        for table in self._read_parts(["run_id"]):
            done.update(table.column("run_id").to_pylist())
        return done

    def add(self, row: dict[str, Any]) -> None:
        """Buffer a finished run's row; write when the buffer is full."""
        self._buffer.append(row)
        if len(self._buffer) >= self.flush_rows:
            self.flush()

    def write_finished(self, blocking: bool = True) -> None:
        """Write the buffered rows now if ``blocking`` (the caller will wait for long), else if a write is due.

        A write is due when the last one is at least ``flush_seconds`` old: a row then reaches
        disk at once when runs finish slowly, and rows that come fast are written together,
        at most a second after they finished (the executors call this every quarter of a
        second while they wait).
        """
        if self._buffer and (blocking or time.monotonic() - self._last_write >= self.flush_seconds):
            self.flush()

    def pending(self) -> int:
        """Rows waiting in memory."""
        return len(self._buffer)

    def _table(self, rows: list[dict[str, Any]]) -> pa.Table:
        if self.schema is None:
            raise RuntimeError("create or open the store before adding rows")
        names = set(self.schema.names)
        extra = sorted({k for row in rows for k in row} - names)
        if extra:
            raise StoreError(f"{self.root}: a run produced columns the store does not declare: {', '.join(extra[:5])}")
        try:
            return pa.Table.from_pylist(rows, schema=self.schema)
        except (pa.ArrowException, TypeError, ValueError) as exc:
            raise StoreError(f"{self.root}: a run's row does not fit the store's columns ({describe(exc)})") from None

    def _write(self, table: pa.Table) -> Path:
        stamp = f"{time.time_ns():020d}-{os.getpid()}-{self._parts:05d}"
        path = self.root / "runs" / f"part-{stamp}.parquet"
        atomic_write(path, lambda p: pq.write_table(table, p, write_page_checksum=True, compression="zstd"))
        self._parts += 1
        return path

    def flush(self) -> None:
        """Write buffered rows as one new part file (atomically); merge small parts when there are many."""
        if not self._buffer:
            return
        self._require_lock()
        table = self._table(self._buffer)
        with critical():  # a Ctrl-C must not fall between writing the rows and forgetting them
            path = self._write(table)
            self._buffer.clear()
        self._last_write = time.monotonic()
        if table.num_rows < MERGE_ROWS:
            self._small[path] = table.num_rows
            self._written[path] = table
        if len(self._small) >= MERGE_PARTS:
            self.merge(list(self._small))

    def _conform(self, table: pa.Table) -> pa.Table:
        """A part in the store's columns and types (parts written by earlier versions may differ)."""
        if self.schema is None or table.schema.equals(self.schema):
            return table
        columns = [
            table.column(f.name).cast(f.type) if f.name in table.column_names else pa.nulls(table.num_rows, f.type)
            for f in self.schema
        ]
        return pa.Table.from_arrays(columns, schema=self.schema)

    def merge(self, parts: list[Path]) -> None:
        """Replace ``parts`` by one part holding their rows (written before they are removed)."""
        self._require_lock()
        if len(parts) < 2:
            return
        tables = [self._conform(self._written[p] if p in self._written else read_part(p)) for p in sorted(parts)]
        merged = pa.concat_tables(tables, promote_options="permissive")
        with critical():  # nor between writing the merged part and removing the parts it replaces
            path = self._write(merged)
            for part in parts:
                part.unlink(missing_ok=True)
                self._small.pop(part, None)
                self._written.pop(part, None)
        if merged.num_rows < MERGE_ROWS:
            self._small[path] = merged.num_rows
            self._written[path] = merged

    # ------------------------------------------------------------------ time series

    def timeseries_path(self, point: int, replicate: int) -> Path:
        """Where the time series of a run is stored."""
        return self.root / "timeseries" / f"point={point:05d}" / f"rep={replicate:03d}.parquet"

    def write_timeseries(self, point: int, replicate: int, table: pd.DataFrame) -> None:
        """Store one run's time series (before its row is added)."""
        atomic_write(self.timeseries_path(point, replicate), lambda p: table.to_parquet(p, index=False))

    def copy_timeseries(self, source: tuple[int, int], target: tuple[int, int]) -> bool:
        """Copy the stored time series of run ``source`` (point, replicate) to run ``target``.

        Returns:
            Whether the source had a time series (a failed run has none).
        """
        path = self.timeseries_path(*source)
        if not path.is_file():
            return False
        data = path.read_bytes()

        def write(p: Path) -> None:
            p.write_bytes(data)

        atomic_write(self.timeseries_path(*target), write)
        return True

    # ------------------------------------------------------------------ reading

    def rows(self, run_ids: set[str]) -> dict[str, dict[str, Any]]:
        """The stored rows of some finished runs, by run id."""
        if not run_ids:
            return {}
        table = self.runs()
        table = table[table["run_id"].isin(run_ids)]
        return {str(row["run_id"]): {str(k): v for k, v in row.items()} for row in table.to_dict("records")}

    def runs(self) -> pd.DataFrame:
        """All finished runs, one row each, in run order."""
        parts = self._read_parts()
        if not parts:
            return pd.DataFrame()
        table = pa.concat_tables([self._conform(p) for p in parts], promote_options="permissive").to_pandas()
        table = table.drop_duplicates("run_id", keep="last").sort_values("run_id", kind="stable")
        if "same_as" in table.columns:  # rows written before runs could be copied have none
            table["same_as"] = table["same_as"].fillna("")
        return table.reset_index(drop=True)

    def finalise(self) -> pd.DataFrame:
        """Merge the parts into one, write ``runs.parquet`` with every run in order and return it."""
        self.flush()
        self.merge(self.part_files())
        table = self.runs()
        atomic_write(self.root / "runs.parquet", lambda p: table.to_parquet(p, index=False))
        return table


def load_runs(root: Path) -> pd.DataFrame:
    """Read the run table of a store, one row per run in run order (works on unfinished stores).

    This is the documented reader; ``pandas.read_parquet(root / "runs")`` reads the same rows
    in completion order.

    Raises:
        StoreError: Not a store, or a damaged part.
    """
    root = Path(root)
    if not (root / "manifest.json").is_file():
        raise StoreError(f"{root}: not a results store (no manifest.json)")
    return Store(root).runs()
