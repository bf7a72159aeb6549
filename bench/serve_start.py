"""Start-up time of ``storylens serve`` on a large database.

Builds a database of N fictional articles (default 10,000; written straight through
``Store.add_article`` and ``Store.save_assignments`` in one transaction: no language layer, no
clustering) grouped into stories of 5 articles, then, several times, starts ``storylens serve`` as a
fresh process and measures the time from process start to the first successful response of the
story list page (``GET /``), plus the time of a few later requests on the warm server.

Usage: python bench/serve_start.py [--articles 10000] [--runs 3] [--db PATH]
"""

from __future__ import annotations

import argparse
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from storylens.models import Article, Assignment, content_hash
from storylens.store import Store

OUTLETS = [
    "Harbor Ledger",
    "Northgate Post",
    "Meridian Wire",
    "Valley Courier",
    "The Civic Times",
    "Coastline Daily",
]
WORDS = [
    *[
        "harbour",
        "council",
        "bridge",
        "ferry",
        "festival",
        "budget",
        "school",
        "river",
        "storm",
        "vote",
        "museum",
        "rail",
        "market",
        "union",
    ],
    *[
        "minister",
        "mayor",
        "strike",
        "flood",
        "crowd",
        "repair",
        "report",
        "court",
        "library",
        "park",
        "tram",
        "port",
        "farm",
        "clinic",
    ],
]


def build(path: Path, n: int, per_story: int = 5) -> float:
    """Write ``n`` articles in stories of ``per_story``; returns seconds taken."""
    rng = random.Random(11)
    started = time.perf_counter()
    with Store(path) as store, store.transaction():
        assignments = []
        for i in range(n):
            words = rng.choices(WORDS, k=120)
            text = " ".join(words).capitalize() + f". Report number {i}."
            day = 1 + (i // per_story) % 28
            article = Article(
                id=f"b-{i}",
                source=OUTLETS[i % len(OUTLETS)],
                title=f"{words[0].capitalize()} {words[1]} {words[2]} {i // per_story}",
                text=text,
                original=text,
                url=f"https://news.example/{i}",
                published=f"2026-{1 + (i // per_story) % 12:02d}-{day:02d}T{i % 24:02d}:00:00+00:00",
                content_hash=content_hash(text),
            )
            store.add_article(article)
            assignments.append(
                Assignment(article.id, f"s-{i // per_story}", 0.9, "synthetic benchmark story")
            )
        store.save_assignments(assignments)
    return time.perf_counter() - started


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get(url: str) -> int:
    with urllib.request.urlopen(url, timeout=10) as response:
        response.read()
        return int(response.status)


def start_once(db: Path) -> tuple[float, list[float]]:
    """Seconds from process start to the first 200 of GET /, and later request times."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "storylens", "serve", "--db", str(db), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        while True:
            if process.poll() is not None:
                raise SystemExit(f"server exited: {process.stderr.read().decode() if process.stderr else ''}")
            try:
                if get(base + "/") == 200:
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.01)
        first = time.perf_counter() - started
        later: list[float] = []
        for path in (
            "/",
            "/api/stories?per_page=50",
            "/?q=harbour+ferry",
            "/stories/s-7",
            "/api/stories?page=40",
        ):
            t = time.perf_counter()
            get(base + path)
            later.append(time.perf_counter() - t)
        return first, later
    except urllib.error.HTTPError:
        process.terminate()
        _, err = process.communicate(timeout=10)
        print(err.decode(errors="replace")[-3000:], file=sys.stderr)
        raise
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=10)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--db", type=Path, default=None, help="Reuse (or create) this database file.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or Path(tmp) / "serve-bench.db"
        if not db.exists():
            took = build(db, args.articles)
            print(f"built {args.articles} articles in {took:.1f} s -> {db}")
        with Store(db) as store:
            print(f"database: {store.count_articles()} articles, {len(store.stories())} stories")
        firsts = []
        for run in range(1, args.runs + 1):
            first, later = start_once(db)
            firsts.append(first)
            print(
                f"run {run}: first response after {first:.2f} s; then "
                + ", ".join(f"{t * 1000:.0f} ms" for t in later)
                + "  (/, /api/stories?per_page=50, /?q=harbour+ferry, /stories/s-7, /api/stories?page=40)"
            )
        print(
            f"start-up to first response: median {statistics.median(firsts):.2f} s, max {max(firsts):.2f} s"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
