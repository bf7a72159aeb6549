"""storylens: read news from many outlets, group articles into stories, and show what the outlets
agree on, what only one reports and where they conflict — as a cited brief.

The public Python API is small and imports nothing heavy until it is used::

    import storylens
    brief = storylens.compare([{"source": "Harbor Ledger", "text": "..."}, ...])
    print(brief.to_markdown())
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["Brief", "Store", "__version__", "compare"]

if TYPE_CHECKING:
    from storylens.models import Brief
    from storylens.store import Store


def compare(articles: Any, *, summary_sentences: int = 5) -> Brief:
    """Run the whole pipeline in memory over ``articles`` treated as one story; return its Brief.

    ``articles`` may hold :class:`~storylens.models.Article` or :class:`~storylens.models.RawArticle`
    records, dicts with the input record fields (``id``, ``text``, ``title``, ``source``, ``url``,
    ``published``, ...), or paths of input files.
    """
    from storylens.pipeline import compare as _compare

    return _compare(articles, summary_sentences=summary_sentences)


def __getattr__(name: str) -> Any:
    if name == "Brief":
        from storylens.models import Brief

        return Brief
    if name == "Store":
        from storylens.store import Store

        return Store
    raise AttributeError(name)
