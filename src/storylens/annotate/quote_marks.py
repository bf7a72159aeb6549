"""Pairing of quotation marks: where the quotes of a text start and end.

Reads plain text; writes (open, close, content start, content end) character offsets. No library
pairs “ ” " " « » ‘ ’ „ “ ‹ › with news conventions, so this is done here: a quote that runs over a
paragraph break continues when the next paragraph reopens it (the English multi-paragraph
convention); an unclosed quote is closed at the end of its paragraph when it holds at least
:data:`MIN_UNCLOSED_WORDS` words, else the stray mark is skipped; straight and single marks only
open before a word and close after one, so apostrophes ("farmers' union", "don't") are not quotes.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["MIN_UNCLOSED_WORDS", "find_quote_spans", "paragraph_end"]

MIN_UNCLOSED_WORDS = 4
_OPEN_CLOSE = {"“": "”“", "„": "“”", "«": "»", "‹": "›", '"': '"', "‘": "’", "'": "'", "”": "”"}


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


def paragraph_end(text: str, i: int) -> int:
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
        para_end = paragraph_end(text, pos)
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
