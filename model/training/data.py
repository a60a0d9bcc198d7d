"""Loading the feature-export CSV and the feature spec."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

DAY_MS = 86_400_000
ID_COLUMNS = ["transaction_id", "event_time", "card_id"]
TAIL_COLUMNS = ["is_fraud", "scenario"]


@dataclass(frozen=True)
class FeatureSpec:
    version: str
    names: list[str]
    descriptions: list[str]


@dataclass
class Dataset:
    """One exported CSV: the feature matrix (float32, spec order) and what the protocol needs beside it."""

    path: Path
    digest: str
    frame: pd.DataFrame  # transaction_id, event_time (epoch ms), card_id, day, is_fraud, scenario
    features: np.ndarray  # float32 [N, F]
    first_day_ms: int

    @property
    def days(self) -> int:
        return int(self.frame["day"].max()) + 1


def load_spec(path: Path) -> FeatureSpec:
    spec = json.loads(path.read_text())
    names = [f["name"] for f in spec["features"]]
    if len(set(names)) != len(names):
        raise ValueError(f"{path}: feature names repeat")
    return FeatureSpec(spec["version"], names, [f.get("description", "") for f in spec["features"]])


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _epoch_ms(column: pd.Series) -> np.ndarray:
    if pd.api.types.is_numeric_dtype(column):
        return column.to_numpy(dtype=np.int64)
    parsed = pd.to_datetime(column, utc=True, format="ISO8601")
    return (parsed - pd.Timestamp(0, tz="UTC")) // pd.Timedelta(milliseconds=1)


def load_dataset(path: Path, spec: FeatureSpec) -> Dataset:
    expected = ID_COLUMNS + spec.names + TAIL_COLUMNS
    header = pd.read_csv(path, nrows=0).columns.tolist()
    if header != expected:
        missing = [c for c in expected if c not in header]
        extra = [c for c in header if c not in expected]
        raise ValueError(f"{path}: header differs from the spec (missing {missing}, extra {extra}, or order)")
    dtypes = {name: np.float64 for name in spec.names}
    dtypes.update({"transaction_id": str, "card_id": str, "scenario": str, "is_fraud": np.int8})
    # The export writes a feature whose input the feed did not send as NaN (missing, not 0): LightGBM learns a
    # branch for it. Only feature columns may be missing; an infinite value is a bug.
    frame = pd.read_csv(path, dtype=dtypes, keep_default_na=False, na_values={n: ["", "NaN"] for n in spec.names})
    features = frame[spec.names].to_numpy(dtype=np.float64)
    if np.isinf(features).any():
        raise ValueError(f"{path}: features hold infinite values")
    event_ms = np.asarray(_epoch_ms(frame["event_time"]), dtype=np.int64)
    order = np.argsort(event_ms, kind="stable")
    first_day_ms = int(event_ms.min() // DAY_MS * DAY_MS)
    meta = pd.DataFrame(
        {
            "transaction_id": frame["transaction_id"].to_numpy()[order],
            "event_time": event_ms[order],
            "card_id": frame["card_id"].to_numpy()[order],
            "day": ((event_ms[order] - first_day_ms) // DAY_MS).astype(np.int32),
            "is_fraud": frame["is_fraud"].to_numpy()[order].astype(np.int8),
            "scenario": frame["scenario"].to_numpy()[order],
        }
    )
    # float32 is what the ONNX model receives at serving time; train on the same values.
    return Dataset(path, sha256_file(path), meta, features[order].astype(np.float32), first_day_ms)
