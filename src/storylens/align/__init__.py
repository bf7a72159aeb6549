"""Alignment of one story's articles: claims, facts, conflicts, quotes across outlets, timeline.

Reads ``Article`` + canonicalised ``ArticleAnnotations`` records; the stages are plain functions
over records, assembled by ``storylens.brief.build_brief``:

- ``claims.extract_claims``: sentences -> clauses with normalised entities, dates, quantities;
- ``facts.pair_probabilities`` / ``facts.cluster_facts``: claims of different outlets -> facts;
- ``conflicts.find_conflicts``: number, date and negation conflicts among aligned claims;
- ``quotes.group_quotes``: quotes grouped by speaker and words (and attribution conflicts);
- ``timeline.build_timeline``: dated events.
"""

from __future__ import annotations

from storylens.align.claims import (
    Claim,
    claim_from_span,
    extract_claims,
    independent_source_keys,
    split_sentences,
)
from storylens.align.conflicts import compatible, find_conflicts, interval
from storylens.align.facts import (
    PARAMS,
    AlignmentParams,
    cluster_facts,
    pair_probabilities,
    resolve_embed,
    tfidf_embed,
)
from storylens.align.quotes import group_quotes
from storylens.align.timeline import build_timeline

__all__ = [
    "PARAMS",
    "AlignmentParams",
    "Claim",
    "build_timeline",
    "claim_from_span",
    "cluster_facts",
    "compatible",
    "extract_claims",
    "find_conflicts",
    "group_quotes",
    "independent_source_keys",
    "interval",
    "pair_probabilities",
    "resolve_embed",
    "split_sentences",
    "tfidf_embed",
]
