"""An embedder whose whole-text vectors have another width than its lead vectors (as ``minilm``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from storylens.cluster import StoryClusterer
from storylens.embed import HashEmbedder, body_dim
from tests.cluster.conftest import BUDGET, QUAKE_ONE_A, QUAKE_ONE_B


class LeadBody:
    """Lead vectors from one model (48 columns), whole-text vectors from another (24)."""

    name = "lead-body"

    def __init__(self, lead_dim: int = 48, whole_dim: int = 24) -> None:
        self.lead, self.whole = HashEmbedder(lead_dim), HashEmbedder(whole_dim)
        self.dim, self.body_dim = lead_dim, whole_dim
        self.calls: list[tuple[int, ...]] = []

    def embed(self, texts: Sequence[str]) -> Any:
        return self.lead.embed(texts)

    def embed_with_lead(self, texts: Sequence[str], lead_chars: Sequence[int]) -> tuple[Any, Any]:
        self.calls.append(tuple(lead_chars))
        leads = [text[:n] for text, n in zip(texts, lead_chars, strict=True)]
        return self.lead.embed(leads), self.whole.embed(texts)


def test_body_dim_defaults_to_dim() -> None:
    assert body_dim(HashEmbedder(32)) == 32
    assert body_dim(LeadBody()) == 24


def test_clusterer_keeps_each_width_and_groups_one_event() -> None:
    embedder = LeadBody()
    clusterer = StoryClusterer(embedder)
    result = {a.article_id: a for a in clusterer.add([QUAKE_ONE_A, QUAKE_ONE_B, BUDGET])}
    assert embedder.calls and all(n > 0 for n in embedder.calls[0])  # the lead path was taken
    assert result["q1-courier"].story_id == result["q1-harbour"].story_id
    assert result["budget-1"].story_id != result["q1-harbour"].story_id
    assert set(result["q1-courier"].signals) >= {"title", "body"}
    clusterer.recluster()


def test_state_round_trip_keeps_both_widths() -> None:
    import io

    import numpy as np

    embedder = LeadBody()
    clusterer = StoryClusterer(embedder)
    clusterer.add([QUAKE_ONE_A, BUDGET])
    data = clusterer.to_state()
    with np.load(io.BytesIO(data), allow_pickle=False) as z:
        assert z["title"].shape == (2, 48) and z["body"].shape == (2, 24)
    restored = StoryClusterer.from_state(data, embedder)
    assert restored.add([QUAKE_ONE_B]) == clusterer.add([QUAKE_ONE_B])
    assert restored.stories() == clusterer.stories()


def test_state_refuses_an_embedder_of_other_widths() -> None:
    clusterer = StoryClusterer(LeadBody())
    clusterer.add([QUAKE_ONE_A])
    with pytest.raises(ValueError, match=r"dims 48/24.*dims 48/16"):
        StoryClusterer.from_state(clusterer.to_state(), LeadBody(whole_dim=16))


def test_empty_state_keeps_both_widths() -> None:
    clusterer = StoryClusterer(LeadBody())
    restored = StoryClusterer.from_state(clusterer.to_state(), LeadBody())
    assert restored.add([QUAKE_ONE_A])[0].article_id == QUAKE_ONE_A.id


def test_a_cached_embedder_embeds_each_text_once_and_gives_the_same_vectors(tmp_path: Any) -> None:
    import numpy as np

    from storylens.embed import CachedEmbedder

    inner = LeadBody()
    cached = CachedEmbedder(inner)
    texts, leads = ["quake hits the harbour town", "budget vote delayed"], [10, 6]
    first = cached.embed_with_lead(texts, leads)
    again = cached.embed_with_lead(list(reversed(texts)), list(reversed(leads)))
    assert [sorted(call) for call in inner.calls] == [[6, 10]]  # the second call found both in memory
    assert np.array_equal(again[0], first[0][::-1]) and np.array_equal(again[1], first[1][::-1])
    assert np.array_equal(first[0], inner.embed_with_lead(texts, leads)[0])  # what the model gives
    assert (cached.name, cached.dim, body_dim(cached)) == ("lead-body", 48, 24)
    assert not hasattr(CachedEmbedder(HashEmbedder(8)), "embed_with_lead")  # only when the model has it
    on_disk = CachedEmbedder(LeadBody(), tmp_path / "lead-body.npz")
    on_disk.embed_with_lead(texts, leads)
    reread = LeadBody()
    assert np.array_equal(
        CachedEmbedder(reread, tmp_path / "lead-body.npz").embed_with_lead(texts, leads)[1], first[1]
    )
    assert reread.calls == []  # a second run reads the file
