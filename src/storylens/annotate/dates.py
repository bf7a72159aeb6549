"""Time expressions of one article, resolved to ISO dates against its publication date.

Reads the spaCy ``Doc`` (DATE/TIME entities, tags and parse for tense) and the anchor date (the
publication date, or when there is none the first explicit full date in the text); writes
``DateMention`` records. Explicit dates ("March 8", "8 March 2026", "2026-03-08", "in 2019") are
resolved by dateparser; weekday and relative expressions by the rules here, because dateparser
resolves a bare weekday to the past only: "said on Friday" is the Friday before publication,
"will meet on Thursday" the coming one (the tense of the governing verb decides; a weekday equal to
the publication day is that day). "last week" is a range (Monday-Sunday), "last month" and "last
year" carry start and end; vague expressions ("in recent weeks") are kept with value ``None``.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any, Literal

from storylens.models import DateMention

__all__ = ["anchor_date", "extract_dates", "find_dates", "resolve_expression", "tense_of"]

Tense = Literal["past", "future"]
Granularity = Literal["day", "week", "month", "year", "range", "vague"]
Resolved = tuple[str | None, str | None, Granularity]

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
MONTHS = [
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
]  # fmt: skip
_MONTH_ABBR = {m[:3]: i + 1 for i, m in enumerate(MONTHS)} | {"sept": 9}
_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "a few": 3, "several": 3, "couple": 2,
}  # fmt: skip

_WD = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_MON = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_PART = r"(?:morning|afternoon|evening|night)"
_PAREN = rf"\s*\((?:{_MON}\s+\d{{1,2}}|\d{{1,2}}\s+{_MON})(?:,?\s*\d{{4}})?\)"
_NUM = (
    r"(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a few|several|a couple of)"
)

# Expressions resolved by rules (longest alternatives first); spaCy DATE spans cover the rest.
_RULES = re.compile(
    rf"""\b(?:
      (?P<wd>(?:(?:late|early)\s+(?:on\s+)?)?(?:(?P<wdmod>last|next|this|past|coming)\s+)?{_WD}
          (?:\s+{_PART})?(?P<paren>{_PAREN})?)
    | (?P<rel>the\s+day\s+before\s+yesterday|the\s+day\s+after\s+tomorrow|yesterday|today|tomorrow|tonight
          |(?:this|last|tomorrow|yesterday)\s+{_PART})
    | (?P<period>(?:earlier|later)\s+this\s+(?:week|month|year)|(?:last|this|next|past|previous|coming)\s+(?:week|month|year|weekend)
          |(?:the\s+)?weekend)
    | (?P<ago>{_NUM}\s+(?:days?|weeks?|months?|years?)\s+ago)
    | (?P<vague>(?:in\s+)?recent\s+(?:days|weeks|months|years)|recently|(?:in\s+)?the\s+(?:past|last|coming|next)\s+few\s+(?:days|weeks|months|years)|(?:in\s+)?recent\s+times)
    )\b""",
    re.IGNORECASE | re.VERBOSE,
)
_FULL_DATE = re.compile(
    rf"\b(?:\d{{4}}-\d{{2}}-\d{{2}}|{_MON}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MON},?\s+\d{{4}})\b",
    re.IGNORECASE,
)
_DURATION = re.compile(
    r"^(?:the\s+|a\s+|an\s+|about\s+|some\s+|nearly\s+|almost\s+|around\s+|over\s+|(?:more|less|fewer)\s+than\s+"
    r"|at\s+(?:least|most)\s+|up\s+to\s+)?(?:[\w.,-]+\s+){0,2}"
    r"(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?|decades?|centur(?:y|ies))(?:[\s-]old|[\s-]long)?['’]?$",
    re.IGNORECASE,
)
_AGE = re.compile(r"\d+-year-old|\byears? old\b|-year\b|-day\b|-week\b|-month\b", re.IGNORECASE)
_FUTURE_AUX = {"will", "'ll", "shall", "wo", "’ll"}
_FUTURE_LEMMAS = {"schedule", "expect", "plan", "due", "set", "go", "intend", "hope", "aim"}


def _iso(d: date) -> str:
    return d.isoformat()


def anchor_date(published: str | None, text: str) -> date | None:
    """The date relative expressions are resolved against (see module docstring)."""
    if published:
        try:
            return datetime.fromisoformat(published.strip().replace("Z", "+00:00")).date()
        except ValueError:
            try:
                return date.fromisoformat(published.strip()[:10])
            except ValueError:
                pass
    match = _FULL_DATE.search(text)
    if match:
        parsed = _dateparse(match.group(0), None, "past")
        if parsed:
            return parsed
    return None


def _dateparse(text: str, base: date | None, tense: Tense) -> date | None:
    import dateparser

    settings: dict[str, Any] = {
        "PREFER_DATES_FROM": tense,
        "PREFER_DAY_OF_MONTH": "first",
        "RETURN_AS_TIMEZONE_AWARE": False,
        "PARSERS": ["absolute-time", "relative-time", "custom-formats"],
        "DATE_ORDER": "MDY",
    }
    if base is not None:
        settings["RELATIVE_BASE"] = datetime(base.year, base.month, base.day, 12, 0)
    try:
        result = dateparser.parse(text, languages=["en"], settings=settings)
    except (ValueError, OverflowError, TypeError, AttributeError, KeyError, IndexError):
        return None
    return result.date() if result else None


def _weekday(base: date, target: int, tense: Tense, mod: str | None) -> date:
    if mod in {"last", "past"}:
        return base - timedelta(days=(base.weekday() - target) % 7 or 7)
    if mod in {"next", "coming"}:
        return base + timedelta(days=(target - base.weekday()) % 7 or 7)
    if tense == "future":
        return base + timedelta(days=(target - base.weekday()) % 7)
    return base - timedelta(days=(base.weekday() - target) % 7)


def _month_bounds(year: int, month: int) -> tuple[date, date]:
    start = date(year, month, 1)
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return start, nxt - timedelta(days=1)


def _period(expr: str, base: date, tense: Tense) -> Resolved:
    words = expr.lower().split()
    unit = words[-1]
    mod = words[0]
    if unit == "weekend":
        if mod in {"last", "past", "previous"} or (mod not in {"next", "coming", "this"} and tense == "past"):
            sunday = base - timedelta(days=(base.weekday() - 6) % 7)
            if mod in {"last", "past", "previous"} and base.weekday() == 6:
                sunday -= timedelta(days=7)
        else:
            sunday = base + timedelta(days=(6 - base.weekday()) % 7)
            if mod in {"next", "coming"} and base.weekday() >= 5:
                sunday += timedelta(days=7)
        return _iso(sunday - timedelta(days=1)), _iso(sunday), "range"
    shift = {"last": -1, "past": -1, "previous": -1, "next": 1, "coming": 1}.get(mod, 0)
    if unit == "week":
        monday = base - timedelta(days=base.weekday()) + timedelta(days=7 * shift)
        if mod == "earlier":
            return _iso(monday), _iso(max(monday, base - timedelta(days=1))), "range"
        if mod == "later":
            return (
                _iso(min(base + timedelta(days=1), monday + timedelta(days=6))),
                _iso(monday + timedelta(days=6)),
                "range",
            )
        return _iso(monday), _iso(monday + timedelta(days=6)), "range"
    if unit == "month":
        month_index = base.year * 12 + base.month - 1 + shift
        start, end = _month_bounds(month_index // 12, month_index % 12 + 1)
        if mod == "earlier":
            return _iso(start), _iso(max(start, base - timedelta(days=1))), "range"
        if mod == "later":
            return _iso(min(end, base + timedelta(days=1))), _iso(end), "range"
        return _iso(start), _iso(end), "month"
    year = base.year + shift
    if mod == "earlier":
        return _iso(date(year, 1, 1)), _iso(max(date(year, 1, 1), base - timedelta(days=1))), "range"
    if mod == "later":
        return _iso(min(date(year, 12, 31), base + timedelta(days=1))), _iso(date(year, 12, 31)), "range"
    return _iso(date(year, 1, 1)), _iso(date(year, 12, 31)), "year"


def _paren_date(paren: str, base: date | None, tense: Tense) -> date | None:
    inner = paren.strip()[1:-1]
    return _dateparse(inner, base, tense)


def resolve_expression(expr: str, base: date | None, tense: Tense = "past") -> Resolved:
    """(value, end value, granularity) of one time expression; values ``None`` when unresolvable."""
    text = " ".join(expr.split())
    low = text.lower()
    match = _RULES.fullmatch(text)
    if match is None:
        match = _RULES.search(text) if not re.search(r"\d{4}|" + _MON, low) else None
    if match is not None:
        if match.group("vague"):
            return None, None, "vague"
        if match.group("wd"):
            if match.group("paren"):
                explicit = _paren_date(match.group("paren"), base, tense)
                if explicit:
                    return _iso(explicit), None, "day"
            if base is None:
                return None, None, "day"
            target = next(i for i, d in enumerate(WEEKDAYS) if d in low)
            mod = (match.group("wdmod") or "").lower() or None
            if mod == "this":
                mod = None
            return _iso(_weekday(base, target, tense, mod)), None, "day"
        if base is None:
            return None, None, "vague"
        if match.group("rel"):
            offset = 0
            if "day before yesterday" in low:
                offset = -2
            elif "day after tomorrow" in low:
                offset = 2
            elif "yesterday" in low or low.startswith("last "):
                offset = -1
            elif "tomorrow" in low:
                offset = 1
            return _iso(base + timedelta(days=offset)), None, "day"
        if match.group("period"):
            return _period(match.group("period"), base, tense)
        if match.group("ago"):
            parts = low.split()
            count_text = " ".join(parts[:-2]).replace("a couple of", "couple")
            count = int(count_text) if count_text.isdigit() else _NUMBERS.get(count_text, 1)
            unit = parts[-2].rstrip("s")
            if unit == "day":
                return _iso(base - timedelta(days=count)), None, "day"
            if unit == "week":
                return _iso(base - timedelta(days=7 * count)), None, "day"
            if unit == "month":
                month_index = base.year * 12 + base.month - 1 - count
                start, end = _month_bounds(month_index // 12, month_index % 12 + 1)
                return _iso(start), _iso(end), "month"
            return _iso(date(base.year - count, 1, 1)), _iso(date(base.year - count, 12, 31)), "year"
    return _explicit(text, base, tense)


def _explicit(text: str, base: date | None, tense: Tense) -> Resolved:
    low = text.lower()
    cleaned = re.sub(r"^(?:on|in|since|by|from|until|during|early|late|mid-?|the)\s+", "", low).strip()
    cleaned = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", cleaned)
    year_only = re.fullmatch(r"(?:the\s+year\s+)?(\d{4})", cleaned)
    if year_only:
        year = int(year_only.group(1))
        return f"{year}-01-01", f"{year}-12-31", "year"
    has_day = bool(re.search(r"\b\d{1,2}\b(?!\d)", re.sub(r"\b\d{4}\b", "", cleaned)))
    has_month = bool(re.search(r"\b" + _MON + r"(?:\b|$)", cleaned))
    has_year = bool(re.search(r"\b\d{4}\b", cleaned))
    iso = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", cleaned)
    if iso:
        try:
            return _iso(date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))), None, "day"
        except ValueError:
            return None, None, "vague"
    if not (has_month or has_year):
        return None, None, "vague"
    if base is None and not has_year:
        return None, None, "day" if has_day else "month"
    parsed = _dateparse(cleaned, base, tense)
    if parsed is None:
        return None, None, "vague"
    if has_month and not has_day:
        start, end = _month_bounds(parsed.year, parsed.month)
        return _iso(start), _iso(end), "month"
    return _iso(parsed), None, "day"


def tense_of(doc: Any, start_token: int) -> Tense:
    """Future when the verb governing the token is future or present/planned, else past."""
    tok = doc[start_token]
    for _ in range(6):
        if tok.pos_ in {"VERB", "AUX"} or tok.head.i == tok.i:
            break
        tok = tok.head
    if tok.pos_ not in {"VERB", "AUX"}:
        return "past"
    # "said on Tuesday it would ...": a date before the subject of a reported clause belongs to the
    # reporting verb, even when the parser attaches it to the clause
    subjects = [c.i for c in tok.children if c.dep_ in {"nsubj", "nsubjpass"}]
    if tok.dep_ == "ccomp" and subjects and start_token < min(subjects) and tok.head.i < start_token:
        tok = tok.head
    for _ in range(3):
        aux = [c for c in tok.children if c.dep_ in {"aux", "auxpass"}]
        if any(a.lower_ in _FUTURE_AUX for a in aux):
            return "future"
        # "to recover" is an infinitive complement whatever label the parser gives it
        infinitive = tok.dep_ == "xcomp" or (
            tok.dep_ == "ccomp" and any(c.tag_ == "TO" for c in tok.children)
        )
        if tok.tag_ == "VB" and infinitive and tok.head.lemma_.lower() in _FUTURE_LEMMAS:
            return "future"
        if infinitive and tok.head.pos_ in {"VERB", "AUX", "ADJ"}:
            tok = tok.head
            continue
        break
    if tok.tag_ in {"VBD", "VBN"} and not any(
        a.tag_ in {"VBZ", "VBP"} and a.lower_ in {"is", "are"} for a in tok.children
    ):
        return "past"
    if tok.tag_ in {"VBZ", "VBP", "VBG"}:
        return "future"
    if tok.tag_ == "VBN" and any(
        a.dep_ in {"aux", "auxpass"}
        and a.tag_ in {"VBZ", "VBP"}
        and a.lower_ in {"is", "are", "am", "'s", "'re"}
        for a in tok.children
    ):
        return "future"  # present passive of a plan: "is expected on Friday", "are scheduled for May 17"
    if tok.tag_ == "VBN" or any(a.tag_ == "VBD" for a in tok.children if a.dep_ in {"aux", "auxpass"}):
        return "past"
    if tok.tag_ == "VB" and any(a.tag_ == "MD" for a in tok.children):
        return "future"
    return "past"


def _spans(doc: Any) -> list[tuple[int, int]]:
    """Character spans of time expressions: rule matches, then spaCy DATE/TIME spans around them."""
    text: str = doc.text
    found: list[tuple[int, int]] = [(m.start(), m.end()) for m in _RULES.finditer(text)]
    found += [(m.start(), m.end()) for m in _FULL_DATE.finditer(text)]
    for ent in doc.ents:
        if ent.label_ not in {"DATE", "TIME"}:
            continue
        s, e = ent.start_char, ent.end_char
        if ent.label_ == "TIME" and not any(s < fe and fs < e for fs, fe in found):
            continue
        body = ent.text
        if _AGE.search(body) or _DURATION.match(body):
            continue
        found.append((s, e))
    found.sort(key=lambda se: (se[0], -(se[1] - se[0])))
    merged: list[tuple[int, int]] = []
    for s, e in found:
        if merged and s < merged[-1][1]:
            ms, me = merged[-1]
            merged[-1] = (ms, max(me, e)) if _joinable(text, ms, me, s, e) else merged[-1]
            continue
        merged.append((s, e))
    return merged


def _joinable(text: str, ms: int, me: int, s: int, e: int) -> bool:
    """Whether an overlapping spaCy span extends a rule span (and does not drag in other words)."""
    extra = text[me:e]
    return not extra.strip() or bool(re.fullmatch(rf"\s*(?:{_PART}|{_PAREN})", extra, re.IGNORECASE))


def find_dates(doc: Any, published: str | None) -> list[DateMention]:
    """Time expressions of ``doc`` resolved against ``published`` (module docstring)."""
    text: str = doc.text
    base = anchor_date(published, text)
    starts = [t.idx for t in doc]
    import bisect

    out: list[DateMention] = []
    for s, e in _spans(doc):
        while s < e and text[s].isspace():
            s += 1
        while e > s and (text[e - 1].isspace() or text[e - 1] in ",.;:"):
            e -= 1
        if s >= e:
            continue
        expr = text[s:e]
        token = max(0, bisect.bisect_right(starts, s) - 1)
        tense = tense_of(doc, token) if len(doc) else "past"
        try:
            value, end_value, granularity = resolve_expression(expr, base, tense)
        except (ValueError, OverflowError):
            value, end_value, granularity = None, None, "vague"
        # A spaCy DATE span that no rule understands and that has no number ("annual"): skip.
        if (
            value is None
            and granularity == "vague"
            and not _RULES.search(expr)
            and not re.search(r"\d", expr)
            and not re.search(r"\b(?:recent|past|coming|weeks?|months?|years?|days?|decades?)\b", expr, re.I)
        ):
            continue
        out.append(
            DateMention(text=expr, start=s, end=e, value=value, end_value=end_value, granularity=granularity)
        )
    return out


def extract_dates(text: str, published: str | None, doc: Any) -> list[DateMention]:
    """Time expressions of ``text`` (whose spaCy doc is ``doc``), resolved against ``published``."""
    del text  # the doc holds the same text
    return find_dates(doc, published)
