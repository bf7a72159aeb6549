"""Fixtures for the language-layer tests: the shared annotator and a one-call helper."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from storylens.models import Article, ArticleAnnotations

PUBLISHED = "2026-03-10T09:00:00+00:00"  # a Tuesday


def make_article(
    text: str, published: str | None = PUBLISHED, article_id: str = "t-1", source: str = "Test"
) -> Article:
    return Article(id=article_id, source=source, title="", text=text, original=text, published=published)


@pytest.fixture(scope="session")
def annotate() -> Callable[..., ArticleAnnotations]:
    from storylens.annotate import get_annotator

    annotator = get_annotator()

    def run(text: str, published: str | None = PUBLISHED) -> ArticleAnnotations:
        return annotator.annotate([make_article(text, published)])[0]

    return run
