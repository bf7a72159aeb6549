"""Story-level entity canonicalisation: entity mentions of several articles -> canonical entities.

Reads the articles' entity mentions (and quotes); writes :class:`~storylens.models.CanonicalEntity`
records and copies of the annotations with ``EntityMention.canonical`` and
``QuoteMention.speaker_entity`` filled in.

Two steps. Within an article, a surname-only mention joins the full name that ends with it
("Scholz" -> "Olaf Scholz"), and an acronym joins the long form whose initials it spells. Across
articles, article-level entities merge when they have the same normalised name or alias ("U.S." /
"US" / "United States"), the same transliteration key ("Dmitri"/"Dmitry", "Kiev"/"Kyiv",
"Gadhafi"/"Qaddafi"), a surname-only form matches exactly one full name, or — for misspellings —
the names are close by edit distance *and* the context agrees (a shared role, or shared co-occurring
entities). Two different full names that only share a surname never merge. Every merge records its
reason and confidence; the type of a canonical entity is the majority over its mentions.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from storylens.models import Article, ArticleAnnotations, CanonicalEntity, EntityMention

__all__ = ["ALIASES", "SPELLING_MIN_SIMILARITY", "canonicalize", "name_key", "translit_key"]

# Minimum rapidfuzz ratio (0-100) between two normalised names for a misspelling merge (context must
# agree as well). Calibrated on ECB+ train topics (see storylens.eval.entities): 85 keeps typo
# variants ("Zakharova"/"Zakharowa") while two distinct first names with a shared surname stay apart.
SPELLING_MIN_SIMILARITY = 85.0

# Aliases: every spelling maps to one key. Only forms no string rule can connect.
ALIASES: dict[str, str] = {}
for _group in [
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
    for _alias in _group:
        ALIASES[_alias] = _group[0]

_TITLE_PREFIX = re.compile(
    r"^(?:the|mr|mrs|ms|dr|prof|gov|sen|rev|lt|sgt|capt|col|president|prime minister|chancellor|minister)\s+",
    re.I,
)
_NAME_SUFFIX = re.compile(r"\s+(?:jr|sr|ii|iii|iv)$")


def _strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def name_key(name: str) -> str:
    """Normalised name: accents, dots, case, a leading "the" and possessives removed; aliases mapped."""
    text = _strip_accents(name).casefold()
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


_TRANSLIT = [
    ("kh", "h"), ("dh", "d"), ("gh", "g"), ("th", "t"), ("ph", "f"), ("sch", "sh"), ("tch", "ch"),
    ("ck", "k"), ("q", "k"), ("x", "ks"), ("w", "v"), ("j", "y"), ("c", "k"), ("z", "s"),
]  # fmt: skip


def translit_key(word: str) -> str:
    """A spelling-insensitive key of one word: consonant skeleton after folding common
    transliteration pairs (Dmitri/Dmitry, Kiev/Kyiv, Zelensky/Zelenskyy, Gadhafi/Qaddafi)."""
    text = _strip_accents(word).casefold()
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


def _name_translit(key: str) -> str:
    return " ".join(translit_key(w) for w in key.split())


def _acronym(key: str) -> str:
    words = [w for w in key.split() if w not in {"of", "the", "and", "for", "de", "s"}]
    return "".join(w[0] for w in words) if len(words) >= 2 else ""


@dataclass(slots=True)
class _Local:
    """One entity within one article."""

    article: str
    forms: Counter[str] = field(default_factory=Counter)
    types: Counter[str] = field(default_factory=Counter)
    roles: list[str] = field(default_factory=list)
    mentions: list[tuple[int, int]] = field(default_factory=list)  # (annotation index, mention index)
    links: list[dict[str, Any]] = field(default_factory=list)  # within-article merges

    @property
    def full(self) -> str:
        return max(self.forms, key=lambda f: (len(f.split()), self.forms[f], len(f)))

    @property
    def key(self) -> str:
        return name_key(self.full)

    @property
    def is_person(self) -> bool:
        return self.types.get("PERSON", 0) * 2 >= sum(self.types.values()) or (
            len(self.full.split()) >= 2 and self.types.get("PERSON", 0) > 0
        )


def _local_entities(article_id: str, ann_index: int, mentions: Sequence[EntityMention]) -> list[_Local]:
    """Within one article: group mentions by name; surnames and acronyms join their full forms."""
    locals_: list[_Local] = []
    by_key: dict[str, _Local] = {}
    order = sorted(range(len(mentions)), key=lambda i: (-len(mentions[i].text.split()), mentions[i].start))
    for i in order:
        m = mentions[i]
        key = name_key(m.text)
        if not key:
            continue
        target = by_key.get(key)
        if target is None and len(key.split()) == 1:
            target = _surname_owner(key, m, mentions, by_key)
            if target is not None and m.text not in target.forms:
                target.links.append({"variant": m.text, "reason": "surname in article", "confidence": 0.9})
        if target is None:
            target = next((loc for k, loc in by_key.items() if _acronym(k) == key and len(key) >= 2), None)
            if target is not None and m.text not in target.forms:
                target.links.append({"variant": m.text, "reason": "acronym in article", "confidence": 0.85})
        if target is None:
            target = _Local(article_id)
            locals_.append(target)
            by_key[key] = target
        target.forms[m.text] += 1
        target.types[m.type] += 1
        target.mentions.append((ann_index, i))
        if m.role:
            target.roles.append(m.role)
    return locals_


def _surname_owner(
    key: str, m: EntityMention, mentions: Sequence[EntityMention], by_key: dict[str, _Local]
) -> _Local | None:
    """The full-name entity whose last word is ``key``: the nearest one before the mention, else after."""
    owners = [
        (loc, mm.start)
        for loc in by_key.values()
        if _person_like(loc, m) and len(loc.key.split()) >= 2 and loc.key.split()[-1] == key
        for mm in mentions
        if name_key(mm.text) == loc.key
    ]
    if not owners:
        return None
    before = [o for o in owners if o[1] <= m.start]
    pick = max(before, key=lambda o: o[1]) if before else min(owners, key=lambda o: o[1])
    return pick[0]


_PLACE_TYPES = frozenset({"GPE", "LOC", "FAC"})


def _person_like(full: _Local, mention: EntityMention) -> bool:
    """Can a one-word mention be the surname of ``full``? Yes unless the full form is a place
    ("York" is not the surname of "New York"); spaCy often types a lone surname GPE or ORG."""
    if full.types.get("PERSON", 0) or mention.type == "PERSON":
        return True
    top = full.types.most_common(1)[0][0]
    return top not in _PLACE_TYPES


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        self.parent[max(ra, rb)] = min(ra, rb)
        return True


def _group(local: _Local) -> str:
    if local.is_person:
        return "person"
    top = local.types.most_common(1)[0][0]
    return "norp" if top == "NORP" else "other"


def _roles_agree(a: _Local, b: _Local) -> bool:
    from rapidfuzz import fuzz

    return any(fuzz.token_set_ratio(ra.casefold(), rb.casefold()) >= 80 for ra in a.roles for rb in b.roles)


def _roles_conflict(a: _Local, b: _Local) -> bool:
    return bool(a.roles) and bool(b.roles) and not _roles_agree(a, b)


def _same_first_name(a: str, b: str) -> bool:
    from rapidfuzz import fuzz

    return (
        a == b
        or translit_key(a) == translit_key(b)
        or ((len(a) == 1 or len(b) == 1) and a[0] == b[0])
        or (fuzz.ratio(a, b) >= SPELLING_MIN_SIMILARITY)
    )


def cluster_locals(
    locals_: list[_Local], context: dict[str, set[str]]
) -> tuple[_UnionFind, list[dict[str, Any]]]:
    """Merge article-level entities across articles; return the union-find and the merge records."""
    from rapidfuzz import fuzz

    uf = _UnionFind(len(locals_))
    merges: list[dict[str, Any]] = []

    def merge(i: int, j: int, reason: str, confidence: float) -> None:
        if uf.union(i, j) and (reason != "same name" or locals_[i].full != locals_[j].full):
            merges.append({"variant": locals_[j].full, "into": locals_[i].full, "reason": reason,
                           "confidence": round(confidence, 3), "_pair": (i, j)})  # fmt: skip

    keys = [loc.key for loc in locals_]
    groups = [_group(loc) for loc in locals_]
    # 1. same normalised name or alias
    first_by_key: dict[str, int] = {}
    for i, key in enumerate(keys):
        if key in first_by_key:
            j = first_by_key[key]
            same = locals_[i].full.casefold() == locals_[j].full.casefold()
            merge(j, i, "same name" if same else "alias", 1.0 if same else 0.95)
        else:
            first_by_key[key] = i
    # 2. transliteration variants (same word count, same type group, every word's key equal)
    by_translit: dict[tuple[str, str], int] = {}
    for i, key in enumerate(keys):
        tk = (groups[i] if " " in key else "word", _name_translit(key))
        if tk in by_translit:
            j = by_translit[tk]
            if not _roles_conflict(locals_[i], locals_[j]):
                ratio = fuzz.ratio(keys[i], keys[j]) / 100
                merge(j, i, "transliteration", 0.8 + 0.15 * ratio)
        else:
            by_translit[tk] = i
    # 3. acronyms across articles ("NATO" <-> "North Atlantic Treaty Organization")
    for i, key in enumerate(keys):
        if " " in key or len(key) < 2:
            continue
        for j, other in enumerate(keys):
            if i != j and groups[j] != "person" and _acronym(other) == key:
                merge(j, i, "acronym", 0.9)
    # 4. one-word forms: join the only multi-word name ending with that word ("Scholz" -> "Olaf
    #    Scholz", "Jaguars" -> "Jacksonville Jaguars"), or the one whose role the context supports
    full_names = [
        i
        for i, loc in enumerate(locals_)
        if len(keys[i].split()) >= 2 and (groups[i] == "person" or loc.types.most_common(1)[0][0] not in _PLACE_TYPES)
    ]
    for i, key in enumerate(keys):
        if len(key.split()) != 1 or groups[i] == "norp":
            continue
        owners = {
            uf.find(j)
            for j in full_names
            if keys[j].split()[-1] == key
            or groups[j] == "person" and translit_key(keys[j].split()[-1]) == translit_key(key)
        }
        if len(owners) == 1:
            j = next(j for j in full_names if uf.find(j) in owners)
            merge(j, i, "surname", 0.85 if keys[j].split()[-1] == key else 0.75)
        elif len(owners) > 1:
            supported = [j for j in full_names if uf.find(j) in owners and _roles_agree(locals_[i], locals_[j])]
            if len({uf.find(j) for j in supported}) == 1:
                merge(supported[0], i, "surname+role", 0.7)
    # 4b. a person's name inside a longer one with the same surname ("Mark Felt" / "W. Mark Felt")
    people = [i for i in full_names if groups[i] == "person"]
    for i in people:
        short = keys[i].split()
        for j in people:
            long_ = keys[j].split()
            if len(long_) <= len(short) or long_[-1] != short[-1] or uf.find(i) == uf.find(j):
                continue
            it = iter(long_)
            if all(word in it for word in short) and not _roles_conflict(locals_[i], locals_[j]):
                merge(j, i, "name contained", 0.8)
    # 5. misspellings: close names whose context agrees
    for i in range(len(locals_)):
        for j in range(i):
            if uf.find(i) == uf.find(j) or groups[i] != groups[j]:
                continue
            a, b = keys[i], keys[j]
            if len(a.split()) != len(b.split()) or min(len(a), len(b)) < 4:
                continue
            score = fuzz.ratio(a, b)
            if score < SPELLING_MIN_SIMILARITY:
                continue
            if groups[i] == "person" and len(a.split()) >= 2:
                if not _same_first_name(a.split()[0], b.split()[0]):
                    continue
            evidence = _roles_agree(locals_[i], locals_[j])
            shared = context.get(locals_[i].article, set()) & context.get(locals_[j].article, set())
            shared -= {a, b}
            if _roles_conflict(locals_[i], locals_[j]) or not (evidence or len(shared) >= 2):
                continue
            reason = "spelling+role" if evidence else "spelling+context"
            merge(j, i, reason, score / 100 * (0.95 if evidence else 0.85))
    return uf, merges


def _entity_id(name: str, kind: str) -> str:
    return "e-" + hashlib.sha1(f"{kind}\n{name_key(name)}".encode()).hexdigest()[:10]


def canonicalize(
    articles: Sequence[Article], annotations: Sequence[ArticleAnnotations]
) -> tuple[list[CanonicalEntity], list[ArticleAnnotations]]:
    """Canonical entities of a story and its annotations with canonical ids filled in."""
    locals_: list[_Local] = []
    for index, ann in enumerate(annotations):
        locals_.extend(_local_entities(ann.article_id, index, ann.entities))
    context: dict[str, set[str]] = defaultdict(set)
    for loc in locals_:
        context[loc.article].add(loc.key)
    uf, merges = cluster_locals(locals_, context)
    members: dict[int, list[int]] = defaultdict(list)
    for i in range(len(locals_)):
        members[uf.find(i)].append(i)
    mention_entity: dict[tuple[int, int], str] = {}
    entities: list[CanonicalEntity] = []
    for root, idxs in members.items():
        group = [locals_[i] for i in idxs]
        forms: Counter[str] = Counter()
        types: Counter[str] = Counter()
        for loc in group:
            forms.update(loc.forms)
            types.update(loc.types)
        multiword = any(len(f.split()) >= 2 for f in forms)
        kind = max(types, key=lambda t: (types[t], (t == "PERSON") == multiword, t))
        # the name is a full form: never a surname when the full name is known ("Scholz" < "Olaf Scholz")
        full_forms = {
            f: c for f, c in forms.items() if not any(o != f and o.endswith(" " + f) for o in forms)
        }
        seen = list(dict.fromkeys(f for loc in group for f in loc.forms))
        name = max(full_forms, key=lambda f: (full_forms[f], len(f.split()), -seen.index(f)))
        ent_id = _entity_id(name, kind)
        roles = sorted({r for loc in group for r in loc.roles})
        arts = tuple(dict.fromkeys(loc.article for loc in group))
        records = tuple(
            {k: v for k, v in m.items() if k != "_pair"} | {"into": name}
            for m in merges
            if uf.find(m["_pair"][0]) == root
        ) + tuple(
            dict(variant=link["variant"], into=name, reason=link["reason"], confidence=link["confidence"])
            for loc in group
            for link in loc.links
        )
        entities.append(
            CanonicalEntity(
                id=ent_id,
                name=name,
                type=kind,
                variants=tuple(sorted(forms)),
                roles=tuple(roles),
                articles=arts,
                mentions=sum(forms.values()),
                merges=records,
            )
        )
        for loc in group:
            for key in loc.mentions:
                mention_entity[key] = ent_id
    entities.sort(key=lambda e: (-e.mentions, e.name))
    out = [_fill(index, ann, mention_entity, entities) for index, ann in enumerate(annotations)]
    return entities, out


def _fill(
    index: int,
    ann: ArticleAnnotations,
    mention_entity: dict[tuple[int, int], str],
    entities: list[CanonicalEntity],
) -> ArticleAnnotations:
    ents = tuple(
        dataclasses.replace(m, canonical=mention_entity.get((index, i))) for i, m in enumerate(ann.entities)
    )
    by_name = {name_key(e.text): e.canonical for e in ents if e.canonical}
    story_names: dict[str, str] = {}
    for ent in entities:
        for variant in ent.variants:
            story_names.setdefault(name_key(variant), ent.id)
    quotes = []
    for q in ann.quotes:
        target = None
        if q.speaker_start is not None:
            for e in ents:
                if e.start < (q.speaker_end or 0) and q.speaker_start < e.end and e.canonical:
                    target = e.canonical
                    break
        if target is None and q.speaker:
            key = name_key(q.speaker)
            target = by_name.get(key) or story_names.get(key)
        quotes.append(dataclasses.replace(q, speaker_entity=target))
    return dataclasses.replace(ann, entities=ents, quotes=tuple(quotes))
