"""``storylens eval entities``: cross-document entity coreference of named mentions on ECB+.

Reads ``ecbplus/docs.jsonl`` and ``ecbplus/mentions.jsonl`` under the data folder; writes a dict of
figures. For every sub-topic (one real-world event, several documents) the gold *named* entity
mentions are clustered with :func:`storylens.annotate.canonicalize` (the documents are the
articles, the gold mentions their entity mentions) and scored against the gold coreference chains
with MUC, B3 and CEAF-e (entity-based, phi4); CoNLL F1 is their mean. Singletons are included.

Mention selection (named mentions only): entity mentions (``kind == "entity"``) in sentences of
the standard evaluation (``in_coref_sentence``), tagged HUMAN_PART_PER / _ORG / _GPE or LOC_*
(LOC_GEO, LOC_FAC, LOC_OTHER), that are not pronouns and contain a capitalised alphabetic word other
than the first word of their sentence — "Tara Reid", "Promises Treatment Center", "Kim", but not
"the actress" or a sentence-initial "She". The name given to canonicalisation is the gold text
detokenised ("Dr . Regina" -> "Dr. Regina") with leading lower-case words (roles such as
"defensive tackle") and a leading preposition removed: the same cleaning the NER path applies.

Baselines: ``exact`` clusters mentions whose gold text is identical (within a sub-topic);
``normalised`` clusters mentions with the same normalised name (case, accents, "the", dots).
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

__all__ = ["NAMED_TAGS", "b_cubed", "ceaf_e", "conll_f1", "load_mentions", "muc", "run", "score_all"]

NAMED_TAGS = {
    "HUMAN_PART_PER": "PERSON",
    "HUMAN_PART_ORG": "ORG",
    "HUMAN_PART_GPE": "GPE",
    "LOC_GEO": "GPE",
    "LOC_FAC": "FAC",
    "LOC_OTHER": "LOC",
}
_PRONOUNS = frozenset(
    [
        "i",
        "me",
        "my",
        "he",
        "him",
        "his",
        "she",
        "her",
        "hers",
        "it",
        "its",
        "we",
        "us",
        "our",
        "they",
        "them",
        "their",
        "you",
        "your",
        "who",
        "whom",
        "this",
        "that",
        "these",
        "those",
    ]
)
_LEADING = frozenset(
    ["in", "at", "on", "of", "from", "to", "by", "near", "the", "a", "an", "along", "across"]
)

Clusters = dict[str, str]  # mention id -> cluster label


# -- metrics (standard definitions) ------------------------------------------------------------------


def _groups(assign: Clusters) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for mention, label in assign.items():
        out[label].add(mention)
    return out


def _prf(p_num: float, p_den: float, r_num: float, r_den: float) -> tuple[float, float, float]:
    p = p_num / p_den if p_den else 0.0
    r = r_num / r_den if r_den else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def muc(gold: Clusters, pred: Clusters) -> tuple[float, float, float]:
    """MUC (Vilain et al. 1995): links kept; a mention missing from the other side is a singleton."""

    def side(key: Clusters, response: Clusters) -> tuple[float, float]:
        num = den = 0.0
        for members in _groups(key).values():
            parts = {response.get(m, f"__missing_{m}") for m in members}
            num += len(members) - len(parts)
            den += len(members) - 1
        return num, den

    r_num, r_den = side(gold, pred)
    p_num, p_den = side(pred, gold)
    return _prf(p_num, p_den, r_num, r_den)


def b_cubed(gold: Clusters, pred: Clusters) -> tuple[float, float, float]:
    """B3 (Bagga & Baldwin 1998): per-mention overlap of its gold and predicted clusters."""
    g_groups, p_groups = _groups(gold), _groups(pred)

    def side(
        key: Clusters, key_groups: dict[str, set[str]], other: Clusters, other_groups: dict[str, set[str]]
    ) -> float:
        total = 0.0
        for mention, label in key.items():
            own = key_groups[label]
            o = other.get(mention)
            if o is None:
                continue
            total += len(own & other_groups[o]) / len(own)
        return total

    r = side(gold, g_groups, pred, p_groups)
    p = side(pred, p_groups, gold, g_groups)
    return _prf(p, len(pred), r, len(gold))


def ceaf_e(gold: Clusters, pred: Clusters) -> tuple[float, float, float]:
    """Entity-based CEAF (Luo 2005, phi4 = 2|K∩R|/(|K|+|R|)) with an optimal one-to-one alignment."""
    import numpy as np
    from scipy.optimize import linear_sum_assignment

    g_list = list(_groups(gold).values())
    p_list = list(_groups(pred).values())
    if not g_list or not p_list:
        return 0.0, 0.0, 0.0
    p_index: dict[str, int] = {}
    for j, members in enumerate(p_list):
        for m in members:
            p_index[m] = j
    sim = np.zeros((len(g_list), len(p_list)))
    for i, members in enumerate(g_list):
        for m in members:
            k = p_index.get(m)
            if k is not None and sim[i, k] == 0:
                sim[i, k] = 2 * len(members & p_list[k]) / (len(members) + len(p_list[k]))
    rows, cols = linear_sum_assignment(-sim)
    total = float(sim[rows, cols].sum())
    return _prf(total, len(p_list), total, len(g_list))


def conll_f1(gold: Clusters, pred: Clusters) -> dict[str, float]:
    """MUC, B3 and CEAF-e precision/recall/F1 and CoNLL F1 (mean of the three F1s)."""
    out: dict[str, float] = {}
    f1s = []
    for name, metric in (("muc", muc), ("b3", b_cubed), ("ceaf_e", ceaf_e)):
        p, r, f = metric(gold, pred)
        out[f"{name}_p"], out[f"{name}_r"], out[f"{name}_f1"] = p, r, f
        f1s.append(f)
    out["conll_f1"] = sum(f1s) / 3
    return out


# -- data ---------------------------------------------------------------------------------------------


def _detok(text: str) -> str:
    text = re.sub(r"\s+([.,'’)])", r"\1", text)
    text = re.sub(r"([(])\s+", r"\1", text)
    return re.sub(r"\s+", " ", text).strip()


_TRAILING = re.compile(r",|\s(?:in|at|on|near|off|outside|of the|just)\s")


def clean_name(text: str, tag: str = "") -> str:
    """The name part of a gold mention, as the NER path would give it: detokenised; leading
    lower-case words, prepositions and (for persons) titles removed; for places and organisations a
    trailing locative ("Betty Ford Center in Rancho Mirage", "Biloxi, Miss.") cut off."""
    from storylens.annotate.entities import strip_titles

    text = _detok(text).replace(".", ". ").replace(".  ", ". ").strip()
    words = text.split()
    while len(words) > 1 and (words[0][:1].islower() or words[0].casefold() in _LEADING):
        words = words[1:]
    name = " ".join(words)
    if NAMED_TAGS.get(tag) == "PERSON":
        name = strip_titles(name, 0)[0].split(",")[0].strip()  # "Eric Allen Kirkpatrick, 61"
    elif tag:
        cut = _TRAILING.search(name)
        if cut and cut.start() > 0:
            name = name[: cut.start()].strip()
    return name


def _is_named(mention: dict[str, Any], sentence_first: set[int]) -> bool:
    words = mention["text"].split()
    if len(words) == 1 and words[0].casefold() in _PRONOUNS:
        return False
    tokens = [int(t) for t in mention["tokens"]] if all(str(t).isdigit() for t in mention["tokens"]) else []
    for k, word in enumerate(words):
        if not (word[:1].isupper() and word[:1].isalpha()):
            continue
        if k == 0 and tokens and tokens[0] in sentence_first:
            continue
        if word.casefold() in _PRONOUNS or word.casefold() in _LEADING:
            continue
        return True
    return False


def load_mentions(data: Path, split: str = "dev") -> tuple[dict[str, dict[str, Any]], list[dict[str, Any]]]:
    """(documents by id, selected named mentions of ``split``) from the ECB+ folder under ``data``."""
    folder = Path(data)
    if (folder / "ecbplus").is_dir():
        folder = folder / "ecbplus"
    docs_path, mentions_path = folder / "docs.jsonl", folder / "mentions.jsonl"
    if not docs_path.exists() or not mentions_path.exists():
        raise FileNotFoundError(str(folder))
    docs: dict[str, dict[str, Any]] = {}
    with docs_path.open(encoding="utf-8") as fh:
        for line in fh:
            doc = json.loads(line)
            if doc["split"] == split:
                docs[doc["doc_id"]] = doc
    first_tokens: dict[str, set[int]] = {}
    for doc_id, doc in docs.items():
        starts, n = set(), 0
        for sentence in doc["sentences"]:
            starts.add(n)
            n += len(sentence.split())
        first_tokens[doc_id] = starts
    selected: list[dict[str, Any]] = []
    with mentions_path.open(encoding="utf-8") as fh:
        for line in fh:
            m = json.loads(line)
            if m["split"] != split or m["kind"] != "entity" or m["tag"] not in NAMED_TAGS:
                continue
            if not m.get("in_coref_sentence", True) or m["doc"] not in docs:
                continue
            if _is_named(m, first_tokens[m["doc"]]):
                selected.append(m)
    return docs, selected


# -- clustering ---------------------------------------------------------------------------------------


def _mention_id(m: dict[str, Any]) -> str:
    return f"{m['doc']}:{m['m_id']}"


def storylens_clusters(docs: dict[str, dict[str, Any]], mentions: Sequence[dict[str, Any]]) -> Clusters:
    """Cluster labels from :func:`storylens.annotate.canonicalize`, one run per sub-topic."""
    from storylens.annotate import canonicalize
    from storylens.models import Article, ArticleAnnotations, EntityMention

    by_subtopic: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for m in mentions:
        by_subtopic[m["subtopic"]][m["doc"]].append(m)
    out: Clusters = {}
    for subtopic, per_doc in by_subtopic.items():
        articles, annotations, ids = [], [], []
        for doc_id in sorted(per_doc):
            doc = docs[doc_id]
            text = "\n".join(doc["sentences"])
            offsets = [0]
            for sentence in doc["sentences"]:
                offsets.append(offsets[-1] + len(sentence) + 1)
            ordered = sorted(
                per_doc[doc_id],
                key=lambda m: (m["sent"], int(m["tokens"][0]) if str(m["tokens"][0]).isdigit() else 0),
            )
            ents = []
            for m in ordered:
                name = clean_name(m["text"], m["tag"])
                sentence = doc["sentences"][m["sent"]]
                pos = sentence.find(m["text"].split()[-1])
                start = offsets[m["sent"]] + max(pos, 0)
                ents.append(
                    EntityMention(text=name, type=NAMED_TAGS[m["tag"]], start=start, end=start + len(name))
                )
                ids.append(_mention_id(m))
            articles.append(Article(id=doc_id, source=doc_id, title="", text=text, original=text))
            annotations.append(ArticleAnnotations(article_id=doc_id, entities=tuple(ents)))
        _, filled = canonicalize(articles, annotations)
        labels = [e.canonical or f"none-{k}" for ann in filled for k, e in enumerate(ann.entities)]
        for mention_id, label in zip(ids, labels, strict=True):
            out[mention_id] = f"{subtopic}:{label}"
    return out


def string_clusters(mentions: Iterable[dict[str, Any]], key: Callable[[str], str]) -> Clusters:
    """Baseline: mentions of a sub-topic with the same ``key(text)`` form one cluster."""
    return {_mention_id(m): f"{m['subtopic']}:{key(m['text'])}" for m in mentions}


def score_all(data: Path, split: str = "dev") -> dict[str, Any]:
    from storylens.annotate.canonical import name_key

    docs, mentions = load_mentions(data, split)
    gold = {_mention_id(m): m["cluster"] for m in mentions}
    systems = {
        "storylens": storylens_clusters(docs, mentions),
        "baseline_exact": string_clusters(mentions, lambda t: t),
        "baseline_normalised": string_clusters(mentions, lambda t: name_key(_detok(t))),
    }
    results: dict[str, Any] = {
        "split": split,
        "documents": len({m["doc"] for m in mentions}),
        "mentions": len(mentions),
        "gold_entities": len(set(gold.values())),
    }
    for name, pred in systems.items():
        results[name] = conll_f1(gold, pred)
    return results


def run(data: Path | None = None, split: str = "dev", **_: Any) -> dict[str, Any]:
    """Figures on ECB+ ``split`` (dev by default) under ``data`` (default: the shared data folder)."""
    from storylens.eval import default_data_dir

    return score_all(Path(data) if data is not None else default_data_dir(), split)
