"""The pipeline: stages run in order over records, with or without the store.

``ingest_paths`` — read → clean → dedupe → annotate → cluster, then one transaction writes the batch.
``story_brief`` — a stored story's brief (annotations from the store, cached).
``compare`` — the same stages in memory over inputs treated as one story; no database.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from storylens.models import (
    Article,
    ArticleAnnotations,
    Assignment,
    Brief,
    DateMention,
    EntityMention,
    Quantity,
    QuoteMention,
    RawArticle,
    Rejection,
    Sentence,
    to_dict,
)

__all__ = [
    "EmbedderError",
    "IngestReport",
    "annotations_from_dict",
    "cluster_item",
    "compare",
    "ingest_paths",
    "ingest_records",
    "recluster",
    "story_brief",
]

CLUSTER_STATE_KEY = "clusterer"

Progress = Callable[[str, int, int], None]
"""progress(stage, done, total): called as work advances."""


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    wire_copies: list[str] = field(default_factory=list)
    near_duplicates: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    assignments: list[Assignment] = field(default_factory=list)
    moved: list[Assignment] = field(default_factory=list)  # earlier articles moved by the recluster pass

    def summary(self) -> str:
        copies = len(self.wire_copies) + len(self.near_duplicates)
        extra = f" ({copies} wire copies or near-duplicates)" if copies else ""
        return f"added {len(self.added)}{extra} / duplicates {len(self.duplicates)} / rejected {len(self.rejected)}"


def _noop(stage: str, done: int, total: int) -> None:
    return None


# -- annotations as stored JSON --------------------------------------------------------------------


def annotations_from_dict(data: dict[str, Any]) -> ArticleAnnotations:
    """Rebuild ArticleAnnotations from its stored JSON form (``to_dict`` output)."""

    def build(cls: Any, items: Iterable[dict[str, Any]]) -> tuple[Any, ...]:
        names = {f.name for f in dataclasses.fields(cls)}
        return tuple(cls(**{k: v for k, v in item.items() if k in names}) for item in items)

    return ArticleAnnotations(
        article_id=data["article_id"],
        sentences=build(Sentence, data.get("sentences", [])),
        entities=build(EntityMention, data.get("entities", [])),
        quotes=build(QuoteMention, data.get("quotes", [])),
        dates=build(DateMention, data.get("dates", [])),
        quantities=build(Quantity, data.get("quantities", [])),
    )


def annotate_articles(articles: Sequence[Article], progress: Progress = _noop) -> list[ArticleAnnotations]:
    """Run the language layer over articles (spaCy loads on first use)."""
    if not articles:
        return []
    from storylens.annotate import get_annotator

    done = 0

    def step(n: int) -> None:
        nonlocal done
        done += n
        progress("annotate", done, len(articles))

    return get_annotator().annotate(articles, progress=step)


ENTITY_TYPES_FOR_CLUSTERING = frozenset(
    {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT", "LAW"}
)


def cluster_item(article: Article, annotations: ArticleAnnotations | None) -> Any:
    """What the clusterer reads about one article."""
    from storylens.cluster import ClusterItem

    entities: tuple[str, ...] = ()
    if annotations is not None:
        seen: dict[str, None] = {}
        for mention in annotations.entities:
            if mention.type in ENTITY_TYPES_FOR_CLUSTERING:
                seen.setdefault(mention.text.strip(), None)
        entities = tuple(seen)
    return ClusterItem(
        id=article.id,
        title=article.title,
        text=article.text,
        source=article.source,
        published=article.published,
        entities=entities,
        duplicate_of=article.duplicate_of,
    )


# -- ingest ----------------------------------------------------------------------------------------


def ingest_paths(
    store: Any,
    paths: Sequence[str | Path],
    *,
    source: str | None = None,
    published: str | None = None,
    annotate: bool = True,
    cluster: bool = True,
    recluster: bool = True,
    embedder: str | None = None,
    progress: Progress = _noop,
) -> IngestReport:
    """Read, clean, de-duplicate, annotate and cluster ``paths`` into ``store`` as one transaction."""
    from storylens.ingest import read_paths

    raws: list[RawArticle] = []
    rejected: list[Rejection] = []
    for item in read_paths(paths, source=source, published=published):
        if isinstance(item, Rejection):
            rejected.append(item)
        else:
            raws.append(item)
        progress("read", len(raws) + len(rejected), 0)
    report = ingest_records(
        store,
        raws,
        annotate=annotate,
        cluster=cluster,
        recluster=recluster,
        embedder=embedder,
        progress=progress,
    )
    report.rejected[:0] = rejected
    return report


def ingest_records(
    store: Any,
    raws: Sequence[RawArticle],
    *,
    annotate: bool = True,
    cluster: bool = True,
    recluster: bool = True,
    embedder: str | None = None,
    progress: Progress = _noop,
) -> IngestReport:
    """Clean → dedupe → annotate → cluster → store (one transaction) for records already read.

    ``embedder`` (``static`` | ``minilm``) is the one the stories are built with: it is chosen
    when the database gets its first story and must match afterwards (``None``: as stored, else
    ``static``).

    With ``cluster=False`` the articles are stored without a story; ``recluster`` assigns them later.
    With ``recluster`` (the default) the clusterer's merge/split/reassign pass runs after the new
    articles are assigned, so a batch can also move earlier articles (``IngestReport.moved``).
    """
    from storylens.clean import LineLearner, _candidate_lines, clean_batch
    from storylens.dedupe import Deduplicator

    report = IngestReport()
    clusterer = _load_clusterer(store, embedder) if cluster else None  # a wrong embedder fails first
    learner = LineLearner(store)
    dedupe = Deduplicator(store)
    accepted: list[tuple[Article, bytes | None]] = []
    cleaned = clean_batch(raws, learner)
    for index, (raw, result) in enumerate(cleaned, start=1):
        progress("clean", index, len(cleaned))
        if isinstance(result, str):
            report.rejected.append(Rejection(raw.origin, result))
            continue
        verdict = dedupe.check(result)
        if not verdict.stored:
            report.duplicates.append(result.id)
            continue
        accepted.append((verdict.article, verdict.signature))
        report.added.append(verdict.article.id)
        if verdict.kind == "exact":
            report.wire_copies.append(verdict.article.id)
        elif verdict.kind == "near":
            report.near_duplicates.append(verdict.article.id)

    articles = [a for a, _ in accepted]
    annotations = annotate_articles(articles, progress) if annotate else []
    assignments: list[Assignment] = []
    state: bytes | None = None
    if articles and clusterer is not None:
        by_id = {a.article_id: a for a in annotations}
        items = [cluster_item(a, by_id.get(a.id)) for a in articles]
        if recluster:
            assignments, report.moved = clusterer.add_and_recluster(items)
        else:
            assignments = clusterer.add(items)
        progress("cluster", len(articles), len(articles))
        state = clusterer.to_state()
    report.assignments = assignments

    with store.transaction():
        for (article, signature), raw in zip(accepted, _raws_for(accepted, cleaned), strict=True):
            store.add_article(article, signature)
            store.count_lines(article.source, _candidate_lines(raw.text))
        for ann in annotations:
            store.save_annotations(ann.article_id, to_dict(ann))
        if assignments or report.moved:
            store.save_assignments([*assignments, *report.moved])  # a moved article's latest wins
        if state is not None:
            store.save_state(CLUSTER_STATE_KEY, state)
    return report


def _raws_for(
    accepted: list[tuple[Article, bytes | None]], cleaned: list[tuple[RawArticle, Article | str]]
) -> list[RawArticle]:
    by_origin_id = {(result.origin, result.id): raw for raw, result in cleaned if not isinstance(result, str)}
    return [by_origin_id[(a.origin, a.id)] for a, _ in accepted]


class EmbedderError(ValueError):
    """The embedder asked for is not the stored stories' one, or cannot be loaded here."""


def _load_clusterer(store: Any, embedder: str | None = None) -> Any:
    """The stored clusterer, or a new one over ``embedder`` (default ``static``)."""
    from storylens.cluster import StoryClusterer
    from storylens.cluster.state import state_embedder
    from storylens.embed import get_embedder

    state = store.load_state(CLUSTER_STATE_KEY)
    built = state_embedder(state) if state else None
    if embedder is not None and built is not None and embedder != built:
        raise EmbedderError(
            f"the stories in this database were built with the {built!r} embedder, not {embedder!r}: "
            "leave out --embedder, or start a new database"
        )
    # RuntimeError: an optional extra is missing; ValueError: the state is of another build
    try:
        return (
            StoryClusterer.from_state(state) if state else StoryClusterer(get_embedder(embedder or "static"))
        )
    except (RuntimeError, ValueError) as exc:
        raise EmbedderError(str(exc)) from exc


def recluster(store: Any) -> list[Assignment]:
    """Run the clusterer's merge/split pass over the stored stories; returns what changed."""
    clusterer = _load_clusterer(store)
    missing = store.unassigned_articles()
    added: list[Assignment] = []
    if missing:
        articles = store.articles(missing)
        anns = {k: annotations_from_dict(v) for k, v in store.annotations(missing).items()}
        added = clusterer.add([cluster_item(a, anns.get(a.id)) for a in articles])
    changed = clusterer.recluster()
    with store.transaction():
        store.save_assignments([*added, *changed])
        store.save_state(CLUSTER_STATE_KEY, clusterer.to_state())
    return [*added, *changed]


# -- briefs ------------------------------------------------------------------------------------------


def build(
    articles: Sequence[Article],
    annotations: Sequence[ArticleAnnotations],
    *,
    story_id: str,
    title: str | None = None,
    reasons: dict[str, str] | None = None,
    summary_sentences: int = 5,
) -> Brief:
    from storylens.annotate import canonicalize
    from storylens.brief import build_brief

    entities, canonical = canonicalize(articles, annotations)
    return build_brief(
        articles,
        canonical,
        entities,
        story_id=story_id,
        title=title,
        reasons=reasons,
        summary_sentences=summary_sentences,
    )


DEFAULT_SUMMARY_SENTENCES = 5


def story_brief(
    store: Any, story_id: str, *, summary_sentences: int = DEFAULT_SUMMARY_SENTENCES, use_cache: bool = True
) -> Brief:
    """The brief of a stored story: from the cache when fresh, else built (and cached).

    Raises KeyError when no such story is stored.
    """
    cacheable = summary_sentences == DEFAULT_SUMMARY_SENTENCES
    if use_cache and cacheable:
        cached = store.cached_brief(story_id)
        if cached is not None:
            return Brief.from_dict(cached)
    assignments = store.story_assignments(story_id)
    if not assignments:
        raise KeyError(story_id)
    ids = [a.article_id for a in assignments]
    articles = store.articles(ids)
    stored = store.annotations(ids)
    missing = [a for a in articles if a.id not in stored]
    fresh = annotate_articles(missing) if missing else []
    if fresh:
        with store.transaction():
            for ann in fresh:
                store.save_annotations(ann.article_id, to_dict(ann))
    by_id = {k: annotations_from_dict(v) for k, v in stored.items()} | {a.article_id: a for a in fresh}
    stories = store.stories([story_id])
    brief = build(
        articles,
        [by_id[a.id] for a in articles],
        story_id=story_id,
        title=stories[0].title if stories else None,
        reasons={a.article_id: a.reason for a in assignments},
        summary_sentences=summary_sentences,
    )
    if cacheable:
        store.save_brief(story_id, brief.to_dict())
    return brief


def _as_raw(item: Any, index: int) -> list[RawArticle | Rejection]:
    from storylens.ingest import InputError, read_paths, record_to_raw

    if isinstance(item, RawArticle):
        return [item]
    if isinstance(item, (str, Path)):
        return list(read_paths([item]))
    if isinstance(item, dict):
        try:
            return [record_to_raw(item, f"<article {index}>")]
        except InputError as exc:
            return [Rejection(f"<article {index}>", str(exc))]
    raise TypeError(f"cannot compare a {type(item).__name__}")


def compare(inputs: Iterable[Any], *, summary_sentences: int = 5, progress: Progress = _noop) -> Brief:
    """The whole pipeline in memory over ``inputs`` treated as one story.

    Raises ValueError (naming the inputs) when nothing usable remains.
    """
    from storylens.clean import clean_batch
    from storylens.dedupe import Deduplicator

    articles: list[Article] = []
    raws: list[RawArticle] = []
    problems: list[Rejection] = []
    for index, item in enumerate(inputs, start=1):
        if isinstance(item, Article):
            articles.append(item)
            continue
        for got in _as_raw(item, index):
            (problems if isinstance(got, Rejection) else raws).append(got)  # type: ignore[arg-type]
    for raw, result in clean_batch(raws):
        if isinstance(result, str):
            problems.append(Rejection(raw.origin, result))
        else:
            articles.append(result)
    dedupe = Deduplicator()
    kept = [v.article for v in dedupe.run(articles) if v.stored]
    if not kept:
        detail = "; ".join(str(p) for p in problems[:3])
        raise ValueError(f"no usable articles to compare{': ' + detail if detail else ''}")
    kept.sort(key=lambda a: (a.published is None, a.published or "", a.id))
    annotations = annotate_articles(kept, progress)
    import hashlib

    story_id = "c-" + hashlib.sha1("\n".join(sorted(a.id for a in kept)).encode()).hexdigest()[:10]
    reasons = {
        a.id: (f"wire copy of {a.duplicate_of}" if a.duplicate_of else "given together to compare")
        for a in kept
    }
    return build(kept, annotations, story_id=story_id, reasons=reasons, summary_sentences=summary_sentences)
