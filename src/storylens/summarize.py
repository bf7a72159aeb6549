"""Extractive, cited summary of one story across its outlets.

Reads the story's ``Claim`` records (``storylens.align.claims``), their embeddings, the fact each
claim belongs to with that fact's articles and independent-source count, and the articles'
chronological rank; writes ``SummarySentence`` records — whole sentences of independent articles,
each citing every article of the facts it states.

Sentences are scored for corroboration (independent sources of their best fact), earliness (the
article's rank in time and the sentence's position in it) and centrality (similarity to the
story's centroid), then chosen by maximal marginal relevance so that no two say the same thing.
Boilerplate (calls to action), fragments (cut-off or lower-case starts, mostly a quote fragment),
sentences that open with a personal pronoun (their subject is in a sentence the summary does not
show), very short and very long sentences are never chosen. Deterministic: ties break by article rank
and position. The weights (``SummaryWeights``) were set by hand, not fitted: no search over them
has been run on NeuS *train*. ``storylens eval summary`` reports their ROUGE on NeuS *val*.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from storylens.models import SummarySentence

if TYPE_CHECKING:
    import numpy as np

    from storylens.align.claims import Claim

__all__ = ["WEIGHTS", "SummaryWeights", "is_boilerplate", "refers_back", "summarize"]

MIN_WORDS = 6
MAX_WORDS = 70
MAX_FRAGMENT_SHARE = 0.5
REDUNDANT_COSINE = 0.85
_CALL_TO_ACTION = re.compile(
    r"\b(subscribe|sign up|signup|newsletter|click here|follow us|share this|read more|download (?:our|the) app|"
    r"all rights reserved|cookie|advertisement|support our journalism|log ?in|watch:|listen:)\b",
    re.IGNORECASE,
)
_OPENING_MARKS = "\"'“‘([ "  # quotation marks and brackets before a sentence's first word
_ENDS_WELL = re.compile(r"[.!?][\"'”’)\]]*$")
# a sentence opening with a personal pronoun names its subject in the sentence before it, which a
# summary does not show ("She said Kastrovia had offered ..."); "It" is left, as it often opens
# a sentence about nothing before ("It is the third quake this year")
_REFERS_BACK = re.compile(r"(?:he|she|they|his|her|their|its|him|them)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class SummaryWeights:
    support: float = 0.4
    position: float = 0.2
    earliness: float = 0.1
    centrality: float = 0.3
    mmr_lambda: float = 0.7


WEIGHTS = SummaryWeights()


def refers_back(sentence: str) -> bool:
    """True when ``sentence`` opens with a personal pronoun (its subject is in an earlier one)."""
    return bool(_REFERS_BACK.match(sentence.lstrip(_OPENING_MARKS)))


def is_boilerplate(sentence: str, fragment_share: float = 0.0) -> bool:
    """True for sentences a summary must never show."""
    words = sentence.split()
    if len(words) < MIN_WORDS or len(words) > MAX_WORDS:
        return True
    if fragment_share > MAX_FRAGMENT_SHARE or _CALL_TO_ACTION.search(sentence):
        return True
    first = sentence.lstrip(_OPENING_MARKS)
    if not first or first[0].islower() or not _ENDS_WELL.search(sentence.rstrip()):
        return True
    if refers_back(first):
        return True
    return sentence.count("“") != sentence.count("”") or sentence.count('"') % 2 == 1


@dataclass(frozen=True, slots=True)
class _Candidate:
    key: tuple[int, int]  # (article rank, sentence index)
    text: str
    article: str
    claims: tuple[int, ...]


def summarize(
    claims: Sequence[Claim],
    vectors: np.ndarray,
    fact_of: Mapping[int, str],
    fact_articles: Mapping[str, Sequence[str]],
    fact_sources: Mapping[str, int],
    article_rank: Mapping[str, int],
    independent: Mapping[str, bool],
    *,
    sentences: int = 5,
    weights: SummaryWeights = WEIGHTS,
) -> list[SummarySentence]:
    """Up to ``sentences`` summary sentences in reading order (article rank, then position)."""
    import numpy as np

    if sentences <= 0 or not claims:
        return []
    by_sentence: dict[tuple[int, int], list[int]] = {}
    for claim in claims:
        if independent.get(claim.article, True):
            by_sentence.setdefault((article_rank.get(claim.article, 0), claim.sentence_index), []).append(
                claim.index
            )
    index = {c.index: c for c in claims}
    candidates: list[_Candidate] = []
    for key in sorted(by_sentence):
        members = tuple(by_sentence[key])
        first = index[members[0]]
        if is_boilerplate(first.sentence, first.fragment_share):
            continue
        candidates.append(_Candidate(key, first.sentence, first.article, members))
    if not candidates:
        return []
    rows = np.asarray(vectors, dtype=np.float64)
    position_of = {c.index: i for i, c in enumerate(claims)}
    sent_vecs = np.stack([rows[[position_of[k] for k in c.claims]].mean(axis=0) for c in candidates])
    norms = np.linalg.norm(sent_vecs, axis=1, keepdims=True)
    sent_vecs = sent_vecs / np.where(norms == 0, 1.0, norms)
    centroid = sent_vecs.mean(axis=0)
    centroid /= np.linalg.norm(centroid) or 1.0
    centrality = sent_vecs @ centroid
    max_sources = max(fact_sources.values(), default=1)
    n_articles = max(article_rank.values(), default=0) + 1
    relevance = []
    for i, cand in enumerate(candidates):
        best = max((fact_sources.get(fact_of.get(k, ""), 1) for k in cand.claims), default=1)
        support = (best - 1) / (max_sources - 1) if max_sources > 1 else 0.0
        position = 1.0 / (1.0 + cand.key[1])
        early = 1.0 - cand.key[0] / n_articles
        relevance.append(
            weights.support * support
            + weights.position * position
            + weights.earliness * early
            + weights.centrality * float(centrality[i])
        )
    similarity = sent_vecs @ sent_vecs.T
    chosen: list[int] = []
    covered: set[str] = set()
    remaining = list(range(len(candidates)))
    while remaining and len(chosen) < sentences:
        best_i, best_score = -1, -np.inf
        for i in remaining:
            redundancy = max((float(similarity[i, j]) for j in chosen), default=0.0)
            score = weights.mmr_lambda * relevance[i] - (1 - weights.mmr_lambda) * redundancy
            if score > best_score + 1e-12:
                best_i, best_score = i, score
        remaining.remove(best_i)
        facts = {fact_of[k] for k in candidates[best_i].claims if k in fact_of}
        too_close = any(float(similarity[best_i, j]) >= REDUNDANT_COSINE for j in chosen)
        if (facts and facts <= covered) or too_close:
            continue
        chosen.append(best_i)
        covered |= facts
    out = []
    for i in sorted(chosen, key=lambda k: candidates[k].key):
        cand = candidates[i]
        cited: list[str] = []
        for k in cand.claims:
            cited.extend(fact_articles.get(fact_of.get(k, ""), ()))
        cited.append(cand.article)
        ordered = sorted(dict.fromkeys(cited), key=lambda a: (article_rank.get(a, 0), a))
        out.append(SummarySentence(text=cand.text, articles=tuple(ordered)))
    return out
