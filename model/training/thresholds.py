"""Choosing the REVIEW and DECLINE cut-offs on validation scores."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Thresholds:
    review: float
    decline: float
    decline_met_target: bool


def _descending_runs(scores: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct score values, high to low, with how many rows and frauds score at or above each."""
    values, inverse = np.unique(scores, return_inverse=True)
    counts = np.bincount(inverse, minlength=len(values))[::-1]
    frauds = np.bincount(inverse, weights=y, minlength=len(values))[::-1]
    return values[::-1], np.cumsum(counts), np.cumsum(frauds)


def review_threshold(scores: np.ndarray, max_rate: float) -> float:
    """The lowest score value t such that at most max_rate of the rows score >= t."""
    values, at_or_above, _ = _descending_runs(scores, np.zeros_like(scores))
    allowed = np.flatnonzero(at_or_above <= max_rate * len(scores))
    return float(values[allowed[-1]]) if len(allowed) else 1.0


def decline_threshold(scores: np.ndarray, y: np.ndarray, min_precision: float, min_flagged: int) -> tuple[float, bool]:
    """The lowest score value t at which score >= t has precision >= min_precision over at least min_flagged rows
    (the most frauds caught at that precision). (1.0, False) when no cut-off reaches it."""
    values, at_or_above, frauds = _descending_runs(scores, y.astype(np.float64))
    ok = np.flatnonzero((frauds / at_or_above >= min_precision) & (at_or_above >= min_flagged))
    return (float(values[ok[-1]]), True) if len(ok) else (1.0, False)


def choose_thresholds(
    scores: np.ndarray, y: np.ndarray, max_review_rate: float, min_decline_precision: float, min_flagged: int
) -> Thresholds:
    review = review_threshold(scores, max_review_rate)
    decline, met = decline_threshold(scores, y, min_decline_precision, min_flagged)
    # A DECLINE below REVIEW would flag more than the review budget: declines are a subset of alerts.
    return Thresholds(review, max(decline, review), met)
