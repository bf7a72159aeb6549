"""Negation conflicts: one outlet denies the very proposition another asserts.

Reads two ``Claim`` records of different independent sources; decides whether one denies what the
other asserts. A denial is a negation cue in the claim's main clause ("not", "no", "never",
"denied", "rejected", ...) with the proposition it scopes over: the words after the cue up to the
end of its segment. It conflicts with the other claim only when

- the *head* of the denied proposition (its first content word, past "that", "any", "reports of"
  and possessives) is asserted by the other claim, with no negation cue just before it there; and
- the denied proposition aligns with the asserting claim: the claims align and most of the
  proposition's content stems appear in the asserting claim (``SCOPE_OVERLAP``); or, for any two
  claims of the story, they mirror each other on whether an event took place ("confirmed that
  talks had begun" vs "denied that any talks had taken place": an affirmation verb and a denial
  verb governing the same event noun, the denial about its occurrence).

Not denials: contrastive negation ("X, not Y"), "not ... until" (a date, not a denial), refusals to
comment ("declined to", "did not say"), questions. False alarms are worse than misses.
"""

from __future__ import annotations

import re

from storylens.align.claims import STOPWORDS, Claim
from storylens.align.frames import event_classes, stem

__all__ = ["SCOPE_OVERLAP", "denial_conflict", "denials"]

SCOPE_OVERLAP = 0.6  # share of the denied proposition's content stems the asserting claim must carry
NEGATION_WINDOW = 4  # tokens between a cue and the head it negates, on the asserting side
_CUE = re.compile(
    r"\b(?:not|no|never|denied|denies|deny|denying|refuted|refutes)\b|n't\b"
    r"|\b(?:rejected|rejects|dismissed|dismisses)\s+(?=(?:the\s+|as\s+)?(?:reports?|claims?|suggestions?|"
    r"allegations?|speculation|rumou?rs?|accounts?)\b)",
    re.IGNORECASE,
)
_DENIAL_VERBS = frozenset(
    {"denied", "denies", "deny", "denying", "refuted", "refutes", "rejected", "rejects"}
)
_AFFIRM = re.compile(r"\b(?:confirmed|confirms|acknowledged|acknowledges|admitted|admits)\b", re.IGNORECASE)
_NOT_A_DENIAL = re.compile(
    r"\b(?:not (?:know|sure|clear|immediately|yet|say|specify|comment|disclose|discuss|confirm whether|only)|"
    r"no idea|no comment|declined|would not (?:say|comment)|could not (?:say|confirm)|"
    r"did not (?:say|specify|comment|respond))\b",
    re.IGNORECASE,
)
_SCOPE_END = re.compile(
    r"[,;:.!?()\"“”«»]|\s-\s|\b(?:but|while|whereas|although|and said|and that)\b", re.IGNORECASE
)
_SUBORDINATE = re.compile(
    r",\s*(?:who|which|whose|although|though|while|when|where)\b[^,]*(?:,|$)", re.IGNORECASE
)
_OCCURRENCE = frozenset(
    {"place", "taken", "took", "happen", "occurr", "held", "begun", "began", "start", "exist"}
)
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_SKIP = frozenset(
    {
        "that",
        "any",
        "reports",
        "report",
        "claims",
        "claim",
        "suggestions",
        "suggestion",
        "allegations",
        "allegation",
        "rumours",
        "speculation",
        "there",
        "been",
        "being",
        "ever",
        "even",
        "officially",
    }
)


def _main_clause(text: str) -> str:
    return _SUBORDINATE.sub(",", text)


def _content_stems(words: list[str]) -> list[str]:
    out = []
    for word in words:
        low = word.lower()
        if low in STOPWORDS or low in _SKIP or len(low) < 3 or low.endswith(("'s", "’s")):
            continue
        out.append(stem(low))
    return out


def denials(claim: Claim) -> list[tuple[str, str, frozenset[str]]]:
    """(cue, head stem, content stems) of every denied proposition in the claim's main clause."""
    text = _main_clause(claim.text)
    if "?" in text:
        return []
    out = []
    for match in _CUE.finditer(text):
        cue = match.group(0).lower().strip()
        before = text[: match.start()].rstrip()
        if before.endswith(","):  # "X, not Y": contrastive, not a denial
            continue
        if _NOT_A_DENIAL.search(text[max(0, match.start() - 12) : match.end() + 30]):
            continue
        rest = text[match.end() :]
        end = _SCOPE_END.search(rest)
        scope = rest[: end.start()] if end else rest
        words = _WORD.findall(scope)
        if "until" in (w.lower() for w in words[: NEGATION_WINDOW + 2]):
            continue
        stems = _content_stems(words)
        if not stems:
            continue
        out.append((cue, stems[0], frozenset(stems)))
    return out


def _asserts(claim: Claim, head: str) -> bool:
    """Whether the claim states ``head`` without a negation cue just before it."""
    tokens = _WORD.findall(_main_clause(claim.text).replace("n't", " not"))
    found = False
    for i, token in enumerate(tokens):
        if stem(token) != head:
            continue
        window = tokens[max(0, i - NEGATION_WINDOW) : i]
        if any(_CUE.fullmatch(w) or w.lower() in {"not", "no", "never"} for w in window):
            return False
        found = True
    return found


def _affirmed_heads(claim: Claim) -> set[str]:
    heads = set()
    for match in _AFFIRM.finditer(claim.text):
        stems = _content_stems(_WORD.findall(claim.text[match.end() : match.end() + 80]))
        if stems:
            heads.add(stems[0])
    return heads


def _mirrors(cue: str, head: str, scope: frozenset[str], other: Claim) -> bool:
    """A denial verb and an affirmation verb on the occurrence of the same event ("talks", "strike")."""
    return (
        cue in _DENIAL_VERBS
        and bool(event_classes({head}))
        and bool(scope & _OCCURRENCE)
        and head in _affirmed_heads(other)
    )


def denial_conflict(negated: Claim, other: Claim, *, aligned: bool) -> bool:
    """Whether ``negated`` denies what ``other`` asserts.

    ``aligned``: the two claims aligned as claims; without it only the mirror rule (an explicit
    denial and an explicit confirmation of the same event taking place) can fire.
    """
    if "?" in other.text or _NOT_A_DENIAL.search(other.text) or denials(other):
        return False  # the other claim must assert, not report a denial of its own
    other_stems = {stem(w) for w in _WORD.findall(other.text)}
    for cue, head, scope in denials(negated):
        if not _asserts(other, head):
            continue
        if aligned and len(scope) >= 2 and len(scope & other_stems) / len(scope) >= SCOPE_OVERLAP:
            return True
        if _mirrors(cue, head, scope, other):
            return True
    return False
