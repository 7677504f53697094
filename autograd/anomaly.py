"""``detect_anomaly``: the first nan or inf, found where it is made, forward or backward.

The graph core knows nothing of these checks: inside :func:`detect_anomaly` the recording
state carries :data:`CHECKS`, and the core calls its two hooks, one when an op records its
result and one when the backward pass reaches a node. Outside the block neither runs, and
nan and inf propagate by IEEE 754 rules, as in numpy and PyTorch.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .graph import Node, edge_grad, state_changed


def detect_anomaly():
    """Inside this block, the first op whose value is nan or inf, and the first backward step
    whose gradient is, raises ``FloatingPointError`` naming the op and its inputs.

    As ``torch.autograd.detect_anomaly``: slower (every result is checked, and each
    gradient is computed twice: once to check it, once by the pass), for debugging.
    """
    return state_changed(anomaly=CHECKS)


class _Checks:
    """The hooks the graph core calls while :func:`detect_anomaly` is on."""

    @staticmethod
    def recorded(node: Node) -> None:
        """An op's result, just recorded: refused if it is not finite."""
        if node.op and not finite(node._data):
            raise FloatingPointError(f"detect_anomaly: {node.op} made {what(node._data)} from "
                                     f"{' and '.join(describe(p) for p in node.parents)}")

    @staticmethod
    def reached(node: Node, g: Any) -> None:
        """The backward pass reached ``node`` with gradient ``g`` and is about to pass it on:
        each gradient it will pass, computed by the same per-wire rule, must be finite. (A
        vjp's shape is checked where vjps are made: ``tensor_op`` checks yours.)"""
        if not finite(g):  # each part was checked when it was passed on: their sum overflowed
            raise FloatingPointError(f"detect_anomaly: the gradients arriving at {describe(node)}"
                                     f" add up to {what(g)}")
        for i, parent in enumerate(node.parents):
            if not parent._requires_grad:
                continue
            r = edge_grad(node, i, g)
            if not finite(r):
                name = parent.label or f"input {i} ({describe(parent)})"
                raise FloatingPointError(
                    f"detect_anomaly: the gradient of {node.op} with respect to {name} is "
                    f"{what(r)}; the gradient arriving at {node.op} was {_what_or_value(g)}")


CHECKS = _Checks()


def finite(x: Any) -> bool:
    if isinstance(x, float):
        return math.isfinite(x)
    return bool(np.isfinite(x).all())


def what(x: Any) -> str:
    """'nan', 'inf', or how many elements of an array are which."""
    if isinstance(x, float):
        return str(x).replace("-", "")
    bad = ~np.isfinite(x)
    return (f"{'nan' if np.isnan(x).any() else 'inf'} in {int(bad.sum())} of {x.size} "
            "element(s)")


def describe(node: Node) -> str:
    """A node as a person would name it: label, value (or shape), and where it came from."""
    data = node._data
    value = f"{data:g}" if isinstance(data, float) else f"shape {tuple(data.shape)}"
    name = f"{node.label} = {value}" if node.label else value
    return f"{name} ({'made by ' + node.op if node.op else 'a leaf'})"


def _what_or_value(g: Any) -> str:
    if finite(g):
        return f"{g:g}" if isinstance(g, float) else "finite"
    return what(g)
