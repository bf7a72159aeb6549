"""Shared fixtures: hand-built fictional articles and input files in every format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from storylens.eval import default_data_dir

BRIDGE = (
    "The city closed the Old Mill bridge on Monday after engineers found cracks in its main span.\n\n"
    "Transport commissioner Ana Ruiz said the closure would last at least three weeks while "
    "inspectors examined every pier of the ninety-year-old structure.\n\n"
    "Ruiz added that ferries would run every twenty minutes from Tuesday and that buses would be "
    "rerouted through the northern ring road.\n\n"
    "Residents of the harbour district complained that the detour added half an hour to their "
    "journey to work."
)

FESTIVAL = (
    "Organisers of the Lantern Festival said more than 40,000 visitors came to the riverside park "
    "on Saturday, the largest crowd in the event's twelve-year history.\n\n"
    "Festival director Omar Haddad said volunteers had handed out nine thousand paper lanterns.\n\n"
    "Police reported no serious incidents."
)


@pytest.fixture
def shared_data() -> Path:
    path = default_data_dir()
    if not (path / "ecbplus").exists() and not (path / "neus").exists():
        pytest.skip("evaluation data (../shared/data) not present")
    return path


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    """A folder with one article in each supported format."""
    root = tmp_path / "inputs"
    root.mkdir()
    (root / "bridge.txt").write_text(
        "Old Mill bridge closed after cracks found\n\n"
        + BRIDGE
        + "\n\nSubscribe to our newsletter for daily updates.\n"
        "Share this article on Facebook, X and WhatsApp\n",
        encoding="utf-8",
    )
    records = [
        {
            "id": "hl-1",
            "source": "Harbor Ledger",
            "title": "Bridge shut",
            "published": "2026-03-09T10:00:00+00:00",
            "url": "https://harbor.example/bridge",
            "text": BRIDGE,
        },
        {
            "id": "np-1",
            "source": "Northgate Post",
            "title": "Lantern Festival crowds",
            "published": "2026-03-08T18:00:00Z",
            "text": FESTIVAL,
        },
    ]
    (root / "records.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    (root / "newsplease.json").write_text(
        json.dumps(
            {
                "title": "Festival breaks record",
                "maintext": FESTIVAL.replace("Saturday", "the weekend"),
                "source_domain": "valley-courier.example",
                "date_publish": "2026-03-09 08:15:00",
                "url": "https://valley-courier.example/festival",
                "language": "en",
                "authors": ["Lee Park"],
                "description": None,
                "image_url": None,
            }
        ),
        encoding="utf-8",
    )
    (root / "rows.csv").write_text(
        'id,source,title,published,text\ncsv-1,Civic Times,"Ferries replace bridge","2026-03-10","'
        + BRIDGE.replace('"', "'").replace("Monday", "last Monday")
        + '"\n',
        encoding="utf-8",
    )
    paragraphs = "".join(f"<p>{p}</p>" for p in BRIDGE.split("\n\n"))
    (root / "page.html").write_text(
        "<html><head><title>Bridge closure | Coastline Daily</title>"
        '<meta property="og:site_name" content="Coastline Daily">'
        '<meta property="article:published_time" content="2026-03-09T16:30:00+00:00">'
        '<link rel="canonical" href="https://coastline.example/bridge"></head><body>'
        "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
        f"<article><h1>Bridge closure</h1>{paragraphs}<p>Sign up for our morning briefing.</p></article>"
        "<aside><h3>Most read</h3><ul><li>Weather</li></ul></aside><footer>© 2026 Coastline Daily</footer>"
        "</body></html>",
        encoding="utf-8",
    )
    items = "".join(
        f"<item><guid>rb-{i}</guid><title>Festival report {i}</title><link>https://riverbend.example/{i}</link>"
        f"<pubDate>Sun, 0{8 + i} Mar 2026 09:00:00 GMT</pubDate>"
        f"<content:encoded>&lt;p&gt;{FESTIVAL.split(chr(10))[0]} Report number {i}.&lt;/p&gt;"
        f"&lt;p&gt;{FESTIVAL.split(chr(10))[2]}&lt;/p&gt;</content:encoded></item>"
        for i in (1, 2)
    )
    (root / "feed.xml").write_text(
        '<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        f"<channel><title>Riverbend Herald</title>{items}</channel></rss>",
        encoding="utf-8",
    )
    (root / "latin1.txt").write_bytes(
        "Café reopens\n\nThe café owned by José Núñez reopened on Friday after a two-month renovation of "
        "its kitchen and dining room, the owner said.".encode("latin-1")
    )
    return root
