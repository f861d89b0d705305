"""The explorer without a browser: settings, paired runs, stores (read only), the command line."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pandas as pd
import pytest

from throughflow.app import figures
from throughflow.app.runs import BASELINE, PROGRAMME, Runner, Settings, one_run, seeds, story
from throughflow.app.stores import find_stores, open_store
from throughflow.cli import main
from throughflow.experiments.design import sweep_from_mapping
from throughflow.experiments.sweep import run_sweep
from throughflow.scenario import ScenarioError, load_scenario

TINY = {"scale": 0.1, "months": 36, "seeds": 2}


def test_settings_reproduce_a_scenario() -> None:
    s = Settings.of("pillar_labs")
    assert dict(s.pillars) == {"one_on_one": False, "organisation": False, "labs": True}
    spec = dataclasses.replace(s, share_low=0.4, other_applicants=4.0).scenario_of()
    assert spec.population.share_low == 0.4
    assert spec.population.share_medium + spec.population.share_high == pytest.approx(0.6)
    assert spec.labour_market.other_applicants == 4.0 and spec.labs.enabled
    assert load_scenario("pillar_labs").labs.enabled
    assert seeds(3) == seeds(3) and len(set(seeds(3))) == 3


def test_bad_settings_are_refused_not_crashing() -> None:
    with pytest.raises(ScenarioError):
        dataclasses.replace(Settings.of("mentoring"), capacity=-5.0).scenario_of()


def test_paired_runs_and_their_summaries() -> None:
    runner = Runner(workers=1)
    try:
        settings = dataclasses.replace(Settings.of("mentoring"), **TINY)
        paired = runner.paired(settings)
        assert runner.paired(settings) is paired  # cached
    finally:
        runner.close()
    assert sorted(paired.runs["factor:arm"].unique()) == sorted([BASELINE, PROGRAMME])
    assert len(paired.runs) == 4
    effects = paired.effects("throughflow_12m")
    assert list(effects.index) == ["all", "low", "medium", "high"]
    cost = paired.cost_at(24)
    assert cost["month"] == 24 and cost["extra_in_nec"] == cost["extra_in_nec"]
    for fig in (figures.entry_curves(paired), figures.group_effects(paired, "sustainable_nec"), figures.cost_curves(paired, 12)):
        assert fig.axes


def test_one_run_matches_a_store_row() -> None:
    row, monthly = one_run(load_scenario("baseline", **{"population.scale": 0.1, "months": 24}).model_dump(), 5)
    assert row["status"] == "ok" and "throughflow_6m.all" in row and "cost_eur.all" in row
    assert list(monthly.columns) == ["month", "nec", "cost_eur"] and len(monthly) == 24
    assert monthly["cost_eur"].is_monotonic_increasing


def test_story_with_and_without_the_programme() -> None:
    lines = story(dataclasses.replace(Settings.of("mentoring"), months=36), seed=1)
    assert set(lines) == {PROGRAMME, BASELINE}
    assert any("Juul" in line for line in lines[PROGRAMME])
    assert not any("Juul" in line for line in lines[BASELINE])


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("stores")
    sweep = sweep_from_mapping(
        {
            "name": "s",
            "replications": 2,
            "months": 36,
            "factors": {"mentoring": {"levels": {"off": {}, "on": {"labs.enabled": True}}}},
        },
        base_overrides={"population.scale": 0.1},
    )
    run_sweep(sweep, out=root / "s", executor="serial", progress=False)
    return root / "s"


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p): (p.stat().st_size, p.stat().st_mtime_ns) for p in folder.rglob("*")}


def test_stores_are_read_only(store: Path) -> None:
    before = snapshot(store)
    view = open_store(store)
    assert view.kind == "sweep" and view.levels == {"mentoring": ["off", "on"]}
    assert view.default_effect() == ("mentoring", "off")
    assert figures.store_effect(view.runs, "mentoring", "off", None, "throughflow_12m").axes
    assert snapshot(store) == before
    assert find_stores(store.parent) == [store]


def test_bad_store_folders(tmp_path: Path) -> None:
    for folder, message in ((tmp_path / "nope", "no such folder"), (tmp_path, "not a results store")):
        with pytest.raises(ValueError, match=message):
            open_store(folder)
    (tmp_path / "indices.csv").write_text("a,b\n1,2\n")
    with pytest.raises(ValueError, match="not a sensitivity result"):
        open_store(tmp_path)


def test_sensitivity_bars() -> None:
    indices = pd.DataFrame(
        {"outcome": ["o", "o"], "name": ["a", "b"], "ST": [0.5, 0.1], "ST_conf": [0.1, 0.05], "S1": [0.4, 0.0]}
    )
    assert figures.sensitivity_bars(indices, "o").axes


def test_app_arguments_are_checked(capsys: pytest.CaptureFixture[str]) -> None:
    for args in (["--port", "0"], ["--seeds", "20"], ["--scale", "0"], ["--workers", "0"]):
        assert main(["app", *args]) == 2
    assert "--port" in capsys.readouterr().err


def test_app_listens_on_localhost_by_default() -> None:
    from throughflow.cli import _parser

    args = _parser().parse_args(["app"])
    assert args.host == "127.0.0.1"
    assert os.environ.get("SOLARA_TELEMETRY_MIXPANEL_ENABLE") == "False"  # set when throughflow.app is imported
    assert os.environ.get("SOLARA_ASSETS_CDN", "").startswith("http://127.0.0.1")


def test_set_on_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "run"
    args = ["run", "baseline", "--months", "24", "--out", str(out), "--set", "population.scale=0.1"]
    assert main([*args, "--set", "population.share_low=0.5"]) == 0
    resolved = load_scenario(out / "scenario.yaml")
    assert resolved.population.scale == 0.1 and resolved.population.share_medium == 0.25
    assert main(["run", "baseline", "--set", "population.scale"]) == 2
    assert main(["run", "baseline", "--set", "no.such=1"]) == 2
    assert "unknown parameter no.such" in capsys.readouterr().err


def _descendants(pid: int) -> set[int]:
    """Every living descendant of a process (Linux: parent ids from ``/proc/<pid>/stat``)."""
    parent_of = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rpartition(")")[2].split()
            except OSError:
                continue
            if fields[0] not in ("Z", "X"):
                parent_of[int(entry.name)] = int(fields[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parent_of.items() if parent in frontier} - found
        found |= frontier
    return found


@pytest.mark.parametrize("stop", ["SIGTERM", "SIGKILL"])
def test_a_stopped_server_leaves_no_worker_process_behind(tmp_path: Path, stop: str) -> None:
    import signal
    import socket
    import subprocess
    import sys
    import time
    from urllib.request import urlopen

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    command = [sys.executable, "-m", "throughflow.cli", "app", "--port", str(port), "--results", str(tmp_path)]
    command += ["--scale", "0.1", "--months", "36", "--seeds", "1", "--workers", "2"]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=tmp_path)
    try:
        deadline = time.monotonic() + 90
        while len(_descendants(server.pid)) < 3:  # the page starts the pool: a fork server and two workers
            assert server.poll() is None and time.monotonic() < deadline, "the server did not start its workers"
            try:
                with urlopen(f"http://127.0.0.1:{port}/", timeout=2):
                    pass
            except OSError:
                pass
            time.sleep(0.5)
        workers = _descendants(server.pid)
        server.send_signal(getattr(signal, stop))
        server.wait(timeout=30)
        deadline = time.monotonic() + 10
        while (left := workers & _descendants(1)) and time.monotonic() < deadline:  # orphans are adopted by init
            time.sleep(0.1)
        assert not left, f"worker processes left after {stop}: {sorted(left)}"
    finally:
        if server.poll() is None:
            server.kill()
