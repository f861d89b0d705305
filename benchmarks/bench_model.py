"""Performance benchmark: the throughflow model against Mesa 3.5's own floor.

Usage::

    python benchmarks/bench_model.py            # full run (about 2.5 minutes on 2 cores)
    python benchmarks/bench_model.py --quick    # one repeat per measurement (under a minute)

What is measured, in one process (peak memory in a fresh child process):

* **Model**: ``ThroughflowModel(scenario, seed).run()`` for 120 months, building the world
  included, on the default (``baseline``) scenario and on ``mentoring`` (the heaviest run).
* **Mesa floor**: a plain ``mesa.Model`` whose agents have an empty ``step()``, called each
  month through ``model.agents.shuffle_do("step")``, with the same number of Mesa agents
  registered each month as the model had (agents are created as the count grows), so both
  cover the same agent-months. The per-month agent counts come from a separate counting run
  of the model, so counting never pollutes the timings.

Targets (from the project issue):

1. default scale: model time <= Mesa floor time over the same agent-months (ratio <= 1);
2. 100,000 refugees: model time <= 1/4 of the Mesa floor (ratio <= 0.25);
3. 100,000 refugees over 120 months: peak resident memory <= 2 GiB;
4. linear cost: 10x the refugees takes <= 12x the time (10,000 -> 100,000 refugees).

The figures go to ``benchmarks/results.json`` and a table with PASS/FAIL is printed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import mesa
import numpy as np

from common import git_revision, load_average, log
from throughflow import ThroughflowModel, load_scenario

HERE = Path(__file__).resolve().parent
MONTHS = 120
TARGET_REFUGEES = 100_000
LINEAR_FACTOR = 10

TARGET_DEFAULT_RATIO = 1.0
TARGET_LARGE_RATIO = 0.25
TARGET_PEAK_MIB = 2048.0
TARGET_LINEAR_RATIO = 12.0


# --------------------------------------------------------------------------- Mesa floor


class EmptyAgent(mesa.Agent):
    """An agent that does nothing when stepped."""

    def step(self) -> None:
        pass


class FloorModel(mesa.Model):
    """Mesa's floor: empty agents stepped through ``shuffle_do``, following a count profile.

    Args:
        profile: Number of agents registered in each month (one entry per month).
        seed: Seed of the model's random number generator (shuffling).

    """

    def __init__(self, profile: list[int], seed: int = 0) -> None:
        super().__init__(rng=seed)
        self.profile = profile
        self.month = 0
        self.live: list[EmptyAgent] = []

    def step(self) -> None:
        target = self.profile[self.month]
        self.month += 1
        while len(self.live) < target:
            self.live.append(EmptyAgent(self))
        while len(self.live) > target:
            self.live.pop().remove()
        self.agents.shuffle_do("step")

    def run(self) -> FloorModel:
        for _ in self.profile:
            self.step()
        return self


# --------------------------------------------------------------------------- helpers


def scale_for(scenario: str, refugees: float) -> float:
    """Population scale that gives about ``refugees`` arrivals over the scenario's arrival months."""
    pop = load_scenario(scenario).population
    return refugees / (pop.arrivals_per_month * min(pop.arrival_months, MONTHS))


def count_profile(scenario: str, scale: float, seed: int) -> dict[str, Any]:
    """Step the model once, recording the Mesa agents registered after each month."""
    model = ThroughflowModel(load_scenario(scenario, **{"population.scale": scale}), seed=seed, months=MONTHS)
    profile: list[int] = []
    while model.running and model.steps < model.months:
        model.step()
        profile.append(len(model.agents))
    return {"profile": profile, "refugees": len(model.refugee_agents), "mentors": len(model.mentor_agents)}


def timed(fns: dict[str, Callable[[], Any]], repeats: int) -> dict[str, dict[str, Any]]:
    """Best and median wall time of each callable over ``repeats`` rounds.

    The callables are interleaved (one call of each per round) so that background load
    on the machine affects the model and the floor alike; garbage is collected before
    every call.
    """
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(repeats):
        for name, fn in fns.items():
            gc.collect()
            started = time.perf_counter()
            result = fn()
            times[name].append(time.perf_counter() - started)
            del result
    gc.collect()
    return {name: {"best_s": min(runs), "median_s": statistics.median(runs), "runs_s": runs} for name, runs in times.items()}


def run_model(scenario: str, scale: float, seed: int, expect_last: int) -> Callable[[], Any]:
    spec = load_scenario(scenario, **{"population.scale": scale})

    def go() -> ThroughflowModel:
        model = ThroughflowModel(spec, seed=seed, months=MONTHS).run()
        if len(model.agents) != expect_last:
            raise RuntimeError(f"{scenario}: timed run ended with {len(model.agents)} agents, counting run {expect_last}")
        return model

    return go


def run_floor(profile: list[int], seed: int) -> Callable[[], Any]:
    def go() -> FloorModel:
        return FloorModel(profile, seed=seed).run()

    return go


def compare(scenario: str, scale: float, seed: int, repeats: int, with_floor: bool = True) -> dict[str, Any]:
    """Model vs Mesa floor over the same agent-months, for one scenario at one scale."""
    counted = count_profile(scenario, scale, seed)
    profile = counted.pop("profile")
    agent_months = int(sum(profile))
    fns = {"model": run_model(scenario, scale, seed, profile[-1])}
    if with_floor:
        fns["floor"] = run_floor(profile, seed)
    timings = timed(fns, repeats)
    model = timings["model"]
    out: dict[str, Any] = {
        "scenario": scenario,
        "scale": scale,
        **counted,
        "months": len(profile),
        "agents_first_month": profile[0],
        "agents_last_month": profile[-1],
        "agent_months": agent_months,
        "model": model,
        "model_us_per_agent_month": 1e6 * model["best_s"] / agent_months,
    }
    if with_floor:
        floor = timings["floor"]
        out["floor"] = floor
        out["floor_us_per_agent_month"] = 1e6 * floor["best_s"] / agent_months
        out["ratio_model_to_floor"] = model["best_s"] / floor["best_s"]
    return out


def peak_memory(scenario: str, scale: float, seed: int) -> dict[str, Any]:
    """Peak RSS of a fresh child process that builds and runs the model for 120 months."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child-memory", scenario, repr(scale), str(seed)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def peak_rss_mib() -> float:
    """Peak resident set size of this process so far, in MiB.

    Linux: ``VmHWM`` from ``/proc/self/status``. (``ru_maxrss`` is not used there: the kernel
    carries the parent's high-water mark across fork and exec into the child's figure.)
    Elsewhere ``ru_maxrss`` (KiB on Linux/BSD, bytes on macOS).
    """
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return maxrss / 2**20 if sys.platform == "darwin" else maxrss / 1024


def child_memory(scenario: str, scale: float, seed: int) -> None:
    """Body of the child process: report peak RSS after imports and after the run (MiB)."""
    after_import = peak_rss_mib()
    started = time.perf_counter()
    model = ThroughflowModel(load_scenario(scenario, **{"population.scale": scale}), seed=seed, months=MONTHS).run()
    seconds = time.perf_counter() - started
    peak = peak_rss_mib()
    print(
        json.dumps(
            {
                "scenario": scenario,
                "scale": scale,
                "refugees": len(model.refugee_agents),
                "peak_rss_mib": peak,
                "rss_after_imports_mib": after_import,
                "run_s": seconds,
            }
        )
    )


# --------------------------------------------------------------------------- report


def verdict(value: float, limit: float) -> str:
    return "PASS" if value <= limit else "FAIL"


def checks(results: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per target and scenario: measured value, limit, PASS/FAIL."""
    rows = []
    for scenario in results["scenarios"]:
        d = results["default"][scenario]
        rows.append(
            {
                "target": "default scale: model / Mesa floor",
                "scenario": scenario,
                "value": d["ratio_model_to_floor"],
                "limit": TARGET_DEFAULT_RATIO,
                "detail": f"{d['model']['best_s']:.3f} s vs {d['floor']['best_s']:.3f} s, {d['agent_months']:,} agent-months",
            }
        )
        big = results["large"][scenario]
        rows.append(
            {
                "target": "100k refugees: model / Mesa floor",
                "scenario": scenario,
                "value": big["ratio_model_to_floor"],
                "limit": TARGET_LARGE_RATIO,
                "detail": f"{big['model']['best_s']:.2f} s vs {big['floor']['best_s']:.2f} s, "
                f"{big['agent_months']:,} agent-months",
            }
        )
        mem = results["memory"][scenario]
        rows.append(
            {
                "target": "100k refugees: peak RSS (MiB)",
                "scenario": scenario,
                "value": mem["peak_rss_mib"],
                "limit": TARGET_PEAK_MIB,
                "detail": f"{mem['refugees']:,} refugees; {mem['rss_after_imports_mib']:.0f} MiB after imports",
            }
        )
        lin = results["linearity"][scenario]
        rows.append(
            {
                "target": f"linearity: time({LINEAR_FACTOR}x) / time(1x)",
                "scenario": scenario,
                "value": lin["ratio"],
                "limit": TARGET_LINEAR_RATIO,
                "detail": f"{lin['small_s']:.3f} s ({lin['small_refugees']:,} refugees) -> "
                f"{lin['large_s']:.2f} s ({lin['large_refugees']:,})",
            }
        )
    for row in rows:
        row["result"] = verdict(row["value"], row["limit"])
    return rows


def print_table(results: dict[str, Any]) -> None:
    env = results["environment"]
    print(
        f"\nthroughflow benchmark  {env['date']}  Python {env['python']}  Mesa {env['mesa']}  numpy {env['numpy']}"
        f"  {env['cpus']} CPUs  repeats={results['repeats']}  revision {env['revision']}"
    )
    print()
    print("| target | scenario | measured | limit | result | detail |")
    print("|---|---|---:|---:|---|---|")
    for row in results["checks"]:
        cells = [row["target"], row["scenario"], f"{row['value']:.3g}", f"{row['limit']:g}", row["result"], row["detail"]]
        print("| " + " | ".join(cells) + " |")
    print()
    print(
        "| scenario | refugees | agent-months | model best (s) | model median (s) | floor best (s)"
        " | model µs/agent-month | floor µs/agent-month |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for group in ("default", "large"):
        for scenario, d in results[group].items():
            cells = [
                scenario,
                f"{d['refugees']:,}",
                f"{d['agent_months']:,}",
                f"{d['model']['best_s']:.3f}",
                f"{d['model']['median_s']:.3f}",
                f"{d['floor']['best_s']:.3f}",
                f"{d['model_us_per_agent_month']:.3f}",
                f"{d['floor_us_per_agent_month']:.3f}",
            ]
            print("| " + " | ".join(cells) + " |")
    failed = [r for r in results["checks"] if r["result"] == "FAIL"]
    print(f"\n{len(results['checks']) - len(failed)} of {len(results['checks'])} checks pass.")


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one repeat per measurement instead of several")
    parser.add_argument("--seed", type=int, default=0, help="root seed of every run (default 0)")
    parser.add_argument("--out", type=Path, default=HERE / "results.json", help="where to write the figures (JSON)")
    parser.add_argument(
        "--scenarios", nargs="+", default=["baseline", "mentoring"], help="scenarios to measure (default: baseline mentoring)"
    )
    parser.add_argument("--strict", action="store_true", help="exit with status 1 when a target fails")
    parser.add_argument("--child-memory", nargs=3, metavar=("SCENARIO", "SCALE", "SEED"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child_memory:
        scenario, scale, seed = args.child_memory
        child_memory(scenario, float(scale), int(seed))
        return 0

    small_repeats, large_repeats = (1, 1) if args.quick else (15, 5)
    started = time.perf_counter()
    busy = load_average()
    if busy is not None and busy > 0.5:
        log(f"note: 1-minute load average is {busy:.2f}; other work on this machine inflates the timings")
    results: dict[str, Any] = {
        "environment": {
            "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
            "python": platform.python_version(),
            "mesa": mesa.__version__,
            "numpy": np.__version__,
            "platform": platform.platform(),
            "processor": platform.processor() or platform.machine(),
            "cpus": os.cpu_count(),
            "revision": git_revision(),
            "load_average_start": load_average(),
        },
        "quick": args.quick,
        "repeats": {"default": small_repeats, "large": large_repeats},
        "months": MONTHS,
        "seed": args.seed,
        "scenarios": args.scenarios,
        "default": {},
        "large": {},
        "medium": {},
        "memory": {},
        "linearity": {},
    }
    for scenario in args.scenarios:
        big_scale = scale_for(scenario, TARGET_REFUGEES)
        small_scale = big_scale / LINEAR_FACTOR

        log(f"[{scenario}] default scale: model vs Mesa floor ({small_repeats} repeats)")
        results["default"][scenario] = compare(scenario, 1.0, args.seed, small_repeats)

        log(f"[{scenario}] {TARGET_REFUGEES:,} refugees (scale {big_scale:.3f}): model vs Mesa floor ({large_repeats} repeats)")
        results["large"][scenario] = big = compare(scenario, big_scale, args.seed, large_repeats)

        log(f"[{scenario}] {TARGET_REFUGEES // LINEAR_FACTOR:,} refugees (scale {small_scale:.3f}): model")
        results["medium"][scenario] = medium = compare(scenario, small_scale, args.seed, large_repeats, with_floor=False)
        results["linearity"][scenario] = {
            "small_scale": small_scale,
            "large_scale": big_scale,
            "small_refugees": medium["refugees"],
            "large_refugees": big["refugees"],
            "small_s": medium["model"]["best_s"],
            "large_s": big["model"]["best_s"],
            "ratio": big["model"]["best_s"] / medium["model"]["best_s"],
        }

        log(f"[{scenario}] {TARGET_REFUGEES:,} refugees: peak memory in a child process")
        results["memory"][scenario] = peak_memory(scenario, big_scale, args.seed)

    results["checks"] = checks(results)
    results["environment"]["load_average_end"] = load_average()
    results["benchmark_s"] = time.perf_counter() - started
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print_table(results)
    print(f"Benchmark took {results['benchmark_s']:.0f} s; figures written to {args.out}")
    failed = any(r["result"] == "FAIL" for r in results["checks"])
    return 1 if (failed and args.strict) else 0


if __name__ == "__main__":
    sys.exit(main())
