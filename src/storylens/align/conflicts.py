"""Conflicts between outlets: numbers, dates and negation among aligned claims.

Reads ``Claim`` records, the conflict-side pair probabilities (``facts.pair_probabilities`` with
``with_values=False``: claims that agree on everything but a value), the fact each claim belongs
to, the outlets' names, texts and publication times; writes ``BriefConflict`` records, each with
the pieces of evidence that carry the differing values. Attribution conflicts come from
``quotes.py``.

Only claims of different independent sources are compared: a wire copy cannot contradict its
original. False alarms are worse than misses, so each rule asks for positive evidence that the two
values are about the same thing (``frames.py`` says what a value is attached to):

- number: the claims align strongly (``STRONG_ALIGNMENT``), and exactly one figure of each claim
  measures the same thing: same unit (head noun) and kind, same event class of the words around
  it ("killed" vs "evacuated" people are different quantities), shared local context, no
  different owning entity, neither an increment ("another 0.04 crowns"); for percentages and sums,
  also the same measured noun ("shares", "premium"), not just the unit. The values conflict when
  they are incompatible once qualifiers are read as intervals ("more than 40,000" is [40,000, ∞);
  "about 40,000" is ±10 %; a round "40,000" allows half a unit of its last non-zero digit; "3%"
  admits whatever rounds to it);
- date: the claims align strongly, each places its event on exactly one *reliable* day (not the
  day of a reporting verb, not a dateline, not inside a direct quote, and not more than
  ``FUTURE_SLACK_DAYS`` after the article's publication in a claim that does not speak of the
  future — a weekday resolved forward in a past-tense report), both speak in the same tense, the
  dates are attached to the same event, and the days differ (numbers differing too means two
  different events, not a conflict);
- negation: one claim denies the proposition the other asserts (``negation.py``).
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING

from storylens.align.claims import Claim
from storylens.align.frames import Frame, frame, is_future, same_event, same_measure
from storylens.align.negation import denial_conflict, denials
from storylens.models import BriefConflict, ConflictEvidence, DateMention, Quantity

if TYPE_CHECKING:
    import numpy as np

__all__ = [
    "compatible",
    "date_values",
    "find_conflicts",
    "interval",
    "merge_conflicts",
    "number_conflict",
    "reliable_dates",
]

ABOUT_TOLERANCE = 0.10  # "about", "around", "nearly": ±10 %
EXACT_TOLERANCE = 0.01  # reporting noise on any exact figure: ±1 %
# Lowest pair probability at which the alignment model is >= 90 % precise on the 178 calibration
# pairs (precision 0.941, recall 0.511 at 0.70; 0.881 at 0.65), measured with the PARAMS["static"]
# model over ``storylens.eval.alignment.pair_features_table`` of the calibration split.
STRONG_ALIGNMENT = 0.70
FUTURE_SLACK_DAYS = 3  # a past-tense claim's date this many days after publication is unreliable
RELATIVE_ANCHOR_DAYS = 2  # relative dates ("Saturday", "today") are compared only between articles this close
_SPEECH_BEFORE = re.compile(
    r"\b(?:said|says|told \w+|announced|added|stated|reported)\s+(?:on\s+|late\s+|early\s+)?$", re.IGNORECASE
)
_WEEKDAY = re.compile(r"\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b", re.IGNORECASE)
_ABSOLUTE = re.compile(r"\d|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b", re.IGNORECASE)
_DATELINE = re.compile(r"[A-Z][A-Z .'’-]*,\s*")
_CURRENCY_UNITS = frozenset(
    {
        "usd",
        "eur",
        "gbp",
        "chf",
        "jpy",
        "dollar",
        "euro",
        "pound",
        "crown",
        "franc",
        "yen",
        "rouble",
        "krona",
        "koruna",
        "zloty",
        "lira",
        "rupee",
        "yuan",
        "peso",
        "%",
        "percent",
        "per cent",
        "percentage point",
    }
)


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


def _decimals(quantity: Quantity) -> int:
    """Decimal places the figure was given with ("3.4%" -> 1, "3%" -> 0)."""
    match = re.search(r"\d+(?:[.,]\d+)*", quantity.text)
    digits = match.group(0).replace(",", "") if match else ""
    return len(digits.split(".", 1)[1]) if "." in digits else 0


def compatible(a: Quantity, b: Quantity) -> bool:
    """Whether two figures can describe the same quantity (qualifiers and rounding respected)."""
    lo_a, hi_a = interval(a)
    lo_b, hi_b = interval(b)
    if lo_a <= hi_b and lo_b <= hi_a:
        return True
    if a.value is None or b.value is None or a.qualifier != "exact" or b.qualifier != "exact":
        return False
    coarse, fine = (a, b) if _decimals(a) < _decimals(b) else (b, a)
    if _decimals(coarse) == _decimals(fine):
        return False
    return abs(float(fine.value or 0.0) - float(coarse.value or 0.0)) <= 0.5 * 10 ** (-_decimals(coarse))


def _unit(quantity: Quantity) -> str | None:
    if quantity.value is None or quantity.kind == "ordinal" or not quantity.unit:
        return None
    unit = quantity.unit.strip().lower()
    if len(unit) > 3 and unit.endswith("s") and not unit.endswith("ss"):
        unit = unit[:-1]
    return f"{quantity.kind}:{unit}"


def _is_measure(quantity: Quantity) -> bool:
    unit = (quantity.unit or "").strip().lower().removesuffix("s")
    return quantity.kind in {"percent", "money"} or unit in _CURRENCY_UNITS


def _acknowledges(claim: Claim, figure: Quantity) -> bool:
    """Whether ``claim`` also states ``figure``'s value as a bare number ("put the figure at eight")."""
    return any(
        q.unit is None and q.value is not None and q.kind == figure.kind and compatible(q, figure)
        for q in claim.quantities
    )


def number_conflict(a: Claim, b: Claim) -> tuple[str, list[Quantity], list[Quantity]] | None:
    """(unit, figure of a, figure of b) when exactly one figure of each measures the same thing and they differ."""
    unsure = {
        f"{q.kind}:{(q.unit or '').strip().lower().removesuffix('s')}"
        for q in (*a.quantities, *b.quantities)
        if q.value is None
    }
    for unit in sorted({u for q in a.quantities if (u := _unit(q)) is not None}):
        if unit.removesuffix("s") in unsure or unit in unsure:
            continue  # a figure of this unit could not be read: no claim of disagreement
        left = [q for q in a.quantities if _unit(q) == unit]
        right = [q for q in b.quantities if _unit(q) == unit]
        matched = [
            (x, y)
            for x in left
            for y in right
            if same_measure(
                frame(a, x.start, x.end, x.unit), frame(b, y.start, y.end, y.unit), measure=_is_measure(x)
            )
        ]
        if not matched or any(compatible(x, y) for x, y in matched):
            continue
        if (
            len({(x.start, x.end) for x, _ in matched}) != 1
            or len({(y.start, y.end) for _, y in matched}) != 1
        ):
            continue  # which figure measures what is ambiguous
        x, y = matched[0]
        if _acknowledges(a, y) or _acknowledges(b, x):
            continue  # a claim that also gives the other figure reports the dispute, it does not take a side
        return (x.unit or unit.split(":", 1)[1]).lower(), [x], [y]
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


def _day(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    except ValueError:
        return None


def reliable_dates(claim: Claim, text: str | None, published: str | None) -> dict[str, Frame]:
    """Event days of the claim the resolver can be trusted on, with the frame of each mention.

    Left out: reporting-verb days, datelines, days inside direct quotes (relative to when the words
    were spoken), and days more than ``FUTURE_SLACK_DAYS`` after publication in a claim that does not
    speak of the future.
    """
    out: dict[str, Frame] = {}
    pub = _day(published)
    for d in claim.dates:
        if not d.value or d.granularity != "day" or d.value not in date_values(claim, text):
            continue
        if text is not None:
            line_start = text.rfind("\n", 0, d.start) + 1
            if _DATELINE.fullmatch(text[line_start : d.start]):
                continue
        mention = frame(claim, d.start, d.end)
        if mention.in_quote:
            continue
        day = _day(d.value)
        late = pub is not None and day is not None and (day - pub).days > FUTURE_SLACK_DAYS
        if late and not is_future(mention.segment) and not is_future(claim.text):
            continue
        out.setdefault(d.value, mention)
    return out


def _weekdays(claim: Claim) -> set[str]:
    return {m.group(0).lower() for d in claim.dates for m in _WEEKDAY.finditer(d.text)}


def _relative(claim: Claim) -> bool:
    return any(not _ABSOLUTE.search(d.text) for d in claim.dates if d.value and d.granularity == "day")


def _days_apart(a: str | None, b: str | None) -> float:
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
    aligned_pairs = {(int(i), int(j)) for i, j in candidates} | same_fact
    deniers = [k for k, c in enumerate(claims) if denials(c)]
    mirror_pairs = {(min(k, m), max(k, m)) for k in deniers for m in range(n) if m != k}
    pairs = sorted(aligned_pairs | mirror_pairs)
    for i, j in pairs:
        a, b = claims[i], claims[j]
        if a.source_key == b.source_key:
            continue
        aligned = (i, j) in aligned_pairs
        if not aligned:  # only the mirror rule of negation reaches pairs that do not align
            found.extend(_negation(a, b, aligned=False))
            continue
        strong = bool(probs[i, j] >= STRONG_ALIGNMENT)
        pub_a, pub_b = published.get(a.article), published.get(b.article)
        dates_a = reliable_dates(a, texts.get(a.article), pub_a)
        dates_b = reliable_dates(b, texts.get(b.article), pub_b)
        dates_differ = len(dates_a) == 1 and len(dates_b) == 1 and dates_a.keys() != dates_b.keys()
        if dates_differ and (_relative(a) or _relative(b)):
            gap = _days_apart(pub_a, pub_b)
            days_a, days_b = _weekdays(a), _weekdays(b)
            if days_a and days_b:  # both name a weekday: compare the words, not the resolver's anchors
                dates_differ = gap <= RELATIVE_ANCHOR_DAYS and not days_a & days_b
            else:
                dates_differ = gap <= RELATIVE_ANCHOR_DAYS
        numbers = number_conflict(a, b) if strong else None
        if numbers is not None and not dates_differ:
            unit, left, right = numbers
            found.append(
                ("number", unit, a, " / ".join(q.text for q in left), b, " / ".join(q.text for q in right))
            )
            continue
        if dates_differ and numbers is None and strong:
            ((day_a, frame_a),) = dates_a.items()
            ((day_b, frame_b),) = dates_b.items()
            same_tense = is_future(frame_a.segment) == is_future(frame_b.segment)
            if same_tense and same_event(frame_a, frame_b):
                found.append(("date", "date", a, _date_text(a, day_a), b, _date_text(b, day_b)))
                continue
        if numbers is not None:
            continue
        found.extend(_negation(a, b, aligned=aligned))
    return merge_conflicts(found, fact_of, source_names)


def _negation(a: Claim, b: Claim, *, aligned: bool) -> list[tuple[str, str, Claim, str, Claim, str]]:
    """The negation conflict of two claims (the asserting one first), when one denies the other."""
    for negated, other in ((a, b), (b, a)):
        if denial_conflict(negated, other, aligned=aligned):
            return [
                ("negation", "negation", other, "asserts: " + other.text, negated, "denies: " + negated.text)
            ]
    return []


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
