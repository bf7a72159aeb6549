"""Named-entity mentions of one article, read from a spaCy ``Doc``.

Reads the doc's NER spans and dependency parse; writes :class:`~storylens.models.EntityMention`
records whose offsets point into the article text. The name is cleaned (leading "the", trailing
possessive, titles such as "President" or "Mr") and a title or role found in front of the name or
in an apposition is kept in ``role`` ("Foreign Ministry spokeswoman Maria Zakharova" -> name
"Maria Zakharova", role "Foreign Ministry spokeswoman"). Hyphenated pairs ("Macron-Scholz talks")
are split when either half is named on its own elsewhere in the article.
"""

from __future__ import annotations

import re
from typing import Any

from storylens.models import EntityMention

__all__ = ["ENTITY_LABELS", "TITLE_WORDS", "extract_entities", "name_tokens", "strip_titles"]

ENTITY_LABELS = frozenset(
    {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT", "LAW", "WORK_OF_ART"}
)

# Words that are titles or roles when they stand in front of (or inside) a person's name.
TITLE_WORDS = frozenset((
    "mr", "mrs", "ms", "miss", "dr", "prof", "sir", "dame", "lord", "lady", "president", "vice",
    "chancellor", "minister", "premier", "prime", "secretary", "spokesman", "spokeswoman",
    "spokesperson", "senator", "sen", "rep", "representative", "congressman", "congresswoman",
    "governor", "gov", "mayor", "general", "gen", "colonel", "col", "lieutenant", "lt", "captain",
    "capt", "sergeant", "sgt", "admiral", "adm", "commander", "chief", "executive", "judge", "justice", "king",
    "queen", "prince", "princess", "pope", "cardinal", "bishop", "archbishop", "father", "rev",
    "reverend", "sheikh", "emir", "ambassador", "envoy", "director", "chairman", "chairwoman", "chair",
    "ceo", "founder", "leader", "officer", "official", "inspector", "detective", "attorney",
    "prosecutor", "coach", "deputy", "mp", "speaker", "diplomat", "commissioner", "councillor",
    "councilor", "aide", "adviser", "advisor", "head", "foreign", "interior", "defence", "defense",
    "finance", "health", "economy", "trade", "former", "acting",
))  # fmt: skip

_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")
_LEADING_DET = re.compile(r"^(?:the|The|THE)\s+")
_HYPHEN_PAIR = re.compile(r"^([A-Z][\w.]{2,})[-‐–]([A-Z][\w.]{2,})$")
_ROLE_DEPS = frozenset({"compound", "amod", "nmod", "poss", "case", "punct", "cc", "conj"})


def name_tokens(name: str) -> list[str]:
    """The words of a name (letters, digits, dots and apostrophes inside words)."""
    return re.findall(r"[\w.'’]+", name)


def strip_titles(text: str, start: int) -> tuple[str, int, str | None]:
    """Remove leading title words from a PERSON name; return (name, new start, stripped title)."""
    words = list(re.finditer(r"\S+", text))
    cut = 0
    while cut < len(words) - 1 and words[cut].group().rstrip(".").casefold() in TITLE_WORDS:
        cut += 1
    if cut == 0:
        return text, start, None
    offset = words[cut].start()
    return text[offset:], start + offset, text[:offset].strip()


def _role_before(ent: Any) -> str | None:
    """Title words in front of a person's name that the parser attaches to it."""
    doc = ent.doc
    i = ent.start - 1
    first = ent.start
    inside = set(range(ent.start, ent.end))
    while i >= 0 and ent.start - i <= 6:
        tok = doc[i]
        if tok.ent_type_ == "PERSON" or (tok.is_sent_start and tok.is_punct):
            break
        if tok.dep_ not in _ROLE_DEPS or tok.text in {",", ";", ":", "“", '"', "(", "—", "–"}:
            break
        # the token must attach (possibly through earlier role tokens) to the name
        head = tok
        steps = 0
        while head.i not in inside and head.i < ent.start and steps < 8 and head.head.i != head.i:
            head = head.head
            steps += 1
        if head.i not in inside:
            break
        first = i
        i -= 1
    if first == ent.start:
        return None
    span = doc[first : ent.start]
    words = [t for t in span if not t.is_punct]
    if not words:
        return None
    if not any(t.lower_.rstrip(".") in TITLE_WORDS or (t.pos_ == "NOUN") for t in words):
        return None
    role = re.sub(r"^[\W\d]*(?:\d+[-‐–](?:year|month)[-‐–]old\s+)?", "", span.text.strip())
    role = re.sub(r"^(?:(?:year|month)s?[-‐–])?old\s+", "", role)  # the tail of "58-year-old"
    return role or None


def _role_after(ent: Any) -> str | None:
    """An apposition after the name: "Maria Zakharova, the Foreign Ministry spokeswoman"."""
    root = ent.root
    for child in root.children:
        if child.dep_ == "appos" and child.i >= ent.end and child.pos_ in {"NOUN", "PROPN"}:
            if child.pos_ == "PROPN" and child.lower_ not in TITLE_WORDS:
                continue
            tokens = [t for t in child.subtree if t.i >= ent.end]
            if not tokens or len(tokens) > 8:
                continue
            span = ent.doc[tokens[0].i : tokens[-1].i + 1]
            return _LEADING_DET.sub("", span.text.strip(" ,"))
    return None


def _clean(text: str, start: int) -> tuple[str, int]:
    m = _LEADING_DET.match(text)
    if m:
        text, start = text[m.end() :], start + m.end()
    stripped = _POSSESSIVE.sub("", text)
    return stripped.strip(), start


def _extend_left(ent: Any) -> Any:
    """The small model often drops a given name ("Amara Nwosu" -> "Nwosu"): take back capitalised
    proper-noun compounds right before the span that attach to it and are no title."""
    first = ent.start
    while first > 0 and ent.start - first < 2:
        tok = ent.doc[first - 1]
        if (
            tok.pos_ != "PROPN"
            or tok.ent_type_
            or tok.dep_ != "compound"
            or not (ent.start <= tok.head.i < ent.end)
            or not tok.text[:1].isupper()
            or not tok.text.isalpha()
            or tok.lower_ in TITLE_WORDS
        ):
            break
        first -= 1
    if first == ent.start:
        return ent
    from spacy.tokens import Span

    return Span(ent.doc, first, ent.end, label=ent.label_)


# Titles that only stand before a person's name (not "General Motors", "King County").
PERSON_TITLES = frozenset(
    {"mr", "mrs", "ms", "dr", "prof", "mayor", "president", "chancellor", "minister", "senator", "sen",
     "governor", "gov", "judge", "spokesman", "spokeswoman", "spokesperson", "ambassador", "envoy"}
)  # fmt: skip


def _titled_name(text: str) -> bool:
    """A personal title followed by one to three capitalised words: "Mayor Benedek Soos"."""
    words = text.split()
    if len(words) < 2 or words[0].rstrip(".").casefold() not in PERSON_TITLES:
        return False
    rest = [w for w in words[1:] if w.rstrip(".").casefold() not in TITLE_WORDS]
    return 1 <= len(rest) <= 3 and all(w[:1].isupper() for w in rest)


_AGE_AFTER = re.compile(r"^,\s*\d{1,3}\s*,")


def _aged_name(ent: Any) -> bool:
    """Two or three capitalised words followed by an age apposition: "Marta Ilic, 34, said"."""
    words = ent.text.split()
    doc = ent.doc
    following = doc[ent.end : ent.end + 3].text if ent.end < len(doc) else ""
    return 2 <= len(words) <= 3 and all(w[:1].isupper() for w in words) and bool(_AGE_AFTER.match(following))


def extract_entities(doc: Any) -> list[EntityMention]:
    """Entity mentions of ``doc`` in text order (offsets into ``doc.text``)."""
    raw: list[EntityMention] = []
    for found in doc.ents:
        if found.label_ not in ENTITY_LABELS:
            continue
        ent = _extend_left(found)
        text, start = _clean(ent.text, ent.start_char)
        role: str | None = None
        label = ent.label_
        if label != "PERSON" and (_titled_name(text) or _aged_name(ent)):
            label = "PERSON"  # "Mayor Benedek Soos" / "Marta Ilic, 34," typed ORG or GPE by the model
        if label == "PERSON":
            text, start, title = strip_titles(text, start)
            role = _role_before(ent) or _role_after(ent)
            if title:
                role = f"{role} {title}".strip() if role else title
        if not text or not any(ch.isalpha() for ch in text):
            continue
        raw.append(EntityMention(text=text, type=label, start=start, end=start + len(text), role=role))
    return _split_pairs(raw, doc.text)


_HYPHEN_IN_TEXT = re.compile(r"\b([A-Z][\w.]{2,})[-‐–]([A-Z][\w.]{2,})\b")


def _split_pairs(mentions: list[EntityMention], text: str) -> list[EntityMention]:
    """Split "Macron-Scholz" into two mentions when either half is named elsewhere in the article
    (also when NER missed the hyphenated pair altogether)."""
    standalone: dict[str, str] = {}
    for m in mentions:
        if not _HYPHEN_PAIR.match(m.text):
            words = name_tokens(m.text)
            if words:
                standalone.setdefault(words[-1], m.type)
                standalone.setdefault(m.text, m.type)
    out: list[EntityMention] = []
    for m in mentions:
        pair = _HYPHEN_PAIR.match(m.text)
        if pair and (pair.group(1) in standalone or pair.group(2) in standalone):
            for g in (1, 2):
                part = pair.group(g)
                start = m.start + pair.start(g)
                kind = standalone.get(part, "PERSON" if m.type in {"PERSON", "ORG"} else m.type)
                out.append(EntityMention(text=part, type=kind, start=start, end=start + len(part)))
            continue
        out.append(m)
    for pair in _HYPHEN_IN_TEXT.finditer(text):
        if any(m.start < pair.end() and pair.start() < m.end for m in out):
            continue
        if pair.group(1) in standalone and pair.group(2) in standalone:
            for g in (1, 2):
                part = pair.group(g)
                out.append(
                    EntityMention(text=part, type=standalone[part], start=pair.start(g), end=pair.end(g))
                )
    out.sort(key=lambda m: m.start)
    return out
