"""Writing one run's outputs: summary, tables, resolved scenario and provenance manifest.

Every file is written to a temporary name in the target folder and then renamed, so an
interrupted write never leaves a truncated file behind and never damages files written
before. Files get the permissions the user's umask gives new files (as with any program
that creates files), so colleagues on a shared server can read results when the umask
allows it. A failure to write (disk full, no permission) is an :class:`OutputError` whose
message is one line naming the file.

The provenance (:func:`environment`) records the package version, the git commit (and
whether the working tree had uncommitted changes) and :func:`code_hash`, a hash of the
source files that determine the stored results.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import platform
import subprocess
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd
from pyarrow import ArrowException as ArrowError

from throughflow.experiments.run import RunResult
from throughflow.scenario import scenario_hash, to_yaml

KEY_PACKAGES = ("mesa", "numpy", "pandas", "pyarrow", "pydantic", "pyyaml")

PACKAGE_DIR = Path(__file__).resolve().parents[1]
"""The ``throughflow`` package folder."""

NOT_RESULTS = ("cli.py", "app.py", "brief.py", "briefing", "plots")
"""Parts of the package that only present stored results; they are left out of :func:`code_hash`."""


class OutputError(RuntimeError):
    """A file or folder could not be written; the message is one line naming it."""


_UMASK: int | None = None


def umask() -> int:
    """The process's file-creation mask (read once)."""
    global _UMASK
    if _UMASK is None:
        try:  # Linux reports it without changing it
            with open("/proc/self/status", encoding="ascii") as status:
                line = next(line for line in status if line.startswith("Umask:"))
            _UMASK = int(line.split()[1], 8)
        except (OSError, StopIteration, ValueError):
            _UMASK = os.umask(0o022)
            os.umask(_UMASK)
    return _UMASK


def describe(exc: BaseException) -> str:
    """A short reason for an I/O failure (``No space left on device``, ...)."""
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def make_dirs(path: Path) -> None:
    """Create a folder and its parents.

    Raises:
        OutputError: One line naming the folder.
    """
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{path}: cannot create folder ({describe(exc)})") from None


def atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """Write ``path`` through a temporary file in the same folder, then rename it.

    Args:
        path: Final path.
        write: Function that writes the content to the path it is given.

    Raises:
        OutputError: The file could not be written (one line naming it); a file already at
            ``path`` is left as it was.
    """
    path = Path(path)
    make_dirs(path.parent)
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        os.close(fd)
        os.chmod(tmp, 0o666 & ~umask())  # mkstemp creates 0600; give the mode any new file gets
        write(Path(tmp))
        os.replace(tmp, path)
    except (OSError, ArrowError) as exc:
        raise OutputError(f"{path}: cannot write ({describe(exc)})") from None
    finally:
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)


def atomic_text(path: Path, text: str) -> None:
    """Atomically write a text file."""

    def write(p: Path) -> None:
        p.write_text(text, encoding="utf-8")

    atomic_write(path, write)


def _clean(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    return value


def _git(*args: str) -> str | None:
    try:
        out = subprocess.run(["git", *args], cwd=PACKAGE_DIR, capture_output=True, text=True, timeout=5, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() if out.returncode == 0 else None


def git_commit() -> str | None:
    """The git commit of the source tree, when it is a git checkout."""
    return _git("rev-parse", "HEAD") or None


def git_dirty() -> bool | None:
    """Whether the package's files differ from the commit (``None`` outside a git checkout)."""
    status = _git("status", "--porcelain", "--", ".")
    return None if status is None else bool(status)


_CODE_HASH: str | None = None


def code_hash(root: Path | None = None) -> str:
    """A hash of the source files that determine stored results.

    Every ``.py`` file of the package and its data files (``.csv``), except the parts that
    only present stored results (:data:`NOT_RESULTS`), by relative path and content. Unlike
    the git commit, it covers uncommitted edits, and it does not change with edits elsewhere
    in the repository (documentation, tests).

    Args:
        root: The package folder (default: this package; its hash is computed once per process).
    """
    global _CODE_HASH
    if root is None and _CODE_HASH is not None:
        return _CODE_HASH
    folder = PACKAGE_DIR if root is None else Path(root)
    digest = hashlib.sha256()
    files = [p for p in folder.rglob("*") if p.is_file() and p.suffix in (".py", ".csv")]
    for path in sorted(files, key=lambda p: p.relative_to(folder).as_posix()):
        relative = path.relative_to(folder)
        if relative.parts[0] in NOT_RESULTS or "__pycache__" in relative.parts:
            continue
        digest.update(relative.as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    value = digest.hexdigest()[:16]
    if root is None:
        _CODE_HASH = value
    return value


def environment() -> dict[str, Any]:
    """Package version, git commit, Python and key package versions."""
    versions: dict[str, str | None] = {}
    for name in KEY_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    try:
        own = metadata.version("throughflow")
    except metadata.PackageNotFoundError:
        own = None
    return {
        "throughflow": own,
        "code_hash": code_hash(),
        "git_commit": git_commit(),
        "git_dirty": git_dirty(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "packages": versions,
    }


def summary(result: RunResult) -> dict[str, Any]:
    """Every indicator as ``{"all": x, "low": x, "medium": x, "high": x}`` (NaN as null)."""
    return {name: _clean(values) for name, values in result.indicators.items()}


def write_run(result: RunResult, out: Path, started: datetime | None = None) -> list[Path]:
    """Write a run's outputs to folder ``out``.

    Writes ``summary.json``, ``timeseries.parquet``, ``events.parquet``, ``scenario.yaml``
    (fully resolved) and ``manifest.json`` (provenance).

    Args:
        result: The run.
        out: Target folder (created if needed).
        started: Start time of the run (defaults to now).

    Returns:
        The paths written.
    """
    out = Path(out)
    started = started or datetime.now(UTC)
    files = {
        "summary.json": lambda p: p.write_text(json.dumps(summary(result), indent=2), encoding="utf-8"),
        "timeseries.parquet": lambda p: result.timeseries.to_parquet(p, index=False),
        "events.parquet": lambda p: result.events.to_parquet(p, index=False),
        "scenario.yaml": lambda p: p.write_text(to_yaml(result.scenario), encoding="utf-8"),
    }
    written = []
    for name, writer in files.items():
        atomic_write(out / name, writer)
        written.append(out / name)
    manifest = {
        "scenario": result.scenario.name,
        "scenario_hash": scenario_hash(result.scenario),
        "seed": result.seed,
        "months": result.months,
        "start_time": started.isoformat(timespec="seconds"),
        "wall_seconds": round(result.wall_seconds, 4),
        **environment(),
    }
    atomic_text(out / "manifest.json", json.dumps(manifest, indent=2))
    written.append(out / "manifest.json")
    return written


def read_summary(folder: Path) -> pd.DataFrame:
    """Read a ``summary.json`` back as a table of scalar indicators."""
    data = json.loads((Path(folder) / "summary.json").read_text(encoding="utf-8"))
    rows = {k: v for k, v in data.items() if not isinstance(v.get("all"), list)}
    return pd.DataFrame.from_dict(rows, orient="index")
