"""Softmax cross-entropy as one node: the loss every classifier of the labs trains with.

One node rather than softmax, log and a mean: its gradient is (softmax(z) − onehot(y)) /
examples, computed from the exponentials the forward pass made, and a label outside the
classes is refused as the targets are gathered. ``nn.losses.cross_entropy`` calls it for
Tensors; the op table's ``cross_entropy`` row (and ``graph_vjp``) describe it.
"""

from __future__ import annotations

import functools

import numpy as np

from .tensor import Tensor, result_node

_add_up, _row_max = np.add.reduce, np.maximum.reduce  # (ufunc reductions: no Python wrapper)


def fused_cross_entropy(logits: Tensor, y: np.ndarray) -> Tensor:
    """Softmax cross-entropy as one node: mean over examples of log Σ e^z − Σ y·z.

    ``logits`` has shape (examples, classes) or (classes,); ``y`` holds integer class indices
    (examples,), checked here as they are gathered, or rows of target probabilities
    (examples, classes), which ``nn.losses.cross_entropy`` checks. Its VJP is
    (softmax(z)·Σy − y) / examples.
    """
    z = logits._data
    shape, dtype = z.shape, z.dtype  # (each numpy attribute read makes an object: read once)
    if len(shape) == 2:
        n, k = shape
        z2 = z
    else:
        n, k = 1, shape[-1]
        z2 = z.reshape(1, k)
    shifted = z2 - _row_max(z2, axis=1, keepdims=True)  # (ufunc reductions: no wrapper)
    e = np.exp(shifted)
    total = _add_up(e, axis=1, keepdims=True)
    log_total = np.log(total)
    if y.ndim == 1:  # class indices: loss = mean of log Σ e^z − z[y], both terms >= 0 here
        picked = _flat_targets(y, n, k)  # each example's target, in the flat array
        loss = np.add.reduce(log_total.reshape(-1) - shifted.take(picked)) / n
        total *= n
        grad = np.divide(e, total, out=e)  # softmax / n, from the exponentials already made
        grad.reshape(-1)[picked] -= 1 / n
    else:  # one row of target probabilities per example
        log_p = shifted - log_total
        with np.errstate(invalid="ignore"):  # 0·log 0 counts as 0, as in Σ y log p
            loss = -np.where(y > 0, y * log_p, 0.0).sum() / n
        grad = ((e / total) * y.sum(axis=1, keepdims=True) - y) / n
    if z2 is not z or grad.dtype != dtype:  # float32 stays float32
        grad = grad.reshape(shape).astype(dtype, copy=False)
    return result_node(np.asarray(loss, dtype=dtype), "cross_entropy", (logits,),
                       [lambda g: g * grad], how=(y, n))


def _flat_targets(y: np.ndarray, n: int, k: int) -> np.ndarray:
    """Where each example's target class lies in the flat (n, k) array, from class indices of
    any integer dtype; a label outside 0..k-1 is an error naming it, never another example's
    logit. (One C call that checks as it computes: every training step makes it.)"""
    try:
        return np.ravel_multi_index((_rows(n), y), (n, k))
    except ValueError:
        if y.shape != (n,):
            raise ValueError(f"cross_entropy: {n} examples but targets of shape {y.shape}"
                             ) from None
        raise outside_classes(y, k, "cross_entropy") from None


def outside_classes(labels: np.ndarray, k: int, name: str) -> ValueError:
    """The error for class indices of which some lie outside 0..k-1: it names the first."""
    bad = labels[(labels < 0) | (labels >= k)]
    return ValueError(f"{name}: target {int(bad[0])} is outside the {k} classes 0..{k - 1}")


@functools.lru_cache(maxsize=16)
def _rows(n: int) -> np.ndarray:
    """0..n-1, kept: every training step of a model asks for the same one."""
    rows = np.arange(n)
    rows.flags.writeable = False
    return rows
