"""Training, evaluation and ONNX export of the fraud model (entry point: model/train.py)."""
