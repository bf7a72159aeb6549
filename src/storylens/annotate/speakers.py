"""Who said a quote: cue verbs, speaker expressions and pronoun resolution.

Reads a spaCy doc (parse, lemmas) and the article's entity mentions; gives speaker expressions as
(name, start, end). A cue is a verb whose lemma is in :data:`CUE_LEMMAS` (said, told, added,
warned, insisted, noted, ...) or "according to"; the speaker is the verb's subject, or the name
right after it ("said Anna Kovacs"); an entity mention covering the speaker token gives the cleaned
name (roles stripped), an apposition or title compound gives the named person ("the spokeswoman,
Maria Zakharova"), otherwise the noun phrase is kept ("a protester", "the Kremlin").
:class:`Resolver` maps surnames to the article's full names and resolves he/she/it/they to the most
recent sentence with a compatible named mention outside quotes (its subject first): gender is known
only from roles and titles ("spokeswoman", "Mrs") and from earlier pronoun bindings — no name
lexicon, so two people of unknown gender in one sentence stay ambiguous.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from storylens.annotate.entities import TITLE_WORDS
from storylens.models import EntityMention

__all__ = [
    "CUE_LEMMAS",
    "ORG_WORDS",
    "PRONOUNS",
    "Resolver",
    "cue_and_speaker",
    "lead_subject",
    "looks_like_person",
    "speaker_from_token",
    "speaker_name",
    "tokens_between",
]

CUE_LEMMAS = frozenset((
    "say", "tell", "add", "warn", "insist", "note", "state", "claim", "announce", "explain", "argue",
    "declare", "write", "tweet", "post", "reply", "respond", "answer", "ask", "urge", "acknowledge",
    "admit", "confirm", "deny", "stress", "emphasize", "emphasise", "remark", "comment", "continue",
    "conclude", "recall", "predict", "promise", "vow", "pledge", "suggest", "complain", "concede",
    "contend", "maintain", "assert", "observe", "report", "allege", "caution", "reiterate", "repeat",
    "quip", "joke", "whisper", "testify", "counter", "retort", "agree", "accuse", "signal", "threaten",
    "demand", "shout", "describe", "call",
))  # fmt: skip
ORG_WORDS = frozenset((
    "ministry", "council", "board", "authority", "agency", "bank", "party", "university", "college",
    "school", "company", "corp", "corporation", "inc", "ltd", "llc", "plc", "group", "committee",
    "commission", "department", "office", "house", "court", "police", "army", "navy", "forces", "force",
    "union", "association", "institute", "foundation", "fund", "service", "services", "times", "post",
    "news", "ledger", "daily", "herald", "tribune", "journal", "press", "radio", "tv", "television",
    "network", "club", "team", "federation", "league", "church", "hospital", "airlines", "airline",
    "airport", "railways", "railway", "energy", "oil", "gas", "motors", "bureau", "parliament",
    "assembly", "senate", "congress", "government", "administration", "cabinet", "kremlin", "embassy",
    "center", "centre", "museum", "trust", "coalition", "alliance", "movement", "front", "organisation",
    "organization",
))  # fmt: skip
PRONOUNS = {"he": "m", "she": "f", "him": "m", "her": "f", "they": "p", "it": "o", "we": "p"}
_FEMALE = re.compile(r"\b(?:she|her|mrs|ms|miss|woman|spokeswoman|chairwoman|congresswoman|queen|princess|"
                     r"actress|mother|daughter|wife|sister|grandmother|businesswoman|lady|dame)\b", re.I)  # fmt: skip
_MALE = re.compile(r"\b(?:he|his|him|mr|man|spokesman|chairman|congressman|king|prince|actor|father|son|"
                   r"husband|brother|grandfather|businessman|lord|sir)\b", re.I)  # fmt: skip
_SPEAKER_TYPES = frozenset({"PERSON", "ORG", "GPE", "NORP", "FAC"})


def tokens_between(doc: Any, start: int, end: int) -> list[Any]:
    if doc is None or end <= start:
        return []
    span = doc.char_span(start, end, alignment_mode="contract")
    return list(span) if span is not None else []


def entity_at(entities: list[EntityMention], tok: Any) -> EntityMention | None:
    for ent in entities:
        if ent.start <= tok.idx < ent.end and ent.type in _SPEAKER_TYPES:
            return ent
    return None


def speaker_from_token(tok: Any, entities: list[EntityMention]) -> tuple[str, int, int] | None:
    """The speaker expression a subject token stands for (see the module docstring)."""
    if tok.ent_type_ in {"DATE", "TIME", "CARDINAL", "PERCENT", "MONEY", "QUANTITY", "ORDINAL"}:
        return None
    if tok.lower_ in {"who", "which", "that"} and tok.head.dep_ == "relcl":
        return speaker_from_token(tok.head.head, entities)  # "the regulator, which said ..."
    ent = entity_at(entities, tok)
    if ent is not None:
        return ent.text, ent.start, ent.end
    if tok.pos_ == "PRON":
        return tok.text, tok.idx, tok.idx + len(tok.text)
    for child in tok.children:  # "the spokeswoman, Maria Zakharova" / "spokeswoman Maria Zakharova"
        if child.dep_ == "appos" or (child.dep_ == "compound" and tok.lower_ in TITLE_WORDS):
            ent = entity_at(entities, child)
            if ent is not None:
                return ent.text, ent.start, ent.end
    if tok.pos_ not in {"NOUN", "PROPN"}:
        return None
    left = [t for t in tok.subtree if t.i <= tok.i and t.dep_ not in {"det", "punct"} and t.i >= tok.i - 4]
    first = left[0] if left else tok
    text_span = tok.doc[first.i : tok.i + 1]
    return text_span.text, text_span.start_char, text_span.end_char


def cue_and_speaker(
    toks: list[Any], entities: list[EntityMention], inside: range
) -> tuple[Any, tuple[str, int, int] | None] | None:
    """The first cue verb among ``toks`` (outside the quote) and its speaker."""
    for tok in toks:
        if tok.idx in inside:
            continue
        if tok.lower_ == "according" and tok.i + 1 < len(tok.doc) and tok.doc[tok.i + 1].lower_ == "to":
            objs = [c for c in tok.doc[tok.i + 1].children if c.dep_ == "pobj"]
            if objs:
                return tok, speaker_from_token(objs[0], entities)
            continue
        if tok.lemma_ not in CUE_LEMMAS or tok.pos_ not in {"VERB", "AUX"}:
            continue
        if tok.dep_ == "xcomp" or any(c.dep_ == "neg" for c in tok.children):
            continue  # "refused to comment", "did not say"
        subj = [c for c in tok.children if c.dep_ in {"nsubj", "nsubjpass"} and c.idx not in inside]
        if subj:
            return tok, speaker_from_token(subj[0], entities)
        # inverted "said Anna Kovacs", "asked resident Moira Calloway": a named entity right after
        # the verb (before any comma), else the first noun or pronoun
        window = []
        for nxt in tok.doc[tok.i + 1 : tok.i + 8]:
            if nxt.idx in inside or (nxt.is_punct and nxt.text in ".!?,;:"):
                break
            window.append(nxt)
        named = next((t for t in window if entity_at(entities, t) is not None), None)
        first = next((t for t in window if t.pos_ in {"PROPN", "NOUN", "PRON"}), None)
        if named is not None and (first is None or first.pos_ != "PRON"):
            return tok, speaker_from_token(named, entities)
        if first is not None:
            return tok, speaker_from_token(first, entities)
    return None


def looks_like_person(e: EntityMention) -> bool:
    """A two- or three-word capitalised name typed ORG with no organisation word in it: the small
    English model often types unfamiliar personal names ORG ("Helena Quist")."""
    words = e.text.split()
    return (
        e.type == "ORG"
        and 2 <= len(words) <= 3
        and all(w[:1].isupper() and w.replace("-", "").replace("'", "").isalpha() for w in words)
        and not any(w.casefold() in ORG_WORDS for w in words)
    )


@dataclass(slots=True)
class _Candidate:
    name: str  # the full name the mention stands for
    start: int
    sent: int
    person: bool
    subject: bool


class Resolver:
    """Names of an article for speaker resolution: full names for surnames, genders learnt from
    roles, titles and earlier pronoun bindings, and pronoun antecedents (most recent sentence with a
    compatible named mention outside quotes; its grammatical subject first, else its first mention)."""

    def __init__(
        self, text: str, doc: Any, entities: list[EntityMention], spans: list[tuple[int, int]]
    ) -> None:
        self.full: dict[str, str] = {}
        named = [e for e in entities if e.type in _SPEAKER_TYPES]
        for e in sorted(named, key=lambda e: -len(e.text.split())):
            words = e.text.split()
            self.full.setdefault(e.text, e.text)
            if len(words) >= 2 and (e.type == "PERSON" or e.role or looks_like_person(e)):
                self.full.setdefault(words[-1], e.text)
        self.persons = {
            self.name(e.text) for e in named if e.type == "PERSON" or e.role or looks_like_person(e)
        }
        self.genders: dict[str, str] = {}
        for e in named:
            before = text[max(0, e.start - 6) : e.start]
            clue = (e.role or "") + " " + (re.findall(r"\w+\.?\s*$", before) or [""])[0]
            if _FEMALE.search(clue):
                self.genders.setdefault(self.name(e.text), "f")
            elif _MALE.search(clue):
                self.genders.setdefault(self.name(e.text), "m")
        starts = [s.start_char for s in doc.sents] if doc is not None else [0]
        self.candidates: list[_Candidate] = []
        for e in named:
            if any(a <= e.start < b for a, b in spans):
                continue
            sent = sum(1 for st in starts if st <= e.start)
            span = doc.char_span(e.start, e.end, alignment_mode="expand") if doc is not None else None
            subject = span is not None and span.root.dep_ in {"nsubj", "nsubjpass"}
            name = self.name(e.text)
            self.candidates.append(_Candidate(name, e.start, sent, name in self.persons, subject))

    def name(self, text: str) -> str:
        return self.full.get(text, text)

    def learn(self, name: str, pronoun: str) -> None:
        gender = PRONOUNS.get(pronoun)
        if gender in {"m", "f"}:
            self.genders.setdefault(name, gender)
            self.persons.add(name)

    def resolve(self, pronoun: str, at: int) -> str | None:
        want = PRONOUNS.get(pronoun)
        if want in {"m", "f"}:
            pool = [c for c in self.candidates if c.person and self.genders.get(c.name, want) == want]
        else:
            pool = [c for c in self.candidates if not c.person]
        pool = [c for c in pool if c.start < at]
        if not pool:
            return None
        last = max(c.sent for c in pool)
        recent = [c for c in pool if c.sent == last]
        pick = next((c for c in recent if c.subject), recent[0])
        return pick.name


def speaker_name(speaker: tuple[str, int, int], text: str, resolver: Resolver) -> str | None:
    name, start, _ = speaker
    low = name.casefold()
    if low in PRONOUNS:
        resolved = resolver.resolve(low, start)
        if resolved is not None:
            resolver.learn(resolved, low)
        return resolved
    return resolver.name(name)


def lead_subject(before: list[Any], entities: list[EntityMention]) -> tuple[str, int, int] | None:
    """Subject of the clause that leads into a quote with a colon or dash."""
    for tok in reversed(before):
        if tok.dep_ in {"nsubj", "nsubjpass"}:
            return speaker_from_token(tok, entities)
    return None
