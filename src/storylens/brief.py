"""The cross-source brief of one story: ``build_brief``.

Reads the story's cleaned ``Article`` records, their canonicalised ``ArticleAnnotations`` and the
``CanonicalEntity`` records; writes one ``Brief`` (contract ``storylens.brief/1``): the articles
(independent vs wire copy, why grouped), entities, facts with their status and evidence, conflicts,
quotes compared across outlets, the timeline and a cited summary.

Stages (``storylens.align``): claims -> pair probabilities -> facts -> conflicts (numbers, dates,
negation) + quotes (attribution) -> fact status -> timeline -> summary. Deterministic for the same
input: articles are ordered by publication time then id, and every id is derived from content.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from storylens.models import (
    Article,
    ArticleAnnotations,
    Brief,
    BriefArticle,
    BriefEntity,
    BriefFact,
    BriefStory,
    CanonicalEntity,
    FactEvidence,
)

if TYPE_CHECKING:
    import numpy as np

__all__ = ["MIN_FACT_WORDS", "build_brief"]

log = logging.getLogger(__name__)

MIN_FACT_WORDS = 4  # clauses shorter than this ("Read more.") are not facts


def _order_key(article: Article) -> tuple[bool, str, str]:
    return (article.published is None, article.published or "", article.id)


def build_brief(
    articles: Sequence[Article],
    annotations: Sequence[ArticleAnnotations],
    entities: Sequence[CanonicalEntity],
    *,
    story_id: str,
    title: str | None = None,
    reasons: Mapping[str, str] | None = None,
    summary_sentences: int = 5,
    embed: Callable[[Sequence[str]], np.ndarray] | None = None,
) -> Brief:
    """The brief of one story (see the module docstring). ``annotations`` are already canonicalised."""
    import numpy as np

    from storylens.align import (
        PARAMS,
        build_timeline,
        cluster_facts,
        extract_claims,
        find_conflicts,
        group_quotes,
        independent_source_keys,
        pair_probabilities,
        resolve_embed,
    )
    from storylens.summarize import refers_back, summarize

    ordered = sorted(articles, key=_order_key)
    rank = {a.id: i for i, a in enumerate(ordered)}
    ann_by_id = {a.article_id: a for a in annotations}
    keys = independent_source_keys(ordered)
    embed_fn, family = resolve_embed(embed)
    params = PARAMS[family]

    claims = [c for c in extract_claims(ordered, ann_by_id, keys) if len(c.text.split()) >= MIN_FACT_WORDS]
    claims = [dataclasses.replace(c, index=i) for i, c in enumerate(claims)]
    vectors = embed_fn([c.text for c in claims]) if claims else np.zeros((0, 1), dtype=np.float32)
    probs = pair_probabilities(claims, vectors, params)
    clusters = cluster_facts(claims, probs, params.threshold)

    fact_of: dict[int, str] = {}
    fact_members: dict[str, list[int]] = {}
    for members in clusters:
        first = claims[members[0]]
        fact_id = "f-" + hashlib.sha1(f"{first.article}:{first.start}:{first.end}".encode()).hexdigest()[:10]
        fact_members[fact_id] = members
        for k in members:
            fact_of[k] = fact_id

    source_names = {a.id: a.source for a in ordered}
    conflict_probs = pair_probabilities(claims, vectors, params, with_values=False)
    conflicts = find_conflicts(
        claims,
        conflict_probs,
        params.threshold,
        fact_of,
        source_names,
        texts={a.id: a.text for a in ordered},
        published={a.id: a.published for a in ordered},
    )

    entity_names = {e.id: e.name for e in entities}

    def similar(texts: Sequence[str]) -> list[list[bool]]:
        from storylens.align.claims import content_words
        from storylens.align.facts import overlap_matrix

        if not texts:
            return []
        vecs = np.asarray(embed_fn(texts), dtype=np.float64)
        cos = vecs @ vecs.T
        lex = overlap_matrix([content_words(t) for t in texts], minimum=2)
        z = params.bias + params.w_cos * cos + params.w_lex * lex
        return (1.0 / (1.0 + np.exp(-z)) >= params.threshold).tolist()

    persons = {e.id for e in entities if e.type == "PERSON"}
    quotes, attribution = group_quotes(ordered, ann_by_id, keys, entity_names, similar, persons=persons)
    conflicts = sorted([*conflicts, *attribution], key=lambda c: (c.kind, c.id))
    in_conflict = {f for c in conflicts for f in c.facts}

    copies = {a.id for a in ordered if a.duplicate_of is not None}
    facts: list[BriefFact] = []
    for fact_id, members in fact_members.items():
        member_claims = [claims[k] for k in members]
        articles_of = tuple(sorted(dict.fromkeys(c.article for c in member_claims), key=lambda a: rank[a]))
        sources = len({c.source_key for c in member_claims})
        status = (
            "conflicting" if fact_id in in_conflict else "corroborated" if sources >= 2 else "single_source"
        )
        # the first outlet's wording, unless it opens with a pronoun and another outlet names the subject
        lead = min(
            member_claims, key=lambda c: (c.article in copies, refers_back(c.text), rank[c.article], c.start)
        )
        facts.append(
            BriefFact(
                id=fact_id,
                text=lead.text,
                status=status,  # type: ignore[arg-type]
                articles=articles_of,
                independent_sources=sources,
                evidence=tuple(FactEvidence(c.article, c.text, c.start, c.end) for c in member_claims),
            )
        )
    facts.sort(key=lambda f: (-f.independent_sources, rank[f.evidence[0].article], f.evidence[0].start))
    fact_text = {f.id: f.text for f in facts}
    timeline = build_timeline(claims, fact_of, fact_text)
    summary = summarize(
        claims,
        vectors,
        fact_of,
        {f.id: f.articles for f in facts},
        {f.id: f.independent_sources for f in facts},
        rank,
        {a.id: a.duplicate_of is None for a in ordered},
        sentences=summary_sentences,
    )

    reasons = reasons or {}
    story_articles = tuple(
        BriefArticle(
            id=a.id,
            source=a.source,
            title=a.title,
            url=a.url,
            published=a.published,
            text=a.text,
            duplicate_of=a.duplicate_of,
            independent=a.duplicate_of is None,
            reason=reasons.get(a.id),
        )
        for a in ordered
    )
    ids = set(rank)
    brief_entities = tuple(
        BriefEntity(
            id=e.id,
            name=e.name,
            type=e.type,
            variants=tuple(e.variants),
            articles=tuple(sorted((a for a in e.articles if a in ids), key=lambda a: rank[a]))
            or tuple(e.articles),
            mentions=e.mentions,
            roles=tuple(e.roles),
        )
        for e in sorted(entities, key=lambda e: (-e.mentions, e.name, e.id))
        if not e.articles or ids.intersection(e.articles)
    )
    dates = sorted(a.published for a in ordered if a.published)
    independent = [a for a in ordered if a.duplicate_of is None] or ordered
    story = BriefStory(
        id=story_id,
        title=title or (independent[0].title if independent else story_id),
        first_published=dates[0] if dates else None,
        last_published=dates[-1] if dates else None,
    )
    return Brief(
        story=story,
        articles=story_articles,
        entities=brief_entities,
        quotes=tuple(quotes),
        facts=tuple(facts),
        conflicts=tuple(conflicts),
        timeline=tuple(timeline),
        summary=tuple(summary),
    )
