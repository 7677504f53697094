"""Second derivatives by differentiating the backward pass (``create_graph=True``): the
Hessian of a small function, and a Hessian-vector product that never forms the matrix."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .graph import Node, grad

MAX_HESSIAN = 1000  # input numbers: a million entries, one backward pass through the
#                     gradient's graph per row; past it, hvp() gives H·v without the matrix


def _inputs(inputs: Node | Sequence[Node], who: str) -> list[Node]:
    inputs = [inputs] if isinstance(inputs, Node) else list(inputs)
    if not inputs:
        raise ValueError(f"{who}: no inputs; pass the Values or Tensors that f takes")
    for i, x in enumerate(inputs):
        if not isinstance(x, Node):
            raise TypeError(f"{who}: inputs[{i}] must be a Value or Tensor, got "
                            f"{type(x).__name__}")
        if not x.requires_grad:
            raise ValueError(f"{who}: inputs[{i}] does not require grad (create it with "
                             "requires_grad=True)")
    return inputs


def _scalar(out: Any, who: str) -> Node:
    if not isinstance(out, Node):
        raise TypeError(f"{who}: f must return a Value or a one-element Tensor, got "
                        f"{type(out).__name__}")
    if np.size(out._data) != 1:
        raise ValueError(f"{who}: f must return one number, got shape "
                         f"{np.shape(out._data)}; sum it or pick one element")
    return out


def hessian(f: Callable[..., Node], inputs: Node | Sequence[Node]) -> np.ndarray:
    """The matrix of second derivatives of the scalar ``f(*inputs)``, by double backprop:
    row k is the gradient of the k-th first derivative (inputs in order, each Tensor's
    elements flattened). Refused above :data:`MAX_HESSIAN` input numbers: use :func:`hvp`."""
    who = "hessian"
    inputs = _inputs(inputs, who)
    sizes = [int(np.size(x._data)) for x in inputs]
    if sum(sizes) > MAX_HESSIAN:
        raise ValueError(f"hessian: the inputs hold {sum(sizes)} numbers, a "
                         f"{sum(sizes)}×{sum(sizes)} matrix; the limit is {MAX_HESSIAN} "
                         "(use hvp(f, inputs, v) for H·v without forming the matrix)")
    out = _scalar(f(*inputs), who)
    firsts = grad(out, inputs, create_graph=True)
    rows = []
    for g, x, size in zip(firsts, inputs, sizes):
        elements = [g] if size == 1 and not isinstance(x._data, np.ndarray) else \
            [g.reshape(-1)[k] for k in range(size)]
        for element in elements:
            second = grad(element, inputs)
            rows.append(np.concatenate([np.ravel(s) for s in second]))
    return np.array(rows, dtype=np.float64)


def hvp(f: Callable[..., Node], inputs: Node | Sequence[Node], v: Any) -> list[Any]:
    """H·v, the Hessian of the scalar ``f(*inputs)`` times ``v`` (one number or array per
    input, of its shape), without forming H: the gradient of ∇f·v, two backward passes.
    One result per input, as ``grad`` gives them (a number for a Value, an array for a
    Tensor)."""
    who = "hvp"
    inputs = _inputs(inputs, who)
    vs = list(v) if isinstance(v, (list, tuple)) else [v]
    if len(vs) != len(inputs):
        raise ValueError(f"hvp: v has {len(vs)} part(s) for {len(inputs)} input(s); give one "
                         "per input")
    for i, (x, part) in enumerate(zip(inputs, vs)):
        if np.shape(part) != np.shape(x._data):
            raise ValueError(f"hvp: v[{i}] has shape {np.shape(part)}, inputs[{i}] has shape "
                             f"{np.shape(x._data)}")
    out = _scalar(f(*inputs), who)
    firsts = grad(out, inputs, create_graph=True)
    total = None
    for g, part in zip(firsts, vs):
        term = g * float(part) if not isinstance(g._data, np.ndarray) else \
            (g * np.asarray(part, dtype=g._data.dtype)).sum()
        total = term if total is None else total + term
    return grad(total, inputs)
