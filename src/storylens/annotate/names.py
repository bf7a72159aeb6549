"""Name normalisation for entity canonicalisation: keys that ignore spelling noise.

Reads names (strings); gives comparison keys. :func:`name_key` folds case, accents, dots
("U.S."), possessives, a leading "the", personal titles and Jr./Sr. suffixes and maps known aliases
to one form (:data:`ALIASES`: only pairs no string rule can connect, such as "US"/"United States");
:func:`translit_key` is a consonant skeleton after folding common transliteration pairs (kh/h,
dh/d, q/k, w/v, j/y, z/s ...), so that "Dmitri"/"Dmitry", "Kiev"/"Kyiv", "Zelensky"/"Zelenskyy"
and "Gadhafi"/"Qaddafi" share a key.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["ALIASES", "acronym", "name_key", "name_translit", "plain", "strip_accents", "translit_key"]

# Aliases: every spelling maps to one key. Only forms no string rule can connect.
ALIASES: dict[str, str] = {}
for _names in [
    ("united states", "us", "usa", "united states of america", "america", "u s", "u s a"),
    ("united kingdom", "uk", "britain", "great britain", "u k"),
    ("united nations", "un", "u n"),
    ("european union", "eu", "e u"),
    ("russia", "russian federation"),
    ("soviet union", "ussr"),
    ("north atlantic treaty organization", "nato", "north atlantic treaty organisation"),
    ("united arab emirates", "uae"),
    ("democratic republic of congo", "drc", "dr congo", "democratic republic of the congo"),
    ("south korea", "republic of korea", "rok"),
    ("north korea", "dprk", "democratic people s republic of korea"),
    ("china", "people s republic of china", "prc"),
    ("world health organization", "who", "world health organisation"),
    ("international monetary fund", "imf"),
    ("federal bureau of investigation", "fbi"),
    ("central intelligence agency", "cia"),
    ("kremlin", "russian presidency"),
    ("white house", "us administration"),
]:
    for _alias in _names:
        ALIASES[_alias] = _names[0]

_TITLE_PREFIX = re.compile(
    r"^(?:the|mr|mrs|ms|dr|prof|gov|sen|rev|lt|sgt|capt|col|president|prime minister|chancellor|minister)\s+",
    re.I,
)
_NAME_SUFFIX = re.compile(r"\s+(?:jr|sr|ii|iii|iv)$")


def strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def name_key(name: str) -> str:
    """Normalised name: accents, dots, case, a leading "the" and possessives removed; aliases mapped."""
    text = strip_accents(name).casefold()
    text = re.sub(r"['’]s\b|(?<=s)['’](?=\s|$)", "", text)
    text = re.sub(r"(?<=\b\w)\.", "", text)  # U.S. -> US
    text = re.sub(r"[^\w\s]", " ", text)
    text = " ".join(text.split())
    while True:
        stripped = _TITLE_PREFIX.sub("", text)
        if stripped == text:
            break
        text = stripped
    text = _NAME_SUFFIX.sub("", text)
    return ALIASES.get(text, text)


def plain(name: str) -> str:
    text = re.sub(r"(?<=\b\w)\.", "", strip_accents(name).casefold())
    return " ".join(re.sub(r"[^\w\s]", " ", text).split())


_TRANSLIT = [
    ("kh", "h"), ("dh", "d"), ("gh", "g"), ("th", "t"), ("ph", "f"), ("sch", "sh"), ("tch", "ch"),
    ("ck", "k"), ("q", "k"), ("x", "ks"), ("w", "v"), ("j", "y"), ("c", "k"), ("z", "s"),
]  # fmt: skip


def translit_key(word: str) -> str:
    """A spelling-insensitive key of one word: consonant skeleton after folding common
    transliteration pairs (Dmitri/Dmitry, Kiev/Kyiv, Zelensky/Zelenskyy, Gadhafi/Qaddafi)."""
    text = strip_accents(word).casefold()
    text = re.sub(r"[^a-z]", "", text)
    if not text:
        return ""
    for a, b in _TRANSLIT:
        text = text.replace(a, b)
    first = text[0]
    if first in "gk":
        first = "k"
    if first in "aeiouy":
        first = "a"
    rest = re.sub(r"[aeiouy]", "", text[1:])
    rest = re.sub(r"(.)\1+", r"\1", rest)
    return first + rest


def name_translit(key: str) -> str:
    return " ".join(translit_key(w) for w in key.split())


def acronym(key: str) -> str:
    words = [w for w in key.split() if w not in {"of", "the", "and", "for", "de", "s"}]
    return "".join(w[0] for w in words) if len(words) >= 2 else ""
