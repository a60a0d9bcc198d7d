"""Golden file for the scorer's live quality (services/scorer/src/core/quality/live-quality.ts).

    PYTHONPATH=. python model/training/live_quality_golden.py   (from the repository root)

Generates a deterministic fixture (seeded numpy RNG) of recorded decisions and fraud labels, and the figures the
live quality report must give for it, computed independently of the TypeScript: pandas for the window and the
counts, scikit-learn's `average_precision_score` for average precision and the Handbook's `card_precision_top_k`
(model/training/metrics.py, the code the model card's figures come from) for card precision@k. It writes
services/scorer/test/core/quality/golden-quality.json, which is committed; the TypeScript test reads it, feeds
the decisions and labels to `LiveQuality` and compares its report with `expected`. Rerun this script only when
the fixture or the semantics change; the JSON it writes is already as prettier formats it, and the same each run.

Semantics of `expected` (what the TypeScript implements):
- end = the newest eventTime of all decisions; the window is end - windowMs (exclusive) to end.
- "champion:<v>": the window's decisions with modelVersion v and degraded false; score = decision.score;
  declined = action DECLINE; flagged = action DECLINE or REVIEW.
- "challenger:<v>": the window's decisions with degraded false and challenger.modelVersion v (one with thresholds);
  score = challenger.score; declined = score >= decline threshold; flagged = score >= review threshold.
- y = the transactionId is among the labels (labels that match no decision are ignored).
- rows, frauds, declineRecall = TP declined / frauds, declinePrecision = TP declined / declined, flaggedRecall,
  flaggedPrecision likewise, falsePositiveRate = genuine flagged / genuine, averagePrecision (null without frauds),
  cardPrecisionAt100 with day = floor(eventTime / 86400000), labelledShare = share of rows with
  eventTime <= end - labelDelayMs. A ratio with a zero denominator is null.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score

from model.training.metrics import card_precision_top_k

SEED = 7
DAY_MS = 86_400_000
START_MS = 1_533_081_600_000  # 2018-08-01T00:00:00Z
DAYS = 10
N_DECISIONS = 4_800
N_CARDS = 400
N_COMPROMISED = 60
WINDOW_MS = 7 * DAY_MS
LABEL_DELAY_MS = 3 * DAY_MS
K = 100
CHALLENGER = "chall-x"
THRESHOLDS = {CHALLENGER: {"review": 0.35, "decline": 0.65}}
CHAMPION_REVIEW, CHAMPION_DECLINE = 0.3, 0.6
OUT = Path("services/scorer/test/core/quality/golden-quality.json")


def f32(x: float) -> float:
    """As a score travels: a float32, read back as a double."""
    return np.float32(x).item()


def scores(rng: np.random.Generator, fraud: np.ndarray, fraud_ab: tuple, genuine_ab: tuple) -> np.ndarray:
    """Beta-distributed scores, higher for fraud; about a third rounded to 2 decimals so that scores tie."""
    s = np.where(fraud, rng.beta(*fraud_ab, size=len(fraud)), rng.beta(*genuine_ab, size=len(fraud)))
    tie = rng.random(len(fraud)) < 0.35
    s = np.where(tie, np.round(s, 2), s)
    return np.array([f32(x) for x in s])


def fixture() -> tuple[list[dict], list[str]]:
    rng = np.random.default_rng(SEED)
    n = N_DECISIONS
    event_time = START_MS + np.sort(rng.integers(0, DAYS * DAY_MS, size=n))
    # Cards of uneven activity; a few are compromised at some point and then carry most of the fraud.
    weights = rng.gamma(2.0, size=N_CARDS)
    card = rng.choice(N_CARDS, size=n, p=weights / weights.sum())
    compromised = rng.choice(N_CARDS, size=N_COMPROMISED, replace=False)
    compromised_at = np.full(N_CARDS, np.iinfo(np.int64).max)
    compromised_at[compromised] = START_MS + rng.integers(0, DAYS * DAY_MS, size=N_COMPROMISED)
    after = event_time >= compromised_at[card]
    fraud = rng.random(n) < np.where(after, 0.35, 0.006)

    swap_at = START_MS + int(0.6 * DAYS * DAY_MS)
    champ_b = event_time >= swap_at
    score_a = scores(rng, fraud, (3.0, 2.5), (1.6, 6.0))
    score_b = scores(rng, fraud, (3.5, 2.2), (1.5, 6.5))
    score = np.where(champ_b, score_b, score_a)
    action = np.where(score >= CHAMPION_DECLINE, "DECLINE", np.where(score >= CHAMPION_REVIEW, "REVIEW", "APPROVE"))
    # Hard rules: some low scores go to REVIEW anyway (about 1% of the decisions).
    low = np.flatnonzero(score < CHAMPION_REVIEW)
    action[rng.choice(low, size=n // 100, replace=False)] = "REVIEW"
    # Degraded (about 1%): the rules decided, whatever the score.
    degraded = rng.random(n) < 0.01
    action = np.where(degraded, rng.choice(["APPROVE", "REVIEW", "DECLINE"], size=n), action)

    has_challenger = rng.random(n) < 0.7
    challenger_score = scores(rng, fraud, (3.2, 2.3), (1.5, 6.0))

    decisions = [
        {
            "transactionId": f"lq-{i}",
            "cardId": f"card-{card[i] + 1:04d}",
            "eventTime": int(event_time[i]),
            "modelVersion": "champ-b" if champ_b[i] else "champ-a",
            "score": float(score[i]),
            "action": str(action[i]),
            "degraded": bool(degraded[i]),
            "challenger": (
                {"modelVersion": CHALLENGER, "score": float(challenger_score[i])} if has_challenger[i] else None
            ),
        }
        for i in range(n)
    ]
    # The fraud reports, in no particular order, and 20 for transactions never decided here.
    labels = [f"lq-{i}" for i in np.flatnonzero(fraud)] + [f"lq-{n + 1000 + j}" for j in range(20)]
    labels = [labels[i] for i in rng.permutation(len(labels))]
    return decisions, labels


def ratio(part: int, whole: int) -> float | None:
    return None if whole == 0 else part / whole


def figures(rows: pd.DataFrame, end: int) -> dict:
    y = rows["y"].to_numpy()
    frauds = int(y.sum())
    genuine = len(rows) - frauds
    declined = rows["declined"].to_numpy()
    flagged = rows["flagged"].to_numpy()
    score = rows["score"].to_numpy(dtype=np.float64)
    frame = pd.DataFrame(
        {"day": rows["eventTime"].to_numpy() // DAY_MS, "card_id": rows["cardId"].to_numpy(), "is_fraud": y}
    )
    return {
        "rows": len(rows),
        "frauds": frauds,
        "declineRecall": ratio(int((declined & (y == 1)).sum()), frauds),
        "declinePrecision": ratio(int((declined & (y == 1)).sum()), int(declined.sum())),
        "flaggedRecall": ratio(int((flagged & (y == 1)).sum()), frauds),
        "flaggedPrecision": ratio(int((flagged & (y == 1)).sum()), int(flagged.sum())),
        "falsePositiveRate": ratio(int((flagged & (y == 0)).sum()), genuine),
        "averagePrecision": None if frauds == 0 else float(average_precision_score(y, score)),
        "cardPrecisionAt100": card_precision_top_k(frame, score, K),
        "labelledShare": float((rows["eventTime"] <= end - LABEL_DELAY_MS).mean()),
    }


def expected(decisions: list[dict], labels: list[str]) -> tuple[dict, dict]:
    d = pd.DataFrame(decisions)
    d["y"] = d["transactionId"].isin(set(labels)).astype(int)
    end = int(d["eventTime"].max())
    start = end - WINDOW_MS
    live = d[(d["eventTime"] > start) & (d["eventTime"] <= end) & ~d["degraded"]]
    groups: dict[str, pd.DataFrame] = {}
    for version in sorted(live["modelVersion"].unique()):
        rows = live[live["modelVersion"] == version].copy()
        rows["declined"] = rows["action"] == "DECLINE"
        rows["flagged"] = rows["action"].isin(["DECLINE", "REVIEW"])
        groups[f"champion:{version}"] = rows
    with_challenger = live[live["challenger"].notna()]
    challenger_version = with_challenger["challenger"].map(lambda c: c["modelVersion"])
    for version in sorted(challenger_version.unique()):
        if version not in THRESHOLDS:
            continue
        rows = with_challenger[challenger_version == version].copy()
        rows["score"] = rows["challenger"].map(lambda c: c["score"])
        rows["declined"] = rows["score"] >= THRESHOLDS[version]["decline"]
        rows["flagged"] = rows["score"] >= THRESHOLDS[version]["review"]
        groups[f"challenger:{version}"] = rows
    return {"start": start, "end": end}, {key: figures(rows, end) for key, rows in groups.items() if len(rows)}


def check_average_precision(decisions: list[dict], labels: list[str]) -> None:
    """sklearn's AP against Σ ΔR·P over distinct scores (ties taken together), on the whole fixture."""
    fraud = set(labels)
    y = np.array([d["transactionId"] in fraud for d in decisions], dtype=int)
    s = np.array([d["score"] for d in decisions])
    total, recall = 0.0, 0.0
    for threshold in np.unique(s)[::-1]:
        above = s >= threshold
        r = y[above].sum() / y.sum()
        total += (r - recall) * y[above].mean()
        recall = r
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert abs(total - average_precision_score(y, s)) < 1e-12


def to_json(doc: dict) -> str:
    """Indented JSON as prettier leaves it (so `prettier --check` passes), the challenger on one line: smaller."""
    inline = {}

    def mark(d: dict) -> dict:
        c = d["challenger"]
        if c is None:
            return d
        token = f"@challenger{len(inline)}@"
        inline[f'"{token}"'] = "{ " + json.dumps(c, allow_nan=False)[1:-1] + " }"
        return {**d, "challenger": token}

    text = json.dumps({**doc, "decisions": [mark(d) for d in doc["decisions"]]}, indent=2, allow_nan=False)
    for token, value in inline.items():
        text = text.replace(token, value, 1)
    assert json.loads(text) == doc
    return text + "\n"


def main() -> None:
    decisions, labels = fixture()
    check_average_precision(decisions, labels)
    window, figures_by_key = expected(decisions, labels)
    doc = {
        "generatedBy": "model/training/live_quality_golden.py (do not edit by hand)",
        "windowMs": WINDOW_MS,
        "labelDelayMs": LABEL_DELAY_MS,
        "k": K,
        "challengerThresholds": THRESHOLDS,
        "window": window,
        "decisions": decisions,
        "labels": labels,
        "expected": figures_by_key,
    }
    OUT.write_text(to_json(doc))
    fraud = set(labels)
    print(f"{OUT}: {OUT.stat().st_size} bytes, {len(decisions)} decisions, {len(labels)} labels")
    print(f"frauds among decisions: {sum(d['transactionId'] in fraud for d in decisions)}")
    print(f"window: {json.dumps(window)}")
    print(json.dumps(figures_by_key, indent=2))


if __name__ == "__main__":
    main()
