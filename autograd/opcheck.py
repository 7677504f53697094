"""Blame a wrong derivative: check every op of a graph on its own.

``gradcheck`` says whether a final gradient is right. When it is not, ``check_ops(root)``
says *which op* is wrong: each node's recorded local derivative (a Value's number, a
Tensor's vector-Jacobian product) is compared with central differences of that op alone,
re-evaluated at its parents' values ± eps. Built-in ops are re-evaluated through the op
table; an op made by ``value_op``/``tensor_op`` needs its ``forward=`` function, and one
recorded without it is reported as not checkable, never as passed.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import ops
from .graph import Node, edge_grad, forward_order, local_derivative


@dataclass
class OpCheckRow:
    """One input of one op: the derivative recorded and the one measured, and the verdict
    (``ok`` is None when the op cannot be re-evaluated)."""

    node: Any
    name: str
    op: str
    input: int
    recorded: float | None
    numeric: float | None
    ok: bool | None
    note: str = ""


class OpCheckReport:
    """Truthy only when every op was checked and every derivative agrees."""

    def __init__(self, rows: list[OpCheckRow]) -> None:
        self.rows = rows

    def __bool__(self) -> bool:
        return all(row.ok for row in self.rows)

    @property
    def wrong(self) -> list[OpCheckRow]:
        return [row for row in self.rows if row.ok is False]

    @property
    def not_checkable(self) -> list[OpCheckRow]:
        return [row for row in self.rows if row.ok is None]

    def marks(self) -> dict[int, dict]:
        """For ``viz.draw_graph(root, check=report)``: wrong ops filled red and noted."""
        found: dict[int, dict] = {}
        for row in self.rows:
            if row.ok is False:
                found[id(row.node)] = {"fill": "#f5b7b1", "note": (
                    f'<font color="#b03a2e">✗ ∂/∂input {row.input}: {row.recorded:.4g} '
                    f"recorded, {row.numeric:.4g} measured</font>")}
            elif row.ok is None and id(row.node) not in found:
                found[id(row.node)] = {"fill": "#eeeeee"}
        return found

    def __str__(self) -> str:
        good = sum(row.ok is True for row in self.rows)
        lines = [f"check_ops: {good} of {len(self.rows)} local derivatives agree with central "
                 f"differences; {len(self.wrong)} wrong, {len(self.not_checkable)} not checkable"]
        for row in self.rows:
            verdict = {True: "ok", False: "WRONG", None: "not checkable"}[row.ok]
            numbers = ("" if row.recorded is None else
                       f"recorded {row.recorded:.6g}, measured {row.numeric:.6g}")
            lines.append(f"  {row.name} ({row.op}), input {row.input}: {verdict}  {numbers}"
                         f"{'  ' + row.note if row.note else ''}")
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        return "<pre>" + html.escape(str(self)) + "</pre>"


def check_ops(root: Node, eps: float = 1e-6, rtol: float = 1e-4, atol: float = 1e-6,
              seed: int = 0) -> OpCheckReport:
    """Check every op in the graph of ``root`` on its own (see the module's docstring).

    For a Tensor op the check is along a random direction (``seed``): r · (f(x + eps·v) −
    f(x − eps·v)) / 2eps against (vjp(r)) · v, which a wrong VJP fails in any column.
    """
    if not isinstance(root, Node):
        raise TypeError(f"check_ops needs a Value or Tensor, got {type(root).__name__}")
    rng = np.random.default_rng(seed)
    rows = []
    for node in forward_order(root):
        if not node.parents:
            continue
        name = node.label or ops.symbol(node.op)
        forward = _forward(node)
        for i, parent in enumerate(node.parents):
            if not parent.requires_grad:
                continue
            if forward is None:
                why = ("made by value_op/tensor_op without forward=" if ops.lookup(node.op)
                       is None else "its parameters are not recorded")
                rows.append(OpCheckRow(node, name, node.op, i, None, None, None, why))
                continue
            recorded, numeric = _compare(node, i, forward, eps, rng)
            ok = abs(recorded - numeric) <= atol + rtol * abs(numeric)
            rows.append(OpCheckRow(node, name, node.op, i, recorded, numeric, bool(ok)))
    return OpCheckReport(rows)


def _forward(node: Node) -> Callable[..., Any] | None:
    """The function of the parents' data that computes ``node``, if it can be known."""
    custom = getattr(node, "forward", None)
    if custom is not None:
        return custom
    op = ops.lookup(node.op)
    if op is None:
        return None
    exponent = ops.exponent(node.op)
    if exponent is not None:
        return lambda x: op.reference(x, n=float(exponent))
    if op.name == "+" and len(node.parents) > 2:
        return lambda *xs: sum(xs)
    if op.kind == "reduction" and np.ndim(node._data) == 0:  # over every axis: no parameter
        return op.reference
    if op.params or op.kind not in ("elementwise", "binary", "matrix"):
        return None  # its parameters (alpha, bounds, axis …) are not recorded on the node
    return op.reference


def _compare(node: Node, i: int, forward: Callable, eps: float, rng) -> tuple[float, float]:
    datas = [p._data for p in node.parents]
    if isinstance(node._data, float):
        def at(x: float) -> float:
            args = list(datas)
            args[i] = x
            return float(forward(*args))

        x = datas[i]
        numeric = (at(x + eps) - at(x - eps)) / ((x + eps) - (x - eps))
        return float(local_derivative(node, i)), numeric
    x = np.asarray(datas[i], dtype=np.float64)
    v = rng.standard_normal(x.shape)
    r = rng.standard_normal(np.shape(node._data))

    def at(shift: float) -> np.ndarray:
        args = [np.asarray(d, dtype=np.float64) for d in datas]
        args[i] = x + shift * v
        return np.asarray(forward(*args), dtype=np.float64)

    numeric = float(np.sum(r * (at(eps) - at(-eps))) / (2 * eps))
    recorded = float(np.sum(np.asarray(edge_grad(node, i, r.astype(node._data.dtype))) * v))
    return recorded, numeric
