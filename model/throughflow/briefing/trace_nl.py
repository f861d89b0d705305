"""Dutch renderings of the trace's sentences (:func:`throughflow.trace.narrate`) for the Dutch brief.

The trace is written in English by the model; the Dutch brief quotes the same lines in Dutch.
Each sentence form of the trace (the :meth:`~throughflow.mechanism.Mechanism.describe` of
every mechanism that logs events, and the closing line of :func:`~throughflow.trace.narrate`)
has one pattern here and its Dutch template; names, numbers and places are carried over
(numbers with a decimal comma). A line no pattern matches is returned as ``None``, and the
brief then quotes it in English, marked as such; a test runs the story over several seeds
and requires every quoted line to be translated, and another has every mechanism tell each
of its events in every variant.
"""

from __future__ import annotations

import re
from collections.abc import Callable

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
    "a job coach's referral": "een doorverwijzing door een jobcoach",
    "an apprenticeship": "een leerwerkplek",
    "a referral by the WISE to a co-design partner employer": (
        "een doorverwijzing door de WISE naar een partnerwerkgever uit het co-designtraject"
    ),
    "an application": "een sollicitatie",
    "an introduction": "een introductie",
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
QUALIFIED = {"LOW": "laaggeschoold", "MEDIUM": "middengeschoold", "HIGH": "hooggeschoold"}


def _one_of(words: dict[str, str]) -> str:
    """A group matching exactly the English words a table translates (an unknown word is no match)."""
    return "(" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + ")"


NAME = r"(Refugee #\d+|\w+)"
"""The refugee: the story's name, or ``Refugee #12`` for anyone else."""
MENTOR = r"(the mentor|\w+)"
"""The mentor: the story's name, or ``the mentor``."""
THEIR = r"(his|their)"
"""The refugee's possessive: ``his`` in the story, ``their`` for anyone else."""
HOST = rf"(WISE|host) #(\d+) \({_one_of(SECTORS)}, ([^)]+)\)"
EMPLOYER = rf"employer #(\d+) \({_one_of(SECTORS)}, ([^)]+)\)"
NUMBER = r"([\d.]+)"


def _comma(number: str) -> str:
    return number.replace(".", ",")


def _place(text: str) -> str:
    return re.sub(r"Municipality (\d+)", r"Gemeente \1", text).replace("Centre", "Centrum")


def _name(name: str) -> str:
    return re.sub(r"^Refugee #", "Vluchteling #", name)


def _mentor(name: str) -> str:
    return "de mentor" if name == "the mentor" else name


def _first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _months(number: str) -> str:
    return f"{number} {'maand' if number == '1' else 'maanden'}"


def _own(their: str, noun: str, article: str = "de") -> str:
    """``zijn vak`` in the story, ``het eigen vak`` for anyone else."""
    return f"zijn {noun}" if their == "his" else f"{article} eigen {noun}"


def _host(kind: str, number: str, sector: str, place: str) -> str:
    noun = "WISE" if kind == "WISE" else "werkplek"
    return f"{noun} #{number} ({SECTORS.get(sector, sector)}, {_place(place)})"


def _employer(number: str, sector: str, place: str) -> str:
    return f"werkgever #{number} ({SECTORS.get(sector, sector)}, {_place(place)})"


def _channel(words: str) -> str:
    return CHANNELS[words]


def _trade(fit: str) -> str:
    inside, their = fit.split(" ")[0] == "in", fit.split(" ")[1]
    return f"{'in' if inside else 'buiten'} {_own(their, 'vak', 'het')}"


def _reach(their: str, more: str | None, tolerance: str | None) -> str:
    if more is not None:
        return f"{more} min meer dan {_own(their, 'tolerantie')}, een risico op afhaken"
    return f"binnen {_own(their, 'tolerantie')} van {tolerance} min"


def _growth(their: str, factor: str | None) -> str:
    if factor is None:
        return f"buiten {_own(their, 'vak', 'het')}"
    skill = "zijn vaardigheid" if their == "his" else "de vaardigheid"
    return (
        f"in {_own(their, 'vak', 'het')}: {skill} groeit {_comma(factor)} keer zo snel en telt als ervaring bij "
        "werkgevers uit het vak"
    )


def _applications(count: str) -> str:
    return f"{count} open {'sollicitatie' if count == '1' else 'sollicitaties'}"


Build = Callable[[re.Match[str]], str]
RULES: tuple[tuple[str, Build], ...] = (
    (
        rf"{NAME} \({_one_of(QUALIFIED)} qualified, trade {_one_of(SECTORS)}\) becomes a client of the OCMW of (.+)\.",
        lambda m: f"{_name(m[1])} ({QUALIFIED[m[2]]}, vak {SECTORS[m[3]]}) wordt cliënt van het OCMW van {_place(m[4])}.",
    ),
    (
        rf"{NAME} has lived in Belgium (?:for (\d+) years|recently), isolated: no contacts with employers, "
        rf"weak Dutch \(level {NUMBER}; 0\.4 is A2\)\.",
        lambda m: (
            f"{_name(m[1])} woont {f'al {m[2]} jaar' if m[2] else 'sinds kort'} in België, geïsoleerd: geen contacten "
            f"bij werkgevers, zwak Nederlands (niveau {_comma(m[3])}; 0,4 is A2)."
        ),
    ),
    (rf"{NAME} enrols with the mentoring organisation\.", lambda m: f"{_name(m[1])} schrijft zich in bij de mentororganisatie."),
    (
        rf"{NAME} is matched with {MENTOR} \(mentor #(\d+), advocacy {NUMBER}\)\.",
        lambda m: f"{_name(m[1])} wordt gekoppeld aan {_mentor(m[2])} (mentor #{m[3]}, pleitkracht {_comma(m[4])}).",
    ),
    (
        rf"The mentoring pair ends \({_one_of(PAIR_ENDS)}\)\.",
        lambda m: f"Het mentorkoppel stopt ({PAIR_ENDS[m[1]]}).",
    ),
    (
        rf"With {MENTOR}'s help a diploma is recognised \(recognition now {NUMBER}\)\.",
        lambda m: f"Met de hulp van {_mentor(m[1])} wordt een diploma erkend (erkenning nu {_comma(m[2])}).",
    ),
    (
        rf"{MENTOR} introduces {NAME} to {EMPLOYER}\.",
        lambda m: _first(f"{_mentor(m[1])} stelt {_name(m[2])} voor aan {_employer(m[3], m[4], m[5])}."),
    ),
    (
        rf"{MENTOR} refers {NAME} to an open vacancy at {EMPLOYER}\.",
        lambda m: _first(f"{_mentor(m[1])} verwijst {_name(m[2])} door naar een vacature bij {_employer(m[3], m[4], m[5])}."),
    ),
    (
        rf"The OCMW offers an art\. 60 place at {HOST}: (\d+) min by public transport, ((?:in|outside) (?:his|their) trade)\.",
        lambda m: (
            f"Het OCMW biedt een art. 60-plaats aan bij {_host(m[1], m[2], m[3], m[4])}: {m[5]} min met het "
            f"openbaar vervoer, {_trade(m[6])}."
        ),
    ),
    (
        rf"{MENTOR} goes with {NAME} to the OCMW to contest the offer; the OCMW agrees to look for a better place "
        rf"\(openness now {NUMBER}\)\.",
        lambda m: _first(
            f"{_mentor(m[1])} gaat met {_name(m[2])} naar het OCMW om het aanbod te betwisten; het OCMW zoekt een "
            f"betere plaats (openheid nu {_comma(m[3])})."
        ),
    ),
    (
        rf"{MENTOR} goes with {NAME} to the OCMW to contest the offer; the OCMW is reluctant and refuses "
        rf"\(openness now {NUMBER}\)\.",
        lambda m: _first(
            f"{_mentor(m[1])} gaat met {_name(m[2])} naar het OCMW om het aanbod te betwisten; het OCMW houdt de "
            f"boot af (openheid nu {_comma(m[3])})."
        ),
    ),
    (
        rf"{NAME} starts art\. 60 work experience at {HOST}: (\d+) min from home, "
        rf"(?:(\d+) min more than {THEIR} tolerance, a risk of dropping out|within {THEIR} tolerance of (\d+) min); "
        rf"(?:in {THEIR} trade: {THEIR} skill grows {NUMBER} times as fast and counts as experience with employers "
        rf"of the trade|outside {THEIR} trade)\.",
        lambda m: (
            f"{_name(m[1])} begint {'zijn' if (m[8] or m[9]) == 'his' else 'een'} art. 60-tewerkstelling bij "
            f"{_host(m[2], m[3], m[4], m[5])}: {m[6]} min van huis, {_reach(m[8] or m[9], m[7], m[10])}; "
            f"{_growth(m[11] or m[14], m[13])}."
        ),
    ),
    (
        rf"{NAME} drops out of the placement \((\d+) min commute\) and leaves the labour market\.",
        lambda m: f"{_name(m[1])} haakt af bij de tewerkstelling ({m[2]} min woon-werkverkeer) en verlaat de arbeidsmarkt.",
    ),
    (
        rf"The art\. 60 contract ends \(skill now {NUMBER}\); {NAME} {_one_of(OUTCOMES)}\.",
        lambda m: f"Het art. 60-contract loopt af (vaardigheid nu {_comma(m[1])}); {_name(m[2])} {OUTCOMES[m[3]]}.",
    ),
    (
        rf"{NAME} sends (\d+) cold application\(s\)\.",
        lambda m: f"{_name(m[1])} stuurt {_applications(m[2])}.",
    ),
    (
        rf"{NAME} has a job interview at {EMPLOYER} after {_one_of(CHANNELS)}\.",
        lambda m: f"{_name(m[1])} heeft een sollicitatiegesprek bij {_employer(m[2], m[3], m[4])} na {_channel(m[5])}.",
    ),
    (
        rf"{NAME} is hired by {EMPLOYER} through {_one_of(CHANNELS)}\.",
        lambda m: f"{_name(m[1])} wordt aangeworven door {_employer(m[2], m[3], m[4])} via {_channel(m[5])}.",
    ),
    (
        rf"{NAME} starts an NEC job at {EMPLOYER} \((\d+) min commute\)\.",
        lambda m: f"{_name(m[1])} begint een NEC-job bij {_employer(m[2], m[3], m[4])} ({m[5]} min woon-werkverkeer).",
    ),
    (
        rf"{NAME} loses the job at {EMPLOYER} after (\d+) months and goes on benefit\.",
        lambda m: (
            f"{_name(m[1])} verliest de job bij {_employer(m[2], m[3], m[4])} na {_months(m[5])} en komt in de werkloosheid."
        ),
    ),
    (
        rf"{NAME} loses the WISE job after (\d+) months and goes on benefit\.",
        lambda m: f"{_name(m[1])} verliest de vaste job bij de WISE na {_months(m[2])} en komt in de werkloosheid.",
    ),
    (
        rf"{NAME} returns to the labour market and looks for work\.",
        lambda m: f"{_name(m[1])} keert terug naar de arbeidsmarkt en zoekt werk.",
    ),
    (rf"{NAME} leaves the labour market\.", lambda m: f"{_name(m[1])} verlaat de arbeidsmarkt."),
    (
        rf"{NAME} takes part in a learning lab: {_one_of(LABS)}\.",
        lambda m: f"{_name(m[1])} neemt deel aan een leerlab: {LABS[m[2]]}.",
    ),
    (
        rf"{NAME} joins a community moment \(a socio-cultural activity, an open-space gathering\)\.",
        lambda m: (
            f"{_name(m[1])} neemt deel aan een gemeenschapsmoment (een socioculturele activiteit, een open-spacebijeenkomst)."
        ),
    ),
    (
        rf"{HOST}, where {NAME} works, starts a co-design trajectory with the OCMW, the ecosystem and partner "
        r"employers on the transition to regular work\.",
        lambda m: _first(
            f"{_host(m[1], m[2], m[3], m[4])}, waar {_name(m[5])} werkt, start een co-designtraject met het OCMW, het "
            "ecosysteem en partnerwerkgevers over de doorstroming naar regulier werk."
        ),
    ),
    (
        rf"End of the run: {NAME} is {_one_of(STATUS)}\.",
        lambda m: f"Einde van de simulatie: {_name(m[1])} is {STATUS[m[2]]}.",
    ),
)


def dutch(sentence: str) -> str | None:
    """The Dutch rendering of one trace sentence (without its month), or ``None`` if its form is unknown."""
    for pattern, build in RULES:
        match = re.fullmatch(pattern, sentence)
        if match:
            return build(match)
    return None
