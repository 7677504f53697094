"""The functions the op table's rules are written with, for one number and for an array.

Each function of one number in :mod:`autograd.ops` is written once, as two rules:
``forward(x, m, ...)`` its value and ``slope(x, y, m, ...)`` its derivative at ``x`` (``y``
is the value). ``m`` is :data:`NUMBER` when a :class:`autograd.Value` applies the rule to a
float and :data:`ARRAY` when a :class:`autograd.Tensor` applies it to a numpy array: the
same names, the same results element by element (nan in, nan out; inf where a float
overflows, as IEEE 754 and numpy say).
"""

from __future__ import annotations

import math
from types import SimpleNamespace
from typing import Any

import numpy as np


class _Number:
    """The rules' functions for one float (math's, where numpy's would cost a microsecond)."""

    tanh, sin, cos, arctan = math.tanh, math.sin, math.cos, math.atan
    log, sqrt, log1p, expm1 = math.log, math.sqrt, math.log1p, math.expm1
    abs = staticmethod(abs)

    @staticmethod
    def exp(x: float) -> float:
        try:
            return math.exp(x)
        except OverflowError:
            return math.inf

    @staticmethod
    def power(a: float, p: float) -> float:
        """a ** p, with ±inf where it overflows or where 0 is raised to p < 0 (IEEE 754, as
        numpy and PyTorch)."""
        try:
            return a**p
        except OverflowError:
            return math.copysign(math.inf, a) if a < 0 and p % 2 == 1 else math.inf
        except ZeroDivisionError:  # 0.0 ** p, p < 0
            return math.copysign(math.inf, a) if p % 2 == 1 else math.inf

    @staticmethod
    def zeros_like(x: float) -> float:
        return 0.0

    @staticmethod
    def sign(x: float) -> float:
        return 1.0 if x > 0 else -1.0 if x < 0 else 0.0 if x == 0 else x  # nan stays nan

    @staticmethod
    def where(condition: bool, a: float, b: float) -> float:
        return a if condition else b

    @staticmethod
    def maximum(a: float, b: float) -> float:
        return a if a > b or a != a else float(b)  # nan wins, as np.maximum

    @staticmethod
    def minimum(a: float, b: float) -> float:
        return a if a < b or a != a else float(b)

    @staticmethod
    def isnan(x: float) -> bool:
        return x != x

    @staticmethod
    def heaviside(x: float, at_zero: float) -> float:
        return x if x != x else 1.0 if x > 0 else at_zero if x == 0 else 0.0

    @staticmethod
    def between(x: float, low: float | None, high: float | None) -> bool:
        return (low is None or x >= low) and (high is None or x <= high)

    @staticmethod
    def clip(x: float, low: float | None, high: float | None) -> float:
        if low is not None and x < low:
            return float(low)
        if high is not None and x > high:
            return float(high)
        return x

    @staticmethod
    def divide(a: float, b: float) -> float:
        """a / b, with ±inf (nan for 0/0) where b is 0, as IEEE 754 says."""
        if b:
            return a / b
        return math.nan if a == 0 or a != a else math.copysign(math.inf, a) * (
            math.copysign(1.0, b))

    @staticmethod
    def check(ok: bool, op: str, domain: str, x: float) -> None:
        if not ok:
            raise ValueError(f"{op} is defined for {domain}, got {x!r}")


def _between(x: np.ndarray, low: float | None, high: float | None) -> np.ndarray:
    inside = np.ones(x.shape, dtype=bool)
    if low is not None:
        inside &= x >= low
    if high is not None:
        inside &= x <= high
    return inside


def _divide(a: Any, b: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.divide(a, b)


def _heaviside(x: np.ndarray, at_zero: float) -> np.ndarray:
    return np.heaviside(x, at_zero).astype(x.dtype, copy=False)  # (pixels stay integers)


def _power(a: np.ndarray, p: Any) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        return np.power(a, p)


def _check(ok: np.ndarray, op: str, domain: str, x: np.ndarray) -> None:
    if not ok.all():
        bad = x[~ok]
        raise ValueError(f"{op} is defined for {domain}: {bad.size} element(s) are not "
                         f"(for example {bad.flat[0]!r})")


NUMBER = _Number()
# numpy's own functions, and a few written above (a namespace, not a class: numpy's
# functions would bind as methods)
ARRAY = SimpleNamespace(
    tanh=np.tanh, sin=np.sin, cos=np.cos, arctan=np.arctan, log=np.log, sqrt=np.sqrt,
    exp=np.exp, log1p=np.log1p, expm1=np.expm1, abs=np.abs, sign=np.sign, where=np.where,
    maximum=np.maximum, minimum=np.minimum, isnan=np.isnan, clip=np.clip,
    heaviside=_heaviside, between=_between, divide=_divide, check=_check, power=_power,
    zeros_like=np.zeros_like)
