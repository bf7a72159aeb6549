"""The JSON API through FastAPI's TestClient: paging, search, filters, the brief contract, ingest."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from tests.web.corpus import FERRY_HL, build_db


def test_stories_paged_newest_first(client: Any) -> None:
    body = client.get("/api/stories").json()
    assert body["total"] == 3 and body["page"] == 1 and body["pages"] == 1
    assert [s["id"] for s in body["stories"]] == ["s-ferry", "s-fest", "s-hostile"]
    ferry = body["stories"][0]
    assert ferry["sources"] == 4 and ferry["independent_sources"] == 3
    assert ferry["conflicts"] == 1
    assert body["stories"][1]["conflicts"] is None  # no cached brief
    page2 = client.get("/api/stories", params={"per_page": 2, "page": 2}).json()
    assert page2["pages"] == 2 and [s["id"] for s in page2["stories"]] == ["s-hostile"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "lanterns"}, ["s-fest"]),
        ({"q": "sailings cancelled"}, ["s-ferry"]),
        ({"q": '"unbalanced quote OR ('}, []),
        ({"source": "Valley Courier"}, ["s-ferry"]),
        ({"source": "Nobody"}, []),
        ({"since": "2026-04-12"}, ["s-ferry"]),
        ({"until": "2026-04-05"}, ["s-hostile"]),
        ({"since": "2026-04-10", "until": "2026-04-12"}, ["s-fest"]),
        ({"q": "strike", "source": "Brightwater Bugle"}, []),
    ],
)
def test_stories_search_and_filters(client: Any, params: dict[str, str], expected: list[str]) -> None:
    response = client.get("/api/stories", params=params)
    assert response.status_code == 200
    assert [s["id"] for s in response.json()["stories"]] == expected


@pytest.mark.parametrize(
    "params", [{"page": 0}, {"per_page": 1000}, {"since": "yesterday"}, {"until": "2026-4-1"}]
)
def test_stories_bad_parameters(client: Any, params: dict[str, Any]) -> None:
    response = client.get("/api/stories", params=params)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][0] == "query"


def test_story_brief_is_the_contract(client: Any) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(
        resources.files("storylens").joinpath("schemas/brief-1.json").read_text(encoding="utf-8")
    )
    body = client.get("/api/stories/s-ferry").json()
    jsonschema.validate(body, schema)
    assert body["schema"] == "storylens.brief/1"
    assert body["conflicts"][0]["evidence"][1]["value"] == "55"
    assert client.get("/api/stories/s-nope").status_code == 404


def test_story_without_buildable_brief(client: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import storylens.pipeline

    def broken(store: Any, story_id: str, **kw: Any) -> Any:
        raise RuntimeError("language layer missing")

    monkeypatch.setattr(storylens.pipeline, "story_brief", broken)
    response = client.get("/api/stories/s-fest")
    assert response.status_code == 503
    assert "language layer missing" in response.json()["detail"]
    page = client.get("/stories/s-fest")  # the page still shows the articles and why grouped
    assert (
        page.status_code == 200
        and "not available yet" in page.text
        and "first article of the story" in page.text
    )


def test_article_and_entity(client: Any) -> None:
    article = client.get("/api/articles/hl-1").json()
    assert article["text"] == FERRY_HL and article["story_id"] == "s-ferry"
    assert article["reason"] == "first article of the story" and article["independent"] is True
    copy = client.get("/api/articles/vc-1").json()
    assert copy["duplicate_of"] == "mw-1" and copy["independent"] is False
    assert client.get("/api/articles/nope").status_code == 404
    entity = client.get("/api/entities/e-quill").json()
    assert entity["name"] == "Mara Quill" and entity["type"] == "PERSON"
    assert [s["id"] for s in entity["stories"]] == ["s-ferry"]
    assert {q["id"] for q in entity["quotes"]} == {"q1", "q2"}
    assert client.get("/api/entities/e-nobody").status_code == 404


def test_security_headers_everywhere(client: Any) -> None:
    for path in (
        "/",
        "/stories/s-ferry",
        "/api/stories",
        "/static/storylens.css",
        "/docs",
        "/nope",
        "/api/nope",
    ):
        response = client.get(path)
        csp = response.headers["content-security-policy"]
        assert "default-src 'none'" in csp and "style-src 'self'" in csp and "unsafe-inline" not in csp
        assert "script-src" not in csp  # no script is shipped, so none is allowed
        assert response.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize(
    "path",
    [
        "/static/../store.py",
        "/static/%2e%2e/store.py",
        "/static/%2e%2e%2fstore.py",
        "/static/..%2f..%2fstore.py",
        "/static/..%5c..%5cstore.py",
        "/static/%252e%252e%252fstore.py",
        "/static//etc/passwd",
        "/static/templates/base.html",
        "/static/",
    ],
)
def test_static_path_traversal(client: Any, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert "Store" not in response.text and "root:" not in response.text


def test_static_css_served(client: Any) -> None:
    response = client.get("/static/storylens.css")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/css")


def test_docs_offline_and_openapi(client: Any) -> None:
    spec = client.get("/openapi.json").json()
    assert {
        "/api/stories",
        "/api/stories/{story_id}",
        "/api/articles/{article_id}",
        "/api/entities/{entity_id}",
        "/api/ingest",
    } <= set(spec["paths"])
    docs = client.get("/docs")
    assert docs.status_code == 200 and "/api/ingest" in docs.text and "per_page" in docs.text
    assert "cdn" not in docs.text.lower() and "<script" not in docs.text.lower()
    assert client.get("/redoc").status_code == 404


def test_ingest_is_off_by_default(client: Any) -> None:
    response = client.post(
        "/api/ingest", content=b'{"text": "x"}\n', headers={"content-type": "application/x-ndjson"}
    )
    assert response.status_code == 403
    assert "--allow-ingest" in response.json()["detail"]


@pytest.fixture
def ingest_client(tmp_path: Path) -> Any:
    from fastapi.testclient import TestClient

    from storylens.web import create_app

    app = create_app(
        build_db(tmp_path / "ingest.db", hostile=False),
        allow_ingest=True,
        annotate_ingest=False,
        max_body_bytes=64 * 1024,
    )
    with TestClient(app) as test_client:
        yield test_client


def test_ingest_validation_matches_cli(ingest_client: Any) -> None:
    from storylens.ingest import _read_jsonl

    lines = [
        json.dumps(
            {
                "id": "new-1",
                "source": "Coastline Daily",
                "title": "Quay reopens",
                "published": "2026-04-16T08:00:00Z",
                "text": "The north quay of Port Aldren reopened on Thursday after a week of repairs to its "
                "crane rails, the harbour authority said, and the first cargo ship docked at noon.",
            }
        ),
        "{not json",
        json.dumps({"source": "No Text Outlet", "title": "Empty"}),
        json.dumps(
            {
                "id": "hl-1",
                "source": "Harbor Ledger",
                "title": "Ferry crews strike in Port Aldren",
                "text": FERRY_HL,
            }
        ),
    ]
    body = "\n".join(lines) + "\n"
    response = ingest_client.post(
        "/api/ingest", content=body.encode(), headers={"content-type": "application/x-ndjson"}
    )
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["added"] == ["new-1"]
    assert result["duplicates"] == ["hl-1"]
    expected = [(r.origin, r.reason) for r in _read_jsonl(body, "<request>") if not hasattr(r, "text")]
    assert [(r["origin"], r["reason"]) for r in result["rejected"]][: len(expected)] == expected
    assert [r["origin"] for r in result["rejected"]] == ["<request>:2", "<request>:3"]
    assert ingest_client.get("/api/articles/new-1").json()["source"] == "Coastline Daily"


def test_ingest_limits(ingest_client: Any) -> None:
    big = b'{"text": "' + b"a" * (70 * 1024) + b'"}\n'
    response = ingest_client.post(
        "/api/ingest", content=big, headers={"content-type": "application/x-ndjson"}
    )
    assert response.status_code == 413 and "too large" in response.json()["detail"]

    def chunks() -> Any:  # no Content-Length: the limit applies while reading
        for _ in range(10):
            yield b"b" * (10 * 1024)

    response = ingest_client.post(
        "/api/ingest", content=chunks(), headers={"content-type": "application/x-ndjson"}
    )
    assert response.status_code == 413
    form = ingest_client.post("/api/ingest", content=b'{"text": "x"}', headers={"content-type": "text/plain"})
    assert form.status_code == 415  # what a cross-site form could send without a preflight


def test_host_header_checked(web_db: Path) -> None:
    from fastapi.testclient import TestClient

    from storylens.web import create_app

    with TestClient(create_app(web_db, allowed_hosts=("127.0.0.1", "localhost"))) as local:
        assert local.get("/api/stories", headers={"host": "127.0.0.1:8000"}).status_code == 200
        assert local.get("/api/stories", headers={"host": "attacker.example"}).status_code == 400


def test_ingest_when_the_stories_embedder_cannot_load(
    ingest_client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import storylens.pipeline
    from storylens.pipeline import EmbedderError

    def unavailable(store: Any, embedder: str | None = None) -> Any:
        raise EmbedderError("the 'minilm' embedder needs the optional extra 'minilm'; missing: torch")

    monkeypatch.setattr(storylens.pipeline, "_load_clusterer", unavailable)
    record = {"id": "late-1", "source": "Coastline Daily", "text": "The quay reopened on Thursday."}
    response = ingest_client.post(
        "/api/ingest", content=json.dumps(record).encode(), headers={"content-type": "application/x-ndjson"}
    )
    assert response.status_code == 503
    assert response.json()["detail"].startswith("cannot ingest: the 'minilm' embedder needs")
    assert ingest_client.get("/api/articles/late-1").status_code == 404
