"""End to end over the bundled sample corpus (``storylens demo``'s data) when the whole pipeline runs
here: every story page and API brief answers, and each brief fits the ``storylens.brief/1`` contract."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import pytest


@pytest.mark.slow
def test_sample_corpus_pages(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from storylens.pipeline import ingest_paths
    from storylens.store import Store
    from storylens.web import create_app

    sample = Path(str(resources.files("storylens").joinpath("sample")))
    if not sample.is_dir():
        pytest.skip("the sample corpus is not bundled in this checkout")
    db = tmp_path / "demo.db"
    try:
        with Store(db) as store:
            ingest_paths(store, [sample])
    except ImportError as exc:
        pytest.skip(f"the language layer is not available here ({exc})")
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(
        resources.files("storylens").joinpath("schemas/brief-1.json").read_text(encoding="utf-8")
    )
    with TestClient(create_app(db)) as client:
        listing: dict[str, Any] = client.get("/api/stories", params={"per_page": 200}).json()
        assert listing["total"] >= 2
        for story in listing["stories"]:
            brief = client.get(f"/api/stories/{story['id']}")
            assert brief.status_code == 200, brief.text
            jsonschema.validate(brief.json(), schema)
            page = client.get(f"/stories/{story['id']}")
            assert page.status_code == 200 and "Why grouped" in page.text
            if len(story["articles"]) > 1:
                assert client.get(f"/stories/{story['id']}/compare").status_code == 200
        # every story now has a cached brief, so the list shows conflict counts
        again = client.get("/api/stories", params={"per_page": 200}).json()
        assert all(s["conflicts"] is not None for s in again["stories"])
