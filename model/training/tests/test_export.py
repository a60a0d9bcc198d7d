import tempfile
import unittest
from pathlib import Path

import lightgbm as lgb
import numpy as np

from training.export import node_counts, onnx_scores, session, to_onnx


def onnx_predict(model, x):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "m.onnx"
        path.write_bytes(model.SerializeToString())
        return onnx_scores(session(path), x)


class OnnxExportTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        rng = np.random.default_rng(3)
        cls.x = rng.gamma(2.0, 1.0, size=(5000, 4)).round(4).astype(np.float32)
        y = (cls.x[:, 0] + rng.normal(0, 1, 5000) > 4).astype(int)
        params = {"objective": "binary", "verbosity": -1, "num_threads": 1, "deterministic": True, "seed": 1}
        cls.booster = lgb.train(params, lgb.Dataset(cls.x, label=y), 30)

    def on_split_points(self):
        """Rows whose value is each split threshold rounded to float32: where a float32 threshold can decide
        differently from LightGBM's double one (inputs unseen in training can take these values)."""
        rows = []
        stack = [tree["tree_structure"] for tree in self.booster.dump_model()["tree_info"]]
        while stack:
            node = stack.pop()
            if "split_feature" in node:
                row = self.x[len(rows) % len(self.x)].copy()
                row[node["split_feature"]] = np.float32(node["threshold"])
                rows.append(row)
                stack += [node["left_child"], node["right_child"]]
        return np.asarray(rows)

    def test_onnx_matches_lightgbm_on_float32_inputs_even_on_split_points(self):
        x = np.concatenate([self.x, self.on_split_points()])
        model = to_onnx(self.booster, 4, {})
        np.testing.assert_allclose(onnx_predict(model, x), self.booster.predict(x), rtol=0, atol=1e-6)

    def test_onnx_sends_nan_where_lightgbm_does_with_and_without_nan_in_training(self):
        # Feature 1 is absent (NaN) in a third of the training rows, fraud-like more often when absent: LightGBM
        # learns a default direction for it (missing_type NaN). Features 0, 2, 3 never had NaN (missing_type
        # None: LightGBM reads NaN as 0).
        rng = np.random.default_rng(5)
        x = self.x.copy()
        absent = rng.random(len(x)) < 0.33
        x[absent, 1] = np.nan
        y = ((x[:, 0] + np.where(absent, 1.5, x[:, 1]) + rng.normal(0, 1, len(x))) > 5).astype(int)
        params = {"objective": "binary", "verbosity": -1, "num_threads": 1, "deterministic": True, "seed": 1}
        booster = lgb.train(params, lgb.Dataset(x, label=y), 30)
        missing_types = set()
        stack = [tree["tree_structure"] for tree in booster.dump_model()["tree_info"]]
        while stack:
            node = stack.pop()
            if "split_feature" in node:
                missing_types.add((node["split_feature"], node["missing_type"]))
                stack += [node["left_child"], node["right_child"]]
        self.assertIn((1, "NaN"), missing_types)
        self.assertIn((0, "None"), missing_types)
        probe = x[:400].copy()
        probe[100:200, 0] = np.nan  # never NaN in training
        probe[200:300, :] = np.nan  # nothing told
        model = to_onnx(booster, 4, {})
        np.testing.assert_allclose(onnx_predict(model, probe), booster.predict(probe), rtol=0, atol=1e-6)

    def test_names_inputs_outputs_and_metadata_for_the_scorer(self):
        model = to_onnx(self.booster, 4, {"b": "2", "a": "1"})
        self.assertEqual([i.name for i in model.graph.input], ["features"])
        self.assertEqual([o.name for o in model.graph.output], ["label", "probabilities"])
        self.assertEqual([(p.key, p.value) for p in model.metadata_props], [("a", "1"), ("b", "2")])

    def test_the_same_booster_serializes_to_the_same_bytes(self):
        first = to_onnx(self.booster, 4, {}).SerializeToString()
        self.assertEqual(first, to_onnx(self.booster, 4, {}).SerializeToString())

    def test_node_counts_follow_the_onnx_node_order(self):
        model = to_onnx(self.booster, 4, {})
        counts = node_counts(model, self.booster)
        tree = next(n for n in model.graph.node if n.op_type == "TreeEnsembleClassifier")
        attrs = {a.name: a for a in tree.attribute}
        ids = list(zip(attrs["nodes_treeids"].ints, attrs["nodes_nodeids"].ints))
        at = {node: counts[i] for i, node in enumerate(ids)}
        for i, (t, n) in enumerate(ids):
            if n == 0:
                self.assertEqual(counts[i], len(self.x))  # every training row passes each root
            if attrs["nodes_modes"].strings[i] != b"LEAF":
                true_child = (t, attrs["nodes_truenodeids"].ints[i])
                false_child = (t, attrs["nodes_falsenodeids"].ints[i])
                self.assertEqual(at[true_child] + at[false_child], counts[i])


if __name__ == "__main__":
    unittest.main()
