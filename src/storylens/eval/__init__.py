"""Measured quality: ``storylens eval <task>`` scores one stage on public or bundled data.

Each task is a function ``run(data: Path | None, **options) -> dict`` in its own module, listed
here by import path so that nothing is imported until the task is asked for.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

TASKS: dict[str, tuple[str, str]] = {
    # name: (module:function, one-line description)
    "clustering": (
        "storylens.eval.clustering:run",
        "story clustering on ECB+ / NeuS (pairwise, B3, ARI, NMI)",
    ),
    "entities": (
        "storylens.eval.entities:run",
        "cross-document entity coreference on ECB+ (MUC, B3, CEAF-e)",
    ),
    "quotes": ("storylens.eval.quotes:run", "quote speaker attribution on the bundled quote set"),
    "dates": ("storylens.eval.dates:run", "time expression resolution on the bundled date table"),
    "alignment": ("storylens.eval.alignment:run", "claim alignment across outlets on NeuS pairs"),
    "conflicts": ("storylens.eval.conflicts:run", "conflict detection on the bundled fictional cases"),
    "summary": ("storylens.eval.summary:run", "ROUGE of the brief summary on NeuS val"),
}


def default_data_dir() -> Path:
    """``../shared/data`` beside the project root, or ``$STORYLENS_DATA``."""
    import os

    env = os.environ.get("STORYLENS_DATA")
    if env:
        return Path(env)
    here = Path(__file__).resolve()
    for parent in here.parents:
        candidate = parent.parent / "shared" / "data"
        if (parent / "pyproject.toml").exists() and candidate.exists():
            return candidate
    return Path.cwd().parent / "shared" / "data"


def get_task(name: str) -> Callable[..., dict[str, Any]]:
    try:
        target, _ = TASKS[name]
    except KeyError:
        raise KeyError(f"unknown eval task {name!r}; choose from: {', '.join(TASKS)}") from None
    module_name, func = target.split(":")
    return getattr(importlib.import_module(module_name), func)
