"""LightGBM with a small hyper-parameter grid, selected on the validation folds only."""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field

import lightgbm as lgb
import numpy as np

from .data import Dataset
from .metrics import ranking_metrics
from .protocol import Split

# Fixed so that a run is bit-for-bit repeatable (LightGBM's histogram sums depend on the thread count), and one
# thread because OpenMP threads that wait on each other crawl on a shared 2-core machine (5x slower measured).
THREADS = 1

# Small trees did best in exploratory runs on the validation folds (a week holds only ~600 frauds); see MODEL_CARD.md.
GRID = {
    "num_leaves": [7, 31],
    "min_child_samples": [50, 200],
    "feature_fraction": [0.5, 0.8],
}
FIXED = {
    "objective": "binary",
    "learning_rate": 0.05,
    "num_boost_round": 300,
    "bagging_fraction": 0.8,
    "bagging_freq": 1,
    "lambda_l2": 1.0,
    "max_bin": 255,
    "deterministic": True,
    "force_col_wise": True,
    "num_threads": THREADS,
    "verbosity": -1,
}


# Weight of an augmenting row (the same transaction told without context) against the mix's own row. Chosen on
# the validation folds only (model/training/augment_weight_study.py, selected configuration of the full mix):
# weight 1 lost 0.017 validation AP on the full feed, 0.2 loses 0.002 and does as well as any weight on the feeds
# without context. See MODEL_CARD.md, "Model and selection".
AUGMENT_WEIGHT = 0.2


@dataclass
class Candidate:
    params: dict
    folds: list[dict[str, float]] = field(default_factory=list)
    scores: list[np.ndarray] = field(default_factory=list)  # validation scores per fold

    def mean(self, metric: str) -> float:
        return float(np.mean([f[metric] for f in self.folds]))

    def searched(self) -> dict:
        return {k: self.params[k] for k in GRID}


def grid(seed: int) -> list[dict]:
    keys = list(GRID)
    return [{**FIXED, "seed": seed, **dict(zip(keys, values))} for values in itertools.product(*GRID.values())]


def fit(ds: Dataset, rows: np.ndarray, params: dict, augment: Dataset | None = None) -> lgb.Booster:
    """LightGBM on `rows`; with `augment` (the same stream in another feed), on those rows of both, the augmenting
    ones weighted AUGMENT_WEIGHT, so that the model learns where a missing value goes from the same transactions
    told with and without their context, without giving up much on the full feed."""
    lgb_params = {k: v for k, v in params.items() if k != "num_boost_round"}
    x = ds.features[rows]
    y = ds.frame["is_fraud"].to_numpy()[rows]
    weight = None
    if augment is not None:
        x, y = np.concatenate([x, augment.features[rows]]), np.concatenate([y, y])
        weight = np.concatenate([np.ones(len(rows)), np.full(len(rows), AUGMENT_WEIGHT)])
    train_set = lgb.Dataset(x, label=y, weight=weight, free_raw_data=True)
    return lgb.train(lgb_params, train_set, num_boost_round=params["num_boost_round"])


def predict(booster: lgb.Booster, ds: Dataset, rows: np.ndarray) -> np.ndarray:
    return booster.predict(ds.features[rows], num_threads=THREADS)


def search(
    ds: Dataset, folds: list[Split], seed: int, log, augment: Dataset | None = None
) -> tuple[list[Candidate], Candidate]:
    """Every grid point on every fold; the best has the highest mean validation average precision (then card P@100)."""
    points = grid(seed)
    candidates = []
    for i, params in enumerate(points):
        candidate = Candidate(params)
        started = time.perf_counter()
        for split in folds:
            scores = predict(fit(ds, split.train, params, augment), ds, split.assess)
            candidate.scores.append(scores)
            candidate.folds.append(ranking_metrics(ds.frame.iloc[split.assess], scores))
        candidates.append(candidate)
        log(
            f"  [{i + 1}/{len(points)}] {candidate.searched()}: AUC {candidate.mean('auc_roc'):.4f}"
            f" AP {candidate.mean('average_precision'):.4f} CP@100 {candidate.mean('card_precision_at_100'):.4f}"
            f" ({time.perf_counter() - started:.1f}s)"
        )
    best = max(candidates, key=lambda c: (c.mean("average_precision"), c.mean("card_precision_at_100")))
    return candidates, best
