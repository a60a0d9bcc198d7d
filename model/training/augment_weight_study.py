"""How much weight the augmenting rows (the full mix told without context) get: validation folds only.

Fits the full mix's configuration (CONFIGURATION) on each validation fold's training week with no augmentation and
with the augmenting rows at several weights, and prints the mean validation AP and card precision@100 on the full
feed, on the same stream without context, and on the baseline mix without context. Run after `npm run model:train` (it
reads the CSVs in .cache/model):

    OMP_NUM_THREADS=1 model/.venv/bin/python model/training/augment_weight_study.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import lightgbm as lgb
import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "model"))

from training.data import load_dataset, load_spec  # noqa: E402
from training.metrics import ranking_metrics  # noqa: E402
from training.protocol import validation_splits  # noqa: E402
from training.search import FIXED  # noqa: E402

WEIGHTS = [None, 0.1, 0.2, 0.3, 0.5, 1.0]
# The full mix's configuration the search selected without weights (and the seed): the one the card's table used.
CONFIGURATION = {"seed": 42, "num_leaves": 7, "min_child_samples": 50, "feature_fraction": 0.5}
TRAIN_START = 115
FOLDS = 3


def main() -> None:
    spec = load_spec(ROOT / "model" / "feature-spec.json")
    work = ROOT / ".cache" / "model"
    full, full_absent, base_absent = (
        load_dataset(work / f"{name}.csv", spec) for name in ("full", "full-absent", "baseline-absent")
    )
    params = {**FIXED, **CONFIGURATION}
    lgb_params = {k: v for k, v in params.items() if k != "num_boost_round"}
    folds = list(
        zip(
            validation_splits(full.frame, TRAIN_START, FOLDS),
            validation_splits(base_absent.frame, TRAIN_START, FOLDS),
        )
    )
    y = full.frame["is_fraud"].to_numpy()
    for weight in WEIGHTS:
        feeds: dict[str, list[dict]] = {"full": [], "full-absent": [], "baseline-absent": []}
        for own, base in folds:
            x, labels, w = full.features[own.train], y[own.train], None
            if weight is not None:
                x = np.concatenate([x, full_absent.features[own.train]])
                labels = np.concatenate([labels, labels])
                w = np.concatenate([np.ones(len(own.train)), np.full(len(own.train), weight)])
            booster = lgb.train(lgb_params, lgb.Dataset(x, label=labels, weight=w), params["num_boost_round"])
            for feed, ds, split in (
                ("full", full, own),
                ("full-absent", full_absent, own),
                ("baseline-absent", base_absent, base),
            ):
                scores = booster.predict(ds.features[split.assess], num_threads=1)
                feeds[feed].append(ranking_metrics(ds.frame.iloc[split.assess], scores))
        cells = [
            f"{feed} AP {np.mean([r['average_precision'] for r in rs]):.4f}"
            f" CP@100 {np.mean([r['card_precision_at_100'] for r in rs]):.4f}"
            for feed, rs in feeds.items()
        ]
        print(f"augment weight {weight if weight is not None else 'none'}: " + "; ".join(cells), flush=True)


if __name__ == "__main__":
    main()
