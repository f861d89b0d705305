"""Scenario files: every bad file fails with one clear line; every shipped file loads and runs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml

from support import SCENARIOS_DIR, TESTS_DIR
from throughflow import ScenarioError, ThroughflowModel, load_scenario
from throughflow.enums import Status
from throughflow.scenario import flatten, to_yaml, with_values

BAD_DIR = TESTS_DIR / "bad_scenarios"

# file -> (key or location the message must name, fragment of the explanation)
BAD: dict[str, tuple[str, str]] = {
    "malformed_yaml.yaml": ("line 4", "malformed YAML"),
    "unknown_top_key.yaml": ("mentorship", "unknown key"),
    "unknown_nested_key.yaml": ("labour_market.biass", "unknown key"),
    "unknown_activity_key.yaml": ("one_on_one.referal", "unknown key"),
    "wrong_type.yaml": ("art60.n_wise", "valid integer"),
    "wrong_type_bool.yaml": ("one_on_one.enabled", "valid boolean"),
    "wrong_type_section.yaml": ("labs", "dictionary"),
    "fractional_int.yaml": ("months", "integer"),
    "out_of_range.yaml": ("labour_market.bias", "less than or equal to 1"),
    "out_of_range_negative.yaml": ("population.arrivals_per_month", "greater than or equal to 0"),
    "bad_choice.yaml": ("mentoring.targeting", "'random_share'"),
    "shares_not_one.yaml": ("population.share_low", "sum to 1"),
    "contract_shares_not_one.yaml": ("art60.share_12m", "sum to 1"),
    "empty_pair_range.yaml": ("mentoring.pair_months_max", "pair_months_min"),
    "extends_missing.yaml": ("extends", "no_such_scenario_file.yaml"),
    "extends_not_a_name.yaml": ("extends", "file name"),
    "circular_a.yaml": ("extends", "circular"),
    "circular_b.yaml": ("extends", "circular"),
    "self_extends.yaml": ("extends", "circular"),
    "top_level_list.yaml": ("top level", "mapping"),
    "top_level_scalar.yaml": ("top level", "mapping"),
    "inherited_error_child.yaml": ("labour_market.bias", "less than or equal to 1"),
    "story_unknown_trade.yaml": ("story.trade", "bakery"),
}


def test_the_bad_corpus_and_its_table_match() -> None:
    assert sorted(p.name for p in BAD_DIR.glob("*.yaml")) == sorted(BAD)


@pytest.mark.parametrize("filename", sorted(BAD))
def test_bad_scenario_raises_one_line_naming_file_and_key(filename: str) -> None:
    key, fragment = BAD[filename]
    path = BAD_DIR / filename
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    message = str(caught.value)
    assert "\n" not in message.strip(), message
    assert filename in message, message
    assert key in message, message
    assert fragment in message, message


def test_missing_scenario_file_is_a_scenario_error(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match=r"nowhere\.yaml"):
        load_scenario(tmp_path / "nowhere.yaml")


def test_a_file_rewritten_at_once_is_read_again(tmp_path: Path) -> None:
    """A scenario parsed before is not parsed again, but a change to its file is seen at once."""
    path = tmp_path / "s.yaml"
    path.write_text("extends: baseline\nlabour_market:\n  bias: 0.3\n", encoding="utf-8")
    assert load_scenario(path).labour_market.bias == 0.3
    path.write_text("extends: baseline\nlabour_market:\n  bias: 0.4\n", encoding="utf-8")  # same size, same second
    assert load_scenario(path).labour_market.bias == 0.4
    path.write_text("extends: baseline\nlabour_market:\n  bias: 7\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"labour_market\.bias"):
        load_scenario(path)


def test_each_reader_of_a_parsed_file_gets_its_own_copy(tmp_path: Path) -> None:
    """Changing what one reader got does not change what the next reader gets."""
    from throughflow import yamlfile

    path = tmp_path / "d.yaml"
    path.write_text("a:\n  b: [1, 2]\n", encoding="utf-8")
    first, _ = yamlfile.read(path)
    first["a"]["b"].append(3)
    assert yamlfile.read(path)[0] == {"a": {"b": [1, 2]}}


def test_unknown_override_names_the_key() -> None:
    with pytest.raises(ScenarioError, match=r"labour_market\.biass: unknown key"):
        load_scenario("baseline", **{"labour_market.biass": 0.4})


def test_out_of_range_override_names_the_key() -> None:
    with pytest.raises(ScenarioError, match=r"one_on_one\.p_reenrol"):
        load_scenario("baseline", **{"one_on_one.p_reenrol": 1.2})


def test_with_values_validates() -> None:
    base = load_scenario("baseline")
    with pytest.raises(ScenarioError, match=r"art60\.slots_per_host"):
        with_values(base, {"art60.slots_per_host": 0})
    assert with_values(base, {"art60.slots_per_host": 30}).art60.slots_per_host == 30


SHIPPED = sorted(p.stem for p in SCENARIOS_DIR.glob("*.yaml"))


def test_the_expected_scenarios_are_shipped() -> None:
    for name in ("baseline", "mentoring", "pillar_one_on_one", "pillar_organisation", "pillar_labs", "juul_kamin"):
        assert name in SHIPPED


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_scenario_loads_and_runs_a_few_months(name: str) -> None:
    spec = load_scenario(SCENARIOS_DIR / f"{name}.yaml")
    assert spec.name == name
    assert load_scenario(name) == spec
    model = ThroughflowModel(load_scenario(name, **{"population.scale": 0.2}), seed=3, months=6).run()
    assert model.steps == 6
    assert model.refugees.n > 0
    assert (model.refugees.column("status") == Status.ART60).any()
    assert model.recorder.stocks[6].sum() == model.refugees.n


@pytest.mark.parametrize("name", SHIPPED)
def test_resolved_yaml_round_trips(name: str, tmp_path: Path) -> None:
    spec = load_scenario(name)
    path = tmp_path / f"{name}.yaml"
    path.write_text(to_yaml(spec), encoding="utf-8")
    assert load_scenario(path) == spec
    assert "extends" not in yaml.safe_load(path.read_text(encoding="utf-8"))


def test_extends_inherits_and_overrides() -> None:
    base, mentoring = flatten(load_scenario("baseline")), flatten(load_scenario("mentoring"))
    changed = {k for k in base if base[k] != mentoring[k]}
    assert changed == {"name", "description", "one_on_one.enabled", "organisation.enabled", "labs.enabled"}
    ablation = flatten(load_scenario("without_labs"))
    assert ablation["labs.enabled"] is False
    assert ablation["one_on_one.enabled"] is True


def test_extends_a_relative_file(tmp_path: Path) -> None:
    (tmp_path / "parent.yaml").write_text("extends: mentoring\nlabour_market:\n  bias: 0.4\n", encoding="utf-8")
    (tmp_path / "child.yaml").write_text("extends: parent.yaml\nmonths: 48\n", encoding="utf-8")
    spec = load_scenario(tmp_path / "child.yaml")
    assert (spec.months, spec.labour_market.bias, spec.section("one_on_one").enabled) == (48, 0.4, True)


def test_a_file_without_a_name_is_named_after_itself_not_its_parent(tmp_path: Path) -> None:
    # results are stored under the scenario name: a variant must not pass for its parent
    (tmp_path / "variant.yaml").write_text("extends: mentoring\nmonths: 48\n", encoding="utf-8")
    assert load_scenario(tmp_path / "variant.yaml").name == "variant"


def test_an_empty_file_means_the_defaults(tmp_path: Path) -> None:
    path = tmp_path / "empty.yaml"
    path.write_text("", encoding="utf-8")
    assert flatten(load_scenario(path)) | {"name": "baseline"} == flatten(load_scenario(None))


def test_other_shares_that_sum_to_one_are_accepted() -> None:
    spec = load_scenario(
        "baseline", **{"population.share_low": 0.5, "population.share_medium": 0.25, "population.share_high": 0.25}
    )
    assert np.isclose(spec.population.share_low, 0.5)
