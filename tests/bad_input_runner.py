"""Run command lines through ``throughflow.cli.main`` under a memory limit and a time limit per case.

Used by ``test_bad_inputs.py``: it reads ``[{"id", "argv", "cwd"}, ...]`` as JSON on stdin,
limits the process's address space (``RLIMIT_AS``) to the given number of bytes, and writes
one JSON line per case: exit code, output (stdout and stderr), seconds, whether the time
limit hit, and a digest of every file and folder under the case's folder before and after.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import resource
import signal
import sys
import time
import traceback
from pathlib import Path
from typing import Any


class TimeLimit(BaseException):
    """The case ran out of time."""


def digest(folder: Path) -> dict[str, str]:
    """Every file (with a hash of its bytes) and folder under ``folder``."""
    out: dict[str, str] = {}
    for path in sorted(folder.rglob("*")):
        relative = str(path.relative_to(folder))
        out[relative] = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "folder"
    return out


def run_case(case: dict[str, Any], seconds: int) -> dict[str, Any]:
    from throughflow.cli import main

    cwd = Path(case["cwd"])
    before = digest(cwd)
    os.chdir(cwd)
    out, err = io.StringIO(), io.StringIO()
    started = time.perf_counter()
    timed_out = False
    signal.alarm(seconds)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code: Any = main(case["argv"])
            except SystemExit as exc:
                code = exc.code
            except TimeLimit:
                raise
            except BaseException:
                code = "exception"
                err.write(traceback.format_exc())
    except TimeLimit:
        timed_out, code = True, "timeout"
    finally:
        signal.alarm(0)
    return {
        "id": case["id"],
        "code": code,
        "output": out.getvalue() + err.getvalue(),
        "seconds": time.perf_counter() - started,
        "timed_out": timed_out,
        "unchanged": digest(cwd) == before,
    }


def main() -> int:
    limit, seconds = int(sys.argv[1]), int(sys.argv[2])
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    def on_alarm(signum: int, frame: Any) -> None:
        raise TimeLimit

    signal.signal(signal.SIGALRM, on_alarm)
    cases = json.load(sys.stdin)
    for case in cases:
        result = run_case(case, seconds)
        print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
