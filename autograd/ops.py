"""The table of ops: one entry per operation, with everything the rest of the library needs
to know about it. Nothing else keeps its own list of ops.

This table says *what each op is*: the name nodes record, the gate drawn for it, its
derivative written as a formula for :func:`viz.explain`, whether it is an activation, where
it is defined and smooth, its convention at a kink, a numpy reference for the tests, and
the PyTorch function that computes the same thing. For each function of one number (tanh,
sigmoid, relu...) it also holds the math, once: the value (``forward``) and, beside it, the
derivative (``slope``), which :class:`autograd.Value` applies to a float and
:class:`autograd.Tensor` to an array. Operators of two operands (+ − × ÷, a ** b) and
the array ops keep their math in their methods, value and derivative side by side.

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
       convention="at x = 0: 0 for n = 0 or n > 1, 1 for n = 1, inf for 0 < n < 1",
       forward=lambda x, m, n: m.power(x, n),
       slope=lambda x, y, m, n: m.zeros_like(x) if n == 0 else n * m.power(x, n - 1))
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
# Each op's derivative as recorded ops, for backward(create_graph=True), is attached to its
# row by autograd.graph_vjps (it builds gradients with Tensor and Value ops).


def graph_vjp(*names: str):
    """Attach ``rule`` to the ops ``names`` as their ``graph_vjp``."""
    def attach(rule):
        for name in names:
            OPS[name] = replace(OPS[name], graph_vjp=rule)
        return rule
    return attach


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
