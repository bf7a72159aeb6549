"""Reading every input format, and rejecting bad input with one clear line."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from storylens.ingest import InputError, decode_bytes, normalise_date, read_paths
from storylens.models import RawArticle, Rejection


def _read(*paths: Path | str) -> tuple[list[RawArticle], list[Rejection]]:
    raws: list[RawArticle] = []
    bad: list[Rejection] = []
    for item in read_paths(list(paths)):
        (bad if isinstance(item, Rejection) else raws).append(item)  # type: ignore[arg-type]
    return raws, bad


def test_every_format_in_a_directory(inputs: Path) -> None:
    raws, bad = _read(inputs)
    assert bad == []
    by_origin = {Path(r.origin.split(":")[0].split("#")[0]).name: r for r in raws}
    assert set(by_origin) == {
        "bridge.txt",
        "records.jsonl",
        "newsplease.json",
        "rows.csv",
        "page.html",
        "feed.xml",
        "latin1.txt",
    }
    assert by_origin["bridge.txt"].title == "Old Mill bridge closed after cracks found"
    ids = {r.id for r in raws}
    assert {"hl-1", "np-1", "csv-1", "rb-1", "rb-2"} <= ids


def test_jsonl_fields_and_ids_kept(inputs: Path) -> None:
    raws, _ = _read(inputs / "records.jsonl")
    first = raws[0]
    assert (first.id, first.source, first.title, first.url) == (
        "hl-1",
        "Harbor Ledger",
        "Bridge shut",
        "https://harbor.example/bridge",
    )
    assert first.published == "2026-03-09T10:00:00+00:00"
    assert raws[1].published == "2026-03-08T18:00:00+00:00"


def test_newsplease_file_loads_as_it_is(inputs: Path) -> None:
    (raw,), _ = _read(inputs / "newsplease.json")
    assert raw.id is None
    assert raw.source == "valley-courier.example"
    assert raw.published == "2026-03-09T08:15:00+00:00"
    assert raw.author == "Lee Park"
    assert raw.text.startswith("Organisers of the Lantern Festival")


def test_html_through_trafilatura(inputs: Path) -> None:
    (raw,), _ = _read(inputs / "page.html")
    assert raw.source == "Coastline Daily"
    assert raw.url == "https://coastline.example/bridge"
    assert raw.published == "2026-03-09T16:30:00+00:00"
    assert "engineers found cracks" in raw.text
    assert "Most read" not in raw.text and "Home" not in raw.text.split("\n")[0]


def test_feed_items_with_full_content(inputs: Path) -> None:
    raws, _ = _read(inputs / "feed.xml")
    assert [r.id for r in raws] == ["rb-1", "rb-2"]
    assert raws[0].source == "Riverbend Herald"
    assert raws[0].published == "2026-03-09T09:00:00+00:00"
    assert "Festival director Omar Haddad" in raws[0].text


def test_atom_feed(tmp_path: Path) -> None:
    body = "&lt;p&gt;" + "The harbour authority opened a new ferry terminal on Friday. " * 4 + "&lt;/p&gt;"
    (tmp_path / "f.atom").write_text(
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Coastline Daily</title>'
        "<entry><id>urn:cd:1</id><title>Terminal opens</title><updated>2026-03-13T07:00:00Z</updated>"
        f'<link href="https://coastline.example/t"/><content type="html">{body}</content></entry></feed>',
        encoding="utf-8",
    )
    (raw,), bad = _read(tmp_path / "f.atom")
    assert bad == []
    assert (raw.id, raw.source, raw.title) == ("urn:cd:1", "Coastline Daily", "Terminal opens")
    assert "new ferry terminal" in raw.text


def test_csv_with_embedded_newlines(inputs: Path) -> None:
    (raw,), _ = _read(inputs / "rows.csv")
    assert raw.id == "csv-1" and raw.source == "Civic Times"
    assert "\n\n" in raw.text and raw.published == "2026-03-10"


def test_latin1_and_utf16_are_decoded(inputs: Path, tmp_path: Path) -> None:
    (raw,), _ = _read(inputs / "latin1.txt")
    assert "José Núñez" in raw.text
    text = "Title\n\nThe committee met in Zürich on Tuesday."
    folder = tmp_path / "utf16"
    folder.mkdir()
    (folder / "bom.txt").write_bytes(text.encode("utf-16"))
    (folder / "le.txt").write_bytes(text.encode("utf-16-le"))
    raws, bad = _read(folder)
    assert bad == [] and all("Zürich" in r.text for r in raws) and len(raws) == 2


def test_bad_inputs_each_get_one_line(tmp_path: Path) -> None:
    (tmp_path / "blob.bin").write_bytes(bytes(range(256)) * 8)
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "rows.jsonl").write_text(
        '{"id": "ok", "text": "A fine article about a ferry."}\n{not json\n'
        '{"id": "notext", "title": "Headline only"}\n'
    )
    (tmp_path / "notext.csv").write_text("id,title\n1,Headline\n")
    (tmp_path / "nav.html").write_text("<html><body><nav><a href='/'>Home</a></nav></body></html>")
    raws, bad = _read(tmp_path)
    assert [r.id for r in raws] == ["ok"]
    reasons = {Path(b.origin).name: b.reason for b in bad}
    assert reasons["blob.bin"].startswith("binary")
    assert reasons["empty.txt"] == "empty file"
    assert reasons["rows.jsonl:2"].startswith("invalid JSON")
    assert reasons["rows.jsonl:3"].startswith("record has no text")
    assert reasons["notext.csv"].startswith("CSV has no text column")
    assert reasons["nav.html"] == "HTML has no main text"
    assert all("\n" not in str(b) for b in bad)


def test_missing_path_is_rejected() -> None:
    _, bad = _read("/nonexistent/storylens/input.jsonl")
    assert bad[0].reason == "no such file or directory"


def test_source_and_published_defaults(tmp_path: Path) -> None:
    (tmp_path / "n.txt").write_text("Headline\n\nBody text of a short note about the council budget.")
    (raw,) = [r for r in read_paths([tmp_path / "n.txt"], source="Civic Times", published="2026-03-01")]
    assert isinstance(raw, RawArticle)
    assert raw.source == "Civic Times" and raw.published == "2026-03-01"


def test_text_header_lines(tmp_path: Path) -> None:
    (tmp_path / "h.md").write_text(
        "Source: Valley Courier\nPublished: 2026-03-10T07:00:00+01:00\nID: vc-9\n\n"
        "# Storm closes schools\n\nSchools across the valley closed on Tuesday."
    )
    (raw,) = list(read_paths([tmp_path / "h.md"]))
    assert isinstance(raw, RawArticle)
    assert (raw.id, raw.source, raw.title) == ("vc-9", "Valley Courier", "Storm closes schools")
    assert raw.published == "2026-03-10T07:00:00+01:00"


def test_json_list_and_wrapped_articles(tmp_path: Path) -> None:
    records = [{"id": f"r{i}", "text": f"Article number {i} about the harbour."} for i in range(3)]
    (tmp_path / "list.json").write_text(json.dumps(records))
    (tmp_path / "wrapped.json").write_text(json.dumps({"articles": records[:1]}))
    raws, bad = _read(tmp_path)
    assert bad == [] and sorted(r.id or "" for r in raws) == ["r0", "r0", "r1", "r2"]


@given(st.binary(max_size=400))
def test_decode_never_crashes(data: bytes) -> None:
    try:
        text = decode_bytes(data)
    except InputError as exc:
        assert str(exc)
    else:
        assert isinstance(text, str) and text.strip()


@given(st.text(max_size=60))
def test_normalise_date_never_crashes(value: str) -> None:
    result = normalise_date(value)
    assert result is None or isinstance(result, str)


@given(st.lists(st.text(max_size=80), max_size=6))
def test_jsonl_reader_never_crashes(lines: list[str]) -> None:
    from storylens.ingest import _read_jsonl

    for item in _read_jsonl("\n".join(lines), "x.jsonl"):
        assert isinstance(item, (RawArticle, Rejection))
