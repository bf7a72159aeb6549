"""Quotes of one article: direct, indirect (reported speech) and fragments, with speakers.

Reads the article text, its spaCy doc (parse, lemmas) and its entity mentions; writes
:class:`~storylens.models.QuoteMention` records. Quote marks are paired here (no library covers
“ ” " " « » ‘ ’ „ “ with paragraph continuation and unbalanced marks): a quote that runs over a
paragraph break continues when the next paragraph reopens it; an unclosed quote is closed at the
end of its paragraph when it holds at least :data:`MIN_UNCLOSED_WORDS` words, else skipped.

Speakers come from cue verbs (said, told, added, warned, ..., "according to") found by lemma
around the quote: the verb's subject, or the name after it ("said Anna Kovacs"). Pronoun speakers
resolve to the nearest earlier named speaker of compatible gender; a quote with no cue of its own
takes the speaker of a colon/dash lead-in or of the quote paragraph before it. ``speaker`` holds
the resolved name; ``speaker_start``/``speaker_end`` the span of the expression in the text
(a pronoun stays a pronoun there). Quotes of one to :data:`FRAGMENT_MAX_WORDS` words are
"fragment"; "X said that ..." gives an "indirect" quote whose text is the reported clause.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from storylens.annotate.entities import TITLE_WORDS
from storylens.models import EntityMention, QuoteMention

__all__ = [
    "CUE_LEMMAS",
    "FRAGMENT_MAX_WORDS",
    "MIN_UNCLOSED_WORDS",
    "ORG_WORDS",
    "extract_quotes",
    "find_quote_spans",
    "looks_like_person",
]

FRAGMENT_MAX_WORDS = 3
MIN_UNCLOSED_WORDS = 4
CUE_LEMMAS = frozenset(
    [
        "say",
        "tell",
        "add",
        "warn",
        "insist",
        "note",
        "state",
        "claim",
        "announce",
        "explain",
        "argue",
        "declare",
        "write",
        "tweet",
        "post",
        "reply",
        "respond",
        "answer",
        "ask",
        "urge",
        "acknowledge",
        "admit",
        "confirm",
        "deny",
        "stress",
        "emphasize",
        "emphasise",
        "remark",
        "comment",
        "continue",
        "conclude",
        "recall",
        "predict",
        "promise",
        "vow",
        "pledge",
        "suggest",
        "complain",
        "concede",
        "contend",
        "maintain",
        "assert",
        "observe",
        "report",
        "allege",
        "caution",
        "reiterate",
        "repeat",
        "quip",
        "joke",
        "whisper",
        "testify",
        "counter",
        "retort",
        "agree",
        "accuse",
        "signal",
        "threaten",
        "demand",
        "shout",
        "declare",
        "describe",
    ]
)
_OPEN_CLOSE = {"“": "”“", "„": "“”", "«": "»", "‹": "›", '"': '"', "‘": "’", "'": "'", "”": "”"}
_PRONOUNS = {"he": "m", "she": "f", "him": "m", "her": "f", "they": "p", "it": "o", "we": "p"}
_FEMALE = re.compile(r"\b(?:she|her|mrs|ms|miss|woman|spokeswoman|chairwoman|congresswoman|queen|princess|"
                     r"actress|mother|daughter|wife|sister|grandmother|businesswoman|lady|dame)\b", re.I)  # fmt: skip
_MALE = re.compile(r"\b(?:he|his|him|mr|man|spokesman|chairman|congressman|king|prince|actor|father|son|"
                   r"husband|brother|grandfather|businessman|lord|sir)\b", re.I)  # fmt: skip
ORG_WORDS = frozenset(
    [
        "ministry",
        "council",
        "board",
        "authority",
        "agency",
        "bank",
        "party",
        "university",
        "college",
        "school",
        "company",
        "corp",
        "corporation",
        "inc",
        "ltd",
        "llc",
        "plc",
        "group",
        "committee",
        "commission",
        "department",
        "office",
        "house",
        "court",
        "police",
        "army",
        "navy",
        "forces",
        "force",
        "union",
        "association",
        "institute",
        "foundation",
        "fund",
        "service",
        "services",
        "times",
        "post",
        "news",
        "ledger",
        "daily",
        "herald",
        "tribune",
        "journal",
        "press",
        "radio",
        "tv",
        "television",
        "network",
        "club",
        "team",
        "federation",
        "league",
        "church",
        "hospital",
        "airlines",
        "airline",
        "airport",
        "railways",
        "railway",
        "energy",
        "oil",
        "gas",
        "motors",
        "bureau",
        "parliament",
        "assembly",
        "senate",
        "congress",
        "government",
        "administration",
        "cabinet",
        "kremlin",
        "embassy",
        "agency",
        "center",
        "centre",
        "museum",
        "trust",
        "coalition",
        "alliance",
        "movement",
        "front",
        "organisation",
        "organization",
    ]
)
_SPEAKER_TYPES = frozenset({"PERSON", "ORG", "GPE", "NORP", "FAC"})


@dataclass(slots=True)
class _Span:
    open: int  # index of the opening mark
    close: int  # index just after the closing mark (or the paragraph end when unclosed)
    start: int  # content start
    end: int  # content end


def _is_opener(text: str, i: int) -> bool:
    c = text[i]
    prev = text[i - 1] if i > 0 else " "
    nxt = text[i + 1] if i + 1 < len(text) else " "
    if c in "'‘":
        return (prev.isspace() or prev in '([{—–-"“') and nxt.isalnum()
    if c == '"':
        return (not nxt.isspace() and (prev.isspace() or prev in "([{—–-:,")) or i == 0
    if c == "”":  # a right mark used as opener (Swedish style, or sloppy text)
        return (prev.isspace() or i == 0) and nxt.isalnum()
    return True


def _is_closer(text: str, i: int, opener: str) -> bool:
    c = text[i]
    if c not in _OPEN_CLOSE[opener]:
        return False
    nxt = text[i + 1] if i + 1 < len(text) else " "
    prev = text[i - 1] if i > 0 else " "
    if c in "'’":
        return not prev.isspace() and not nxt.isalnum()
    if c == '"':
        return not prev.isspace() or not nxt.isalnum()
    if opener == "„" and c == "“":
        return True
    return True


def _paragraph_end(text: str, i: int) -> int:
    j = text.find("\n", i)
    return len(text) if j < 0 else j


def find_quote_spans(text: str) -> list[tuple[int, int, int, int]]:
    """(open, close, content start, content end) of each outermost quotation in ``text``."""
    spans: list[_Span] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c not in _OPEN_CLOSE or not _is_opener(text, i):
            i += 1
            continue
        span = _match(text, i)
        if span is None:
            i += 1
            continue
        spans.append(span)
        i = max(span.close, i + 1)
    return [(s.open, s.close, s.start, s.end) for s in spans]


def _match(text: str, i: int) -> _Span | None:
    opener = text[i]
    start = i + 1
    pos = start
    while True:
        para_end = _paragraph_end(text, pos)
        j = pos
        while j < para_end:
            if text[j] in _OPEN_CLOSE[opener] and _is_closer(text, j, opener) and j > start:
                return _Span(i, j + 1, start, j)
            j += 1
        # no closer in this paragraph: continuation when the next paragraph reopens the quote
        k = para_end
        while k < len(text) and text[k].isspace():
            k += 1
        if opener in "'‘":
            return None
        if k < len(text) and text[k] == opener and k > para_end:
            pos = k + 1
            continue
        content = text[start:para_end].rstrip()
        if len(content.split()) >= MIN_UNCLOSED_WORDS and para_end > start:
            return _Span(i, para_end, start, start + len(content))
        return None


def _tokens(doc: Any, start: int, end: int) -> list[Any]:
    if doc is None or end <= start:
        return []
    span = doc.char_span(start, end, alignment_mode="contract")
    return list(span) if span is not None else []


def _context_bounds(text: str, q_open: int, q_close: int) -> tuple[int, int]:
    """Characters around a quote that belong to its sentence: back to the previous sentence end
    or paragraph start, forward to the next sentence end or paragraph end."""
    left = q_open
    while left > 0:
        ch = text[left - 1]
        if ch == "\n" or (ch in ".!?" and left - 1 > 0 and (left >= len(text) or text[left].isspace())):
            break
        left -= 1
    right = q_close
    while right < len(text):
        ch = text[right]
        if ch == "\n":
            break
        right += 1
        if ch in ".!?" and (right >= len(text) or text[right].isspace()):
            break
        if ch in '“«„"' and right - 1 > q_close:
            right -= 1
            break
    return left, right


def _entity_at(entities: list[EntityMention], tok: Any) -> EntityMention | None:
    for ent in entities:
        if ent.start <= tok.idx < ent.end and ent.type in _SPEAKER_TYPES:
            return ent
    return None


def _speaker_from_token(tok: Any, entities: list[EntityMention]) -> tuple[str, int, int] | None:
    ent = _entity_at(entities, tok)
    if ent is not None:
        return ent.text, ent.start, ent.end
    if tok.pos_ == "PRON":
        return tok.text, tok.idx, tok.idx + len(tok.text)
    for child in tok.children:  # "the spokeswoman, Maria Zakharova" / "spokeswoman Maria Zakharova"
        if child.dep_ == "appos" or (child.dep_ == "compound" and tok.lower_ in TITLE_WORDS):
            ent = _entity_at(entities, child)
            if ent is not None:
                return ent.text, ent.start, ent.end
    if tok.pos_ not in {"NOUN", "PROPN"}:
        return None
    left = [t for t in tok.subtree if t.i <= tok.i and t.dep_ not in {"det", "punct"} and t.i >= tok.i - 4]
    first = left[0] if left else tok
    text_span = tok.doc[first.i : tok.i + 1]
    return text_span.text, text_span.start_char, text_span.end_char


def _cue_and_speaker(
    toks: list[Any], entities: list[EntityMention], inside: range
) -> tuple[Any, tuple[str, int, int] | None] | None:
    """The first cue verb among ``toks`` (outside the quote) and its speaker."""
    for tok in toks:
        if tok.idx in inside:
            continue
        if tok.lower_ == "according" and tok.i + 1 < len(tok.doc) and tok.doc[tok.i + 1].lower_ == "to":
            objs = [c for c in tok.doc[tok.i + 1].children if c.dep_ == "pobj"]
            if objs:
                return tok, _speaker_from_token(objs[0], entities)
            continue
        if tok.lemma_ not in CUE_LEMMAS or tok.pos_ not in {"VERB", "AUX"}:
            continue
        if tok.dep_ == "xcomp" or any(c.dep_ == "neg" for c in tok.children):
            continue  # "refused to comment", "did not say"
        subj = [c for c in tok.children if c.dep_ in {"nsubj", "nsubjpass"} and c.idx not in inside]
        if subj:
            return tok, _speaker_from_token(subj[0], entities)
        # inverted "said Anna Kovacs": the first name-like token after the verb
        for nxt in tok.doc[tok.i + 1 : tok.i + 8]:
            if nxt.idx in inside or (nxt.is_punct and nxt.text in ".!?"):
                break
            if _entity_at(entities, nxt) is not None or nxt.pos_ in {"PROPN", "NOUN", "PRON"}:
                return tok, _speaker_from_token(nxt, entities)
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


class _Resolver:
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
        gender = _PRONOUNS.get(pronoun)
        if gender in {"m", "f"}:
            self.genders.setdefault(name, gender)
            self.persons.add(name)

    def resolve(self, pronoun: str, at: int) -> str | None:
        want = _PRONOUNS.get(pronoun)
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


def _speaker_name(speaker: tuple[str, int, int], text: str, resolver: _Resolver) -> str | None:
    name, start, end = speaker
    low = name.casefold()
    if low in _PRONOUNS:
        resolved = resolver.resolve(low, start)
        if resolved is not None:
            resolver.learn(resolved, low)
        return resolved
    return resolver.name(name)


def extract_quotes(text: str, doc: Any, entities: list[EntityMention]) -> list[QuoteMention]:
    """Direct, indirect and fragment quotes of ``text`` with speakers (offsets into ``text``)."""
    quotes: list[QuoteMention] = []
    spans = find_quote_spans(text)
    resolver = _Resolver(text, doc, entities, [(a, b) for a, b, _, _ in spans])
    last_speaker: QuoteMention | None = None  # previous direct quote
    for q_open, q_close, c_start, c_end in spans:
        content = text[c_start:c_end]
        words = re.findall(r"\w+(?:['’]\w+)?", content)
        if not words:
            continue
        left, right = _context_bounds(text, q_open, q_close)
        inside = range(q_open, q_close)
        after = _tokens(doc, q_close, right)
        before = _tokens(doc, left, q_open)
        found = _cue_and_speaker(after, entities, inside) or _cue_and_speaker(
            list(reversed(before)), entities, inside
        )
        cue = found[0].text if found else None
        speaker = found[1] if found else None
        if found is None:
            lead = text[left:q_open].rstrip()
            if lead.endswith((":", "—", "–", "-")) and before:
                speaker = _lead_subject(before, entities)
            elif lead == "" and last_speaker is not None and last_speaker.speaker:
                # a quote paragraph with no cue continues the previous quote's speaker
                if text[last_speaker.end : q_open].count("\n") >= 1:
                    speaker = (
                        last_speaker.speaker,
                        last_speaker.speaker_start or 0,
                        last_speaker.speaker_end or 0,
                    )
            if speaker is None and left > 0:
                speaker, cue = _previous_line_cue(text, doc, left, entities)
        name: str | None = None
        s_start = s_end = None
        if speaker is not None:
            name = _speaker_name(speaker, text, resolver)
            s_start, s_end = speaker[1], speaker[2]
        short = len(words) <= FRAGMENT_MAX_WORDS and not _is_sentence(text, q_open, q_close, content)
        quote = QuoteMention(
            text=content,
            start=c_start,
            end=c_end,
            kind="fragment" if short else "direct",
            speaker=name,
            speaker_start=s_start,
            speaker_end=s_end,
            cue=cue,
        )
        quotes.append(quote)
        if not short:
            last_speaker = quote
    quotes.extend(_indirect(text, doc, entities, quotes, resolver))
    quotes.sort(key=lambda q: q.start)
    return quotes


def _is_sentence(text: str, q_open: int, q_close: int, content: str) -> bool:
    """A short quote is speech, not a scare quote, when it is a whole sentence of its own: it opens
    with a capital after a sentence boundary or a colon and ends with sentence punctuation or a comma."""
    stripped = content.strip()
    if not stripped or not stripped[0].isupper():
        return False
    lead = text[:q_open].rstrip()
    opens_sentence = not lead or lead[-1] in ".!?:\n—–" or lead.endswith(("said", "says"))
    return opens_sentence and stripped[-1] in ".!?,"


def _lead_subject(before: list[Any], entities: list[EntityMention]) -> tuple[str, int, int] | None:
    """Subject of the clause that leads into a quote with a colon or dash."""
    for tok in reversed(before):
        if tok.dep_ in {"nsubj", "nsubjpass"}:
            return _speaker_from_token(tok, entities)
    return None


def _previous_line_cue(
    text: str, doc: Any, left: int, entities: list[EntityMention]
) -> tuple[tuple[str, int, int] | None, str | None]:
    """A cue line ending with ':' right before the quote paragraph ("Kovacs told reporters:")."""
    prev_end = text.rfind("\n", 0, left)
    if prev_end < 0:
        prev_end = left
    line_end = prev_end
    while line_end > 0 and text[line_end - 1].isspace():
        line_end -= 1
    if line_end <= 0 or text[line_end - 1] not in ":—–":
        return None, None
    line_start = text.rfind("\n", 0, line_end) + 1
    toks = _tokens(doc, line_start, line_end)
    found = _cue_and_speaker(list(reversed(toks)), entities, range(0))
    if found:
        return found[1], found[0].text
    return _lead_subject(toks, entities), None


def _indirect(
    text: str, doc: Any, entities: list[EntityMention], direct: list[QuoteMention], resolver: _Resolver
) -> list[QuoteMention]:
    """Reported speech: a cue verb with a clausal complement ("X said (that) ...") or a clause with
    "according to X", outside any direct quote."""
    if doc is None:
        return []
    taken = [(q.start - 1, q.end + 1) for q in direct]
    out: list[QuoteMention] = []
    for tok in doc:
        found = _reported(tok, entities)
        if found is None:
            continue
        clause, speaker = found
        while clause and (clause[0].dep_ == "mark" or clause[0].is_punct):
            clause = clause[1:]
        while clause and clause[-1].is_punct:
            clause = clause[:-1]
        if len(clause) < 3:
            continue
        start, end = clause[0].idx, clause[-1].idx + len(clause[-1].text)
        if any(s < end and start < e for s, e in taken) or any(s < tok.idx < e for s, e in taken):
            continue
        name = _speaker_name(speaker, text, resolver) if speaker is not None else None
        out.append(
            QuoteMention(
                text=text[start:end],
                start=start,
                end=end,
                kind="indirect",
                speaker=name,
                speaker_start=speaker[1] if speaker else None,
                speaker_end=speaker[2] if speaker else None,
                cue="according to" if tok.lower_ == "according" else tok.text,
            )
        )
        taken.append((start, end))
    return out


def _reported(
    tok: Any, entities: list[EntityMention]
) -> tuple[list[Any], tuple[str, int, int] | None] | None:
    """(reported clause tokens, speaker) when ``tok`` introduces reported speech."""
    if tok.lower_ == "according" and tok.i + 1 < len(tok.doc) and tok.doc[tok.i + 1].lower_ == "to":
        objs = [c for c in tok.doc[tok.i + 1].children if c.dep_ == "pobj"]
        if not objs:
            return None
        phrase = {t.i for t in tok.subtree} | {t.i for t in tok.doc[tok.i + 1].subtree}
        sent = tok.sent
        clause = [t for t in sent if t.i not in phrase]
        # keep the clause on the far side of the phrase only ("X, according to Y, ..." keeps both)
        return clause, _speaker_from_token(objs[0], entities)
    if tok.lemma_ not in CUE_LEMMAS or tok.pos_ not in {"VERB", "AUX"} or tok.dep_ == "xcomp":
        return None
    comps = [c for c in tok.children if c.dep_ == "ccomp" and c.i > tok.i]
    subj = [c for c in tok.children if c.dep_ in {"nsubj", "nsubjpass"}]
    if not comps or not subj:
        return None
    return list(comps[0].subtree), _speaker_from_token(subj[0], entities)
