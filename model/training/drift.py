"""The training rows' distribution of each feature, stored in the model so the scorer can measure drift (PSI)."""

from __future__ import annotations

import json

import numpy as np

BINS = 10
# How bins are read (the scorer does the same): bin 0 holds x <= edges[0], bin i holds edges[i-1] < x <= edges[i],
# the last (len(edges)) holds x > edges[-1], which training never saw when edges[-1] is the training maximum.
# NaN (an input the feed did not send) is in none of them: `missing` counts those rows, the scorer's bin of its own.
LAYOUT = "bin i: edges[i-1] < x <= edges[i]; bin 0: x <= edges[0]; last: x > edges[-1]; NaN: missing"


def _float32_text(value: np.float32) -> float:
    """The shortest decimal that reads back as this float32 (so the JSON stays short and exact in float32)."""
    return float(np.format_float_positional(np.float32(value), unique=True, trim="-"))


def feature_histograms(features: np.ndarray, names: list[str], bins: int = BINS) -> dict:
    """Per feature: edges at the deciles of its training values (taken from the data, duplicates merged, so a
    binary feature gets two bins and a constant one), the count of training rows in each bin, and the rows where
    it was NaN (`missing`)."""
    if features.ndim != 2 or features.shape[1] != len(names):
        raise ValueError(f"features are {features.shape}, names {len(names)}")
    out = []
    for j, name in enumerate(names):
        column = features[:, j].astype(np.float32)
        present = ~np.isnan(column)
        missing = int((~present).sum())
        column = column[present]
        if len(column) == 0:
            # Never told in training: one bin at 0, empty, so every live value that is told counts as drift.
            out.append({"name": name, "edges": [0.0], "counts": [0, 0], "missing": missing})
            continue
        quantiles = np.quantile(column, np.arange(1, bins) / bins, method="lower")
        edges = np.unique(quantiles.astype(np.float32))
        # Values above the decile edges up to the maximum get a bin of their own; beyond it is unseen.
        top = column.max()
        if top > edges[-1]:
            edges = np.append(edges, top)
        counts = np.bincount(np.searchsorted(edges, column, side="left"), minlength=len(edges) + 1)
        out.append(
            {
                "name": name,
                "edges": [_float32_text(e) for e in edges],
                "counts": [int(c) for c in counts],
                "missing": missing,
            }
        )
    return {"layout": LAYOUT, "rows": int(features.shape[0]), "features": out}


def histograms_json(histograms: dict) -> str:
    return json.dumps(histograms, separators=(",", ":"), allow_nan=False)
