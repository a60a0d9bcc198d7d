"""The parity file: feature rows with the probabilities Python onnxruntime gives, for the TypeScript test."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import lightgbm as lgb
import numpy as np
import onnx

from .export import onnx_scores


def split_points(model: onnx.ModelProto) -> list[tuple[int, float]]:
    """(feature, value) of every branch of the tree ensemble, as stored (float32)."""
    tree = next(n for n in model.graph.node if n.op_type.startswith("TreeEnsemble"))
    attrs = {a.name: a for a in tree.attribute}
    modes = list(attrs["nodes_modes"].strings)
    pairs = zip(attrs["nodes_featureids"].ints, attrs["nodes_values"].floats, modes)
    return sorted({(int(f), float(np.float32(v))) for f, v, m in pairs if m != b"LEAF"})


def pick_rows(
    features: np.ndarray,
    y: np.ndarray,
    scores: np.ndarray,
    thresholds: tuple[float, float],
    model: onnx.ModelProto,
    seed: int,
) -> np.ndarray:
    """~200 rows: random frauds and genuine ones, the extremes of the score, rows next to each threshold, and
    edge rows (zeros, caps, values exactly on split points, where float handling would show)."""
    rng = np.random.default_rng(seed)
    fraud, genuine = np.flatnonzero(y == 1), np.flatnonzero(y == 0)
    chosen = list(rng.choice(fraud, min(50, len(fraud)), replace=False))
    chosen += list(rng.choice(genuine, min(50, len(genuine)), replace=False))
    order = np.argsort(scores, kind="stable")
    chosen += list(order[:5]) + list(order[-10:])
    for t in thresholds:
        chosen += list(np.argsort(np.abs(scores - t), kind="stable")[:8])
    rows = [features[i] for i in dict.fromkeys(int(i) for i in chosen)]

    width = features.shape[1]
    rows.append(np.zeros(width, dtype=np.float32))
    top = features[order[-1]].copy()
    for col in range(width):
        # Each feature of the riskiest row pushed to 10x the largest value seen (one-hot columns to 10).
        edge = top.copy()
        edge[col] = np.float32(max(features[:, col].max(), 1.0) * 10)
        rows.append(edge)
    points = split_points(model)
    base = features[rng.choice(len(features), 1)[0]]
    for k in rng.choice(len(points), min(18, len(points)), replace=False):
        col, value = points[int(k)]
        for v in (value, np.nextafter(np.float32(value), np.float32(np.inf))):
            on_split = base.copy()
            on_split[col] = np.float32(v)
            rows.append(on_split)
    return np.asarray(rows, dtype=np.float32)


def json_row(row: np.ndarray) -> list[float | None]:
    """float32 values as the shortest decimal that reads back as the same double (Python repr); NaN (a feature
    whose input the feed did not send) as null, JSON having no NaN. The TypeScript tests read null as NaN."""
    return [None if np.isnan(v) else float(v) for v in row]


def with_absent_rows(rows: np.ndarray, absent: np.ndarray, seed: int, n: int) -> np.ndarray:
    """`rows` followed by n random rows of the same stream told without context (NaN where the feed was silent),
    so that the parity tests cover the missing-value branches too."""
    rng = np.random.default_rng(seed + 2)
    picked = absent[np.sort(rng.choice(len(absent), min(n, len(absent)), replace=False))]
    return np.concatenate([rows, picked]).astype(np.float32)


def write_golden(path: Path, sess, rows: np.ndarray, feature_names: list[str]) -> np.ndarray:
    probabilities = onnx_scores(sess, rows)
    doc = {
        "feature_names": feature_names,
        "rows": [json_row(row) for row in rows],
        "probabilities": [float(p) for p in probabilities],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, allow_nan=False) + "\n")
    return probabilities


CONTRIBUTION_ROWS = 10_000


def pick_contribution_rows(features: np.ndarray, y: np.ndarray, seed: int, n: int = CONTRIBUTION_ROWS) -> np.ndarray:
    """Every fraud of the test week (the rows explanations are for) and random genuine rows, n in all."""
    rng = np.random.default_rng(seed + 1)
    fraud, genuine = np.flatnonzero(y == 1), np.flatnonzero(y == 0)
    fraud = fraud[: n // 2]
    chosen = np.concatenate([fraud, rng.choice(genuine, min(n - len(fraud), len(genuine)), replace=False)])
    return features[np.sort(chosen)]


def write_contributions(path: Path, booster, rows: np.ndarray, feature_names: list[str]) -> None:
    """LightGBM's own TreeSHAP (pred_contrib) and raw margin for `rows` (float32, as the scorer sees them),
    gzipped JSON for the TypeScript parity test."""
    x = rows.astype(np.float64)
    contributions = booster.predict(x, pred_contrib=True, num_threads=1)
    margins = booster.predict(x, raw_score=True, num_threads=1)
    doc = {
        "feature_names": feature_names,
        "source": f"lightgbm {lgb.__version__} Booster.predict(pred_contrib=True), raw_score=True",
        "rows": [json_row(row) for row in rows],
        # Per row: one contribution per feature, then the expected value (LightGBM's layout), rounded to 1e-10.
        "contributions": [[round(float(v), 10) for v in row] for row in contributions],
        "margins": [round(float(v), 10) for v in margins],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    # mtime=0: the same rows give the same bytes.
    path.write_bytes(gzip.compress((json.dumps(doc, allow_nan=False) + "\n").encode(), mtime=0))
