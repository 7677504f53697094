"""Losses, each called as ``loss(prediction, target)``, for Values and Tensors alike.

``prediction`` is a Tensor, or Values: one Value, a list (one example's outputs, or one
output per example), or a list of lists (examples × outputs). ``target`` is a Tensor, a
numpy array or numbers, of the same shape (class losses take class indices instead).
Every loss is a mean over the elements (or, for the class losses, over the examples).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from autograd import Node, Tensor, Value
from autograd.cross_entropy import fused_cross_entropy, outside_classes
from autograd.graph import in_scope

EPSILON = 1e-7  # how far binary_cross_entropy keeps probabilities from 0 and 1 (as Keras)


class LossScope:
    """What a loss's nodes record as their scope: diagrams draw all of them as one gate
    named ``gate`` (as the labs draw a loss block), unless asked to expand it."""

    def __init__(self, name: str, gate: str) -> None:
        self.name, self.gate = name, gate

    def __repr__(self) -> str:
        return f"LossScope({self.name!r})"


def drawn_as(gate: str, name: str | None = None) -> Callable[[Callable], Callable]:
    """Record every node a loss makes under one :class:`LossScope` (kept as the function's
    ``scope``), so that it is drawn as a single gate named ``gate``."""
    def wrap(loss: Callable) -> Callable:
        scope = LossScope(name or loss.__name__, gate)

        @functools.wraps(loss)
        def recorded(*args: Any, **kwargs: Any) -> Any:
            return in_scope(scope, loss, *args, **kwargs)
        recorded.scope = scope  # type: ignore[attr-defined]
        return recorded
    return wrap


@drawn_as("MSE")
def mse(prediction: Any, target: Any) -> Any:
    """Mean squared error: mean of (ŷ − y)²."""
    p, y = _pair(prediction, target, "mse")
    if isinstance(p, Tensor):
        d = p - y
        return (d * d).mean()
    return _mean([(pi - yi) ** 2 for pi, yi in zip(p, y)])


@drawn_as("½(ŷ−y)²")
def half_squared_error(prediction: Any, target: Any) -> Any:
    """Mean of ½(ŷ − y)², seed 001's error: its derivative is simply ŷ − y."""
    p, y = _pair(prediction, target, "half_squared_error")
    if isinstance(p, Tensor):
        d = p - y
        return (d * d).mean() * 0.5
    return _mean([0.5 * (pi - yi) ** 2 for pi, yi in zip(p, y)])


@drawn_as("BCE")
def binary_cross_entropy(prediction: Any, target: Any, epsilon: float = EPSILON) -> Any:
    """−[y log p + (1−y) log(1−p)] for probabilities p (say, after a sigmoid).

    p is clipped to [epsilon, 1 − epsilon] first, so p = 0 or 1 gives a large finite loss,
    never inf or nan (and no gradient flows where p was clipped).
    """
    p, y = _pair(prediction, target, "binary_cross_entropy")
    _check_in(y, 0.0, 1.0, "binary_cross_entropy", "targets")
    if isinstance(p, Tensor):
        q = p.clip(epsilon, 1 - epsilon)
        return -(y * q.log() + (1 - y) * (1 - q).log()).mean()
    terms = []
    for pi, yi in zip(p, y):
        q = pi.clip(epsilon, 1 - epsilon)
        terms.append(-(yi * q.log() + (1 - yi) * (1 - q).log()))
    return _mean(terms)


@drawn_as("BCE (logits)")
def binary_cross_entropy_with_logits(prediction: Any, target: Any) -> Any:
    """Binary cross-entropy of σ(z) for logits z, computed as softplus(z) − y·z: stable for
    any z, and its gradient is exactly σ(z) − y."""
    z, y = _pair(prediction, target, "binary_cross_entropy_with_logits")
    _check_in(y, 0.0, 1.0, "binary_cross_entropy_with_logits", "targets")
    if isinstance(z, Tensor):
        return (z.softplus() - z * y).mean()
    return _mean([zi.softplus() - zi * yi for zi, yi in zip(z, y)])


def cross_entropy(logits: Any, target: Any) -> Any:
    """Softmax cross-entropy from logits: mean over examples of log Σ e^z − z[target].

    ``logits`` has shape (examples, classes), or (classes,) for one example; ``target`` holds
    class indices, or one row of probabilities (one-hot) per example. For Tensors it is one
    fused node whose gradient is (softmax(z) − onehot(y)) / examples.
    """
    if isinstance(logits, Tensor):
        shape = logits.shape
        if len(shape) not in (1, 2):
            raise ValueError(f"cross_entropy: logits must have shape (examples, classes) or "
                             f"(classes,), got {shape}")
        n = shape[0] if len(shape) == 2 else 1
        if target.__class__ is np.ndarray and target.shape == (n,) and \
                target.dtype.kind in "iu":
            labels = target  # integer labels, the common case: the fused node checks them
        else:
            labels = _class_targets(target, shape, "cross_entropy")
        loss = fused_cross_entropy(logits, labels)
        loss.scope = _value_cross_entropy.scope  # its one node, stamped as the loss's gate
        return loss  # (as entering the scope would, without entering it: every step)
    return _value_cross_entropy(logits, target)


@drawn_as("CE", name="cross_entropy")
def _value_cross_entropy(logits: Any, target: Any) -> Any:
    """cross_entropy on Values: the nodes of log Σ e^z − z[target], row by row."""
    rows = _value_rows(logits, "cross_entropy")
    probs = _one_hot(_class_targets(target, _value_shape(logits, rows), "cross_entropy"),
                     len(rows[0]))
    losses = []
    for row, p in zip(rows, probs):
        m = max(v.data for v in row)  # shifting by a constant changes nothing but overflow
        log_sum = Value.sum([(v - m).exp() for v in row]).log() + m
        losses.append(Value.sum([float(pk) * (log_sum - v) for v, pk in zip(row, p) if pk]))
    return _mean(losses)


@drawn_as("hinge")
def hinge(scores: Any, target: Any, margin: float = 1.0) -> Any:
    """The SVM loss of seed 004. With a class axis (examples × classes, class-index targets):
    mean over examples of Σ_{j ≠ y} max(0, s_j − s_y + margin). Without one (one score per
    example, targets ±1): mean of max(0, margin − y·s)."""
    if isinstance(scores, Tensor) and scores.ndim == 2 and scores.shape[1] > 1:
        onehot = _one_hot(_class_targets(target, scores.shape, "hinge"), scores.shape[1])
        onehot = onehot.astype(scores.dtype)
        correct = (scores * onehot).sum(axis=1, keepdims=True)
        margins = (scores - correct + margin).relu() * (1 - onehot)
        return margins.sum(axis=1).mean()
    if not isinstance(scores, Tensor) and _has_class_axis(scores):
        rows = _value_rows(scores, "hinge")
        onehot = _one_hot(_class_targets(target, _value_shape(scores, rows), "hinge"),
                          len(rows[0]))
        losses = []
        for row, hot in zip(rows, onehot):
            y = int(np.argmax(hot))
            losses.append(Value.sum([(s - row[y] + margin).relu()
                                     for j, s in enumerate(row) if j != y]))
        return _mean(losses)
    s, y = _pair(scores, target, "hinge")
    values = np.unique(y.data if isinstance(y, Tensor) else np.asarray(y))
    if not np.isin(values, (-1.0, 1.0)).all():
        raise ValueError(f"hinge with one score per example needs targets -1 or 1, got "
                         f"{values.tolist()}")
    if isinstance(s, Tensor):
        return (margin - s * y).relu().mean()
    return _mean([(margin - si * yi).relu() for si, yi in zip(s, y)])


@drawn_as("L2")
def l2(parameters: Iterable[Node], lam: float = 1e-3) -> Any:
    """The L2 penalty lam · Σ p² over every number in ``parameters`` (add it to a loss)."""
    params = list(parameters)
    if not params:
        raise ValueError("l2 needs at least one parameter")
    terms = [(p * p).sum() if isinstance(p, Tensor) else p * p for p in params]
    total = terms[0]
    for term in terms[1:]:
        total = total + term
    return total * lam


# ---------------------------------------------------------------- shapes and targets


def _pair(prediction: Any, target: Any, name: str) -> tuple[Any, Any]:
    """Prediction and target of one shape: (Tensor, array) or (list of Values, list of floats)."""
    if isinstance(prediction, Tensor):
        y = np.asarray(target.data if isinstance(target, Node) else target,
                       dtype=prediction.dtype)
        if y.shape != prediction.shape:
            hint = " (reshape the target, e.g. y.reshape(-1, 1))" \
                if y.size == prediction.size else ""
            raise ValueError(f"{name}: prediction shape {prediction.shape} and target shape "
                             f"{y.shape} differ{hint}")
        return prediction, y
    values = _flat_values(prediction, name)
    y = np.asarray(target.data if isinstance(target, Node) else target, dtype=np.float64)
    if y.size != len(values) or y.ndim > 2:
        raise ValueError(f"{name}: {len(values)} predictions and a target of shape {y.shape} "
                         "differ")
    return values, y.ravel().tolist()


def _flat_values(prediction: Any, name: str) -> list[Value]:
    if isinstance(prediction, Value):
        return [prediction]
    if isinstance(prediction, list | tuple):
        flat = [v for item in prediction
                for v in (item if isinstance(item, list | tuple) else [item])]
        if flat and all(isinstance(v, Value) for v in flat):
            return flat
    raise TypeError(f"{name}: prediction must be a Tensor, a Value, or lists of Values, "
                    f"got {type(prediction).__name__}")


def _has_class_axis(prediction: Any) -> bool:
    return isinstance(prediction, list | tuple) and bool(prediction) and \
        isinstance(prediction[0], list | tuple)


def _value_rows(logits: Any, name: str) -> list[list[Value]]:
    rows = [list(r) for r in logits] if _has_class_axis(logits) else [_flat_values(logits, name)]
    if any(len(r) != len(rows[0]) for r in rows) or not all(
            isinstance(v, Value) for r in rows for v in r):
        raise TypeError(f"{name}: logits must be lists of Values of one length per example")
    return rows


def _value_shape(logits: Any, rows: list[list[Value]]) -> tuple[int, ...]:
    return (len(rows), len(rows[0])) if _has_class_axis(logits) else (len(rows[0]),)


def _class_targets(target: Any, shape: tuple[int, ...], name: str) -> np.ndarray:
    """Checked targets: class indices of shape (examples,), or, when given as rows, target
    probabilities (one-hot) of shape (examples, classes)."""
    n, k = (1, shape[0]) if len(shape) == 1 else shape
    y = np.asarray(target.data if isinstance(target, Node) else target)
    if y.dtype.kind == "f" and y.shape == tuple(shape) and k > 1:
        return _distributions(y.reshape(n, k).astype(np.float64), name)  # one-hot or soft
    labels = y.reshape(-1)
    if labels.size != n:
        raise ValueError(f"{name}: {n} examples but {labels.size} targets "
                         f"(target shape {y.shape})")
    if labels.dtype.kind == "f":
        if not np.all(labels == np.round(labels)):
            raise ValueError(f"{name}: targets must be class indices or one-hot rows, got "
                             f"non-integer values")
        labels = labels.astype(np.int64)
    if labels.dtype.kind not in "iu":
        raise TypeError(f"{name}: targets must be class indices, got dtype {labels.dtype}")
    if labels.size and (labels.min() < 0 or labels.max() >= k):
        raise outside_classes(labels, k, name)
    return labels


def _distributions(rows: np.ndarray, name: str) -> np.ndarray:
    """Target rows that are probability distributions (>= 0, summing to 1), or an error: the
    loss Σ -y log p has the gradient softmax(z)·Σy - y only for such rows."""
    negative = np.argwhere(rows < 0)
    if negative.size:
        i, j = negative[0]
        raise ValueError(f"{name}: target probabilities must be >= 0; row {i} has "
                         f"{rows[i, j]:g} in column {j}")
    sums = rows.sum(axis=1)
    off = np.flatnonzero(~np.isclose(sums, 1.0, rtol=0, atol=1e-6))
    if off.size:
        i = off[0]
        raise ValueError(f"{name}: each row of target probabilities must sum to 1; row {i} "
                         f"sums to {sums[i]:g} ({off.size} row(s) do not)")
    return rows


def _one_hot(targets: np.ndarray, k: int) -> np.ndarray:
    if targets.ndim == 2:
        return targets
    onehot = np.zeros((len(targets), k))
    onehot[np.arange(len(targets)), targets] = 1.0
    return onehot


def _check_in(y: Any, low: float, high: float, name: str, what: str) -> None:
    values = np.asarray(y)
    if values.size and (values.min() < low or values.max() > high):
        raise ValueError(f"{name}: {what} must lie in [{low:g}, {high:g}], got values from "
                         f"{values.min():g} to {values.max():g}")


def _mean(terms: list[Value]) -> Value:
    return Value.sum(terms) / len(terms)
