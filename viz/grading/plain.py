"""Answers as plain data: how they leave a student's kernel and enter the grader.

``encode`` runs inside the student's kernel (the grader sends this file's source, so a
submission that replaced the library's modules cannot change it; one that replaced
builtins can only change the answers it reports, which it could have typed). It turns
numbers, strings, booleans, None, tuples, lists, dicts and numpy arrays into JSON, and
anything else into a short description. ``decode`` runs in the grader and accepts only
that JSON, bounded in size and depth: no code, no pickles, no objects of the student's.

Standard library only: this file must run in a kernel as it is.
"""

from __future__ import annotations

import json
import math

MAX_BYTES = 1_000_000  # one exercise's answers; a table of a few thousand numbers fits
MAX_DEPTH = 20
UNDEFINED = {"__undefined__": True}  # a name the notebook never defined


def encode(value, depth=0):
    """``value`` as JSON-able data tagged so that ``decode`` rebuilds tuples, arrays and
    dicts with non-string keys; other objects become ``{"__object__": type name}``."""
    if depth > MAX_DEPTH:
        return {"__object__": "nested too deep"}
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return value if abs(value) < 2 ** 63 else float(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else {"__float__": repr(value)}
    if isinstance(value, tuple):
        return {"__tuple__": [encode(v, depth + 1) for v in value]}
    if isinstance(value, list):
        return [encode(v, depth + 1) for v in value]
    if isinstance(value, dict):
        return {"__dict__": [[encode(k, depth + 1), encode(v, depth + 1)]
                             for k, v in value.items()]}
    kind = type(value).__module__ + "." + type(value).__name__
    if kind == "numpy.ndarray" and value.dtype.kind in "biuf" and value.size <= 100_000:
        return {"__array__": encode(value.astype(float).tolist(), depth + 1),
                "shape": list(value.shape)}
    if kind.startswith("numpy.") and hasattr(value, "item") and getattr(value, "ndim", 1) == 0:
        return encode(value.item(), depth + 1)  # a numpy scalar
    data = getattr(value, "data", None)  # a Value or a Tensor: its number(s)
    if kind in ("autograd.value.Value", "autograd.tensor.Tensor") and data is not None:
        return encode(data, depth + 1)
    return {"__object__": kind[:100]}


def dumps(values):
    """The answers by name, as one line of JSON (names never defined marked undefined)."""
    return json.dumps({name: encode(value) for name, value in values.items()},
                      allow_nan=False)


class Unreadable(ValueError):
    """Data that ``encode`` could not have written (the message says what is wrong)."""


class Opaque:
    """An answer that was not plain data (a function, a model...): the checks see it as
    such and say it is not a number."""

    def __init__(self, kind):
        self.kind = str(kind)[:100]

    def __repr__(self):
        return f"<{self.kind}>"

    def __eq__(self, other):
        return isinstance(other, Opaque) and other.kind == self.kind

    __hash__ = None


def loads(text):
    """The answers by name from ``dumps``'s text, or :class:`Unreadable`."""
    if not isinstance(text, str) or len(text) > MAX_BYTES:
        raise Unreadable(f"the answers are more than {MAX_BYTES // 1000} kB of data")
    try:
        data = json.loads(text, parse_constant=_no_constant)
    except (ValueError, RecursionError) as error:
        raise Unreadable(f"the answers are not JSON ({str(error)[:100]})") from None
    if not isinstance(data, dict):
        raise Unreadable("the answers are not a dict of names")
    return {str(name): decode(value) for name, value in data.items()}


def decode(data, depth=0):
    """One answer rebuilt from ``encode``'s data (tuples, numpy arrays, dicts)."""
    if depth > MAX_DEPTH + 2:
        raise Unreadable("the answers are nested too deep")
    if data is None or isinstance(data, (bool, int, float, str)):
        return data
    if isinstance(data, list):
        return [decode(v, depth + 1) for v in data]
    if not isinstance(data, dict) or len(data) not in (1, 2):
        raise Unreadable(f"unexpected data {str(data)[:80]}")
    if data == UNDEFINED:
        return None
    if set(data) == {"__tuple__"} and isinstance(data["__tuple__"], list):
        return tuple(decode(v, depth + 1) for v in data["__tuple__"])
    if set(data) == {"__dict__"} and isinstance(data["__dict__"], list):
        pairs = data["__dict__"]
        if not all(isinstance(p, list) and len(p) == 2 for p in pairs):
            raise Unreadable("a dict's items are not pairs")
        out = {}
        for key, value in pairs:
            key = decode(key, depth + 1)
            if not isinstance(key, (str, int, float, bool, tuple)) and key is not None:
                raise Unreadable("a dict key is not a number, a string or a tuple")
            out[key] = decode(value, depth + 1)
        return out
    if set(data) == {"__float__"} and data["__float__"] in ("nan", "inf", "-inf"):
        return float(data["__float__"])
    if set(data) == {"__object__"} and isinstance(data["__object__"], str):
        return Opaque(data["__object__"])
    if set(data) == {"__array__", "shape"}:
        import numpy as np

        shape = data["shape"]
        if not (isinstance(shape, list) and all(isinstance(n, int) and n >= 0 for n in shape)):
            raise Unreadable("an array's shape is not a list of sizes")
        try:
            array = np.array(decode(data["__array__"], depth + 1), dtype=float)
            return array.reshape(shape)
        except (ValueError, TypeError):
            raise Unreadable("an array's numbers do not fit its shape") from None
    raise Unreadable(f"unexpected data {str(data)[:80]}")


def _no_constant(name):
    raise ValueError(f"{name} is not JSON")
