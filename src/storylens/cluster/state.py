"""Persisting an ``OnlineClusterer`` between runs as a numpy ``.npz`` (arrays + one JSON record).

Writes every stored article's features, story membership, assignments (with reasons), IDF
statistics and the explanation vocabularies; reading rebuilds the stories and the candidate
indexes so that the next ``add`` continues exactly where the last run stopped. No pickle.
"""

from __future__ import annotations

import io
import json
from dataclasses import asdict
from typing import Any

from storylens.cluster.model import ClusterConfig
from storylens.cluster.online import OnlineClusterer, Row, StoryState
from storylens.models import Assignment

__all__ = ["dump_state", "load_state", "state_embedder"]

STATE_VERSION = 1


def _pairs(mapping: dict[int, Any], dtype: str) -> tuple[Any, Any]:
    import numpy as np

    keys = np.fromiter(mapping.keys(), dtype=np.uint32, count=len(mapping))
    values = np.fromiter(mapping.values(), dtype=dtype, count=len(mapping))
    return keys, values


def dump_state(c: OnlineClusterer, embedder_name: str) -> bytes:
    import numpy as np

    n = len(c.rows)
    term_offsets = np.zeros(n + 1, dtype=np.int64)
    ent_offsets = np.zeros(n + 1, dtype=np.int64)
    for i, row in enumerate(c.rows):
        term_offsets[i + 1] = term_offsets[i] + len(row.term_keys)
        ent_offsets[i + 1] = ent_offsets[i] + len(row.entities)
    empty = np.zeros((0, c.dim), dtype=np.float16)
    empty_body = np.zeros((0, c.body_dim), dtype=np.float16)
    stories = sorted(c.stories.values(), key=lambda s: s.num)
    meta = {
        "version": STATE_VERSION,
        "embedder": embedder_name,
        "dim": c.dim,
        "body_dim": c.body_dim,
        "config": {k: v for k, v in asdict(c.config).items() if k != "weights"},
        "weights": c.config.weights,
        "ids": [row.id for row in c.rows],
        "duplicate_of": [row.duplicate_of for row in c.rows],
        "stories": [[s.num, s.id, s.members, s.clock] for s in stories],
        "assignments": [
            [a.story_id, a.score, a.reason, a.signals] for a in (c.assigned[row.id] for row in c.rows)
        ],
        "n_docs": c.n_docs,
        "clock": c.clock,
        "next_num": c._next_num,
        "vocabulary": [[k, v] for k, v in c.vocabulary.items()],
        "names": [[k, v] for k, v in c.names.items()],
    }
    term_df_keys, term_df_vals = _pairs(c.term_df, "int64")
    ent_df_keys, ent_df_vals = _pairs(c.entity_df, "int64")
    arrays = {
        "meta": np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8),
        "title": np.stack([r.title_vec for r in c.rows]) if n else empty,
        "body": np.stack([r.body_vec for r in c.rows]) if n else empty_body,
        "day": np.array([np.nan if r.day is None else r.day for r in c.rows], dtype=np.float64),
        "term_keys": np.concatenate([r.term_keys for r in c.rows]) if n else np.zeros(0, np.uint32),
        "term_vals": np.concatenate([r.term_vals for r in c.rows]) if n else np.zeros(0, np.float32),
        "term_offsets": term_offsets,
        "ent_keys": np.array([k for r in c.rows for k in r.entities], dtype=np.uint32),
        "ent_offsets": ent_offsets,
        "term_df_keys": term_df_keys,
        "term_df_vals": term_df_vals,
        "ent_df_keys": ent_df_keys,
        "ent_df_vals": ent_df_vals,
    }
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    return buffer.getvalue()


def state_embedder(data: bytes) -> str:
    """The name of the embedder a saved state was built with (reads only its metadata)."""
    import numpy as np

    with np.load(io.BytesIO(data), allow_pickle=False) as z:
        return str(json.loads(z["meta"].tobytes().decode("utf-8"))["embedder"])


def load_state(data: bytes) -> tuple[OnlineClusterer, str]:
    """Rebuild the clusterer; also returns the name of the embedder its vectors came from."""
    import numpy as np

    with np.load(io.BytesIO(data), allow_pickle=False) as z:
        arrays = {name: z[name] for name in z.files}
    meta = json.loads(arrays["meta"].tobytes().decode("utf-8"))
    if meta.get("version") != STATE_VERSION:
        raise ValueError(f"unsupported clusterer state version {meta.get('version')}")
    config = ClusterConfig(**meta["config"], weights=meta["weights"])
    dim = int(meta["dim"])
    c = OnlineClusterer(dim, config, str(meta["embedder"]), int(meta.get("body_dim", dim)))
    term_offsets, ent_offsets = arrays["term_offsets"], arrays["ent_offsets"]
    for i, article_id in enumerate(meta["ids"]):
        day = float(arrays["day"][i])
        row = Row(
            id=article_id,
            title_vec=arrays["title"][i].astype(np.float16),
            body_vec=arrays["body"][i].astype(np.float16),
            term_keys=arrays["term_keys"][term_offsets[i] : term_offsets[i + 1]].copy(),
            term_vals=arrays["term_vals"][term_offsets[i] : term_offsets[i + 1]].copy(),
            entities=tuple(int(k) for k in arrays["ent_keys"][ent_offsets[i] : ent_offsets[i + 1]]),
            day=None if np.isnan(day) else day,
            duplicate_of=meta["duplicate_of"][i],
        )
        c.rows.append(row)
        c.story_of.append(-1)
        c.row_of[article_id] = i
        story_id, score, reason, signals = meta["assignments"][i]
        c.assigned[article_id] = Assignment(article_id, story_id, score, reason, signals)
    c.term_df = dict(zip(arrays["term_df_keys"].tolist(), arrays["term_df_vals"].tolist(), strict=True))
    c.entity_df = dict(zip(arrays["ent_df_keys"].tolist(), arrays["ent_df_vals"].tolist(), strict=True))
    c.n_docs = int(meta["n_docs"])
    c.vocabulary = {int(k): v for k, v in meta["vocabulary"]}
    c.names = {int(k): v for k, v in meta["names"]}
    c.clock = meta["clock"]
    horizon = None if c.clock is None else c.clock - config.window_days
    for num, story_id, members, clock in meta["stories"]:
        story = StoryState(
            num=num,
            id=story_id,
            members=[],
            title_sum=np.zeros(c.dim, dtype=np.float32),
            body_sum=np.zeros(c.body_dim, dtype=np.float32),
            recent=np.zeros((0, c.dim), dtype=np.float32),
        )
        c.stories[num] = story
        c.story_num[story_id] = num
        active = horizon is None or clock is None or clock >= horizon
        for row_num in members:
            c.attach(row_num, story, index=False)
        story.clock = clock
        if active:
            c.index.upsert(num, story.title_sum, tuple(story.entities))
        else:
            c.compact_story(story)
    c._next_num = int(meta["next_num"])
    return c, str(meta["embedder"])
