"""The scenario schema, composed from the world's sections and the mechanisms' own sections.

:class:`~throughflow.parameters.ScenarioBase` declares the world (population, geography,
art. 60, labour market, costs). Every mechanism with a parameter section adds it at its
dotted path: ``one_on_one`` (the volunteers of pillar 1), ``one_on_one.referral`` (a
mentor's referrals) and so on. A path's class is the owning mechanism's section with the
sections below it as fields, so a scenario file reads::

    one_on_one:
      enabled: true
      referral: {enabled: true}

:func:`compose` builds the class for any list of mechanisms (a test adds an example
mechanism this way); :data:`Scenario` is the class for the registered mechanisms.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import Field, create_model, model_validator

from throughflow.mechanism import Mechanism
from throughflow.parameters import ScenarioBase, Section
from throughflow.processes import MECHANISMS
from throughflow.switches import active_mechanisms


def _class_name(path: str) -> str:
    return "".join(part.title().replace("_", "") for part in path.split(".")) + "Section"


def compose(mechanisms: Sequence[type[Mechanism[Any]]], base: type[ScenarioBase] = ScenarioBase) -> type[ScenarioBase]:
    """The scenario class with the parameter sections of ``mechanisms``.

    Args:
        mechanisms: Mechanism classes; each with ``Pars`` owns the section at its ``section`` path.
        base: The world's scenario class.

    Returns:
        A pydantic class (a subclass of ``base``) whose instances are validated scenarios; it
        carries the mechanisms as ``MECHANISMS``.

    Raises:
        ValueError: If two mechanisms own the same section or a section shadows a field.
    """
    owners: dict[str, type[Section]] = {}
    for mechanism in mechanisms:
        if mechanism.Pars is None:
            continue
        if mechanism.section in owners:
            raise ValueError(f"section {mechanism.section!r} is owned by two mechanisms")
        if "." not in mechanism.section and mechanism.section in base.model_fields:
            raise ValueError(f"section {mechanism.section!r} of {mechanism.name} is a world section")
        owners[mechanism.section] = mechanism.Pars
    paths: list[str] = []  # in registration order, a parent before its children (a list: the field order is fixed)
    for path in owners:
        parts = path.split(".")
        for k in range(1, len(parts) + 1):
            if ".".join(parts[:k]) not in paths:
                paths.append(".".join(parts[:k]))
    built: dict[str, type[Section]] = {}
    for path in sorted(paths, key=lambda p: -p.count(".")):  # children before parents (a stable sort)
        children = {
            child.rpartition(".")[2]: (built[child], Field(default_factory=built[child]))
            for child in paths
            if child.rpartition(".")[0] == path and "." in child
        }
        owner = owners.get(path, Section)
        for name in children:
            if name in owner.model_fields:
                raise ValueError(f"section {path}.{name} shadows a parameter of {path}")
        built[path] = create_model(  # type: ignore[call-overload]
            _class_name(path), __base__=owner, __module__=__name__, __doc__=owner.__doc__, **children
        )
    tops = {path: (built[path], Field(default_factory=built[path])) for path in paths if "." not in path}

    def _check_mechanisms(self: ScenarioBase) -> ScenarioBase:
        for mechanism in active_mechanisms(tuple(mechanisms), self):  # what does not run needs nothing
            mechanism.check(self)
        return self

    scenario: type[ScenarioBase] = create_model(  # type: ignore[call-overload]
        "Scenario",
        __base__=base,
        __module__=__name__,
        __doc__=base.__doc__,
        __validators__={"_check_mechanisms": model_validator(mode="after")(_check_mechanisms)},
        **tops,
    )
    scenario.MECHANISMS = tuple(mechanisms)  # type: ignore[attr-defined]
    return scenario


Scenario = compose(MECHANISMS)
"""The class of a validated scenario with every registered mechanism's section."""


def _export(cls: type[Any]) -> None:
    """Make the composed section classes importable by name (pickling, documentation)."""
    for field in cls.model_fields.values():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, Section) and annotation.__module__ == __name__:
            globals().setdefault(annotation.__name__, annotation)
            _export(annotation)


_export(Scenario)


def mechanisms_of(scenario: ScenarioBase) -> tuple[type[Mechanism[Any]], ...]:
    """The mechanisms a scenario's class was composed from."""
    return getattr(type(scenario), "MECHANISMS", MECHANISMS)
