"""Number formatting shared by the model card's sections."""

from __future__ import annotations


def pct(value: float | None, digits: int = 2) -> str:
    return "n/a" if value is None else f"{100 * value:.{digits}f}%"


def num(value: float | None, digits: int = 4) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def params_text(params: dict) -> str:
    return ", ".join(f"{k}={v}" for k, v in params.items())
