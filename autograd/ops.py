"""The table of ops: one entry per operation, with everything the rest of the library needs
to know about it. Nothing else keeps its own list of ops.

This table says *what each op is*: the name nodes record, the gate drawn for it, its
derivative written as a formula for :func:`viz.explain`, whether it is an activation, where
it is defined and smooth, its convention at a kink, a numpy reference for the tests, and
the PyTorch function that computes the same thing. For each function of one number (tanh,
sigmoid, relu...) it also holds the math, once: the value (``forward``) and, beside it, the
derivative (``slope``), which :class:`autograd.Value` applies to a float and
:class:`autograd.Tensor` to an array. The arithmetic operators and the array ops keep their
math in their methods, value and derivative side by side.

The renderer, ``explain``, the expression parser, ``nn.activations`` and the tests all read
the table; a test fails when an op is missing here, or when Value and Tensor do not both
offer an elementwise op.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

INF = math.inf


@dataclass(frozen=True)
class Op:
    """What is known about one operation."""

    name: str  # the name nodes record in ``.op``
    kind: str  # "elementwise" (one operand), "binary", "matrix", "reduction", "shape", "join",
    #           "select", "image", "softmax" or "loss"
    symbol: str  # the text of its gate in a diagram
    formulas: tuple[str, ...]  # d result / d operand k, written with {a}, {b} (operands), {n}
    reference: Callable[..., Any]  # the same op in plain numpy, for the tests
    torch: str  # the PyTorch function that computes the same op
    method: str | None = None  # the Value/Tensor method that records it (None: an operator)
    params: dict[str, float] = field(default_factory=dict)  # numeric parameters, defaults
    activation: bool = False  # offered by name as a layer's activation
    domain: tuple[float, float] = (-INF, INF)  # where it is defined (open at a finite end)
    kinks: tuple[float, ...] = ()  # points where the derivative is a convention ...
    convention: str = ""  # ... and which one
    value: bool = True  # offered on Value
    tensor: bool = True  # offered on Tensor
    # a function of one number: its value, forward(x, m, **params), and its derivative,
    # slope(x, y, m, **params) with y the value; m is autograd.elementwise's NUMBER (a
    # Value's float) or ARRAY (a Tensor's array). Value's and Tensor's methods apply these.
    forward: Callable[..., Any] | None = None
    slope: Callable[..., Any] | None = None
    # its derivative as recorded ops, for create_graph=True: graph_vjp(g, node) gives the
    # gradient of each parent as a node (None: no gradient), from the gradient node g of the
    # result; attached below the table by @graph_vjp (None: not differentiable twice yet)
    graph_vjp: Callable[..., tuple] | None = None


OPS: dict[str, Op] = {}


def register(op: Op) -> Op:
    if op.name in OPS:
        raise ValueError(f"op {op.name!r} is registered twice")
    OPS[op.name] = op
    return op


def _sigmoid(x):
    return 0.5 * (1 + np.tanh(0.5 * np.asarray(x, dtype=np.float64)))


def _softmax(x, axis=-1):
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _cross_entropy(z, y):
    z2 = np.atleast_2d(z)
    log_p = np.log(_softmax(z2, axis=1))
    y = np.atleast_1d(y)
    return -log_p[np.arange(len(y)), y].mean()


def _unary(name: str, symbol: str, formula: str, reference, torch: str, **facts: Any) -> None:
    register(Op(name, "elementwise", symbol, (formula,), reference, torch,
                method=facts.pop("method", name), **facts))


def _log(x, m):
    m.check(x > 0, "log", "x > 0", x)
    return m.log(x)


def _sqrt(x, m):
    m.check(x >= 0, "sqrt", "x >= 0", x)
    return m.sqrt(x)


def _sigmoid_rule(x, m):
    """σ(x) = 1 / (1 + e^-x), written so that no exp overflows, for any x."""
    e = m.exp(-m.abs(x))
    return m.where(x >= 0, 1 / (1 + e), e / (1 + e))


def _zero_but_nan(x, m):
    """The slope of a flat op (step, sign): 0, and nan where x is nan."""
    return m.where(m.isnan(x), x, 0.0)


# ---------------------------------------------------------------- binary arithmetic
# (Value and Tensor; for Tensors the operands broadcast)

register(Op("+", "binary", "+", ("1", "1"), np.add, "torch.add", method="__add__"))
register(Op("-", "binary", "−", ("1", "−1"), np.subtract, "torch.sub", method="__sub__"))
register(Op("*", "binary", "×", ("{b}", "{a}"), np.multiply, "torch.mul", method="__mul__"))
register(Op("/", "binary", "÷", ("1/{b}", "−{a}/{b}²"), np.divide, "torch.div",
            method="__truediv__", kinks=(0.0,), convention="x / 0 raises ZeroDivisionError"))
register(Op("**", "binary", "xʸ", ("{b}·{a}^({b}−1)", "{a}^{b}·ln {a}"), np.power, "torch.pow",
            method="__pow__", domain=(0.0, INF),
            convention="an exponent that needs a gradient needs a positive base"))

# ---------------------------------------------------------------- functions of each element

# Each row: what the op is, then its rules: the value (forward) and, beside it, the
# derivative (slope), applied by Value's and Tensor's methods alike.

_unary("neg", "−", "−1", np.negative, "torch.neg", method="__neg__",
       forward=lambda x, m: -x, slope=lambda x, y, m: -1.0)
_unary("**n", "xⁿ", "{n}·{a}^({n}−1)", lambda x, n: np.power(x, n), "torch.pow",
       method="__pow__", params={"n": 2.0}, kinks=(0.0,),
       convention="at x = 0: 0 for n = 0 or n > 1, 1 for n = 1, inf for 0 < n < 1")
_unary("exp", "exp", "exp({a})", np.exp, "torch.exp",
       forward=lambda x, m: m.exp(x), slope=lambda x, y, m: y)
_unary("log", "log", "1/{a}", np.log, "torch.log", domain=(0.0, INF),
       forward=_log, slope=lambda x, y, m: 1 / x)
_unary("sqrt", "√", "1/(2√{a})", np.sqrt, "torch.sqrt", domain=(0.0, INF), kinks=(0.0,),
       convention="inf at x = 0",
       forward=_sqrt, slope=lambda x, y, m: m.divide(0.5, y))
_unary("abs", "|·|", "sign({a})", np.abs, "torch.abs", kinks=(0.0,),
       convention="0 at x = 0, as in PyTorch",
       forward=lambda x, m: m.abs(x), slope=lambda x, y, m: m.sign(x))
_unary("tanh", "tanh", "1 − tanh²({a})", np.tanh, "torch.tanh", activation=True,
       forward=lambda x, m: m.tanh(x), slope=lambda x, y, m: 1 - y * y)
_unary("sigmoid", "σ", "σ({a})(1 − σ({a}))", _sigmoid, "torch.sigmoid", activation=True,
       forward=_sigmoid_rule, slope=lambda x, y, m: y * (1 - y))
_unary("relu", "ReLU", "[{a} > 0]", lambda x: np.maximum(x, 0), "torch.relu",
       activation=True, kinks=(0.0,), convention="0 at x = 0, as in PyTorch",
       forward=lambda x, m: m.maximum(x, 0),
       slope=lambda x, y, m: m.sign(y))  # 1 where x > 0, 0 where x <= 0, nan at nan
_unary("leaky_relu", "LReLU", "[{a} > 0] or α", lambda x, alpha=0.01: np.where(x > 0, x,
       alpha * x), "torch.nn.functional.leaky_relu", params={"alpha": 0.01},
       activation=True, kinks=(0.0,), convention="α at x = 0, as in PyTorch",
       forward=lambda x, m, alpha: m.where(x > 0, x, alpha * x),
       slope=lambda x, y, m, alpha: m.where(x > 0, 1.0, alpha))
_unary("elu", "ELU", "[{a} > 0] or α·e^{a}", lambda x, alpha=1.0: np.where(
       x > 0, x, alpha * np.expm1(np.minimum(x, 0))), "torch.nn.functional.elu",
       params={"alpha": 1.0}, activation=True, kinks=(0.0,),
       convention="α at x = 0, as in PyTorch",
       forward=lambda x, m, alpha: m.where(x > 0, x, alpha * m.expm1(m.minimum(x, 0.0))),
       slope=lambda x, y, m, alpha: m.where(x > 0, 1.0, alpha * m.exp(m.minimum(x, 0.0))))
_unary("softplus", "softplus", "σ({a})", lambda x: np.logaddexp(0, x),
       "torch.nn.functional.softplus", activation=True,
       forward=lambda x, m: m.maximum(x, 0.0) + m.log1p(m.exp(-m.abs(x))),
       slope=lambda x, y, m: _sigmoid_rule(x, m))
_unary("arctan", "atan", "1/(1 + {a}²)", np.arctan, "torch.arctan", activation=True,
       forward=lambda x, m: m.arctan(x), slope=lambda x, y, m: 1 / (1 + x * x))
_unary("sin", "sin", "cos({a})", np.sin, "torch.sin",
       forward=lambda x, m: m.sin(x), slope=lambda x, y, m: m.cos(x))
_unary("cos", "cos", "−sin({a})", np.cos, "torch.cos",
       forward=lambda x, m: m.cos(x), slope=lambda x, y, m: -m.sin(x))
_unary("step", "step", "0", lambda x: np.heaviside(x, 1.0), "torch.heaviside",
       activation=True, kinks=(0.0,), convention="0 everywhere; the value at 0 is 1",
       forward=lambda x, m: m.heaviside(x, 1.0), slope=lambda x, y, m: _zero_but_nan(x, m))
_unary("sign", "sign", "0", np.sign, "torch.sign", activation=True, kinks=(0.0,),
       convention="0 everywhere",
       forward=lambda x, m: m.sign(x), slope=lambda x, y, m: _zero_but_nan(x, m))
_unary("clip", "clip", "[{low} ≤ {a} ≤ {high}]", lambda x, low=-1.0, high=1.0: np.clip(
       x, low, high), "torch.clamp", params={"low": -1.0, "high": 1.0}, kinks=(-1.0, 1.0),
       convention="1 at the bounds themselves (the gradient passes where low ≤ x ≤ high)",
       forward=lambda x, m, low, high: m.clip(x, low, high),
       slope=lambda x, y, m, low, high: m.where(m.between(x, low, high), 1.0, 0.0))

# ---------------------------------------------------------------- Tensors only

register(Op("@", "matrix", "@", ("g·{b}ᵀ", "{a}ᵀ·g"), np.matmul, "torch.matmul",
            method="__matmul__", value=False))
for _name, _symbol, _reference, _torch in [
        ("sum", "Σ", np.sum, "torch.sum"), ("mean", "mean", np.mean, "torch.mean"),
        ("max", "max", np.max, "torch.amax"), ("min", "min", np.min, "torch.amin")]:
    register(Op(_name, "reduction", _symbol,
                ("1 for the tied extremes, shared equally",) if _name in ("max", "min")
                else ("1" if _name == "sum" else "1/n",),
                _reference, _torch, method=_name, value=False,
                convention="tied extremes share the gradient equally"
                if _name in ("max", "min") else ""))
register(Op("softmax", "softmax", "softmax", ("s·(g − Σ g·s)",), _softmax, "torch.softmax",
            method="softmax", value=False, activation=False))
register(Op("log_softmax", "softmax", "log softmax", ("g − softmax·Σ g",),
            lambda x, axis=-1: np.log(_softmax(x, axis)), "torch.log_softmax",
            method="log_softmax", value=False))
register(Op("reshape", "shape", "reshape", ("g reshaped back",), np.reshape, "torch.reshape",
            method="reshape", value=False))
register(Op("transpose", "shape", "ᵀ", ("g with the axes put back",), np.transpose,
            "torch.permute", method="transpose", value=False))
register(Op("index", "shape", "[·]", ("g scattered back (repeats add up)",),
            lambda x, i: x[i], "torch.Tensor.__getitem__", method="__getitem__", value=False))
register(Op("concatenate", "join", "concat", ("g's slice of each input",), np.concatenate,
            "torch.cat", value=False))
register(Op("stack", "join", "stack", ("g's slice of each input",), np.stack, "torch.stack",
            value=False))
register(Op("pad", "shape", "pad", ("the middle of g",), np.pad, "torch.nn.functional.pad",
            value=False))
register(Op("where", "select", "where", ("g where the condition holds", "g elsewhere"),
            np.where, "torch.where", value=False))
for _name, _symbol, _reference in [("maximum", "max", np.maximum),
                                   ("minimum", "min", np.minimum)]:
    register(Op(_name, "select", _symbol, ("1 where it wins, ½ at a tie",) * 2, _reference,
                f"torch.{_name}", value=False, convention="a tie shares the gradient equally"))


def _conv2d(x, w, b=None, stride=1, padding=0):
    """The textbook loops (the tests' reference): every output pixel's window · filter."""
    s = (stride, stride) if isinstance(stride, int) else stride
    p = (padding, padding) if isinstance(padding, int) else padding
    x = np.pad(x, ((0, 0), (0, 0), (p[0],) * 2, (p[1],) * 2))
    n, _, h, wd = x.shape
    o, _, kh, kw = w.shape
    out = np.zeros((n, o, (h - kh) // s[0] + 1, (wd - kw) // s[1] + 1))
    for i in range(out.shape[2]):
        for j in range(out.shape[3]):
            window = x[:, :, i * s[0]:i * s[0] + kh, j * s[1]:j * s[1] + kw]
            out[:, :, i, j] = np.tensordot(window, w, axes=([1, 2, 3], [1, 2, 3]))
    return out + (0 if b is None else b[None, :, None, None])


def _pool(reduce):
    def pool(x, kernel_size, stride=None):
        k = (kernel_size,) * 2 if isinstance(kernel_size, int) else kernel_size
        s = k if stride is None else (stride,) * 2 if isinstance(stride, int) else stride
        n, c, h, w = x.shape
        out = np.zeros((n, c, (h - k[0]) // s[0] + 1, (w - k[1]) // s[1] + 1))
        for i in range(out.shape[2]):
            for j in range(out.shape[3]):
                out[:, :, i, j] = reduce(x[:, :, i * s[0]:i * s[0] + k[0],
                                           j * s[1]:j * s[1] + k[1]], axis=(2, 3))
        return out
    return pool


register(Op("conv2d", "image", "conv", ("g·Wᵀ scattered back to the windows",
                                        "Σ windows · g", "Σ g"), _conv2d,
            "torch.nn.functional.conv2d", value=False))
register(Op("max_pool2d", "image", "max pool", ("g to the largest of each window (ties "
                                                "share)",), _pool(np.max),
            "torch.nn.functional.max_pool2d", value=False,
            convention="tied largest values share the gradient equally"))
register(Op("avg_pool2d", "image", "avg pool", ("g / window size, to every element",),
            _pool(np.mean), "torch.nn.functional.avg_pool2d", value=False))
register(Op("cross_entropy", "loss", "CE", ("(softmax(z) − onehot(y)) / n",), _cross_entropy,
            "torch.nn.functional.cross_entropy", value=False))


def _scatter(g, index, shape):
    out = np.zeros(shape)
    np.add.at(out, index, g)
    return out


register(Op("scatter", "shape", "scatter", ("g at the indexed places",), _scatter,
            "torch.Tensor.index_put", value=False))

# ---------------------------------------------------------------- derivatives as recorded ops
# What backward(create_graph=True) applies instead of the numeric derivatives above: each
# rule builds the parents' gradients from g (the result's gradient, a node) with recorded
# ops, so that the gradient has a graph of its own and can be differentiated again. Slopes
# that are constant where they exist (relu, abs, clip...) enter as constants: their own
# derivative is 0, as in PyTorch. A Value's recorded local derivatives are numbers (a
# tuple); a Tensor's are vector-Jacobian products, with ``how`` for what the rule needs.


def graph_vjp(*names: str):
    """Attach ``rule`` to the ops ``names`` as their ``graph_vjp``."""
    def attach(rule):
        for name in names:
            OPS[name] = replace(OPS[name], graph_vjp=rule)
        return rule
    return attach


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
    from .select import where

    alpha = _how(node)["alpha"]
    return (where(x._data > 0, g, g * (node + alpha)),)


@graph_vjp("relu", "leaky_relu", "abs", "clip", "step", "sign")
def _piecewise_vjp(g, node):
    """A slope that is constant where it exists: times that slope (the row's), as a
    constant."""
    if _scalar(node):
        slope = node._local[0]
        return (None,) if slope == 0 else (g * slope,)
    from .elementwise import ARRAY

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
    from .tensor import Tensor

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
    from .tensor import scatter

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
    from .select import where

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
    from .tensor import scatter

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
    from .spatial import pad
    from .tensor import scatter, stack

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


def lookup(op_name: str) -> Op | None:
    """The table entry for a node's ``.op`` (``"**2"`` is the constant power ``**n``; a name
    with hyperparameters after a space, ``"conv2d 3×3, 16, s1"``, is its first word), or None
    for an op that is not in the table (one a user defined with ``value_op``/``tensor_op``)."""
    if op_name in OPS:
        return OPS[op_name]
    name, space, _ = op_name.partition(" ")
    if space and name in OPS and OPS[name].kind == "image":  # only ops that say so carry
        return OPS[name]  # hyperparameters (a user's op "exp approx" is not exp)
    if op_name.startswith("**"):
        return OPS["**n"]
    return None


def exponent(op_name: str) -> str | None:
    """The constant exponent of a ``**n`` node's op name (``"**2"`` -> ``"2"``), else None."""
    return op_name[2:] if op_name.startswith("**") and op_name != "**" else None


_SUPERSCRIPT = str.maketrans("0123456789-.", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻·")
_SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def subscript(k: int) -> str:
    """``12`` as ``₁₂``: how the labs index weights and neurons."""
    return str(k).translate(_SUBSCRIPT)


def superscript(k: int) -> str:
    """``2`` as ``²``: how the labs number layers (W², b²)."""
    return str(k).translate(_SUPERSCRIPT)


def symbol(op_name: str) -> str:
    """The gate's text for a node's op (``**2`` becomes ``x²``; unknown ops keep their name)."""
    n = exponent(op_name)
    if n is not None:
        return "x" + n.translate(_SUPERSCRIPT) if len(n) <= 4 else f"x^{n}"
    op = OPS.get(op_name)
    if op is None:
        name, space, hyper = op_name.partition(" ")
        if space and name in OPS and OPS[name].kind == "image":  # conv or pool: show them
            return f"{OPS[name].symbol} {hyper}"
    return op.symbol if op else op_name


def formula(op_name: str, index: int, **names: str) -> str | None:
    """d result / d operand ``index`` of an op, written with the operands' ``names`` (``a``,
    ``b``); None for an op that is not in the table."""
    op = lookup(op_name)
    if op is None:
        return None
    text = op.formulas[min(index, len(op.formulas) - 1)]  # an n-ary + has 1 for every term
    n = exponent(op_name)
    if n is not None:
        minus_one = float(n) - 1
        return f"{n}·{names.get('a', 'x')}^{minus_one:g}"
    return text.format(**{"a": "x", "b": "y", "low": "low", "high": "high", **names})


def elementwise(on: str = "both") -> list[Op]:
    """The ops applied to each element (and binary arithmetic), offered on ``on``: "value",
    "tensor" or "both"."""
    return [op for op in OPS.values() if op.kind in ("elementwise", "binary")
            and (on != "value" or op.value) and (on != "tensor" or op.tensor)]


def functions() -> list[Op]:
    """Elementwise ops called by name (``x.sigmoid()``): the expression parser's functions."""
    return [op for op in OPS.values() if op.kind == "elementwise" and op.method == op.name]


def activations() -> list[Op]:
    """The ops a layer can name as its activation (``Dense(..., activation="relu")``)."""
    return [op for op in OPS.values() if op.activation]
