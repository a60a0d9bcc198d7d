import json
import unittest

import numpy as np

from training.drift import feature_histograms, histograms_json


class FeatureHistogramsTest(unittest.TestCase):
    def test_deciles_of_a_continuous_feature(self):
        x = np.arange(1, 1001, dtype=np.float32).reshape(-1, 1)
        (h,) = feature_histograms(x, ["amount"])["features"]
        self.assertEqual(h["edges"], [100, 200, 300, 400, 500, 600, 700, 800, 900, 1000])
        # Bin 0: x <= 100; bin i: edges[i-1] < x <= edges[i]; the last (x > 1000) was never seen.
        self.assertEqual(h["counts"], [100] * 10 + [0])

    def test_binary_and_constant_features_get_few_bins(self):
        x = np.zeros((100, 2), dtype=np.float32)
        x[:30, 0] = 1
        doc = feature_histograms(x, ["is_night", "constant"])
        binary, constant = doc["features"]
        self.assertEqual((binary["edges"], binary["counts"]), ([0, 1], [70, 30, 0]))
        self.assertEqual((constant["edges"], constant["counts"]), ([0], [100, 0]))
        self.assertEqual(doc["rows"], 100)

    def test_edges_are_exact_float32_and_short(self):
        x = np.full((10, 1), np.float32(0.1), dtype=np.float32)
        text = histograms_json(feature_histograms(x, ["f"]))
        self.assertIn('"edges":[0.1]', text)
        self.assertEqual(np.float32(json.loads(text)["features"][0]["edges"][0]), np.float32(0.1))

    def test_counts_add_up_to_the_rows(self):
        rng = np.random.default_rng(7)
        x = rng.gamma(1.5, 30.0, size=(5000, 3)).astype(np.float32)
        for h in feature_histograms(x, ["a", "b", "c"])["features"]:
            self.assertEqual(sum(h["counts"]), 5000)
            self.assertEqual(h["missing"], 0)
            self.assertEqual(h["edges"], sorted(set(h["edges"])))

    def test_nan_is_counted_as_missing_and_left_out_of_the_bins(self):
        x = np.arange(1, 1001, dtype=np.float32).reshape(-1, 1)
        x = np.concatenate([x, np.full((250, 1), np.nan, dtype=np.float32)])
        (h,) = feature_histograms(x, ["distance_from_prev_km"])["features"]
        self.assertEqual(h["edges"], [100, 200, 300, 400, 500, 600, 700, 800, 900, 1000])
        self.assertEqual((h["counts"], h["missing"]), ([100] * 10 + [0], 250))
        json.loads(histograms_json({"features": [h]}))  # no NaN in the JSON

    def test_a_feature_never_told_has_one_empty_bin_and_every_row_missing(self):
        x = np.full((40, 1), np.nan, dtype=np.float32)
        (h,) = feature_histograms(x, ["mcc_risk_group"])["features"]
        self.assertEqual((h["edges"], h["counts"], h["missing"]), ([0.0], [0, 0], 40))


if __name__ == "__main__":
    unittest.main()
