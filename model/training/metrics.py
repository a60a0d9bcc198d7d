"""Metrics of the Handbook (AUC ROC, average precision, card precision@k) and of the decision thresholds."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score, roc_auc_score


def card_precision_top_k(frame: pd.DataFrame, scores: np.ndarray, k: int = 100) -> float:
    """Per day: rank cards by their maximum score, precision of the top k; cards found compromised (fraudulent
    and in an earlier day's top k) are removed from later days. Mean over days (Handbook `card_precision_top_k`)."""
    df = pd.DataFrame(
        {
            "day": frame["day"].to_numpy(),
            "card": frame["card_id"].to_numpy(),
            "fraud": frame["is_fraud"].to_numpy(),
            "score": scores,
        }
    )
    detected: set[str] = set()
    per_day = []
    for _, day_df in df.groupby("day", sort=True):
        day_df = day_df[~day_df["card"].isin(detected)]
        # Ties in score are broken by card id so the metric does not depend on row order.
        cards = day_df.groupby("card").agg(score=("score", "max"), fraud=("fraud", "max")).reset_index()
        top = cards.sort_values(["score", "card"], ascending=[False, True], kind="stable").head(k)
        hits = top[top["fraud"] == 1]["card"]
        per_day.append(len(hits) / k)
        detected.update(hits)
    return float(np.mean(per_day))


def ranking_metrics(frame: pd.DataFrame, scores: np.ndarray) -> dict[str, float]:
    y = frame["is_fraud"].to_numpy()
    return {
        "auc_roc": float(roc_auc_score(y, scores)),
        "average_precision": float(average_precision_score(y, scores)),
        "card_precision_at_100": card_precision_top_k(frame, scores, 100),
    }


def alert_metrics(y: np.ndarray, scores: np.ndarray, threshold: float) -> dict[str, float | None]:
    """What flagging every transaction with score >= threshold does: rate, precision, recall."""
    flagged = scores >= threshold
    n_flagged = int(flagged.sum())
    true_pos = int((flagged & (y == 1)).sum())
    return {
        "threshold": threshold,
        "rate": n_flagged / len(y),
        "flagged": n_flagged,
        "precision": true_pos / n_flagged if n_flagged else None,
        "recall": true_pos / int((y == 1).sum()) if (y == 1).any() else None,
    }


def scenario_metrics(
    frame: pd.DataFrame, scores: np.ndarray, review: float, decline: float
) -> dict[str, dict[str, float]]:
    """Per fraud scenario: its frauds against all genuine transactions (AUC ROC), and the share of its frauds
    that reach REVIEW (score >= review, so declines included) and DECLINE."""
    fraud = frame["is_fraud"].to_numpy() == 1
    scenario = frame["scenario"].to_numpy()
    genuine = ~fraud
    out = {}
    for name in sorted(set(scenario[fraud])):
        rows = fraud & (scenario == name)
        both = rows | genuine
        out[name] = {
            "frauds": int(rows.sum()),
            "auc_roc": float(roc_auc_score(fraud[both], scores[both])),
            "recall_at_review": float((scores[rows] >= review).mean()),
            "recall_at_decline": float((scores[rows] >= decline).mean()),
        }
    return out
