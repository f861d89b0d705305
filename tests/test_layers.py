"""Dependencies point one way: model <- experiments <- analysis <- reporting <- cli.

Every import in the package (at module level, inside functions, under ``TYPE_CHECKING``, and
``importlib.import_module("...")`` with a literal name) is read from the source with ``ast``;
a module may import its own layer and the layers below it, never one above.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "model" / "throughflow"

LAYERS = ("model", "experiments", "analysis", "reporting", "cli")
"""From the bottom up."""


def layer_of(module: str) -> int:
    """Layer of a dotted module name inside the package."""
    parts = module.split(".")[1:]  # without "throughflow"
    top = parts[0] if parts else ""
    if top == "experiments":
        return LAYERS.index("experiments")
    if top in ("analysis", "api"):  # the Python API of experiments and their tables
        return LAYERS.index("analysis")
    if top in ("plots", "briefing", "brief"):
        return LAYERS.index("reporting")
    if top in ("cli", "commands", "app"):
        return LAYERS.index("cli")
    return LAYERS.index("model")


def module_name(path: Path) -> str:
    relative = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def is_module(dotted: str) -> bool:
    """Whether a dotted name is a module or package of the package."""
    path = PACKAGE.parent / dotted.replace(".", "/")
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def imports(source: str, module: str, is_package: bool) -> list[tuple[int, str]]:
    """``(line, imported module)`` for every import of a ``throughflow`` module in ``source``."""
    found: list[tuple[int, str]] = []
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            for alias in node.names:
                submodule = f"{target}.{alias.name}"
                if is_module(submodule):
                    found.append((node.lineno, submodule))
                elif target == "throughflow" and alias.name != "__version__":
                    # the package facade: its names (run, the model) come from the experiments layer
                    found.append((node.lineno, "throughflow.experiments"))
                else:
                    found.append((node.lineno, target))
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", "")) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.append((node.lineno, node.args[0].value))
    return [(line, name) for line, name in found if name == "throughflow" or name.startswith("throughflow.")]


def violations(source: str, module: str, is_package: bool = False) -> list[str]:
    """Imports of a higher layer by ``module``."""
    own = layer_of(module)
    return sorted(
        {
            f"{module}:{line} ({LAYERS[own]}) imports {target} ({LAYERS[layer_of(target)]})"
            for line, target in imports(source, module, is_package)
            if layer_of(target) > own
        }
    )


def package_modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_no_module_imports_a_higher_layer() -> None:
    problems = []
    for path in package_modules():
        module = module_name(path)
        if module == "throughflow":
            continue  # the package facade re-exports run() and the model, and imports them only when used
        problems += violations(path.read_text(encoding="utf-8"), module, path.name == "__init__.py")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    ("module", "source", "bad"),
    [
        ("throughflow.experiments.compare", "from throughflow.analysis.summary import summarize_runs", True),
        ("throughflow.experiments.compare", "def f():\n    from throughflow.plots.curves import entry_curves", True),
        ("throughflow.experiments.compare", "from ..analysis import summary", True),
        (
            "throughflow.outcomes",
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from throughflow.cli import main",
            True,
        ),
        ("throughflow.model", "from throughflow import run", True),
        ("throughflow.scenario", "from throughflow import yamlfile", False),
        ("throughflow.scenario", "from throughflow import experiments", True),
        ("throughflow.analysis.summary", "import importlib\nimportlib.import_module('throughflow.brief')", True),
        ("throughflow.analysis.summary", "from throughflow.experiments.store import load_runs", False),
        ("throughflow.briefing.tables", "from throughflow.analysis.summary import summarize_runs", False),
        ("throughflow.cli", "from throughflow.brief import write_brief", False),
        ("throughflow.experiments.store", "from . import design", False),
    ],
)
def test_the_check_sees_each_kind_of_import(module: str, source: str, bad: bool) -> None:
    assert bool(violations(source, module)) == bad


def test_every_package_module_is_checked() -> None:
    modules = {module_name(p) for p in package_modules()}
    assert {
        "throughflow.cli",
        "throughflow.brief",
        "throughflow.experiments.compare",
        "throughflow.analysis.comparison",
    } <= modules
    assert len(modules) > 50
