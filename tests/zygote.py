"""Start ``throughflow`` commands in a fraction of a second, for tests that start many of them.

A helper process imports the command line once; each command is then a child forked from it
that behaves as the installed ``throughflow`` program (``main()`` without arguments, reading
``sys.argv``): its own session and process group, its own output files, default signal
handlers, and the helper reaps it as soon as it ends (as a shell does). Tests signal and kill
these children like any other process; only the start-up time of the interpreter is saved.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SERVE = "import sys; sys.path.insert(0, sys.argv[1]); import zygote; zygote.serve()"

ENV = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "ARROW_DEFAULT_MEMORY_POOL": "system"}
"""No idle library threads in the helper, so that forking it is safe."""


def _child(argv: list[str], cwd: str, out: str, err: str) -> None:
    """In the forked child: become the ``throughflow`` program and exit with its code."""
    os.setsid()
    os.chdir(cwd)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.dup2(os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644), 1)
    os.dup2(os.open(err, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644), 2)
    # fresh text streams: another thread of the helper may have held the old ones' locks at the fork
    sys.stdin = open(0, closefd=False)  # noqa: SIM115
    sys.stdout = open(1, "w", closefd=False)  # noqa: SIM115
    sys.stderr = open(2, "w", buffering=1, closefd=False)  # noqa: SIM115
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    sys.argv = ["throughflow", *argv]
    code = 1
    try:
        from throughflow.cli import main

        code = main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except KeyboardInterrupt:
        code = 128 + signal.SIGINT
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def serve() -> None:
    """The helper: read ``{"argv", "cwd", "out", "err"}`` lines, answer each with the child's pid and its exit status."""
    import throughflow.cli
    import throughflow.experiments.executors
    import throughflow.experiments.sweep  # noqa: F401

    lock = threading.Lock()

    def reply(message: dict[str, Any]) -> None:
        with lock:
            sys.stdout.write(json.dumps(message) + "\n")
            sys.stdout.flush()

    def reap(pid: int) -> None:
        _, status = os.waitpid(pid, 0)
        reply({"pid": pid, "status": os.waitstatus_to_exitcode(status)})

    reply({"ready": True})
    for line in sys.stdin:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            _child(request["argv"], request["cwd"], request["out"], request["err"])
        reply({"started": pid})
        threading.Thread(target=reap, args=(pid,), daemon=True).start()


@dataclass
class Child:
    """A ``throughflow`` command started by the helper."""

    pid: int
    out: Path
    err: Path
    zygote: Zygote
    returncode: int | None = None

    def poll(self) -> int | None:
        self.zygote.collect()
        return self.returncode

    def wait(self, timeout: float = 120) -> int:
        deadline = time.monotonic() + timeout
        while self.poll() is None:
            if time.monotonic() > deadline:
                raise TimeoutError(f"throughflow (pid {self.pid}) did not end in {timeout} s")
            time.sleep(0.01)
        assert self.returncode is not None
        return self.returncode

    def stdout(self) -> str:
        return self.out.read_text(errors="replace")

    def stderr(self) -> str:
        return self.err.read_text(errors="replace")


@dataclass
class Zygote:
    """The test side: start the helper, ask it for commands."""

    process: subprocess.Popen[str]
    logs: Path
    children: dict[int, Child] = field(default_factory=dict)
    lines: list[dict[str, Any]] = field(default_factory=list)
    _reader: threading.Thread | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _count: int = 0

    @classmethod
    def start(cls, logs: Path) -> Zygote:
        env = {**os.environ, **ENV}
        process = subprocess.Popen(
            [sys.executable, "-c", SERVE, str(Path(__file__).parent)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
            start_new_session=True,
        )
        zygote = cls(process, logs)
        zygote._reader = threading.Thread(target=zygote._read, daemon=True)
        zygote._reader.start()
        deadline = time.monotonic() + 120
        while not any(m.get("ready") for m in zygote._take()):
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("the helper did not start")
            time.sleep(0.02)
        return zygote

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            with self._lock:
                self.lines.append(json.loads(line))

    def _take(self) -> list[dict[str, Any]]:
        with self._lock:
            taken, self.lines = self.lines, []
        return taken

    def collect(self) -> None:
        for message in self._take():
            if "status" in message:
                self.children[message["pid"]].returncode = message["status"]
            elif "started" in message:
                self.lines.append(message)  # not ours to handle here

    def run(self, argv: list[str | Path], cwd: Path) -> Child:
        """Start ``throughflow ARGV`` in ``cwd``; its output goes to files in the helper's log folder."""
        self._count += 1
        out, err = self.logs / f"out-{self._count}.txt", self.logs / f"err-{self._count}.txt"
        request = {"argv": [str(a) for a in argv], "cwd": str(cwd), "out": str(out), "err": str(err)}
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        deadline = time.monotonic() + 30
        while True:
            with self._lock:
                started = [m for m in self.lines if "started" in m]
                if started:
                    self.lines.remove(started[0])
                    pid = started[0]["started"]
                    break
            if time.monotonic() > deadline:
                raise RuntimeError("the helper did not start the command")
            time.sleep(0.005)
        child = Child(pid, out, err, self)
        self.children[pid] = child
        return child

    def stop(self) -> None:
        for child in self.children.values():
            if child.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(child.pid, signal.SIGKILL)
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.process.kill()
        self.process.wait(30)
