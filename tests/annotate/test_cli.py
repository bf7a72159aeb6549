"""``storylens annotate``: JSON that validates against the schema, readable Markdown, help."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
from click.testing import CliRunner

from storylens.cli import cli
from storylens.schemas import load_schema

ARTICLES = [
    {
        "id": "hl-7",
        "source": "Harbor Ledger",
        "title": "Velgrad bridge to reopen",
        "published": "2026-03-10T09:00:00+00:00",
        "text": (
            "Mayor Anna Kovacs said on Friday that the Old Mill bridge would reopen next month.\n\n"
            "“The repairs cost more than 2 million euros, but the bridge is safe,” Kovacs said. "
            "About 40,000 commuters used it every day."
        ),
    },
    {
        "id": "np-3",
        "source": "Northgate Post",
        "title": "Bridge reopening date set",
        "published": "2026-03-11T08:00:00+00:00",
        "text": (
            "Velgrad mayor Anna Kovács told the council the bridge will reopen on Thursday. "
            '"We kept our promise," she said.'
        ),
    },
]


def _write(tmp_path: Path) -> Path:
    path = tmp_path / "articles.jsonl"
    path.write_text("\n".join(json.dumps(a, ensure_ascii=False) for a in ARTICLES) + "\n", encoding="utf-8")
    return path


def test_json_output_validates_and_links_entities(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["annotate", str(_write(tmp_path))])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    jsonschema.Draft202012Validator(load_schema("annotations-1")).validate(document)
    assert [a["id"] for a in document["articles"]] == ["hl-7", "np-3"]
    kovacs = [e for e in document["entities"] if e["name"] in {"Anna Kovacs", "Anna Kovács"}]
    assert len(kovacs) == 1 and set(kovacs[0]["articles"]) == {"hl-7", "np-3"}
    first = document["articles"][0]
    for key in ("entities", "quotes", "dates", "quantities"):
        for item in first[key]:
            assert first["text"][item["start"] : item["end"]] == item["text"]
    assert any(q["speaker"] == "Anna Kovacs" and q["kind"] == "direct" for q in first["quotes"])
    assert any(d["value"] == "2026-03-06" for d in first["dates"])


def test_markdown_output(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["annotate", str(_write(tmp_path)), "--format", "md"])
    assert result.exit_code == 0, result.output
    assert "**Quotes**" in result.output and "Entities across the articles" in result.output
    assert "Anna Kovacs" in result.output


def test_help_has_examples() -> None:
    result = CliRunner().invoke(cli, ["annotate", "--help"])
    assert result.exit_code == 0 and "Examples:" in result.output and "--format" in result.output
