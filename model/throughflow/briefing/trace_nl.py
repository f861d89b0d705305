"""Dutch renderings of the trace's sentences (:func:`throughflow.trace.narrate`) for the Dutch brief.

The trace is written in English by the model; the Dutch brief quotes the same lines in Dutch.
Each sentence form of the trace has one pattern here and its Dutch template; names, numbers
and places are carried over (numbers with a decimal comma). A line no pattern matches is
returned as ``None``, and the brief then quotes it in English, marked as such; a test runs
the story over several seeds and requires every quoted line to be translated.
"""

from __future__ import annotations

import re

SECTORS = {
    "mechanics": "mechanica",
    "construction": "bouw",
    "cleaning": "schoonmaak",
    "hospitality": "horeca",
    "logistics": "logistiek",
    "care": "zorg",
    "retail": "detailhandel",
    "green": "groenonderhoud",
}
STATUS = {
    "WAITING": "wachtend op een plaats",
    "ART60": "aan het werk in art. 60",
    "NEC": "aan het werk in het NEC",
    "WISE_JOB": "in vaste dienst bij een WISE",
    "UNEMPLOYED": "werkloos",
    "INACTIVE": "inactief",
}
CHANNELS = {
    "a cold application": "een open sollicitatie",
    "an own contact": "een eigen contact",
    "a mentor referral": "een doorverwijzing door de mentor",
    "a WISE job coach's referral": "een doorverwijzing door de jobcoach van de WISE",
    "an apprenticeship": "een leerwerkplek",
    "an application": "een sollicitatie",
}
PAIR_ENDS = {
    "completed": "afgerond",
    "breakdown": "afgebroken",
    "mentor left": "de mentor stopt",
    "mentee left": "de mentee stopt",
}
LABS = {
    "conversation club": "praatgroep",
    "workshop": "workshop",
    "speed dating": "speeddate met werkgevers",
    "slow dating": "kennismaking met een werkgever",
    "apprenticeship": "leerwerkplek",
    "network event": "netwerkevent",
    "exchange": "uitwisseling",
}
OUTCOMES = {
    "moves to the NEC job": "gaat naar de NEC-job",
    "is retained by the WISE": "blijft in vaste dienst bij de WISE",
    "goes on benefit": "komt in de werkloosheid",
    "leaves": "vertrekt",
}


def _comma(number: str) -> str:
    return number.replace(".", ",")


def _place(text: str) -> str:
    return re.sub(r"Municipality (\d+)", r"Gemeente \1", text).replace("Centre", "Centrum")


def _host(kind: str, number: str, sector: str, place: str) -> str:
    noun = "WISE" if kind == "WISE" else "werkplek"
    return f"{noun} #{number} ({SECTORS.get(sector, sector)}, {_place(place)})"


def _employer(number: str, sector: str, place: str) -> str:
    return f"werkgever #{number} ({SECTORS.get(sector, sector)}, {_place(place)})"


def _trade(fit: str) -> str:
    return "in zijn vak" if fit.startswith("in ") else "buiten zijn vak"


HOST = r"(WISE|host) #(\d+) \((\w+), ([^)]+)\)"
EMPLOYER = r"employer #(\d+) \((\w+), ([^)]+)\)"
QUALIFIED = {"LOW": "laaggeschoold", "MEDIUM": "middengeschoold", "HIGH": "hooggeschoold"}
RULES: tuple[tuple[str, object], ...] = (
    (
        r"(\w+) \((\w+) qualified, trade (\w+)\) becomes a client of the OCMW of (.+)\.",
        lambda m: (
            f"{m.group(1)} ({QUALIFIED.get(m.group(2), m.group(2))}, vak {SECTORS.get(m.group(3), m.group(3))}) wordt "
            f"cliënt van het OCMW van {_place(m.group(4))}."
        ),
    ),
    (r"(\w+) enrols with the mentoring organisation\.", lambda m: f"{m.group(1)} schrijft zich in bij de mentororganisatie."),
    (
        r"With (\w+)'s help a diploma is recognised \(recognition now ([\d.]+)\)\.",
        lambda m: f"Met de hulp van {m.group(1)} wordt een diploma erkend (erkenning nu {_comma(m.group(2))}).",
    ),
    (
        rf"The OCMW offers an art\. 60 place at {HOST}: (\d+) min by public transport, ((?:in|outside) \w+ trade)\.",
        lambda m: (
            f"Het OCMW biedt een art. 60-plaats aan bij {_host(*m.group(1, 2, 3, 4))}: {m.group(5)} min met het "
            f"openbaar vervoer, {_trade(m.group(6))}."
        ),
    ),
    (
        r"(\w+) goes with (\w+) to the OCMW to contest the offer; the OCMW agrees to look for a better place "
        r"\(openness now ([\d.]+)\)\.",
        lambda m: (
            f"{m.group(1)} gaat met {m.group(2)} naar het OCMW om het aanbod te betwisten; het OCMW zoekt een betere "
            f"plaats (openheid nu {_comma(m.group(3))})."
        ),
    ),
    (
        r"(\w+) goes with (\w+) to the OCMW to contest the offer; the OCMW is reluctant and refuses "
        r"\(openness now ([\d.]+)\)\.",
        lambda m: (
            f"{m.group(1)} gaat met {m.group(2)} naar het OCMW om het aanbod te betwisten; het OCMW houdt de boot af "
            f"(openheid nu {_comma(m.group(3))})."
        ),
    ),
    (
        rf"(\w+) starts art\. 60 work experience at {HOST}: (\d+) min from home, ((?:in|outside) \w+ trade)\.",
        lambda m: (
            f"{m.group(1)} begint zijn art. 60-tewerkstelling bij {_host(*m.group(2, 3, 4, 5))}: {m.group(6)} min van "
            f"huis, {_trade(m.group(7))}."
        ),
    ),
    (
        r"The mentoring pair ends \(([\w ]+)\)\.",
        lambda m: f"Het mentorkoppel stopt ({PAIR_ENDS.get(m.group(1), m.group(1))}).",
    ),
    (
        r"The art\. 60 contract ends \(skill now ([\d.]+)\); (\w+) (.+)\.",
        lambda m: (
            f"Het art. 60-contract loopt af (vaardigheid nu {_comma(m.group(1))}); {m.group(2)} "
            f"{OUTCOMES.get(m.group(3), m.group(3))}."
        ),
    ),
    (
        r"(\w+) drops out of the placement \((\d+) min commute\) and leaves the labour market\.",
        lambda m: f"{m.group(1)} haakt af bij de tewerkstelling ({m.group(2)} min woon-werkverkeer) en verlaat de arbeidsmarkt.",
    ),
    (
        rf"(\w+) is hired by {EMPLOYER} through (.+)\.",
        lambda m: (
            f"{m.group(1)} wordt aangeworven door {_employer(*m.group(2, 3, 4))} via {CHANNELS.get(m.group(5), m.group(5))}."
        ),
    ),
    (
        rf"(\w+) starts an NEC job at {EMPLOYER} \((\d+) min commute\)\.",
        lambda m: f"{m.group(1)} begint een NEC-job bij {_employer(*m.group(2, 3, 4))} ({m.group(5)} min woon-werkverkeer).",
    ),
    (
        rf"(\w+) loses the job at {EMPLOYER} after (\d+) months and goes on benefit\.",
        lambda m: (
            f"{m.group(1)} verliest de job bij {_employer(*m.group(2, 3, 4))} na {m.group(5)} maanden en komt in de werkloosheid."
        ),
    ),
    (r"(\w+) leaves the labour market\.", lambda m: f"{m.group(1)} verlaat de arbeidsmarkt."),
    (
        r"End of the run: (\w+) is (\w+)\.",
        lambda m: f"Einde van de simulatie: {m.group(1)} is {STATUS.get(m.group(2), m.group(2))}.",
    ),
    (
        r"(\w+) is matched with (\w+) \(mentor #(\d+), advocacy ([\d.]+)\)\.",
        lambda m: f"{m.group(1)} wordt gekoppeld aan {m.group(2)} (mentor #{m.group(3)}, pleitkracht {_comma(m.group(4))}).",
    ),
    (
        r"(\w+) takes part in a learning lab: ([\w ]+)\.",
        lambda m: f"{m.group(1)} neemt deel aan een leerlab: {LABS.get(m.group(2), m.group(2))}.",
    ),
    (
        r"(\w+) sends (\d+) cold application\(s\); (\d+) warm application\(s\)\.",
        lambda m: f"{m.group(1)} stuurt {m.group(2)} open sollicitatie(s) en {m.group(3)} sollicitatie(s) via een contact.",
    ),
    (
        rf"(\w+) refers (\w+) to an open vacancy at {EMPLOYER}\.",
        lambda m: f"{m.group(1)} verwijst {m.group(2)} door naar een vacature bij {_employer(*m.group(3, 4, 5))}.",
    ),
    (
        rf"(\w+) introduces (\w+) to {EMPLOYER}\.",
        lambda m: f"{m.group(1)} stelt {m.group(2)} voor aan {_employer(*m.group(3, 4, 5))}.",
    ),
)


def dutch(sentence: str) -> str | None:
    """The Dutch rendering of one trace sentence (without its month), or ``None`` if its form is unknown."""
    for pattern, build in RULES:
        match = re.fullmatch(pattern, sentence)
        if match:
            return build(match)  # type: ignore[operator]
    return None
