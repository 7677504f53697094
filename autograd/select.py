"""Ops that choose, element by element, between two Tensors: ``where``, ``maximum`` and
``minimum``. Operands broadcast as in numpy; numbers and arrays are taken as constants.

At a tie, ``maximum`` and ``minimum`` give each operand half of the gradient, as ``max``
and ``min`` share it between tied elements (PyTorch does the same for these two).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .tensor import Tensor, as_operand, broadcasting, result_node, unbroadcast


def _pair(a: Any, b: Any, op: str) -> tuple[Tensor, Tensor]:
    like = a if isinstance(a, Tensor) else b if isinstance(b, Tensor) else None
    if like is None:
        raise TypeError(f"{op}: at least one operand must be a Tensor, got "
                        f"{type(a).__name__} and {type(b).__name__}")
    ta, tb = as_operand(a, like), as_operand(b, like)
    for name, given, made in (("first", a, ta), ("second", b, tb)):
        if made is None:
            raise TypeError(f"{op}: the {name} operand must be a Tensor, a number or an "
                            f"array, got {type(given).__name__}")
    return ta, tb


def where(condition: Any, a: Any, b: Any) -> Tensor:
    """``a`` where ``condition`` is true, else ``b`` (as ``np.where``). ``condition`` is a
    boolean array (or a Tensor of booleans); it carries no gradient. The gradient goes to
    ``a`` where the condition holds and to ``b`` elsewhere."""
    cond = np.asarray(condition._data if isinstance(condition, Tensor) else condition)
    if cond.dtype != np.bool_:
        raise TypeError(f"where: the condition must be booleans (say x.data > 0), got dtype "
                        f"{cond.dtype}")
    ta, tb = _pair(a, b, "where")
    try:
        out = np.where(cond, ta._data, tb._data)
    except ValueError:
        raise ValueError(f"where: shapes {cond.shape}, {ta.shape} and {tb.shape} do not "
                         f"broadcast together") from None
    out = out.astype(np.result_type(ta._data, tb._data), copy=False)
    return result_node(out, "where", (ta, tb),
                       [lambda g: unbroadcast(np.where(cond, g, 0).astype(g.dtype), ta.shape),
                    lambda g: unbroadcast(np.where(cond, 0, g).astype(g.dtype), tb.shape)],
                       how=cond)


def _extreme(a: Any, b: Any, op: str, ufunc: Any, wins: Any) -> Tensor:
    ta, tb = _pair(a, b, op)
    out = broadcasting(ufunc, op, ta, tb)

    def share(first: bool):
        def vjp(g: np.ndarray) -> np.ndarray:
            x, y = (ta._data, tb._data) if first else (tb._data, ta._data)
            weight = np.where(wins(x, y), 1.0, np.where(x == y, 0.5, 0.0))
            return unbroadcast((g * weight).astype(g.dtype, copy=False),
                               (ta if first else tb).shape)
        return vjp

    return result_node(out, op, (ta, tb), [share(True), share(False)])


def maximum(a: Any, b: Any) -> Tensor:
    """The larger of ``a`` and ``b``, element by element (ties share the gradient)."""
    return _extreme(a, b, "maximum", np.maximum, np.greater)


def minimum(a: Any, b: Any) -> Tensor:
    """The smaller of ``a`` and ``b``, element by element (ties share the gradient)."""
    return _extreme(a, b, "minimum", np.minimum, np.less)
