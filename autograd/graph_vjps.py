"""Each op's derivative as recorded ops, attached to its row of the op table.

What backward(create_graph=True) applies instead of the numeric derivatives the ops record:
each rule builds the parents' gradients from g (the result's gradient, a node) with recorded
ops, so that the gradient has a graph of its own and can be differentiated again. Slopes
that are constant where they exist (relu, abs, clip...) enter as constants: their own
derivative is 0, as in PyTorch. A Value's recorded local derivatives are numbers (a tuple);
a Tensor's are vector-Jacobian products, with ``how`` for what the rule needs.
"""

from __future__ import annotations

import math

import numpy as np

from .elementwise import ARRAY
from .ops import OPS, exponent, graph_vjp
from .select import where
from .spatial import pad
from .tensor import Tensor, scatter, stack


def _scalar(node) -> bool:
    return node._local.__class__ is tuple


def _how(node):
    return node._local.how


@graph_vjp("+")
def _add_vjp(g, node):
    return (g,) * len(node.parents)


@graph_vjp("-")
def _sub_vjp(g, node):
    return g, -g


@graph_vjp("*")
def _mul_vjp(g, node):
    a, b = node.parents
    return g * b, g * a


@graph_vjp("/")
def _div_vjp(g, node):
    b = node.parents[1]
    return g / b, -(g * node) / b


@graph_vjp("**")
def _pow_vjp(g, node):
    a, b = node.parents
    return g * b * a ** (b - 1), g * node * a.log()


@graph_vjp("**n")
def _power_vjp(g, node):
    (a,) = node.parents
    n = float(exponent(node.op))
    if n == 0:
        return (None,)
    if n == 1:
        return (g,)
    if n < 1 and np.any(np.asarray(a._data) == 0):  # inf at 0: a constant there
        return (g * _slope_of_power(a._data, n),)
    return (g * (n * a ** (n - 1)),)


def _slope_of_power(x, n):
    with np.errstate(divide="ignore"):
        return n * np.power(np.asarray(x, dtype=float), n - 1)


@graph_vjp("neg")
def _neg_vjp(g, node):
    return (-g,)


@graph_vjp("exp")
def _exp_vjp(g, node):
    return (g * node,)


@graph_vjp("log")
def _log_vjp(g, node):
    return (g / node.parents[0],)


@graph_vjp("sqrt")
def _sqrt_vjp(g, node):
    if (np.asarray(node._data) == 0).any():  # inf at 0, a constant there
        return (g * _slope_of_power(node.parents[0]._data, 0.5),)
    return (g * 0.5 / node,)


@graph_vjp("tanh")
def _tanh_vjp(g, node):
    return (g * (1 - node * node),)


@graph_vjp("sigmoid")
def _sigmoid_vjp(g, node):
    return (g * (node * (1 - node)),)


@graph_vjp("softplus")
def _softplus_vjp(g, node):
    return (g * node.parents[0].sigmoid(),)


@graph_vjp("arctan")
def _arctan_vjp(g, node):
    a = node.parents[0]
    return (g / (1 + a * a),)


@graph_vjp("sin")
def _sin_vjp(g, node):
    return (g * node.parents[0].cos(),)


@graph_vjp("cos")
def _cos_vjp(g, node):
    return (-(g * node.parents[0].sin()),)


@graph_vjp("elu")
def _elu_vjp(g, node):
    """1 where x > 0, α·e^x elsewhere: α·e^x = out + α there (a graph, so it bends)."""
    x = node.parents[0]
    if _scalar(node):
        if x._data > 0:
            return (g,)
        alpha = node._local[0] / math.exp(x._data) if math.exp(x._data) > 0 else 0.0
        return (g * (node + alpha),)
    alpha = _how(node)["alpha"]
    return (where(x._data > 0, g, g * (node + alpha)),)


@graph_vjp("relu", "leaky_relu", "abs", "clip", "step", "sign")
def _piecewise_vjp(g, node):
    """A slope that is constant where it exists: times that slope (the row's), as a
    constant."""
    if _scalar(node):
        slope = node._local[0]
        return (None,) if slope == 0 else (g * slope,)
    x = node.parents[0]._data
    params = getattr(node._local, "how", None) or {}
    slope = OPS[node.op].slope(x, node._data, ARRAY, **params)
    return (g * np.asarray(slope, dtype=x.dtype),)


@graph_vjp("@")
def _matmul_vjp(g, node):
    a, b = node.parents
    a2 = a.reshape(1, -1) if a.ndim == 1 else a
    b2 = b.reshape(-1, 1) if b.ndim == 1 else b
    g2 = g.reshape(*g.shape, 1) if b.ndim == 1 else g
    g2 = g2.reshape(*g2.shape[:-1], 1, g2.shape[-1]) if a.ndim == 1 else g2
    ga = g2 @ _swap_last(b2)
    gb = _swap_last(a2) @ g2
    ga = ga.reshape(*ga.shape[:-2], ga.shape[-1]) if a.ndim == 1 else ga
    gb = gb.reshape(*gb.shape[:-1]) if b.ndim == 1 else gb
    return ga, gb


def _swap_last(t):
    order = list(range(t.ndim))
    order[-1], order[-2] = order[-2], order[-1]
    return t.transpose(order)


def _expanded(g, node, axes, keepdims):
    """A reduction's result gradient put back on every element it combined."""
    shape = node.parents[0]._data.shape
    if not keepdims and axes is not None:
        kept = list(g.shape)
        for k in sorted(axes):
            kept.insert(k, 1)
        g = g.reshape(kept)
    elif axes is None and not keepdims:
        g = g.reshape((1,) * len(shape))
    return g + Tensor(np.zeros(shape, dtype=node.parents[0]._data.dtype))


@graph_vjp("sum")
def _sum_vjp(g, node):
    axes, keepdims = _how(node)
    return (_expanded(g, node, axes, keepdims),)


@graph_vjp("mean")
def _mean_vjp(g, node):
    axes, keepdims, scale = _how(node)
    return (_expanded(g * scale, node, axes, keepdims),)


@graph_vjp("max", "min")
def _extreme_vjp(g, node):
    axes, keepdims, share = _how(node)
    return (_expanded(g, node, axes, keepdims) * share,)


@graph_vjp("softmax")
def _softmax_vjp(g, node):
    axis = _how(node)
    return (node * (g - (g * node).sum(axis=axis, keepdims=True)),)


@graph_vjp("log_softmax")
def _log_softmax_vjp(g, node):
    axis = _how(node)
    return (g - node.exp() * g.sum(axis=axis, keepdims=True),)


@graph_vjp("reshape")
def _reshape_vjp(g, node):
    return (g.reshape(node.parents[0]._data.shape),)


@graph_vjp("transpose")
def _transpose_vjp(g, node):
    return (g.transpose(_how(node)),)


@graph_vjp("index")
def _index_vjp(g, node):
    return (scatter(g, _how(node), node.parents[0]._data.shape),)


@graph_vjp("scatter")
def _scatter_vjp(g, node):
    return (g[_how(node)],)


@graph_vjp("concatenate")
def _concatenate_vjp(g, node):
    axis, bounds = _how(node)
    return tuple(g[(slice(None),) * axis + (slice(start, end),)] for start, end in bounds)


@graph_vjp("stack")
def _stack_vjp(g, node):
    axis = _how(node)
    return tuple(g[(slice(None),) * axis + (k,)] for k in range(len(node.parents)))


@graph_vjp("pad")
def _pad_vjp(g, node):
    return (g[_how(node)],)


@graph_vjp("where")
def _where_vjp(g, node):
    condition = _how(node)
    return where(condition, g, 0.0), where(condition, 0.0, g)


@graph_vjp("maximum", "minimum")
def _select_vjp(g, node):
    a, b = (p._data for p in node.parents)
    wins = np.greater if node.op == "maximum" else np.less
    weight_a = np.where(wins(a, b), 1.0, np.where(a == b, 0.5, 0.0))
    weight_b = np.where(wins(b, a), 1.0, np.where(a == b, 0.5, 0.0))
    return g * weight_a, g * weight_b


@graph_vjp("max_pool2d", "avg_pool2d")
def _pool_vjp(g, node):
    """Each kernel offset's share of g, put back on its pixels (scatter adds overlaps)."""
    places, weights = _how(node)
    shape = node.parents[0]._data.shape
    parts = [scatter(g * weight, where, shape) for where, weight in zip(places, weights())]
    total = parts[0]
    for part in parts[1:]:
        total = total + part
    return (total,)


@graph_vjp("conv2d")
def _conv2d_vjp(g, node):
    """For each kernel offset (i, j): dW[:, :, i, j] = g · (the input's pixels under it),
    and those pixels get W[:, :, i, j]ᵀ · g; all as recorded ops (@, slices, scatter)."""
    x, w = node.parents[:2]
    (stride_h, stride_w), (pad_h, pad_w) = _how(node)
    n, c, h, wd = x._data.shape
    o, _, kh, kw = w._data.shape
    _, _, oh, ow = g.shape
    xp = pad(x, ((0, 0), (0, 0), (pad_h, pad_h), (pad_w, pad_w))) if pad_h or pad_w else x
    g2 = g.transpose(1, 0, 2, 3).reshape(o, n * oh * ow)  # (O, N·OH·OW)
    dw, dx = [], None
    for i in range(kh):
        for j in range(kw):
            where = (slice(None), slice(None), slice(i, i + stride_h * (oh - 1) + 1, stride_h),
                     slice(j, j + stride_w * (ow - 1) + 1, stride_w))
            under = xp[where].transpose(1, 0, 2, 3).reshape(c, n * oh * ow)
            dw.append(g2 @ under.transpose(1, 0))  # (O, C)
            back = (w[:, :, i, j].transpose(1, 0) @ g2).reshape(c, n, oh, ow)
            part = scatter(back.transpose(1, 0, 2, 3), where, xp._data.shape)
            dx = part if dx is None else dx + part
    grad_w = stack(dw, axis=-1).reshape(o, c, kh, kw)
    if pad_h or pad_w:
        dx = dx[:, :, pad_h:pad_h + h, pad_w:pad_w + wd]
    grads = (dx, grad_w)
    return (*grads, g.sum(axis=(0, 2, 3))) if len(node.parents) == 3 else grads


@graph_vjp("cross_entropy")
def _cross_entropy_vjp(g, node):
    """(softmax(z)·Σy − y) / n, with the softmax recorded."""
    (z,) = node.parents
    y, n = _how(node)
    z2 = z.reshape(1, -1) if z.ndim == 1 else z
    p = z2.softmax(axis=1)
    if y.ndim == 1:
        target = np.zeros(z2.shape, dtype=z._data.dtype)
        target[np.arange(len(y)), y] = 1.0
        grad = (p - target) / n
    else:
        grad = (p * y.sum(axis=1, keepdims=True) - y) / n
    return ((grad.reshape(z._data.shape)) * g,)


# ---------------------------------------------------------------- lookups
