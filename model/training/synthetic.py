"""A small CSV in the feature-export format, for testing the training code without the simulator."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import pandas as pd

START_MS = 1_522_540_800_000  # 2018-04-01T00:00:00Z


def synthetic_frame(names: list[str], days: int, per_day: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n = days * per_day
    event = START_MS + np.sort(rng.integers(0, days * 86_400_000, n))
    cards = rng.integers(0, 2000, n)
    fraud = (rng.random(n) < 0.01).astype(np.int8)
    x = rng.gamma(2.0, 1.0, size=(n, len(names)))
    # Frauds shift a few columns so that a model has something to learn, not everything.
    x[:, : min(5, len(names))] += fraud[:, None] * rng.gamma(1.5, 1.0, size=(n, min(5, len(names))))
    frame = pd.DataFrame(x.round(4), columns=names)
    frame.insert(0, "card_id", [f"card-{c}" for c in cards])
    frame.insert(0, "event_time", event)
    frame.insert(0, "transaction_id", [f"tx-{i}" for i in range(n)])
    frame["is_fraud"] = fraud
    frame["scenario"] = np.where(fraud == 1, rng.choice(["amount-over-220", "card-testing"], n), "")
    return frame


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--spec", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument("--per-day", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    names = [f["name"] for f in json.loads(args.spec.read_text())["features"]]
    synthetic_frame(names, args.days, args.per_day, args.seed).to_csv(args.out, index=False)


if __name__ == "__main__":
    main()
