"""``Value``: a scalar node of the computational graph.

Every operation below computes its result and, on the same line or the next, the local
derivative of that result with respect to each operand. The backward pass
(:mod:`autograd.graph`) multiplies those local derivatives along the graph: that is the
chain rule, and nothing else is needed to train a network.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from numbers import Real
from typing import Any, Union

from .elementwise import NUMBER
from .graph import Node, record
from .ops import OPS, lookup
from .ops import exponent as exponent_of

Number = Union[int, float, Real]  # noqa: UP007 - a runtime alias, kept for 3.10


class Value(Node):
    """A scalar that remembers how it was computed, so its gradient can flow back.

    >>> x = Value(3.0, label="x")
    >>> y = x * x + 1
    >>> y.backward()
    >>> x.grad
    6.0
    """

    __slots__ = ()
    requires_grad = True  # every Value takes part in backprop
    _requires_grad = True  # (what the graph core reads, as for Tensor)
    __array_ufunc__ = None  # numpy defers to us: ``array * value`` is an error, not an object array

    def __init__(self, data: Number, label: str | None = None) -> None:
        # (a float, the common case, skips the checks: isinstance(x, Real) goes through the
        # ABC machinery and costs as much as recording the node)
        if data.__class__ is not float:
            if isinstance(data, Node):
                raise TypeError(f"Value() takes a number, got a {type(data).__name__}; use its "
                                ".data")
            if not isinstance(data, Real):
                raise TypeError(f"Value() takes a real number, got {type(data).__name__} "
                                f"{data!r}")
            data = float(data)
        record(self, 0.0, data, "", (), ())
        if label is not None:
            if not isinstance(label, str):
                raise TypeError(f"Value label must be a str, got {type(label).__name__}")
            self.label = label

    # ---------------------------------------------------------------- binary operations

    def __add__(self, other: Value | Number) -> Value:
        if other.__class__ is not Value and (other := _as_value(other)) is None:
            return NotImplemented
        return record(_new(Value), 0.0, self._data + other._data, "+", (self, other), (1.0, 1.0))

    def __sub__(self, other: Value | Number) -> Value:
        if other.__class__ is not Value and (other := _as_value(other)) is None:
            return NotImplemented
        return record(_new(Value), 0.0, self._data - other._data, "-", (self, other), (1.0, -1.0))

    def __mul__(self, other: Value | Number) -> Value:
        if other.__class__ is not Value and (other := _as_value(other)) is None:
            return NotImplemented
        a, b = self._data, other._data
        return record(_new(Value), 0.0, a * b, "*", (self, other), (b, a))

    def __truediv__(self, other: Value | Number) -> Value:
        if other.__class__ is not Value and (other := _as_value(other)) is None:
            return NotImplemented
        a, b = self._data, other._data
        if b == 0:
            raise ZeroDivisionError(f"division by zero: {a!r} / {b!r}")
        q = a / b
        return record(_new(Value), 0.0, q, "/", (self, other), (1.0 / b, -q / b))

    def __pow__(self, exponent: Value | Number) -> Value:
        if isinstance(exponent, Value):  # a ** b = exp(b ln a): needs a > 0
            a, b = self._data, exponent._data
            if a <= 0:
                raise ValueError(f"{a!r} ** Value: a Value exponent needs a positive base")
            r = NUMBER.power(a, b)
            local = (b * NUMBER.power(a, b - 1), r * math.log(a))
            return record(_new(Value), 0.0, r, "**", (self, exponent), local)
        if not isinstance(exponent, Real):
            return NotImplemented
        a, n = self._data, float(exponent)
        if a < 0 and not n.is_integer():
            raise ValueError(f"{a!r} ** {n!r}: a negative base to a non-integer power is not real")
        if a == 0 and n < 0:
            raise ZeroDivisionError(f"0.0 ** {n!r}: zero to a negative power")
        return _apply(self, "**n", f"**{_short(n)}", n=n)  # (the row: value and derivative)

    @staticmethod
    def sum(terms: Iterable[Value | Number]) -> Value:
        """All ``terms`` added by one "+" node (a neuron's w1·x1 + w2·x2 + b as one gate).

        Same value and gradients as chaining ``+``, with one node instead of n - 1.
        """
        terms = tuple(t if t.__class__ is Value else _constant(t, "Value.sum") for t in terms)
        if not terms:
            raise ValueError("Value.sum() needs at least one term")
        total = sum(t._data for t in terms)
        return record(_new(Value), 0.0, total, "+", terms, (1.0,) * len(terms))

    def __neg__(self) -> Value:
        return _apply(self, "neg")

    def __radd__(self, other: Number) -> Value:
        other = _as_value(other)
        return NotImplemented if other is None else other + self

    def __rsub__(self, other: Number) -> Value:
        other = _as_value(other)
        return NotImplemented if other is None else other - self

    def __rmul__(self, other: Number) -> Value:
        other = _as_value(other)
        return NotImplemented if other is None else other * self

    def __rtruediv__(self, other: Number) -> Value:
        other = _as_value(other)
        return NotImplemented if other is None else other / self

    def __rpow__(self, other: Number) -> Value:
        other = _as_value(other)
        return NotImplemented if other is None else other**self

    # ---------------------------------------------------------------- functions of one value

    # Each is a row of the op table (autograd.ops): its value and, beside it, its derivative,
    # written once for a Value and a Tensor alike.

    def exp(self) -> Value:
        """e^x (inf where it overflows); its derivative is e^x."""
        return _apply(self, "exp")

    def log(self) -> Value:
        """ln x, for x > 0; its derivative is 1/x."""
        return _apply(self, "log")

    def sqrt(self) -> Value:
        """√x, for x >= 0; its derivative is 1/(2√x), inf at 0."""
        return _apply(self, "sqrt")

    def abs(self) -> Value:
        """``|x|``; the derivative at 0 is taken as 0, as in PyTorch."""
        return _apply(self, "abs")

    def tanh(self) -> Value:
        """tanh x; its derivative is 1 − tanh² x."""
        return _apply(self, "tanh")

    def sigmoid(self) -> Value:
        """σ(x) = 1 / (1 + e^-x), computed without overflow for any x; its derivative is
        σ(x)(1 − σ(x))."""
        return _apply(self, "sigmoid")

    def relu(self) -> Value:
        """max(0, x); the derivative at 0 is taken as 0, as in PyTorch. nan gives nan."""
        return _apply(self, "relu")

    def leaky_relu(self, alpha: float = 0.01) -> Value:
        """x for x > 0, else alpha·x."""
        return _apply(self, "leaky_relu", alpha=alpha)

    def elu(self, alpha: float = 1.0) -> Value:
        """x for x > 0, else alpha·(e^x - 1)."""
        return _apply(self, "elu", alpha=alpha)

    def softplus(self) -> Value:
        """ln(1 + e^x), computed without overflow for any x; its derivative is σ(x)."""
        return _apply(self, "softplus")

    def arctan(self) -> Value:
        """arctan x; its derivative is 1/(1 + x²)."""
        return _apply(self, "arctan")

    def sin(self) -> Value:
        return _apply(self, "sin")

    def cos(self) -> Value:
        return _apply(self, "cos")

    def clip(self, low: float | None = None, high: float | None = None) -> Value:
        """x limited to [low, high]; the gradient passes only where low <= x <= high."""
        return _apply(self, "clip", low=low, high=high)

    def step(self) -> Value:
        """The labs' Heaviside step: 1 where x >= 0, else 0.

        Its derivative is 0 wherever it exists, and we use 0 at x = 0 too: no gradient
        flows through a step, which is why the labs train with sigmoid instead.
        """
        return _apply(self, "step")

    def sign(self) -> Value:
        """-1, 0 or 1. Its derivative is taken as 0 everywhere (as for :meth:`step`)."""
        return _apply(self, "sign")

    # ---------------------------------------------------------------- comparisons and conversions

    def __eq__(self, other: object) -> bool:
        other = _data_of(other)
        return NotImplemented if other is None else self._data == other

    def __ne__(self, other: object) -> bool:
        other = _data_of(other)
        return NotImplemented if other is None else self._data != other

    def __lt__(self, other: Value | Number) -> bool:
        other = _data_of(other)
        return NotImplemented if other is None else self._data < other

    def __le__(self, other: Value | Number) -> bool:
        other = _data_of(other)
        return NotImplemented if other is None else self._data <= other

    def __gt__(self, other: Value | Number) -> bool:
        other = _data_of(other)
        return NotImplemented if other is None else self._data > other

    def __ge__(self, other: Value | Number) -> bool:
        other = _data_of(other)
        return NotImplemented if other is None else self._data >= other

    __hash__ = Node.__hash__

    def __float__(self) -> float:
        return self._data

    def item(self) -> float:
        """The plain float, as ``torch.Tensor.item``."""
        return self._data

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label is not None else ""
        return f"Value(data={self._data:.6g}, grad={self.grad:.6g}{label})"

    # ---------------------------------------------------------------- hooks for the graph core

    def _seed(self, gradient: Number | None) -> float:
        if self.op and not self.parents:
            raise RuntimeError(f"backward() on a Value computed by {self.op!r} inside no_grad(): "
                               "it recorded no graph, so there is nothing to backpropagate "
                               "through; compute it outside no_grad()")
        if gradient is None:
            return 1.0
        if not isinstance(gradient, Real):
            raise TypeError(f"backward() gradient must be a number, got {type(gradient).__name__}")
        return float(gradient)

    def _reset_grad(self) -> None:
        self.grad = 0.0

    def _as_grad(self, g: float) -> float:
        return g

    def _seed_node(self, gradient: Value | Number | None) -> Value:
        if isinstance(gradient, Value):
            return gradient
        return Constant(self._seed(gradient))

    def _fit_grad(self, g: Value) -> Value:
        return g

    def _zero_node(self) -> Value:
        return Constant(0.0)


class CustomValue(Value):
    """A Value made by :func:`value_op`: it keeps ``forward``, the function of its parents'
    data that computes it (or None), so that ``autograd.check_ops`` can test the local
    derivatives it was given."""

    __slots__ = ("forward",)


def value_op(data: float, op: str, parents: Sequence[Value], local: Sequence[float],
             forward: Any = None) -> Value:
    """Define your own scalar operation: its value, and d value / d parent for each parent.

    ``forward`` (optional): the function of the parents' data that computes the value;
    with it ``autograd.check_ops`` can check the derivatives you wrote (without it, the op
    is reported as not checkable).

    >>> x = Value(3.0)
    >>> cube = value_op(x.data ** 3, "cube", [x], [3 * x.data ** 2], forward=lambda a: a ** 3)
    """
    parents, local = tuple(parents), tuple(float(d) for d in local)
    if len(parents) != len(local) or not all(isinstance(p, Value) for p in parents):
        raise ValueError(f"value_op {op!r}: needs one local derivative per parent Value, got "
                         f"{len(local)} for {len(parents)} parents")
    if forward is not None and not callable(forward):
        raise TypeError(f"value_op {op!r}: forward must be a function of the parents' data")
    node = record(_new(CustomValue), 0.0, float(data), op, parents, local)
    node.forward = forward
    return node


_new = object.__new__


class Constant(Value):
    """A number that entered an operation (the 2 in ``2 * x``): a leaf that needs no gradient.

    As in PyTorch, where a Python number in an op is a constant, backward() leaves its
    ``.grad`` at 0 and diagrams draw its value but no gradient.
    """

    __slots__ = ()
    requires_grad = _requires_grad = False


def _as_value(x: object) -> Value | None:
    """An operand as a Value (numbers become constant leaves), or None if it is not one."""
    kind = x.__class__
    if kind is float or kind is int:  # the common numbers, without the ABC check
        return record(_new(Constant), 0.0, float(x), "", (), ())
    if isinstance(x, Value):
        return x
    if isinstance(x, Real):
        return Constant(x)
    return None


def _constant(x: object, where: str) -> Value:
    value = _as_value(x)
    if value is None:
        raise TypeError(f"{where}: expected Values or numbers, got {type(x).__name__}")
    return value


def _data_of(x: object) -> float | None:
    if isinstance(x, Value):
        return x._data
    return x if isinstance(x, Real) else None


def _apply(x: Value, op: str, name: str | None = None, **params: Any) -> Value:
    """The op table's row ``op`` applied to ``x``: its value, and its derivative recorded as
    the local derivative (the node is named ``name``, by default ``op``)."""
    row = OPS[op]
    a = x._data
    y = row.forward(a, NUMBER, **params)
    return record(_new(Value), 0.0, y, name or op, (x,), (row.slope(a, y, NUMBER, **params),))


def _short(n: float) -> str:
    return str(int(n)) if n.is_integer() else repr(n)


def replay(nodes: Sequence[Node], moved: dict[int, float]) -> dict[int, Value] | None:
    """The same graph of Values computed again, with some inputs changed: ``nodes`` in
    forward order (``autograd.forward_order``), ``moved`` the new data of some leaves (by
    ``id``). Returns the new node of each (by the old one's ``id``), or None if an op cannot
    be replayed (a custom op, or one whose parameters were not recorded). What the
    exercise checks and the explorer's nudges use to see what a change would do."""
    new: dict[int, Value] = {}
    for n in nodes:
        if not n.parents:
            new[id(n)] = Value(moved.get(id(n), n.data), label=n.label)
            continue
        args = [new[id(p)] for p in n.parents]
        op, power = lookup(n.op), exponent_of(n.op)
        if op is None or (op.params and power is None) or getattr(n, "forward", None):
            return None
        if power is not None:
            out = args[0] ** float(power)
        elif n.op == "+" and len(args) != 2:
            out = Value.sum(args)
        elif op.kind == "binary" or op.method == "__neg__":
            out = getattr(args[0], op.method)(*args[1:])
        else:
            out = getattr(args[0], op.method)()
        new[id(n)] = out
    return new
