"""Argument checks shared by nn's entry points: each names the function, the argument and the
range it must be in, so a student's mistake reads as a sentence they can act on."""

from __future__ import annotations

import math
from numbers import Integral, Real
from typing import Any

import numpy as np


def positive_int(value: Any, name: str, who: str, hint: str = "") -> int:
    """``value`` as an int >= 1, or a ValueError naming it."""
    if isinstance(value, bool) or not isinstance(value, Integral) or value < 1:
        raise ValueError(f"{who}: {name} must be a positive integer{hint}, got {value!r}")
    return int(value)


def number(value: Any, name: str, who: str, low: float | None = None,
           high: float | None = None, low_open: bool = False, high_open: bool = False) -> float:
    """``value`` as a finite float within [low, high] (ends open where asked), or an error
    that states the range."""
    ok = isinstance(value, Real) and not isinstance(value, bool) and math.isfinite(value)
    if ok and low is not None:
        ok = value > low if low_open else value >= low
    if ok and high is not None:
        ok = value < high if high_open else value <= high
    if not ok:
        where = _range(low, high, low_open, high_open)
        raise ValueError(f"{who}: {name} must be a finite number{where}, got {value!r}")
    return float(value)


def _range(low, high, low_open, high_open) -> str:
    if low is not None and high is not None:
        return f" in {'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"
    if low is not None:
        return f" {'>' if low_open else '>='} {low:g}"
    if high is not None:
        return f" {'<' if high_open else '<='} {high:g}"
    return ""


def numeric_array(data: Any, name: str, who: str) -> np.ndarray:
    """``data`` as a numpy array of numbers with every value finite, or an error naming the
    first row (and column) that is not."""
    try:
        array = np.asarray(data)
    except ValueError as error:  # ragged lists
        raise ValueError(f"{who}: {name} is not a rectangular array of numbers ({error})") from None
    if array.dtype.kind not in "fiub":
        raise TypeError(f"{who}: {name} must hold numbers, got dtype {array.dtype}")
    if array.dtype.kind == "f":
        bad = ~np.isfinite(array)
        if bad.any():
            where = np.argwhere(bad)[0]
            first = array[tuple(where)]
            at = f"row {where[0]}" + (f", column {where[1]}" if len(where) > 1 else "")
            raise ValueError(f"{who}: {name} has {first} at {at} ({int(bad.sum())} value(s) "
                             "not finite); remove or replace those examples first")
    return array


def seed(value: Any, who: str) -> Any:
    """A random seed as numpy takes it: None, an integer >= 0, or a Generator (passed on)."""
    ok = value is None or isinstance(value, np.random.Generator | np.random.SeedSequence) or (
        isinstance(value, Integral) and not isinstance(value, bool) and value >= 0)
    if not ok:
        raise ValueError(f"{who}: seed must be None, an integer >= 0 or a numpy Generator, "
                         f"got {value!r}")
    return value


def float_dtype(value: Any, who: str) -> np.dtype:
    """A floating-point numpy dtype (parameters need one for gradients), or an error."""
    try:
        dtype = np.dtype(value)
    except TypeError:
        dtype = None
    if dtype is None or dtype.kind != "f":
        shown = repr(value) if dtype is None else str(dtype)
        raise ValueError(f"{who}: dtype must be a floating-point type (float32 or float64), "
                         f"got {shown}")
    return dtype


def integer(value: Any, name: str, who: str) -> int:
    """``value`` as an int (an axis, say), or an error naming it."""
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise ValueError(f"{who}: {name} must be an integer, got {value!r}")
    return int(value)
