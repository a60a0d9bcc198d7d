"""One scenario mix through the whole protocol: search, thresholds, final fit, ONNX, test metrics."""

from __future__ import annotations

import hashlib
import json
import tempfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import lightgbm as lgb
import numpy as np
import onnx

from .data import DAY_MS, Dataset, FeatureSpec
from .drift import feature_histograms, histograms_json
from .export import metadata, node_counts, onnx_scores, session, to_onnx
from .metrics import alert_metrics, ranking_metrics, scenario_metrics
from .protocol import Split, test_split, validation_splits
from .search import AUGMENT_WEIGHT, THREADS, Candidate, fit, predict, search
from .thresholds import choose_thresholds

MAX_REVIEW_RATE = 0.01
MIN_DECLINE_PRECISION = 0.90
MIN_DECLINE_FLAGGED = 30


@dataclass
class MixResult:
    summary: dict
    model: onnx.ModelProto
    booster: lgb.Booster
    test: Split
    test_scores: np.ndarray


def day_label(ds: Dataset, day: int) -> str:
    return datetime.fromtimestamp((ds.first_day_ms + day * DAY_MS) / 1000, tz=timezone.utc).strftime("%Y-%m-%d")


def window(ds: Dataset, days: tuple[int, int]) -> dict:
    return {"first_day": day_label(ds, days[0]), "last_day": day_label(ds, days[1]), "days": list(days)}


def split_summary(ds: Dataset, split: Split) -> dict:
    y = ds.frame["is_fraud"].to_numpy()
    return {
        "train": {**window(ds, split.train_days), "rows": len(split.train), "frauds": int(y[split.train].sum())},
        "assess": {**window(ds, split.assess_days), "rows": len(split.assess), "frauds": int(y[split.assess].sum())},
    }


def _tree_digest(model: onnx.ModelProto) -> str:
    """sha256 of the serialized model without metadata: names the trees themselves."""
    bare = onnx.ModelProto()
    bare.CopyFrom(model)
    del bare.metadata_props[:]
    return hashlib.sha256(bare.SerializeToString()).hexdigest()


def _agreement(diff: np.ndarray, features: np.ndarray) -> dict:
    """How ONNX and LightGBM agree on these rows (|Δp| per row), and how many rows hold a NaN feature."""
    return {
        "rows": len(diff),
        "max_abs_diff": float(diff.max()),
        "rows_over_1e-5": int((diff > 1e-5).sum()),
        "rows_with_nan": int(np.isnan(features).any(axis=1).sum()),
    }


def run_mix(
    name: str,
    ds: Dataset,
    spec: FeatureSpec,
    train_start: int,
    folds: int,
    seed: int,
    log,
    augment: Dataset | None = None,
) -> MixResult:
    """The protocol on one mix. With `augment` (the same stream in a feed with less context, row for row), every
    fit trains on its rows in both feeds; validation, thresholds and test stay on the mix's own rows."""
    y = ds.frame["is_fraud"].to_numpy()
    test = test_split(ds.frame, train_start)
    validation = validation_splits(ds.frame, train_start, folds)
    for split in [*validation, test]:
        s = split_summary(ds, split)
        log(
            f"  {split.name}: train {s['train']['first_day']}..{s['train']['last_day']} ({s['train']['rows']} rows,"
            f" {s['train']['frauds']} frauds) → assess {s['assess']['first_day']}..{s['assess']['last_day']}"
            f" ({s['assess']['rows']} rows, {s['assess']['frauds']} frauds)"
        )
    candidates, best = search(ds, validation, seed, log, augment)
    log(f"  selected {best.searched()} (mean validation AP {best.mean('average_precision'):.4f})")

    valid_rows = np.concatenate([s.assess for s in validation])
    valid_scores = np.concatenate(best.scores)
    thresholds = choose_thresholds(
        valid_scores, y[valid_rows], MAX_REVIEW_RATE, MIN_DECLINE_PRECISION, MIN_DECLINE_FLAGGED
    )
    log(f"  thresholds on validation: review {thresholds.review:.6f}, decline {thresholds.decline:.6f}")

    booster = fit(ds, test.train, best.params, augment)
    native = predict(booster, ds, test.assess)
    bare = to_onnx(booster, len(spec.names), {})
    version = f"lgbm-{day_label(ds, test.train_days[1])}-{_tree_digest(bare)[:8]}"
    histograms = feature_histograms(ds.features[test.train], spec.names)
    model = to_onnx(
        booster,
        len(spec.names),
        metadata(
            spec.names,
            spec.version,
            version,
            ds.digest,
            thresholds.review,
            thresholds.decline,
            {
                "scenario_mix": name,
                "train_window": f"{day_label(ds, test.train_days[0])}..{day_label(ds, test.train_days[1])}",
                "objective": "binary (column 1 of probabilities = P(fraud))",
                # The training rows' distribution per feature: the scorer's drift reference (PSI).
                "feature_histograms": histograms_json(histograms),
                # Training rows through each tree node, in the ONNX node order: for exact TreeSHAP in the scorer.
                "tree_node_counts": json.dumps(node_counts(bare, booster), separators=(",", ":")),
            },
        ),
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "model.onnx"
        path.write_bytes(model.SerializeToString())
        sess = session(path)
        scores = onnx_scores(sess, ds.features[test.assess])
        # The same test rows told without context (NaN features): the missing-value branches must agree too.
        absent_diff = None
        if augment is not None:
            absent_diff = np.abs(
                onnx_scores(sess, augment.features[test.assess]).astype(np.float64)
                - booster.predict(augment.features[test.assess], num_threads=THREADS)
            )
    diff = np.abs(scores.astype(np.float64) - native)
    for what, d in (("test rows", diff), ("test rows without context", absent_diff)):
        if d is not None:
            log(f"  ONNX vs LightGBM on {len(d)} {what}: max |Δ| {d.max():.2e}, {int((d > 1e-5).sum())} rows > 1e-5")

    test_frame = ds.frame.iloc[test.assess]
    y_test = y[test.assess]
    ranking = ranking_metrics(test_frame, scores)
    log(
        f"  test: AUC {ranking['auc_roc']:.4f} AP {ranking['average_precision']:.4f}"
        f" CP@100 {ranking['card_precision_at_100']:.4f}"
    )
    summary = {
        "data": {
            "csv_sha256": ds.digest,
            "rows": len(ds.frame),
            "frauds": int(y.sum()),
            "fraud_rate": float(y.mean()),
            "cards": int(ds.frame["card_id"].nunique()),
            **window(ds, (0, ds.days - 1)),
        },
        "validation_folds": [split_summary(ds, s) for s in validation],
        "test_split": split_summary(ds, test),
        "search": [
            {
                "params": c.searched(),
                **{m: c.mean(m) for m in ("auc_roc", "average_precision", "card_precision_at_100")},
                "folds": c.folds,
            }
            for c in candidates
        ],
        "selected_params": {k: v for k, v in best.params.items() if k not in ("verbosity",)},
        "validation": {
            "ranking": {m: best.mean(m) for m in ("auc_roc", "average_precision", "card_precision_at_100")},
            "review": alert_metrics(y[valid_rows], valid_scores, thresholds.review),
            "decline": alert_metrics(y[valid_rows], valid_scores, thresholds.decline),
            "decline_met_target": thresholds.decline_met_target,
        },
        "thresholds": {"review": thresholds.review, "decline": thresholds.decline},
        "test": {
            "ranking": ranking,
            "review": alert_metrics(y_test, scores, thresholds.review),
            "decline": alert_metrics(y_test, scores, thresholds.decline),
            "scenarios": scenario_metrics(test_frame, scores, thresholds.review, thresholds.decline),
        },
        "onnx_vs_native": _agreement(diff, ds.features[test.assess]),
        "onnx_vs_native_augment": (
            None if absent_diff is None else _agreement(absent_diff, augment.features[test.assess])
        ),
        "model_version": version,
        "trees": booster.num_trees(),
        "augmented_with": None
        if augment is None
        else {"csv_sha256": augment.digest, "rows": len(augment.frame), "weight": AUGMENT_WEIGHT},
    }
    return MixResult(summary, model, booster, test, scores)
