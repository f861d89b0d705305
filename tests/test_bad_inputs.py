"""Malformed input of every kind is refused: exit code 2, at most 3 lines, no traceback, nothing written.

The corpus is ``tests/bad_inputs/`` (scenario, sweep and sensitivity files, each with a
comment saying what is wrong) plus the command lines below (arguments out of bounds, output
folders that cannot be written, stores that cannot be used as asked). Every case runs
through ``throughflow.cli.main`` in one subprocess whose address space is limited to 2 GB,
with a time limit per case; a few also run as the installed ``throughflow`` command.
"""

from __future__ import annotations

import fcntl
import json
import os
import resource
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from sweep_support import SMALL_SWEEP, THROUGHFLOW, snapshot
from throughflow.experiments.design import load_sweep
from throughflow.experiments.sweep import run_sweep

TESTS = Path(__file__).resolve().parent
BAD = TESTS / "bad_inputs"
SWEEPS = TESTS / "sweeps"
SENSITIVITY = TESTS / "sensitivity"
MEMORY = 2 * 1024**3
SECONDS = 30
MAX_LINES = 3

FILES: dict[str, str] = {
    # scenarios, run with `throughflow run FILE`
    "scenarios/inf_value.yaml": "not a finite number",
    "scenarios/negative_inf.yaml": "not a finite number",
    "scenarios/nan_value.yaml": "not a finite number",
    "scenarios/overflowing_exponent.yaml": "valid number",
    "scenarios/huge_n_wise.yaml": "art60.n_wise",
    "scenarios/huge_arrivals.yaml": "population.arrivals_per_month",
    "scenarios/huge_employers.yaml": "labour_market.n_employers",
    "scenarios/huge_mentors.yaml": "one_on_one.mentors_per_1000",
    "scenarios/huge_applications.yaml": "labour_market.applications_per_month",
    "scenarios/huge_host_places.yaml": "art60.slots_per_host",
    "scenarios/huge_vacancies.yaml": "labour_market.vacancies_per_employee_month",
    "scenarios/huge_story_places.yaml": "story.host_slots",
    "scenarios/duplicate_key.yaml": "duplicate key 'bias'",
    "scenarios/duplicate_section.yaml": "duplicate key 'one_on_one'",
    "scenarios/alias_expansion.yaml": "anchors (&a) are not allowed",
    "scenarios/alias_in_description.yaml": "anchors (&n) are not allowed",
    "scenarios/merge_key.yaml": "merge keys",
    "scenarios/bool_for_number.yaml": "months: Input should be a valid integer (got True)",
    "scenarios/bool_for_real.yaml": "population.scale: Input should be a valid number (got True)",
    "scenarios/text_for_number.yaml": "months: Input should be a valid integer (got '12')",
    "scenarios/text_for_switch.yaml": "one_on_one.enabled: Input should be a valid boolean",
    "scenarios/number_for_choice.yaml": "mentoring.targeting",
    "scenarios/real_for_count.yaml": "art60.n_wise: Input should be a valid integer",
    "scenarios/story_home_outside.yaml": "story.home: municipality 50 does not exist",
    "scenarios/name_absolute_path.yaml": "name: must be a plain name",
    "scenarios/name_parent_path.yaml": "name: must be a plain name",
    "scenarios/name_with_space.yaml": "name: must be a plain name",
    "scenarios/name_not_text.yaml": "name: Input should be a valid string",
    "scenarios/empty_name.yaml": "name: must be a plain name",
    "scenarios/key_not_text.yaml": "keys must be text",
    "scenarios/number_key.yaml": "keys must be text",
    "scenarios/python_tag.yaml": "could not determine a constructor",
    "scenarios/deep_nesting.yaml": "nested more than 32 levels",
    "scenarios/months_beyond_limit.yaml": "months: Input should be less than or equal to 600",
    "scenarios/latin1.yaml": "not a UTF-8 text file",
    # sweeps, run with `throughflow sweep FILE`
    "sweeps/huge_replications.yaml": "replications must be an integer from 1 to 10,000",
    "sweeps/replications_text.yaml": "replications must be an integer",
    "sweeps/replications_bool.yaml": "replications must be an integer",
    "sweeps/huge_samples.yaml": "samples must be an integer from 1 to 100,000",
    "sweeps/too_many_runs.yaml": "1,000,000 runs; a sweep has at most 250,000",
    "sweeps/unquoted_on_off.yaml": 'quote it: "false"',
    "sweeps/number_label.yaml": "level label 1 is not text",
    "sweeps/bool_grid_value.yaml": "art60.throughflow_orientation: Input should be a valid number (got True)",
    "sweeps/text_grid_value.yaml": "art60.throughflow_orientation: Input should be a valid number (got '0.5')",
    "sweeps/text_range.yaml": "range must be [low, high], two numbers",
    "sweeps/bool_range.yaml": "range must be [low, high], two numbers",
    "sweeps/inf_grid_value.yaml": "not a finite number",
    "sweeps/name_parent_path.yaml": "name must be a plain name",
    "sweeps/name_absolute_path.yaml": "name must be a plain name",
    "sweeps/negative_seed.yaml": "seed must be a non-negative integer",
    "sweeps/huge_seed.yaml": "seed must be a non-negative integer",
    "sweeps/months_zero.yaml": "months must be an integer from 1 to 600",
    "sweeps/months_huge.yaml": "months must be an integer from 1 to 600",
    "sweeps/alias_in_levels.yaml": "anchors (&v) are not allowed",
    "sweeps/duplicate_factor.yaml": "duplicate key 'labour_market.bias'",
    "sweeps/outputs_text.yaml": "timeseries must be true or false",
    "sweeps/huge_world_level.yaml": "art60.n_wise",
    "sweeps/bad_base.yaml": "duplicate key 'bias'",
    "sweeps/huge_world_horizon.yaml": "months 600: the simulated world is too large",
    "sweeps/factor_unknown_key.yaml": "step: unknown key",
    # sensitivity declarations, run with `throughflow sensitivity FILE`
    "sensitivity/text_bounds.yaml": "range must be [low, high], two numbers",
    "sensitivity/bool_bounds.yaml": "range must be [low, high], two numbers",
    "sensitivity/huge_n.yaml": "n must be an integer from 2 to 65,536",
    "sensitivity/huge_replications.yaml": "replications must be an integer from 1 to 10,000",
    "sensitivity/too_many_runs.yaml": "an analysis has at most 250,000",
    "sensitivity/name_parent_path.yaml": "name must be a plain name",
    "sensitivity/seed_text.yaml": "seed must be a non-negative integer",
    "sensitivity/outcome_unknown_key.yaml": "grop: unknown key",
    "sensitivity/months_bool.yaml": "months must be an integer from 1 to 600",
    "sensitivity/inf_bound.yaml": "not a finite number",
    "sensitivity/duplicate_key.yaml": "duplicate key 'n'",
    "sensitivity/horizon_too_short.yaml": "extra_cost needs runs of at least 60 months (extra_cost_5y's follow-up)",
}
"""Corpus file -> a fragment of the one-line error."""

COMMAND = {"scenarios": ["run"], "sweeps": ["sweep"], "sensitivity": ["sensitivity"]}

TINY = str(SWEEPS / "tiny.yaml")
TINY_MENTORING = str(SWEEPS / "tiny_mentoring.yaml")
SMALL = str(SMALL_SWEEP)
MORRIS = str(SENSITIVITY / "tiny_morris.yaml")
LONG_WORLD = str(BAD / "valid" / "long_horizon_world.yaml")

COMMAND_LINES: dict[str, tuple[list[str], str]] = {
    # arguments out of bounds or of the wrong type
    "months_zero": (["run", TINY, "--months", "0"], "--months: must be an integer from 1 to 600"),
    "months_huge": (["run", TINY, "--months", "100000"], "--months: must be an integer from 1 to 600"),
    "months_text": (["run", TINY, "--months", "abc"], "--months: must be an integer"),
    "months_real": (["trace", TINY, "--months", "12.5"], "--months: must be an integer"),
    "months_world": (["run", LONG_WORLD, "--months", "600"], "1.2e+06 refugees"),
    "trace_months_world": (["trace", LONG_WORLD, "--months", "600"], "1.2e+06 refugees"),
    "seed_negative": (["run", TINY, "--seed", "-1"], "--seed: must be an integer from 0"),
    "seed_huge": (["demo", "--seed", str(2**70)], "--seed: must be an integer from 0"),
    "agent_negative": (["trace", TINY, "--agent", "-1"], "--agent: must be an integer from 0"),
    "replications_zero": (["compare", TINY, TINY_MENTORING, "-R", "0"], "--replications/-R: must be an integer from 1"),
    "replications_huge": (["compare", TINY, TINY_MENTORING, "-R", "1000000000"], "must be an integer from 1 to 10,000"),
    "second_scenario_bad": (["compare", TINY, str(BAD / "scenarios/duplicate_key.yaml")], "duplicate key 'bias'"),
    "compare_world": (["compare", TINY, LONG_WORLD, "--months", "600"], "the simulated world is too large"),
    "workers_zero": (["sweep", SMALL, "--workers", "0"], "--workers: must be an integer from 1 to 512"),
    "workers_huge": (["sweep", SMALL, "--workers", "100000"], "--workers: must be an integer from 1 to 512"),
    "scheduler_without_dask": (["sweep", SMALL, "--scheduler", "tcp://h:1", "--executor", "processes"], "needs --executor dask"),
    "dask_timeout_zero": (["sweep", SMALL, "--dask-timeout", "0"], "--dask-timeout: must be a number of seconds"),
    "dask_timeout_inf": (["sweep", SMALL, "--dask-timeout", "inf"], "--dask-timeout: must be a number of seconds"),
    "executor_unknown": (["sweep", SMALL, "--executor", "threads"], "invalid choice: 'threads'"),
    "n_one": (["sensitivity", MORRIS, "--n", "1"], "--n: must be an integer from 2 to 65,536"),
    "n_huge": (["sensitivity", MORRIS, "--n", "10000000"], "--n: must be an integer from 2 to 65,536"),
    "n_not_power_of_two": (["sensitivity", MORRIS, "--method", "sobol", "--n", "100"], "n must be a power of two"),
    "unknown_command": (["frobnicate"], "invalid choice: 'frobnicate'"),
    "unknown_option": (["run", TINY, "--colour", "red"], "unrecognized arguments: --colour red"),
    "missing_argument": (["run"], "the following arguments are required: scenario"),
    "missing_scenario": (["run", "no/such/file.yaml"], "no/such/file.yaml: scenario file not found"),
    "scenario_is_a_folder": (["sweep", str(BAD)], "is a folder, not a file"),
    # a file of another kind: the error says what it looks like and which command reads it
    "scenario_to_sweep": (["sweep", TINY], "(this looks like a scenario: use throughflow run)"),
    "sweep_to_sensitivity": (["sensitivity", SMALL], "(this looks like a sweep declaration: use throughflow sweep)"),
    "sensitivity_to_sweep": (["sweep", MORRIS], "(this looks like a sensitivity declaration: use throughflow sensitivity)"),
    "sensitivity_to_calibrate": (["calibrate", MORRIS], "looks like a sensitivity declaration: use throughflow sensitivity)"),
    "big_file": (["run", "big.yaml"], "file too large"),
    "long_text": (["run", "long_text.yaml"], "text longer than 4096 characters"),
    # outputs that cannot be written
    "run_out_is_a_file": (["run", TINY, "--out", "existing.txt"], "--out existing.txt: exists and is not a folder"),
    "sweep_out_is_a_file": (["sweep", SMALL, "--out", "existing.txt"], "--out existing.txt: exists and is not a folder"),
    "compare_out_is_a_file": (
        ["compare", TINY, TINY_MENTORING, "--out", "existing.txt"],
        "--out existing.txt: exists and is not a folder",
    ),
    "sensitivity_out_is_a_file": (["sensitivity", MORRIS, "--out", "existing.txt"], "exists and is not a folder"),
    "demo_out_is_a_file": (["demo", "--out", "existing.txt"], "exists and is not a folder"),
    "brief_out_is_a_file": (["brief", "store", "--out", "existing.txt"], "exists and is not a folder"),
    "out_under_a_file": (["run", TINY, "--out", "existing.txt/run"], "--out existing.txt/run: cannot write there"),
    "out_not_permitted": (["sweep", SMALL, "--out", "/sys/throughflow-cannot-write"], "cannot write there"),
    "summarize_out_is_a_folder": (["summarize", "store", "--out", "empty"], "--out empty: is a folder"),
    # stores that cannot be used as asked
    "store_exists": (["sweep", SMALL, "--out", "store"], "a results store already exists; use --resume"),
    "store_damaged_resume": (["sweep", SMALL, "--out", "damaged", "--resume"], "damaged part file"),
    "store_damaged_summarize": (["summarize", "damaged"], "damaged part file"),
    "store_without_runs": (["summarize", "no_runs"], "no_runs: the store holds no finished runs"),
    "store_other_code": (["sweep", SMALL, "--out", "other_code", "--resume"], "--allow-code-change"),
    "store_in_use": (["sweep", SMALL, "--out", "locked", "--resume"], "locked: in use by another throughflow process"),
    "store_other_sweep": (["sweep", str(SWEEPS / "long.yaml"), "--out", "store", "--resume"], "holds a different sweep"),
    "summarize_not_a_store": (["summarize", "unrelated"], "unrelated: not a results store"),
    # briefs from nothing
    "brief_empty_folder": (["brief", "empty"], "empty: no results to write a brief from"),
    "brief_unrelated_folder": (["brief", "unrelated"], "unrelated: no results to write a brief from"),
    "brief_missing_folder": (["brief", "no_such_folder"], "no_such_folder: no such results folder"),
}
"""Case -> (arguments, fragment of the one-line error); run in a folder prepared by :func:`prepare`."""


def flip_a_byte(path: Path) -> None:
    """Flip one bit in a part file where the page checksums notice it."""
    data = bytearray(path.read_bytes())
    for offset in range(len(data) // 2, len(data) - 8):
        data[offset] ^= 0x10
        path.write_bytes(bytes(data))
        try:
            pq.read_table(path, page_checksum_verification=True)
        except Exception:
            return
        data[offset] ^= 0x10
    raise AssertionError("no bit flip was detected")


@pytest.fixture(scope="module")
def small_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bad-inputs-store") / "store"
    run_sweep(load_sweep(SMALL_SWEEP), out=out, executor="serial", progress=False)
    return out


def prepare(folder: Path, store: Path) -> None:
    """The files and stores the command lines refer to."""
    folder.mkdir(parents=True)
    (folder / "existing.txt").write_text("not a folder\n")
    (folder / "empty").mkdir()
    (folder / "unrelated").mkdir()
    (folder / "unrelated" / "notes.txt").write_text("nothing to see\n")
    (folder / "big.yaml").write_text("description: " + "x" * (1 << 20) + "\n")
    (folder / "long_text.yaml").write_text("description: " + "y" * 5000 + "\n")
    for name in ("store", "damaged", "no_runs", "other_code", "locked"):
        shutil.copytree(store, folder / name)
    flip_a_byte((folder / "damaged" / "runs").glob("part-*.parquet").__next__())
    for part in (folder / "no_runs" / "runs").glob("*"):
        part.unlink()
    (folder / "no_runs" / "runs.parquet").unlink()
    manifest = json.loads((folder / "other_code" / "manifest.json").read_text())
    manifest["code_hash"] = "0123456789abcdef"
    (folder / "other_code" / "manifest.json").write_text(json.dumps(manifest))


def all_cases() -> dict[str, list[str]]:
    cases = {}
    for name in FILES:
        kind = name.split("/")[0]
        cases[f"file:{name}"] = [*COMMAND[kind], str(BAD / name)]
    for name, (argv, _) in COMMAND_LINES.items():
        cases[name] = argv
    return cases


def fragment(case: str) -> str:
    return FILES[case.removeprefix("file:")] if case.startswith("file:") else COMMAND_LINES[case][1]


@pytest.fixture(scope="module")
def outcomes(small_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, dict[str, Any]]]:
    """Every case run once in a subprocess limited to 2 GB of address space and 30 s per case."""
    root = tmp_path_factory.mktemp("bad-inputs")
    cases = []
    for i, (case, argv) in enumerate(all_cases().items()):
        folder = root / f"case-{i:03d}"
        prepare(folder, small_store)
        cases.append({"id": case, "argv": argv, "cwd": str(folder)})
    locks = []
    for case in cases:  # another process writes the "locked" store
        fd = os.open(Path(case["cwd"]) / "locked" / ".lock", os.O_RDWR)
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.pwrite(fd, b"pid 1 on elsewhere since 2026-01-01T00:00:00+00:00", 0)
        locks.append(fd)
    try:
        done = subprocess.run(
            [sys.executable, str(TESTS / "bad_input_runner.py"), str(MEMORY), str(SECONDS)],
            input=json.dumps(cases),
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
    finally:
        for fd in locks:
            os.close(fd)
    assert done.returncode == 0, done.stderr[-3000:]
    results = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    yield {r["id"]: r for r in results}


@pytest.mark.parametrize("case", list(all_cases()))
def test_bad_input_is_refused_in_one_line_with_exit_2_and_nothing_written(case: str, outcomes: dict[str, Any]) -> None:
    result = outcomes[case]
    lines = [line for line in result["output"].splitlines() if line.strip()]
    assert not result["timed_out"], f"over {SECONDS} s"
    assert "Traceback" not in result["output"], result["output"]
    assert result["code"] == 2, result["output"]
    assert 1 <= len(lines) <= MAX_LINES, result["output"]
    assert lines[0].startswith("throughflow: error: "), lines
    assert fragment(case) in result["output"], result["output"]
    assert result["unchanged"], "the command wrote something"


def test_every_corpus_file_is_a_case() -> None:
    on_disk = {str(p.relative_to(BAD)) for p in BAD.glob("*/*.yaml") if p.parent.name != "valid"}
    assert on_disk == set(FILES)


def test_the_valid_base_of_the_horizon_cases_is_valid() -> None:
    from throughflow.scenario import load_scenario

    assert load_scenario(LONG_WORLD).population.arrivals_per_month == 2000


def _limited() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


@pytest.mark.parametrize(
    "argv",
    [
        ["run", str(BAD / "scenarios/huge_n_wise.yaml")],
        ["run", str(BAD / "scenarios/alias_expansion.yaml")],
        ["run", str(BAD / "scenarios/latin1.yaml")],
        ["sweep", str(BAD / "sweeps/huge_replications.yaml")],
        ["compare", TINY, TINY_MENTORING, "--months", "0"],
    ],
    ids=["n_wise", "aliases", "latin1", "replications", "months"],
)
def test_the_throughflow_command_refuses_without_traceback(argv: list[str], tmp_path: Path) -> None:
    done = subprocess.run(
        [str(THROUGHFLOW), *argv],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        preexec_fn=_limited,
    )
    lines = (done.stdout + done.stderr).strip().splitlines()
    assert done.returncode == 2, done.stderr
    assert len(lines) == 1 and lines[0].startswith("throughflow: error: "), lines
    assert "Traceback" not in done.stderr
    assert snapshot(tmp_path) == {}
    if "latin1" in argv[1]:
        assert str(BAD / "scenarios/latin1.yaml") in lines[0]
