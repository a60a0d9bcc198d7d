"""LightGBM booster → ONNX TreeEnsembleClassifier with the metadata the scorer reads."""

from __future__ import annotations

import json
from pathlib import Path

import lightgbm as lgb
import numpy as np
import onnx
import onnxruntime as ort
from onnxmltools import convert_lightgbm
from onnxmltools.convert.common.data_types import FloatTensorType

INPUT = "features"
PROBABILITIES = "probabilities"
LABEL = "label"
# onnxmltools emits IR 4 / opset 9 / ai.onnx.ml 1 for a tree ensemble: any onnxruntime of recent years reads it.
TARGET_OPSET = 15


def _floor_float32(t: float) -> np.float32:
    # A split that parts only missing values from the rest has LightGBM's largest double as threshold: it rounds
    # to float32 infinity (numpy warns), and its floor is the largest float32, above every finite input too.
    with np.errstate(over="ignore"):
        v = np.float32(t)
    return np.nextafter(v, np.float32(-np.inf)) if float(v) > t else v


def _split_thresholds(booster: lgb.Booster) -> dict[tuple[int, np.float32], set[np.float32]]:
    """For each (feature, threshold rounded to float32 as the converter stores it): the float32 floor(s) of the
    LightGBM double threshold(s) behind it."""
    out: dict[tuple[int, np.float32], set[np.float32]] = {}
    stack = [tree["tree_structure"] for tree in booster.dump_model()["tree_info"]]
    while stack:
        node = stack.pop()
        if "split_feature" not in node:
            continue
        if node["decision_type"] != "<=":
            raise RuntimeError(f"unexpected LightGBM split {node['decision_type']}")
        t = float(node["threshold"])
        with np.errstate(over="ignore"):
            key = (node["split_feature"], np.float32(t))
        out.setdefault(key, set()).add(_floor_float32(t))
        stack += [node["left_child"], node["right_child"]]
    return out


def snap_thresholds(model: onnx.ModelProto, booster: lgb.Booster) -> int:
    """Makes the ONNX splits decide exactly as LightGBM does on float32 inputs.

    LightGBM tests x <= t with a double t; ONNX stores t as float32 rounded to nearest, which can round up past
    a float32 input value and send it the other way. For a float32 x, x <= t holds exactly when x <= the largest
    float32 not above t, so that is the value to store. Returns how many splits changed.
    """
    floors = _split_thresholds(booster)
    tree = next(n for n in model.graph.node if n.op_type == "TreeEnsembleClassifier")
    attrs = {a.name: a for a in tree.attribute}
    values, modes, features = attrs["nodes_values"].floats, attrs["nodes_modes"].strings, attrs["nodes_featureids"].ints
    changed = 0
    for i, mode in enumerate(modes):
        if mode == b"LEAF":
            continue
        if mode != b"BRANCH_LEQ":
            raise RuntimeError(f"unexpected ONNX split mode {mode!r}")
        candidates = floors[(int(features[i]), np.float32(values[i]))]
        if len(candidates) != 1:
            raise RuntimeError(f"ambiguous float32 threshold {values[i]} on feature {features[i]}: {candidates}")
        floor = float(next(iter(candidates)))
        if floor != float(np.float32(values[i])):
            values[i] = floor
            changed += 1
    return changed


def _nan_goes_left(node: dict) -> bool:
    """Where LightGBM sends a NaN input at this split: the learnt default direction when training rows had NaN
    (missing_type NaN); otherwise NaN is read as 0 and compared (missing_type None)."""
    missing = node["missing_type"]
    if missing == "NaN":
        return bool(node["default_left"])
    if missing == "None":
        return 0.0 <= float(node["threshold"])
    # zero_as_missing (missing_type Zero) also sends 0 the default way, which no ONNX split can do.
    raise RuntimeError(f"unsupported LightGBM missing_type {missing}")


def set_missing_directions(model: onnx.ModelProto, booster: lgb.Booster) -> int:
    """Sets each ONNX split's nodes_missing_value_tracks_true to where LightGBM sends NaN, so that a feature the
    feed did not send (NaN) takes the same branch in the scorer as in training; the converter's rule is right for
    default_left splits only. Returns how many splits changed."""
    tree = next(n for n in model.graph.node if n.op_type == "TreeEnsembleClassifier")
    attrs = {a.name: a for a in tree.attribute}
    index = {(t, n): i for i, (t, n) in enumerate(zip(attrs["nodes_treeids"].ints, attrs["nodes_nodeids"].ints))}
    tracks = attrs["nodes_missing_value_tracks_true"].ints
    true_ids, false_ids = attrs["nodes_truenodeids"].ints, attrs["nodes_falsenodeids"].ints
    changed = 0
    for tree_id, info in enumerate(booster.dump_model()["tree_info"]):
        stack = [(0, info["tree_structure"])]
        while stack:
            node_id, node = stack.pop()
            if "split_feature" not in node:
                continue
            i = index[(tree_id, node_id)]
            want = 1 if _nan_goes_left(node) else 0
            if tracks[i] != want:
                tracks[i] = want
                changed += 1
            # The ONNX true branch (x <= t) is LightGBM's left child.
            stack.append((int(true_ids[i]), node["left_child"]))
            stack.append((int(false_ids[i]), node["right_child"]))
    return changed


def to_onnx(booster: lgb.Booster, n_features: int, metadata: dict[str, str]) -> onnx.ModelProto:
    model = convert_lightgbm(
        booster,
        name="fraud_model",
        initial_types=[(INPUT, FloatTensorType([None, n_features]))],
        zipmap=False,
        target_opset=TARGET_OPSET,
    )
    snap_thresholds(model, booster)
    set_missing_directions(model, booster)
    # The converter names the graph with a random uuid; a fixed name keeps the file byte-reproducible.
    model.graph.name = "fraud_model"
    outputs = [o.name for o in model.graph.output]
    if outputs != [LABEL, PROBABILITIES]:
        raise RuntimeError(f"unexpected ONNX outputs {outputs}: expected [{LABEL}, {PROBABILITIES}]")
    # The converter declares label as shape [1]; it is [N], and onnxruntime warns on every batch otherwise.
    label_dims = model.graph.output[0].type.tensor_type.shape.dim
    del label_dims[:]
    label_dims.add().dim_param = "N"
    model.graph.output[1].type.tensor_type.shape.dim[0].dim_param = "N"
    model.graph.input[0].type.tensor_type.shape.dim[0].dim_param = "N"
    del model.metadata_props[:]
    for key in sorted(metadata):
        model.metadata_props.add(key=key, value=metadata[key])
    onnx.checker.check_model(model)
    return model


def node_counts(model: onnx.ModelProto, booster: lgb.Booster) -> list[int]:
    """Training rows that reached each node of the ONNX tree ensemble, in its attribute order (LightGBM's
    internal_count / leaf_count): the node weights path-dependent TreeSHAP needs, which ONNX does not keep.

    Walks each ONNX tree beside its LightGBM tree: the ONNX true branch (x <= t) is LightGBM's left child.
    """
    tree = next(n for n in model.graph.node if n.op_type == "TreeEnsembleClassifier")
    attrs = {a.name: onnx.helper.get_attribute_value(a) for a in tree.attribute}
    index = {(t, n): i for i, (t, n) in enumerate(zip(attrs["nodes_treeids"], attrs["nodes_nodeids"]))}
    counts = [-1] * len(index)
    for tree_id, info in enumerate(booster.dump_model()["tree_info"]):
        stack = [(0, info["tree_structure"])]
        while stack:
            node_id, node = stack.pop()
            i = index[(tree_id, node_id)]
            is_leaf = attrs["nodes_modes"][i] == b"LEAF"
            if is_leaf != ("leaf_value" in node):
                raise RuntimeError(f"tree {tree_id} node {node_id}: ONNX and LightGBM trees differ in shape")
            counts[i] = int(node["leaf_count"] if is_leaf else node["internal_count"])
            if not is_leaf:
                if int(attrs["nodes_featureids"][i]) != node["split_feature"]:
                    raise RuntimeError(f"tree {tree_id} node {node_id}: ONNX and LightGBM split other features")
                stack.append((int(attrs["nodes_truenodeids"][i]), node["left_child"]))
                stack.append((int(attrs["nodes_falsenodeids"][i]), node["right_child"]))
    if min(counts) < 0:
        raise RuntimeError("ONNX nodes not reached from any LightGBM tree")
    return counts


def session(path: Path) -> ort.InferenceSession:
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def onnx_scores(sess: ort.InferenceSession, features: np.ndarray, batch: int = 65536) -> np.ndarray:
    """Fraud probability (column 1 of `probabilities`), float32, as the scorer reads it."""
    parts = [
        sess.run([PROBABILITIES], {INPUT: features[i : i + batch]})[0][:, 1] for i in range(0, len(features), batch)
    ]
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.float32)


def metadata(
    feature_names: list[str],
    spec_version: str,
    model_version: str,
    data_digest: str,
    review: float,
    decline: float,
    extra: dict[str, str],
) -> dict[str, str]:
    return {
        "feature_names": json.dumps(feature_names, separators=(",", ":")),
        "feature_spec_version": spec_version,
        "model_version": model_version,
        "training_data_digest": data_digest,
        "threshold_review": repr(review),
        "threshold_decline": repr(decline),
        **extra,
    }
