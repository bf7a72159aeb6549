"""Frames: what a figure or a date inside a claim is attached to.

Reads one ``Claim`` (its text, entity spans and quote spans) and the offsets of one of its
quantities or dates; writes a ``Frame``: the words of the claim's local context around the value
(the comma-bounded segment it stands in, a few content words either side), their crude stems, the
event classes those stems belong to ("killed", "died", "death toll" -> death; "injured", "hurt" ->
injury; ...), the entity nearest before the value, whether the value is an increment ("another
0.04 crowns") and, for percentages and money, the words naming what is measured.

The conflict rules (``conflicts.py``) compare two values only when their frames say they measure
the same thing or date the same event: same event class where either has one, shared context
stems, no different owning entity. No parsing beyond this: the language layer gives no syntax, and
these checks only ever *remove* candidate conflicts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from storylens.align.claims import STOPWORDS, Claim

__all__ = [
    "CONTEXT_WORDS",
    "Frame",
    "event_classes",
    "frame",
    "is_future",
    "is_past",
    "same_event",
    "same_measure",
    "stem",
]

CONTEXT_WORDS = 4  # content words either side of a value that form its local context
MEASURE_WORDS = 3  # content words before a percentage / sum that name what it measures

# Event classes of the predicates news figures and dates attach to. A figure of "people" killed and
# one of "people" evacuated are different quantities; so are the day of a meeting and of a vote.
_EVENT_STEMS: dict[str, str] = {
    **dict.fromkeys(
        ("kill", "die", "died", "dead", "death", "fatal", "toll", "lives", "perish", "drown"), "death"
    ),
    **dict.fromkeys(("injur", "wound", "hurt", "hospital", "treat"), "injury"),
    **dict.fromkeys(("evacu", "displac", "homeles", "shelter", "flee", "fled", "rehous"), "displaced"),
    **dict.fromkeys(("arrest", "detain", "custod", "charg", "convict", "sentenc"), "arrest"),
    **dict.fromkeys(("missing", "unaccount"), "missing"),
    **dict.fromkeys(("rescu", "alive", "survivor"), "rescue"),
    **dict.fromkeys(("march", "protest", "demonstr", "rally", "crowd"), "protest"),
    **dict.fromkeys(("job", "employ", "staff", "worker", "redundan", "layoff"), "jobs"),
    **dict.fromkeys(("turnout", "vote", "ballot", "elect"), "vote"),
    **dict.fromkeys(("meet", "met", "talk", "negotiat"), "meeting"),
    **dict.fromkeys(("close", "closur", "shut"), "closure"),
    **dict.fromkeys(("open", "reopen", "inaugur"), "opening"),
    **dict.fromkeys(("inspect", "survey", "examin"), "inspection"),
    **dict.fromkeys(("resign", "quit", "step"), "resignation"),
    **dict.fromkeys(("launch", "lift"), "launch"),
    **dict.fromkeys(("profit", "earning", "revenue", "sale", "loss"), "results"),
    **dict.fromkeys(
        ("spend", "invest", "cost", "budget", "pay", "paid", "price", "premium", "offer"), "spending"
    ),
}
_INCREMENT_BEFORE = re.compile(r"\b(?:another|additional|extra|further|a further)\s+$", re.IGNORECASE)
_INCREMENT_AFTER = re.compile(r"^\s*(?:more|extra|additional)\b", re.IGNORECASE)
_SEGMENT_BREAK = re.compile(r"[,;:()\[\]\"“”«»—–]|\s-\s|\bwhile\b|\bwhereas\b|\balthough\b", re.IGNORECASE)
_TOKEN = re.compile(r"[A-Za-z][A-Za-z'’-]*|\d[\d,.]*")
_OF_NOUN = re.compile(
    r"^\s*(?:of|in)\s+(?:the\s+|a\s+|an\s+|its\s+|their\s+)?([A-Za-z][A-Za-z-]+)", re.IGNORECASE
)
_FUTURE = re.compile(
    r"\b(?:will|shall|would|won't|going to|is to|are to|due to|plans? to|planned|scheduled|expected to|"
    r"to be held|next|upcoming|set to)\b",
    re.IGNORECASE,
)
_PAST = re.compile(
    r"\b(?:was|were|had|did|ago|yesterday|last)\b|\b[a-z]{3,}ed\b|\b(?:struck|shook|hit|fell|rose|met|won|"
    r"lost|left|began|held|took|made|found|saw|told|said|went|came|ran|gave|sold|bought|paid|brought|"
    r"caught|thought|kept|led|put|set|cut|spent|built|sent|stood|broke|spoke|wrote|drove|fled|froze)\b",
    re.IGNORECASE,
)


def stem(word: str) -> str:
    """A crude stem: lower case, possessive and common suffixes removed, at most seven letters."""
    word = word.lower().strip("'’-.,")
    for suffix in ("'s", "’s"):
        word = word.removesuffix(suffix)
    for suffix in ("ings", "ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            word = word[: -len(suffix)]
            break
    return word[:7]


def event_classes(stems: frozenset[str] | set[str]) -> frozenset[str]:
    """The event classes named by ``stems`` (prefix match against the class lexicon)."""
    out = set()
    for s in stems:
        for prefix, name in _EVENT_STEMS.items():
            if s.startswith(prefix) or (len(s) >= 4 and prefix.startswith(s) and len(prefix) - len(s) <= 1):
                out.add(name)
    return frozenset(out)


def is_future(text: str) -> bool:
    """Whether ``text`` speaks of something still to come (a plan, a schedule, a forecast)."""
    return bool(_FUTURE.search(text))


def is_past(text: str) -> bool:
    """Whether ``text`` reports something that has happened (past-tense cue, no future cue)."""
    return bool(_PAST.search(text)) and not is_future(text)


@dataclass(frozen=True, slots=True)
class Frame:
    """The local context of one value inside one claim."""

    stems: frozenset[str]  # content stems of the local context (the value's own words excluded)
    classes: frozenset[str]  # event classes of those stems
    owner: str | None  # canonical id of the nearest entity before the value, inside its segment
    measured: frozenset[str]  # stems naming what a percentage / sum measures ("share", "premium")
    increment: bool  # "another 0.04 crowns", "12 more people": a change, not a level
    in_quote: bool  # the value stands inside a direct quote
    segment: str  # the comma-bounded segment the value stands in


def _segment_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    left = 0
    for match in _SEGMENT_BREAK.finditer(text, 0, start):
        left = match.end()
    right_match = _SEGMENT_BREAK.search(text, end)
    right = right_match.start() if right_match else len(text)
    return left, right


def _content(tokens: list[str]) -> list[str]:
    return [
        t
        for t in tokens
        if t.lower() not in STOPWORDS
        and len(t) > 2
        and not t[0].isdigit()
        and t.lower() not in {"per", "cent"}
    ]


def frame(claim: Claim, start: int, end: int, unit: str | None = None) -> Frame:
    """The frame of the value at absolute offsets ``start:end`` of ``claim``'s article."""
    text = claim.text
    rel_start, rel_end = max(0, start - claim.start), max(0, end - claim.start)
    seg_left, seg_right = _segment_bounds(text, rel_start, rel_end)
    before = _content(_TOKEN.findall(text[seg_left:rel_start]))
    after = _content(_TOKEN.findall(text[rel_end:seg_right]))
    unit_stem = stem(unit) if unit else ""
    window = [w for w in (*before[-CONTEXT_WORDS:], *after[:CONTEXT_WORDS]) if stem(w) != unit_stem]
    stems = frozenset(stem(w) for w in window)
    owner = None
    for e_start, e_end, ident in claim.entity_spans:
        if claim.start + seg_left <= e_start and e_end <= start:
            owner = ident
    entity_words = {
        stem(w)
        for e_start, e_end, _ in claim.entity_spans
        for w in _TOKEN.findall(text[max(0, e_start - claim.start) : max(0, e_end - claim.start)])
    }
    measured = {stem(w) for w in before[-MEASURE_WORDS:]} - entity_words
    of_noun = _OF_NOUN.match(text[rel_end:seg_right])
    if of_noun:
        measured.add(stem(of_noun.group(1)))
    measured.discard(unit_stem)
    increment = bool(_INCREMENT_BEFORE.search(text[:rel_start]) or _INCREMENT_AFTER.match(text[rel_end:]))
    in_quote = any(q_start <= start and end <= q_end for q_start, q_end in claim.quote_spans)
    return Frame(
        stems=stems,
        classes=event_classes(stems),
        owner=owner,
        measured=frozenset(measured),
        increment=increment,
        in_quote=in_quote,
        segment=text[seg_left:seg_right],
    )


def _compatible_context(a: Frame, b: Frame) -> bool:
    if a.classes or b.classes:
        if not a.classes & b.classes:
            return False
    elif not a.stems & b.stems:
        return False
    return not (a.owner and b.owner and a.owner != b.owner)


def same_measure(a: Frame, b: Frame, *, measure: bool) -> bool:
    """Whether two figures of one unit measure the same thing (``measure``: percentages and sums)."""
    if a.increment or b.increment:
        return False
    if not _compatible_context(a, b):
        return False
    return not (measure and not a.measured & b.measured)


def same_event(a: Frame, b: Frame) -> bool:
    """Whether two dates are attached to the same event (same event class or shared context)."""
    if not _compatible_context(a, b):
        return False
    return bool(a.stems & b.stems) or bool(a.classes & b.classes)
