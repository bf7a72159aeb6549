"""JSON Schemas of storylens's JSON outputs, shipped with the package."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

__all__ = ["load_schema"]


@cache
def load_schema(name: str) -> dict[str, Any]:
    """The schema called ``name`` (e.g. ``"brief-1"``, ``"stories-1"``, ``"annotations-1"``)."""
    text = resources.files("storylens.schemas").joinpath(f"{name}.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data
