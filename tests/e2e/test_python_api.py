"""The Python API: storylens.compare(...) -> Brief, and its renderings."""

from __future__ import annotations

import io
import json
from pathlib import Path

import jsonschema
import pytest

import storylens
from storylens.cli._common import progress_reporter
from storylens.models import Brief
from storylens.schemas import load_schema

from ..conftest import BRIDGE


def test_compare_dicts_and_paths(inputs: Path) -> None:
    brief = storylens.compare(
        [
            {"id": "x1", "source": "Harbor Ledger", "text": BRIDGE, "published": "2026-03-09T10:00:00Z"},
            inputs / "page.html",
        ]
    )
    assert isinstance(brief, Brief)
    data = json.loads(brief.to_json())
    jsonschema.validate(data, load_schema("brief-1"))
    assert {a["id"] for a in data["articles"]} >= {"x1"}
    assert Brief.from_dict(data) == brief
    assert "Harbor Ledger" in brief.to_markdown()
    html = brief.to_html()
    assert html.lstrip().lower().startswith("<!doctype html") and "Coastline Daily" in html


def test_compare_rejects_empty_input() -> None:
    with pytest.raises(ValueError, match="no usable articles"):
        storylens.compare([{"id": "e", "source": "S", "text": "   "}])


def test_progress_reporter_draws_only_when_asked() -> None:
    with progress_reporter(False) as progress:
        progress("annotate", 1, 2)  # silent no-op
    import rich.console

    buffer = io.StringIO()
    original = rich.console.Console

    class Captured(original):  # type: ignore[misc,valid-type]
        def __init__(self, *args: object, **kwargs: object) -> None:
            kwargs["file"] = buffer
            kwargs["force_terminal"] = True
            super().__init__(*args, **kwargs)

    rich.console.Console = Captured  # type: ignore[misc]
    try:
        with progress_reporter(True) as progress:
            progress("annotate", 1, 2)
            progress("annotate", 2, 2)
    finally:
        rich.console.Console = original  # type: ignore[misc]
    assert "annotate" in buffer.getvalue()
