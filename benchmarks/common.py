"""Helpers shared by the benchmark scripts: revision, machine load, progress messages."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def git_revision() -> str:
    """Commit of the working tree (with ``+dirty`` when model code has uncommitted changes), or ``unknown``."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True)
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "model"], cwd=ROOT, capture_output=True, text=True, check=True
        )
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")


def load_average() -> float | None:
    """One-minute load average of the machine, when the platform has one."""
    try:
        return os.getloadavg()[0]
    except (AttributeError, OSError):
        return None


def fmt_load(value: float | None) -> str:
    """A load average for a table cell."""
    return "n/a" if value is None else f"{value:.2f}"


def log(message: str) -> None:
    """A progress message on standard error."""
    print(message, file=sys.stderr, flush=True)
