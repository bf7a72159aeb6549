"""End to end through the CLI: ingest every format, stories, brief, compare, demo."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from storylens.cli import cli
from storylens.cli.demo_cmd import sample_dir
from storylens.schemas import load_schema


def run(*args: str, input: str | None = None) -> tuple[int, str, str]:
    runner = CliRunner()
    result = runner.invoke(cli, list(args), input=input, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_ingest_every_format_then_reingest_adds_nothing(inputs: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    code, _, err = run("ingest", str(inputs), "--db", db)
    assert code == 0, err
    summary = err.strip().splitlines()[-1]
    assert summary.startswith("added 9") and "duplicates 0 / rejected 0" in summary
    with sqlite3.connect(db) as conn:
        assert conn.execute("select count(*) from articles").fetchone()[0] == 9
        ids = {r[0] for r in conn.execute("select id from articles")}
        removed = dict(conn.execute("select origin, removed from articles"))
    assert {"hl-1", "np-1", "csv-1", "rb-1", "rb-2"} <= ids
    assert "Subscribe to our newsletter" in removed[str(inputs / "bridge.txt")]
    code, _, err = run("ingest", str(inputs), "--db", db)
    assert code == 0 and "added 0" in err and "duplicates 9" in err
    with sqlite3.connect(db) as conn:
        assert conn.execute("select count(*) from articles").fetchone()[0] == 9
        assert conn.execute("select count(*) from story_articles").fetchone()[0] == 9


def test_bad_input_is_reported_and_the_rest_stored(tmp_path: Path) -> None:
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "good.jsonl").write_text(
        json.dumps(
            {"id": "g1", "source": "Harbor Ledger", "text": "The harbour reopened on Friday after repairs."}
        )
        + "\n{broken\n"
    )
    (folder / "blob.bin").write_bytes(bytes(range(256)) * 4)
    db = str(tmp_path / "s.db")
    code, _, err = run("ingest", str(folder), "--db", db)
    assert code == 1
    lines = err.strip().splitlines()
    assert any(line.startswith("error: ") and "good.jsonl:2: invalid JSON" in line for line in lines)
    assert any("blob.bin: binary" in line for line in lines)
    assert "added 1" in lines[-1] and "rejected 2" in lines[-1]


def test_stdin_jsonl(tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    record = {
        "id": "in-1",
        "source": "Civic Times",
        "text": "Councillors approved the harbour budget on Monday.",
    }
    code, _, err = run("ingest", "-", "--db", db, input=json.dumps(record) + "\n")
    assert code == 0 and "added 1" in err
    code, out, _ = run("stories", "--db", db, "--format", "json")
    stories = json.loads(out)
    jsonschema.validate(stories, load_schema("stories-1"))
    assert stories[0]["articles"] == ["in-1"]


def test_stories_keep_the_embedder_they_were_built_with(tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    first = {"id": "e-1", "source": "Civic Times", "text": "Councillors approved the harbour budget."}
    code, _, err = run("ingest", "-", "--db", db, "--embedder", "static", input=json.dumps(first) + "\n")
    assert code == 0 and "added 1" in err
    second = {"id": "e-2", "source": "Harbor Ledger", "text": "The harbour budget passed on Monday."}
    code, _, err = run("ingest", "-", "--db", db, "--embedder", "minilm", input=json.dumps(second) + "\n")
    assert code == 1
    assert err.strip().splitlines()[-1] == (
        f"Error: {db}: the stories in this database were built with the 'static' embedder, "
        "not 'minilm': leave out --embedder, or start a new database"
    )
    with sqlite3.connect(db) as conn:
        assert [r[0] for r in conn.execute("select id from articles")] == ["e-1"]
    code, _, err = run("ingest", "-", "--db", db, input=json.dumps(second) + "\n")
    assert code == 0 and "added 1" in err


def test_missing_extra_is_one_line_and_stores_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import storylens.embed

    def missing(*_: object, **__: object) -> None:
        raise RuntimeError("the 'minilm' embedder needs the optional extra 'minilm'; missing: torch")

    storylens.embed.get_embedder.cache_clear()
    monkeypatch.setattr(storylens.embed.MiniLMEmbedder, "__init__", missing)
    db = str(tmp_path / "s.db")
    record = {"id": "m-1", "source": "Civic Times", "text": "Councillors approved the harbour budget."}
    code, _, err = run("ingest", "-", "--db", db, "--embedder", "minilm", input=json.dumps(record) + "\n")
    storylens.embed.get_embedder.cache_clear()
    assert code == 1
    assert err.strip().splitlines() == [
        f"Error: {db}: the 'minilm' embedder needs the optional extra 'minilm'; missing: torch"
    ]
    with sqlite3.connect(db) as conn:
        assert conn.execute("select count(*) from articles").fetchone()[0] == 0


def test_brief_and_compare_json_follow_the_schema(inputs: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    run("ingest", str(inputs), "--db", db)
    code, out, _ = run("stories", "--db", db, "--format", "json")
    stories = json.loads(out)
    jsonschema.validate(stories, load_schema("stories-1"))
    schema = load_schema("brief-1")
    for story in stories:
        code, out, err = run("brief", story["id"], "--db", db, "--format", "json")
        assert code == 0, err
        brief = json.loads(out)
        jsonschema.validate(brief, schema)
        assert sorted(a["id"] for a in brief["articles"]) == sorted(story["articles"])
        for article in brief["articles"]:
            assert article["reason"]
        for name in ("md", "html"):
            code, out, _ = run("brief", story["id"], "--db", db, "--format", name)
            assert code == 0 and story["title"].split()[0] in out
    code, out, err = run(
        "compare", str(inputs / "records.jsonl"), str(inputs / "page.html"), "--format", "json"
    )
    assert code == 0, err
    brief = json.loads(out)
    jsonschema.validate(brief, schema)
    assert {a["source"] for a in brief["articles"]} == {"Harbor Ledger", "Northgate Post", "Coastline Daily"}


def test_unknown_story_and_missing_db(tmp_path: Path) -> None:
    code, _, err = run("brief", "s-nope", "--db", str(tmp_path / "none.db"))
    assert code == 1 and "no such database" in err
    run("ingest", "-", "--db", str(tmp_path / "s.db"), input=json.dumps({"text": "Some article text here."}))
    code, _, err = run("brief", "s-nope", "--db", str(tmp_path / "s.db"))
    assert code == 1 and "no story 's-nope'" in err


def test_database_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STORYLENS_DB", str(tmp_path / "env.db"))
    code, _, _ = run("ingest", "-", input=json.dumps({"id": "e1", "text": "Ferry fares rise in April."}))
    assert code == 0 and (tmp_path / "env.db").exists()


def _big_jsonl(path: Path, n: int) -> None:
    with path.open("w") as fh:
        for i in range(n):
            text = " ".join(f"word{(i * 7 + j) % 997}x{i}" for j in range(120))
            fh.write(json.dumps({"id": f"k{i}", "source": f"Outlet {i % 5}", "text": text}) + "\n")


@pytest.mark.slow
def test_killed_ingest_leaves_database_consistent(tmp_path: Path) -> None:
    """Kill `storylens ingest` at several moments: the database holds all of the batch or none of it."""
    source = tmp_path / "batch.jsonl"
    _big_jsonl(source, 600)
    db = tmp_path / "k.db"
    cmd = [sys.executable, "-m", "storylens", "ingest", str(source), "--db", str(db), "--no-annotate"]
    killed_mid_run = 0
    for delay in (0.5, 1.0, 1.5, 2.5, 4.0):
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            killed_mid_run += 1
        proc.wait()
        if db.exists():
            with sqlite3.connect(db) as conn:
                assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
                count = conn.execute("select count(*) from articles").fetchone()[0]
                fts = conn.execute("select count(*) from articles_fts").fetchone()[0]
                members = conn.execute("select count(*) from story_articles").fetchone()[0]
            assert count in (0, 600) and fts == count and members in (0, count)
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0
    with sqlite3.connect(db) as conn:
        assert conn.execute("select count(*) from articles").fetchone()[0] == 600
        assert conn.execute("select count(distinct id) from articles").fetchone()[0] == 600
    assert killed_mid_run >= 1


def test_demo_on_the_sample_corpus(tmp_path: Path) -> None:
    import json as _json

    expected = _json.loads((sample_dir() / "expected.json").read_text())
    db = str(tmp_path / "demo.db")
    code, out, err = run("demo", "--db", db)
    assert code == 0, err
    assert "rejected 0" in err
    code, out, _ = run("stories", "--db", db, "--format", "json")
    stories = json.loads(out)
    assert len(stories) >= len(expected["stories"])
    with sqlite3.connect(db) as conn:
        duplicate_of = dict(conn.execute("select id, duplicate_of from articles"))
    assert duplicate_of  # every article stored
