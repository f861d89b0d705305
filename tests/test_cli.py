"""The command line: outputs of `run`, the Juul & Kamin trace, errors as one line with exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import yaml

from throughflow.cli import main
from throughflow.outcomes import INDICATORS
from throughflow.scenario import load_scenario


@pytest.fixture
def small(tmp_path: Path) -> Path:
    path = tmp_path / "small.yaml"
    path.write_text("extends: mentoring\nname: small\nmonths: 60\npopulation:\n  scale: 0.2\n", encoding="utf-8")
    return path


def test_run_writes_every_output(small: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert main(["run", str(small), "--seed", "3", "--out", str(out)]) == 0
    summary = json.loads((out / "summary.json").read_text())
    assert set(summary) == {i.name for i in INDICATORS}
    for values in summary.values():
        assert set(values) == {"all", "low", "medium", "high"}
    assert 0.0 < summary["throughflow_12m"]["all"] < 1.0
    series = pd.read_parquet(out / "timeseries.parquet")
    assert series["month"].max() == 60
    events = pd.read_parquet(out / "events.parquet")
    assert {"arrive", "place", "hire"} <= set(events["event"].astype(str))
    resolved = yaml.safe_load((out / "scenario.yaml").read_text())
    assert load_scenario(resolved).population.scale == 0.2
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["seed"] == 3
    assert {"throughflow", "python", "packages", "start_time", "wall_seconds", "git_commit"} <= set(manifest)
    assert manifest["packages"]["mesa"].startswith("3.5")
    captured = capsys.readouterr()
    assert "throughflow_12m" in captured.out
    # 60 months: enough for every headline indicator
    assert "throughflow" not in captured.err


def test_a_too_short_horizon_is_named(small: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", str(small), "--months", "9", "--out", str(tmp_path / "short")]) == 0
    captured = capsys.readouterr()
    (note,) = [line for line in captured.err.splitlines() if line.startswith("note:")]
    assert "9 months" in note and "throughflow_12m 13" in note and "sustainable_nec 36" in note
    assert "throughflow_6m" not in note  # 7 months can be enough for it
    summary = json.loads((tmp_path / "short" / "summary.json").read_text())
    named = note.split("months needed: ")[1].rstrip(")").split(", ")
    assert all(summary[item.split()[0]]["all"] is None for item in named)


def test_same_seed_same_summary(small: Path, tmp_path: Path) -> None:
    for name in ("a", "b"):
        assert main(["run", str(small), "--seed", "5", "--months", "48", "--out", str(tmp_path / name)]) == 0
    assert (tmp_path / "a" / "summary.json").read_text() == (tmp_path / "b" / "summary.json").read_text()


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("mentoring:\n  capcity: 3\n", "mentoring.capcity: unknown key"),
        ("labour_market:\n  bias: 1.5\n", "labour_market.bias"),
        ("population: [1, 2\n", "malformed YAML"),
    ],
)
def test_bad_scenario_is_one_line_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, fragment: str) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(content, encoding="utf-8")
    assert main(["run", str(bad), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(bad) in err and fragment in err
    assert not (tmp_path / "o").exists()


def test_missing_scenario_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["trace", "no/such/file.yaml"]) == 2
    err = capsys.readouterr().err
    assert "no/such/file.yaml" in err and err.count("\n") == 1


@pytest.mark.parametrize("command", [[], ["run"], ["trace"], ["compare"], ["sweep"], ["summarize"], ["demo"], ["params"]])
def test_help_everywhere(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main([*command, "--help"])
    assert exit_.value.code == 0
    assert "usage: throughflow" in capsys.readouterr().out


def test_juul_kamin_trace_shows_advocacy_then_a_nearer_placement_in_his_trade(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["trace", "juul_kamin"]) == 0
    lines = capsys.readouterr().out.splitlines()
    text = "\n".join(lines)
    assert "Kamin" in text and "Juul" in text
    offers = [i for i, line in enumerate(lines) if "The OCMW offers" in line]
    advocacy = [i for i, line in enumerate(lines) if "to contest the offer" in line]
    placed = [i for i, line in enumerate(lines) if "starts art. 60 work experience" in line]
    assert offers and advocacy and len(placed) == 1
    assert offers[0] < advocacy[0] < placed[0]
    first_offer, placement = lines[offers[0]], lines[placed[0]]
    assert "outside his trade" in first_offer
    assert "in his trade" in placement and "outside" not in placement

    def minutes(line: str) -> float:
        return float(line.split(" min")[0].rsplit(" ", 1)[-1])

    assert minutes(placement) < minutes(first_offer) - 30
    assert "agrees" in "\n".join(lines[advocacy[0] : placed[0]])


def test_trace_of_any_agent_is_month_by_month(capsys: pytest.CaptureFixture[str], small: Path) -> None:
    assert main(["trace", str(small), "--agent", "5", "--months", "40"]) == 0
    lines = capsys.readouterr().out.splitlines()
    months = [int(line.split(":")[0].split()[1]) for line in lines]
    assert months == sorted(months)
    assert "becomes a client of the OCMW" in lines[0]


def test_trace_unknown_agent(capsys: pytest.CaptureFixture[str], small: Path) -> None:
    assert main(["trace", str(small), "--agent", "999999", "--months", "12"]) == 2
    assert "999999" in capsys.readouterr().err


def test_params_has_a_header_rounded_values_descriptions_and_a_filter(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["params"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:6] == ["name", "kind", "default", "unit", "range", "description"]
    assert set(lines[1].replace(" ", "")) == {"-"}
    share = next(line for line in lines if line.startswith("population.share_medium "))
    assert " 0.1667 " in share and "0.16666" not in share and "MEDIUM-qualified" in share
    assert main(["params", "advocacy", "--kind", "uncertainty"]) == 0
    rows = capsys.readouterr().out.splitlines()[2:-1]
    assert rows and all(" uncertainty " in r and "advocacy" in r.lower() for r in rows)
    assert main(["params", "no-such-thing"]) == 0
    assert "no parameter matches" in capsys.readouterr().out
