"""The language layer: sentences, entities, quotes, dates and quantities of articles.

``Annotator.annotate(articles)`` reads cleaned ``Article`` records and writes one
``ArticleAnnotations`` per article; ``canonicalize(articles, annotations)`` links the entity
mentions of one story into ``CanonicalEntity`` records; ``annotation_to_dict`` gives the JSON of
``storylens annotate``. spaCy, rapidfuzz and dateparser are imported only when first used.
"""

from __future__ import annotations

from storylens.annotate.annotator import Annotator, annotation_to_dict, get_annotator
from storylens.annotate.canonical import canonicalize

__all__ = ["Annotator", "annotation_to_dict", "canonicalize", "get_annotator"]
