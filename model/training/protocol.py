"""The Fraud Detection Handbook's evaluation protocol: train one week, leave a delay gap, assess the next week.

Mirrors `get_train_test_set` of the Handbook (chapter 5, "Validation strategies"): the assessment set drops,
for each of its days T, every card with a fraud on a day in [train start, T - 8], i.e. cards the bank already
knows to be compromised because their fraud was reported within the delay. Validation (model selection and
thresholds) is the same protocol shifted back by delay + assessment length, once per fold (prequential).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

TRAIN_DAYS = 7
DELAY_DAYS = 7
ASSESS_DAYS = 7


@dataclass(frozen=True)
class Split:
    name: str
    train_days: tuple[int, int]  # [first, last] day index, inclusive
    assess_days: tuple[int, int]
    train: np.ndarray  # row indices
    assess: np.ndarray


def handbook_split(frame: pd.DataFrame, train_start: int, name: str) -> Split:
    day = frame["day"].to_numpy()
    fraud = frame["is_fraud"].to_numpy() == 1
    cards = frame["card_id"].to_numpy()
    assess_start = train_start + TRAIN_DAYS + DELAY_DAYS
    if train_start < 0 or assess_start + ASSESS_DAYS - 1 > day.max():
        raise ValueError(f"{name}: days {train_start}..{assess_start + ASSESS_DAYS - 1} fall outside the data")
    train = np.flatnonzero((day >= train_start) & (day < train_start + TRAIN_DAYS))
    known = set(cards[fraud & (day >= train_start) & (day < train_start + TRAIN_DAYS)])
    assess_parts = []
    for offset in range(ASSESS_DAYS):
        today = assess_start + offset
        newly_known = fraud & (day == train_start + TRAIN_DAYS + offset - 1)
        known.update(cards[newly_known])
        rows = np.flatnonzero(day == today)
        assess_parts.append(rows[~np.isin(cards[rows], list(known))])
    return Split(
        name,
        (train_start, train_start + TRAIN_DAYS - 1),
        (assess_start, assess_start + ASSESS_DAYS - 1),
        train,
        np.concatenate(assess_parts),
    )


def test_split(frame: pd.DataFrame, train_start: int) -> Split:
    return handbook_split(frame, train_start, "test")


def validation_splits(frame: pd.DataFrame, train_start: int, folds: int) -> list[Split]:
    """Fold i trains on [S-14-7i, S-8-7i] and validates on [S-7i, S+6-7i] (S = the test's training week start);
    fold 0 validates on the test's training week."""
    shift = DELAY_DAYS + ASSESS_DAYS
    return [handbook_split(frame, train_start - shift - ASSESS_DAYS * i, f"validation-{i}") for i in range(folds)]
