import json
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

import onnx

from training.synthetic import synthetic_frame

MODEL_DIR = Path(__file__).resolve().parents[2]


class TrainSmokeTest(unittest.TestCase):
    """model/train.py end to end on a small synthetic CSV: every artefact is written and agrees with the others."""

    def test_writes_a_model_golden_file_metrics_and_card_that_agree(self):
        spec_path = MODEL_DIR / "feature-spec.json"
        names = [f["name"] for f in json.loads(spec_path.read_text())["features"]]
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            synthetic_frame(names, days=50, per_day=300, seed=5).to_csv(tmp / "data.csv", index=False)
            subprocess.run(
                [
                    sys.executable,
                    str(MODEL_DIR / "train.py"),
                    "--spec",
                    str(spec_path),
                    "--data",
                    f"mix={tmp / 'data.csv'}",
                ]
                + ["--ship", "mix", "--out-dir", str(tmp / "out"), "--folds", "2"],
                check=True,
                capture_output=True,
            )
            model = onnx.load(str(tmp / "out" / "fraud-model.onnx"))
            meta = {p.key: p.value for p in model.metadata_props}
            golden = json.loads((tmp / "out" / "golden" / "parity.json").read_text())
            metrics = json.loads((tmp / "out" / "metrics.json").read_text())
            card = (tmp / "out" / "MODEL_CARD.md").read_text()
        self.assertEqual(json.loads(meta["feature_names"]), names)
        self.assertLessEqual(float(meta["threshold_review"]), float(meta["threshold_decline"]))
        self.assertEqual(golden["feature_names"], names)
        self.assertGreaterEqual(len(golden["rows"]), 150)
        self.assertEqual(len(golden["rows"]), len(golden["probabilities"]))
        self.assertEqual(metrics["shipped"]["model_version"], meta["model_version"])
        self.assertIn(meta["model_version"], card)


if __name__ == "__main__":
    unittest.main()
