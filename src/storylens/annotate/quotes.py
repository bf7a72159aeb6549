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
from typing import Any

from storylens.annotate.quote_marks import MIN_UNCLOSED_WORDS, find_quote_spans
from storylens.annotate.speakers import (
    CUE_LEMMAS,
    Resolver,
    cue_and_speaker,
    lead_subject,
    speaker_from_token,
    speaker_name,
    tokens_between,
)
from storylens.models import EntityMention, QuoteMention

__all__ = ["CUE_LEMMAS", "FRAGMENT_MAX_WORDS", "MIN_UNCLOSED_WORDS", "extract_quotes", "find_quote_spans"]

FRAGMENT_MAX_WORDS = 3


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


def extract_quotes(
    text: str,
    doc: Any,
    entities: list[EntityMention],
    spans: list[tuple[int, int, int, int]] | None = None,
) -> list[QuoteMention]:
    """Direct, indirect and fragment quotes of ``text`` with speakers (offsets into ``text``);
    ``spans``: ``find_quote_spans(text)`` when the caller has it already."""
    quotes: list[QuoteMention] = []
    spans = find_quote_spans(text) if spans is None else spans
    resolver = Resolver(text, doc, entities, [(a, b) for a, b, _, _ in spans])
    last_speaker: QuoteMention | None = None  # previous direct quote
    for q_open, q_close, c_start, c_end in spans:
        content = text[c_start:c_end]
        words = re.findall(r"\w+(?:['’]\w+)?", content)
        if not words:
            continue
        left, right = _context_bounds(text, q_open, q_close)
        inside = range(q_open, q_close)
        after = tokens_between(doc, q_close, right)
        before = tokens_between(doc, left, q_open)
        found = cue_and_speaker(after, entities, inside) or cue_and_speaker(
            list(reversed(before)), entities, inside
        )
        cue = found[0].text if found else None
        speaker = found[1] if found else None
        if found is None:
            lead = text[left:q_open].rstrip()
            if lead.endswith((":", "—", "–", "-")) and before:
                speaker = lead_subject(before, entities)
            elif lead == "" and last_speaker is not None and _continues(last_speaker, q_open, text, entities):
                # a quote with no cue right after another quote (same or next paragraph, nobody
                # else named in between) continues the previous quote's speaker
                speaker = (
                    last_speaker.speaker or "",
                    last_speaker.speaker_start or 0,
                    last_speaker.speaker_end or 0,
                )
            if speaker is None and left > 0:
                speaker, cue = _previous_line_cue(text, doc, left, entities)
        name: str | None = None
        s_start = s_end = None
        if speaker is not None:
            name = speaker_name(speaker, text, resolver)
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


def _continues(previous: QuoteMention, q_open: int, text: str, entities: list[EntityMention]) -> bool:
    """Does a cue-less quote at ``q_open`` continue ``previous``? Yes when it follows in the same or
    the next paragraph and nobody else is named in between (names in the previous quote's own
    attribution sentence, "said Marcus Delaine, an analyst at Harwick Securities.", do not count)."""
    if not previous.speaker:
        return False
    between = text[previous.end : q_open]
    if len(re.findall(r"\n\s*", between)) > 1:
        return False
    attribution_end = previous.end
    if previous.speaker_end is not None and previous.speaker_end > previous.end:
        stop = re.search(r"[.!?](?=\s|$)|\n", text[previous.speaker_end : q_open])
        attribution_end = previous.speaker_end + (stop.end() if stop else 0)
    named = [e for e in entities if attribution_end <= e.start < q_open and e.type in {"PERSON", "ORG"}]
    return not named


def _is_sentence(text: str, q_open: int, q_close: int, content: str) -> bool:
    """A short quote is speech, not a scare quote, when it is a whole sentence of its own: it opens
    with a capital after a sentence boundary or a colon and ends with sentence punctuation or a comma."""
    stripped = content.strip()
    if not stripped or not stripped[0].isupper():
        return False
    lead = text[:q_open].rstrip()
    opens_sentence = not lead or lead[-1] in ".!?:\n—–" or lead.endswith(("said", "says"))
    return opens_sentence and stripped[-1] in ".!?,"


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
    toks = tokens_between(doc, line_start, line_end)
    found = cue_and_speaker(list(reversed(toks)), entities, range(0))
    if found:
        return found[1], found[0].text
    return lead_subject(toks, entities), None


def _indirect(
    text: str, doc: Any, entities: list[EntityMention], direct: list[QuoteMention], resolver: Resolver
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
        name = speaker_name(speaker, text, resolver) if speaker is not None else None
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
        return clause, speaker_from_token(objs[0], entities)
    if tok.lemma_ not in CUE_LEMMAS or tok.pos_ not in {"VERB", "AUX"} or tok.dep_ == "xcomp":
        return None
    comps = [c for c in tok.children if c.dep_ == "ccomp" and c.i > tok.i]
    subj = [c for c in tok.children if c.dep_ in {"nsubj", "nsubjpass"}]
    if not comps or not subj:
        return None
    return list(comps[0].subtree), speaker_from_token(subj[0], entities)
