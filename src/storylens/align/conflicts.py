"""Conflicts between outlets: numbers, dates and negation among aligned claims.

Reads ``Claim`` records, the conflict-side pair probabilities (``facts.pair_probabilities`` with
``with_values=False``: claims that agree on everything but a value), the fact each claim belongs
to and the outlets' names; writes ``BriefConflict`` records, each with the pieces of evidence that
carry the differing values. Attribution conflicts come from ``quotes.py``.

Only claims of different independent sources are compared: a wire copy cannot contradict its
original. False alarms are worse than misses, so each rule asks for positive evidence:

- number: same unit (head noun) and kind, and no value of one claim is compatible with any value
  of the other once qualifiers are read as intervals ("more than 40,000" is [40,000, ∞); "about
  40,000" is ±10 %; a round "40,000" allows half a unit of its last non-zero digit);
- date: each claim places the event on exactly one resolved day, and the days differ (numbers
  differing too means two different events, not a conflict);
- negation: one claim asserts what the other negates, with the negation cue within a few words
  before a content word both claims share.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from storylens.align.claims import Claim, content_words, is_negated
from storylens.models import BriefConflict, ConflictEvidence, DateMention, Quantity

if TYPE_CHECKING:
    import numpy as np

__all__ = ["compatible", "date_values", "find_conflicts", "interval", "merge_conflicts", "number_conflict"]

ABOUT_TOLERANCE = 0.10  # "about", "around", "nearly": ±10 %
EXACT_TOLERANCE = 0.01  # reporting noise on any exact figure: ±1 %
NEGATION_WINDOW = 4  # words between a negation cue and the shared word it negates
NEGATION_OVERLAP = 0.6  # a denial restates most of the claim it denies (content-word overlap coefficient)
RELATIVE_ANCHOR_DAYS = 2  # relative dates ("Saturday", "today") are compared only between articles this close
_NOT_A_DENIAL = re.compile(
    r"\b(?:not (?:know|sure|clear|immediately|yet|say|specify|comment|disclose|discuss|confirm whether)|no idea|"
    r"unclear|declined|would not|could not|did not (?:say|specify|comment|respond)|no comment)\b",
    re.IGNORECASE,
)
_SPEECH_BEFORE = re.compile(
    r"\b(?:said|says|told \w+|announced|added|stated|reported)\s+(?:on\s+|late\s+|early\s+)?$", re.IGNORECASE
)
_WEEKDAY = re.compile(r"\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b", re.IGNORECASE)
_SUBORDINATE = re.compile(
    r",\s*(?:who|which|whose|although|though|while|when|where)\b[^,]*(?:,|$)", re.IGNORECASE
)
_ABSOLUTE = re.compile(r"\d|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b", re.IGNORECASE)
_NEG_CUES = frozenset(
    {
        "not",
        "no",
        "never",
        "denied",
        "denies",
        "deny",
        "denying",
        "refuted",
        "refutes",
        "dismissed",
        "rejected",
    }
)
_TOKEN = re.compile(r"[a-z0-9][a-z0-9'’-]*")


def _rounding(value: float) -> float:
    """Half a unit of the last non-zero digit of a round integer (40,000 -> 500; 25 -> 0)."""
    if value != int(value) or abs(value) < 10:
        return 0.0
    digits = str(int(abs(value)))
    zeros = len(digits) - len(digits.rstrip("0"))
    return 0.5 * 10 ** (zeros - 1) if zeros else 0.0


def interval(quantity: Quantity) -> tuple[float, float]:
    """The values a quantity admits, given its qualifier."""
    value = float(quantity.value or 0.0)
    slack = max(_rounding(value), EXACT_TOLERANCE * abs(value))
    if quantity.qualifier == "about":
        slack = max(slack, ABOUT_TOLERANCE * abs(value))
        return value - slack, value + slack
    if quantity.qualifier in {"at_least", "more_than"}:
        return value - slack, math.inf
    if quantity.qualifier in {"at_most", "less_than"}:
        return -math.inf, value + slack
    return value - slack, value + slack


def compatible(a: Quantity, b: Quantity) -> bool:
    lo_a, hi_a = interval(a)
    lo_b, hi_b = interval(b)
    return lo_a <= hi_b and lo_b <= hi_a


def _unit(quantity: Quantity) -> str | None:
    if quantity.value is None or quantity.kind == "ordinal" or not quantity.unit:
        return None
    unit = quantity.unit.strip().lower()
    if len(unit) > 3 and unit.endswith("s") and not unit.endswith("ss"):
        unit = unit[:-1]
    return f"{quantity.kind}:{unit}"


def number_conflict(a: Claim, b: Claim) -> tuple[str, list[Quantity], list[Quantity]] | None:
    """(unit, values of a, values of b) when the claims give incompatible values for one unit."""
    units_a: dict[str, list[Quantity]] = {}
    for q in a.quantities:
        if (unit := _unit(q)) is not None:
            units_a.setdefault(unit, []).append(q)
    unsure = {
        f"{q.kind}:{(q.unit or '').strip().lower().removesuffix('s')}"
        for q in (*a.quantities, *b.quantities)
        if q.value is None
    }
    for unit in sorted(units_a):
        if unit.removesuffix("s") in unsure or unit in unsure:
            continue  # a figure of this unit could not be read: no claim of disagreement
        left = units_a[unit]
        right = [q for q in b.quantities if _unit(q) == unit]
        if not right or len(left) > 2 or len(right) > 2:
            continue
        if not any(compatible(x, y) for x in left for y in right):
            return (left[0].unit or unit.split(":", 1)[1]).lower(), left, right
    return None


def date_values(claim: Claim, text: str | None = None) -> set[str]:
    """Resolved days the claim places its event on (dates of the reporting verb — "said Saturday" — excluded)."""
    values = set()
    for d in claim.dates:
        if not d.value or d.granularity != "day":
            continue
        if text is not None and _SPEECH_BEFORE.search(text[max(0, d.start - 30) : d.start]):
            continue
        values.add(d.value)
    return values


def _weekdays(claim: Claim) -> set[str]:
    return {m.group(0).lower() for d in claim.dates for m in _WEEKDAY.finditer(d.text)}


def _relative(claim: Claim) -> bool:
    return any(not _ABSOLUTE.search(d.text) for d in claim.dates if d.value and d.granularity == "day")


def _days_apart(a: str | None, b: str | None) -> float:
    from datetime import datetime

    if not a or not b:
        return 0.0
    try:
        first = datetime.fromisoformat(a.replace("Z", "+00:00"))
        second = datetime.fromisoformat(b.replace("Z", "+00:00"))
    except ValueError:
        return math.inf
    return abs((first.date() - second.date()).days)


def _date_text(claim: Claim, value: str) -> str:
    mention: DateMention = next(d for d in claim.dates if d.value == value)
    return f"{mention.text} ({value})"


def _main_clause(text: str) -> str:
    """``text`` without comma-bounded subordinate clauses (", who was not there,")."""
    return _SUBORDINATE.sub(",", text)


def _negates_shared(negated: Claim, other: Claim) -> bool:
    words_neg, words_other = content_words(negated.text), content_words(other.text)
    shared = words_neg & words_other
    if not shared or len(shared) / max(1, min(len(words_neg), len(words_other))) < NEGATION_OVERLAP:
        return False
    if _NOT_A_DENIAL.search(negated.text) or _NOT_A_DENIAL.search(other.text):
        return False
    tokens = _TOKEN.findall(_main_clause(negated.text).lower().replace("n't", " not"))
    for i, token in enumerate(tokens):
        if token in _NEG_CUES:
            window = tokens[i + 1 : i + 1 + NEGATION_WINDOW]
            if "until" in window:  # "will not reopen until May" states a date, not a denial
                continue
            if any(content_words(w) & shared for w in window):
                return True
    return False


def _conflict_id(kind: str, keys: Sequence[str]) -> str:
    return "c-" + hashlib.sha1("|".join([kind, *keys]).encode("utf-8")).hexdigest()[:10]


def find_conflicts(
    claims: Sequence[Claim],
    probs: np.ndarray,
    threshold: float,
    fact_of: Mapping[int, str],
    source_names: Mapping[str, str],
    texts: Mapping[str, str] | None = None,
    published: Mapping[str, str | None] | None = None,
) -> list[BriefConflict]:
    """Conflicts among pairs of claims (different independent sources) aligned above ``threshold``.

    ``fact_of`` maps claim index -> fact id; ``source_names`` maps article id -> outlet name;
    ``texts`` / ``published`` (article id -> cleaned text / ISO time) let date rules skip dates of
    reporting verbs and compare relative dates only between articles published close together.
    """
    texts = texts or {}
    published = published or {}
    import numpy as np

    found: list[
        tuple[str, str, Claim, str, Claim, str]
    ] = []  # kind, what, claim a, value a, claim b, value b
    n = len(claims)
    candidates = np.argwhere(np.triu(probs >= threshold, 1)) if n > 1 else np.zeros((0, 2), dtype=int)
    members: dict[str, list[int]] = {}
    for index, fact in sorted(fact_of.items()):
        members.setdefault(fact, []).append(index)
    same_fact = {(x, y) for group in members.values() for x in group for y in group if x < y}
    pairs = sorted({(int(i), int(j)) for i, j in candidates} | same_fact)
    for i, j in pairs:
        a, b = claims[i], claims[j]
        if a.source_key == b.source_key:
            continue
        dates_a, dates_b = date_values(a, texts.get(a.article)), date_values(b, texts.get(b.article))
        dates_differ = len(dates_a) == 1 and len(dates_b) == 1 and dates_a != dates_b
        if dates_differ and (_relative(a) or _relative(b)):
            gap = _days_apart(published.get(a.article), published.get(b.article))
            days_a, days_b = _weekdays(a), _weekdays(b)
            if days_a and days_b:  # both name a weekday: compare the words, not the resolver's anchors
                dates_differ = gap <= RELATIVE_ANCHOR_DAYS and not days_a & days_b
            else:
                dates_differ = gap <= RELATIVE_ANCHOR_DAYS
        numbers = number_conflict(a, b)
        if numbers is not None and not dates_differ:
            unit, left, right = numbers
            found.append(
                ("number", unit, a, " / ".join(q.text for q in left), b, " / ".join(q.text for q in right))
            )
            continue
        if dates_differ and numbers is None:
            (day_a,), (day_b,) = dates_a, dates_b
            found.append(("date", "date", a, _date_text(a, day_a), b, _date_text(b, day_b)))
            continue
        if numbers is not None or "?" in a.text + b.text:
            continue
        if is_negated(_main_clause(a.text)) == is_negated(_main_clause(b.text)) or a.negated == b.negated:
            continue
        negated, other = (a, b) if a.negated else (b, a)
        if _negates_shared(negated, other):
            found.append(
                ("negation", "negation", other, "asserts: " + other.text, negated, "denies: " + negated.text)
            )
    return merge_conflicts(found, fact_of, source_names)


def merge_conflicts(
    found: Sequence[tuple[str, str, Claim, str, Claim, str]],
    fact_of: Mapping[int, str],
    source_names: Mapping[str, str],
) -> list[BriefConflict]:
    """One conflict per (kind, subject, facts involved), with the evidence of every claim in it."""
    groups: dict[tuple[str, str, tuple[str, ...]], dict[int, tuple[Claim, str]]] = {}
    for kind, what, a, value_a, b, value_b in found:
        facts = tuple(sorted({fact_of.get(a.index, ""), fact_of.get(b.index, "")} - {""}))
        group = groups.setdefault((kind, what, facts), {})
        group.setdefault(a.index, (a, value_a))
        group.setdefault(b.index, (b, value_b))
    out: list[BriefConflict] = []
    for (kind, what, facts), members in sorted(groups.items()):
        items = [members[k] for k in sorted(members)]
        evidence = tuple(ConflictEvidence(article=c.article, sentence=c.text, value=v) for c, v in items)
        values: dict[str, list[str]] = {}
        for claim, value in items:
            values.setdefault(value, []).append(source_names.get(claim.article, claim.article))
        listed = " vs ".join(
            f"{value} ({', '.join(dict.fromkeys(names))})" for value, names in values.items()
        )
        if kind == "number":
            description = f"Outlets give different figures for {what}: {listed}"
        elif kind == "date":
            description = f"Outlets place the event on different dates: {listed}"
        else:
            description = "One outlet asserts what another denies: " + " vs ".join(
                f"{source_names.get(c.article, c.article)} {v.split(':', 1)[0]}" for c, v in items
            )
        keys = [f"{c.article}:{c.start}" for c, _ in items]
        out.append(
            BriefConflict(
                id=_conflict_id(kind, keys),
                kind=kind,  # type: ignore[arg-type]
                description=description,
                facts=facts,
                evidence=evidence,
            )
        )
    return out
