"""Numbers of one article, normalised so that a later stage can compare them across outlets.

Reads the spaCy ``Doc`` (CARDINAL, MONEY, PERCENT, QUANTITY and ORDINAL entities and the parse);
writes ``Quantity`` records with the numeric value ("about 1.5 million" -> 1500000, "a dozen" ->
12, "nine thousand" -> 9000), the unit (the counted noun: "40,000 protesters" -> "protesters";
"%" for percentages; an ISO currency code for money; the measure for quantities), the qualifier
and the kind. The qualifier words ("more than", "at least", "about", "nearly", "up to", "fewer
than") are included in ``text`` even when the NER span leaves them out. Mapping of the
imprecise words: nearly/almost/around/roughly/some/an estimated -> ``about``; over/more than ->
``more_than``; up to/as many as/no more than -> ``at_most``; under/fewer than/less than ->
``less_than``.
"""

from __future__ import annotations

import re
from typing import Any

from storylens.models import Quantity

__all__ = ["QUALIFIERS", "extract_quantities", "find_quantities", "parse_number"]

QUALIFIERS: list[tuple[str, str]] = [
    ("more than", "more_than"), ("over", "more_than"), ("above", "more_than"),
    ("in excess of", "more_than"), ("upwards of", "more_than"), ("just over", "more_than"),
    ("at least", "at_least"), ("no fewer than", "at_least"), ("no less than", "at_least"),
    ("a minimum of", "at_least"),
    ("about", "about"), ("around", "about"), ("approximately", "about"), ("roughly", "about"),
    ("some", "about"), ("nearly", "about"), ("almost", "about"), ("close to", "about"),
    ("an estimated", "about"), ("estimated", "about"), ("approx.", "about"), ("circa", "about"),
    ("up to", "at_most"), ("as many as", "at_most"), ("at most", "at_most"), ("no more than", "at_most"),
    ("a maximum of", "at_most"),
    ("fewer than", "less_than"), ("less than", "less_than"), ("under", "less_than"),
    ("below", "less_than"), ("just under", "less_than"),
]  # fmt: skip
_QUALIFIER_RE = re.compile(
    r"^(?:" + "|".join(re.escape(q) for q, _ in sorted(QUALIFIERS, key=lambda x: -len(x[0]))) + r")\s+",
    re.IGNORECASE,
)
_QUALIFIER_MAP = dict(QUALIFIERS)

_UNITS = {
    "zero": 0, "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
    "dozen": 12, "half": 0.5, "a dozen": 12, "a half": 0.5,
}  # fmt: skip
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000,
           "trillion": 1_000_000_000_000, "m": 1_000_000, "bn": 1_000_000_000, "k": 1_000}  # fmt: skip
_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14,
    "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19,
    "twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50, "hundredth": 100,
}  # fmt: skip
_CURRENCY_SYMBOLS = [("us$", "USD"), ("a$", "AUD"), ("c$", "CAD"), ("hk$", "HKD"), ("$", "USD"),
                     ("€", "EUR"), ("£", "GBP"), ("¥", "JPY"), ("₹", "INR"), ("₽", "RUB"), ("₴", "UAH")]  # fmt: skip
_CURRENCY_WORDS = {
    "dollar": "USD", "dollars": "USD", "euro": "EUR", "euros": "EUR", "pound": "GBP", "pounds": "GBP",
    "sterling": "GBP", "yen": "JPY", "yuan": "CNY", "renminbi": "CNY", "ruble": "RUB", "rubles": "RUB",
    "rouble": "RUB", "roubles": "RUB", "rupee": "INR", "rupees": "INR", "franc": "CHF", "francs": "CHF",
    "hryvnia": "UAH", "hryvnias": "UAH", "won": "KRW", "usd": "USD", "eur": "EUR", "gbp": "GBP",
}  # fmt: skip
_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?|\.\d+")


def parse_number(text: str) -> float | None:
    """Value of a number written in digits, words or both ("1.5 million", "forty-two", "a dozen")."""
    low = text.lower().replace("-", " ").replace("’", "'").strip()
    low = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", low)
    low = re.sub(r"(\d)\s*(m|bn|k)\b", r"\1 \2", low)
    words = [w for w in re.split(r"\s+", low) if w and w != "and"]
    if not words:
        return None
    total = 0.0
    current: float | None = None
    seen = False
    previous = ""
    for word in words:
        word = word.strip(",")
        denominator = _fraction(word)
        if denominator and previous in _SMALL_COUNTS and current is not None:
            # "a third" = 1/3, "two thirds" = 2/3, "a quarter" = 1/4 (not "the third")
            current = current / denominator
            seen = True
        elif word == "half" and previous in {"a", "an"} and current is not None:
            current = current - 1 + 0.5
        elif _NUMBER.fullmatch(word):
            value = float(word.replace(",", ""))
            current = (current or 0) + value
            seen = True
        elif word in _UNITS:
            current = (current or 0) + _UNITS[word] if word not in {"dozen"} else (current or 1) * 12
            seen = True
        elif word in _ORDINALS:
            current = (current or 0) + _ORDINALS[word]
            seen = True
        elif word in _SCALES:
            scale = _SCALES[word]
            if scale == 100:
                current = (current or 1) * 100
            else:
                total += (current if current is not None else 1) * scale
                current = None
            seen = True
        else:
            return None
        previous = word
    if not seen:
        return None
    return total + (current or 0)


_SMALL_COUNTS = frozenset({"a", "an", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"})


def _fraction(word: str) -> int | None:
    """Denominator of a fraction word ("third", "thirds", "quarter"), else None."""
    if word in {"quarter", "quarters"}:
        return 4
    singular = word[:-1] if word.endswith("s") else word
    value = _ORDINALS.get(singular)
    return value if value is not None and value >= 3 else None


def _qualifier(doc: Any, start_token: int, text: str) -> tuple[str, int]:
    """(qualifier, first token of the qualifier) from the span text or the words before it."""
    match = _QUALIFIER_RE.match(text)
    if match:
        return _QUALIFIER_MAP[" ".join(match.group(0).lower().split())], start_token
    for width in (3, 2, 1):
        first = start_token - width
        if first < 0:
            continue
        phrase = " ".join(t.lower_ for t in doc[first:start_token])
        if phrase in _QUALIFIER_MAP:
            return _QUALIFIER_MAP[phrase], first
    return "exact", start_token


def _head_noun(span: Any) -> str | None:
    """The noun a number counts: '40,000 protesters', '12 of the victims', 'the third day'."""
    doc = span.doc
    for tok in span:
        head = tok.head
        if (
            tok.dep_ in {"nummod", "amod", "quantmod", "compound"}
            and head.i >= span.end
            and head.pos_ in {"NOUN", "PROPN"}
        ):
            return str(head.text.lower())
    root = span.root
    if root.i + 1 < len(doc) and doc[root.i + 1].pos_ == "NOUN" and root.head.i == root.i + 1:
        return str(doc[root.i + 1].text.lower())
    for child in root.children:
        if child.dep_ == "prep" and child.lower_ == "of":
            for grand in child.children:
                if grand.dep_ == "pobj" and grand.pos_ in {"NOUN", "PROPN"}:
                    return str(grand.text.lower())
    return None


def _money(text: str, doc: Any, span: Any) -> tuple[float | None, str | None]:
    low = text.lower()
    code = None
    for symbol, iso in _CURRENCY_SYMBOLS:
        if symbol in low:
            code = iso
            low = low.replace(symbol, " ")
            break
    words = low.split()
    if code is None:
        for word in words:
            if word in _CURRENCY_WORDS:
                code = _CURRENCY_WORDS[word]
        if code is None and span.end < len(doc) and doc[span.end].lower_ in _CURRENCY_WORDS:
            code = _CURRENCY_WORDS[doc[span.end].lower_]
    numeric = " ".join(w for w in words if w not in _CURRENCY_WORDS and w not in {"us", "u.s."})
    return parse_number(numeric), code


def _measure(text: str) -> tuple[float | None, str | None]:
    words = text.split()
    for cut in range(len(words), 0, -1):
        value = parse_number(" ".join(words[:cut]))
        if value is not None:
            unit = " ".join(words[cut:]) or None
            return value, unit.lower() if unit else None
    return None, None


def find_quantities(doc: Any) -> list[Quantity]:
    """Quantities of ``doc`` (module docstring), in text order."""
    out: list[Quantity] = []
    kinds = {
        "CARDINAL": "cardinal",
        "MONEY": "money",
        "PERCENT": "percent",
        "QUANTITY": "cardinal",
        "ORDINAL": "ordinal",
    }
    for ent in doc.ents:
        kind = kinds.get(ent.label_)
        if kind is None:
            continue
        text = ent.text
        qualifier, first = _qualifier(doc, ent.start, text)
        body = _QUALIFIER_RE.sub("", text)
        unit: str | None
        if kind == "money":
            value, unit = _money(body, doc, ent)
        elif kind == "percent":
            value = parse_number(
                re.sub(r"\s*(%|per\s*cent|percent(?:age points?)?)\s*$", "", body, flags=re.I)
            )
            unit = "%"
        elif ent.label_ == "QUANTITY":
            value, unit = _measure(body)
        else:
            value = parse_number(body)
            unit = _head_noun(ent)
            if unit in _CURRENCY_WORDS:  # "1.5 million euros" tagged CARDINAL by the model
                kind, unit = "money", _CURRENCY_WORDS[unit]
            elif ent.start > 0 and doc[ent.start - 1].text in {"$", "€", "£", "¥"}:
                kind, unit = "money", dict(_CURRENCY_SYMBOLS)[doc[ent.start - 1].text.lower()]
            if value is None and re.fullmatch(r"(?:dozens|hundreds|thousands|millions|scores)", body.lower()):
                # "hundreds" means at least two hundred: the lower bound of the plural.
                qualifier = "at_least" if qualifier == "exact" else qualifier
                value = {"dozens": 24, "scores": 40, "hundreds": 200, "thousands": 2000, "millions": 2e6}[
                    body.lower()
                ]
            elif value is None:
                continue
        start = doc[first].idx
        end = ent.end_char
        out.append(
            Quantity(
                text=doc[first : ent.end].text,
                start=start,
                end=end,
                value=value,
                unit=unit,
                qualifier=qualifier,  # type: ignore[arg-type]
                kind=kind,  # type: ignore[arg-type]
            )
        )
    return out


def extract_quantities(doc: Any) -> list[Quantity]:
    """Quantities of ``doc``; the name the annotator calls."""
    return find_quantities(doc)
