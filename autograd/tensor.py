"""``Tensor``: an array node of the computational graph, on numpy.

Each operation computes its result with numpy and, right beside it, one vector-Jacobian
product per operand: given ``g`` = d loss / d result (same shape as the result), the
gradient d loss / d operand (same shape as the operand). The graph core
(:mod:`autograd.graph`) is the same one that drives :class:`autograd.Value`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from numbers import Real
from typing import Any, Union

import numpy as np

from .elementwise import ARRAY
from .graph import (
    Node,
    backpropagate,
    backpropagate_graph,
    fingerprint,
    next_id,
    record,
    stamp,
)
from .language import tr
from .ops import OPS

ArrayLike = Union["Tensor", np.ndarray, float, int, Sequence]
Axis = Union[int, tuple[int, ...], None]  # noqa: UP007


class Tensor(Node):
    """An array that remembers how it was computed, so gradients can flow back to it.

    ``Tensor(data, requires_grad=False, label=None)``: numpy float arrays keep their dtype
    (float32 stays float32) and share memory with ``data``, as ``torch.from_numpy`` does;
    Python numbers and lists become float64. ``.grad`` is None until a backward pass
    reaches the tensor, and then it is an array of the tensor's own (never shared with another
    tensor's ``.grad``).
    """

    # _used: the creation number of the last op that took this tensor as an input; _done:
    # the number of the last backward pass that reached it as a leaf (what .data reads)
    __slots__ = ("_done", "_requires_grad", "_used")

    def __init__(self, data: ArrayLike, requires_grad: bool = False,
                 label: str | None = None) -> None:
        # (a numpy array, the common case, is taken as it is: a data batch every step)
        array = data if data.__class__ is np.ndarray and data.dtype.kind in "fiub" else \
            _to_array(data)
        if label is not None and not isinstance(label, str):
            raise TypeError(f"Tensor label must be a str, got {type(label).__name__}")
        if requires_grad:
            _check_float_for_grad(array.dtype, requires_grad)
        record(self, None, array, "", (), ())
        self._requires_grad = bool(requires_grad)
        self.label = label

    @property
    def requires_grad(self) -> bool:
        """Whether backward() fills ``.grad``; an op's result requires grad if an operand does."""
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, flag: bool) -> None:
        if self.parents:
            raise RuntimeError("requires_grad can only be changed on a leaf Tensor "
                               f"(this one was made by {self.op!r}); use .detach() first")
        _check_float_for_grad(self._data.dtype, flag)
        self._requires_grad = bool(flag)

    # ---------------------------------------------------------------- the data

    def _read(self) -> np.ndarray:
        """``.data``: the array itself, shared. What it holds is noted as it is handed out, so
        that a write into it after an op used this tensor makes backward() refuse, naming
        this tensor (as PyTorch's version counters); a write before the forward pass or
        after backward() is the normal training loop and passes."""
        data = self._data
        if getattr(self, "_used", 0) <= getattr(self, "_done", 0):
            return data  # no op has used it since its last backward pass: nothing to note
        seen = fingerprint(data)
        written, read, before = getattr(self, "_changed", None) or (0, 0, None)
        if before is not None and before != seen:  # written in place since the last read
            written = max(written, read)
        self._changed = (written, stamp(), seen)
        return data

    data = property(_read, Node.data.fset, doc=_read.__doc__)

    def backward(self, gradient: ArrayLike | None = None, retain_graph: bool | None = None,
                 create_graph: bool = False) -> None:
        """Fill ``.grad`` of this tensor and of everything it depends on, by reverse mode.

        Gradients accumulate, as in PyTorch: zero them between training steps. With
        ``create_graph=True``, ``.grad`` holds Tensors recorded from the derivatives, which
        can be differentiated again (see :meth:`Node.backward`)."""
        if create_graph:
            backpropagate_graph(self, gradient, accumulate=True)
            return
        _, leaves = backpropagate(self, self._seed(gradient), accumulate=True)
        done = next_id()
        for leaf in leaves:  # their arrays may now be updated through .data without a note
            leaf._done = done

    # ---------------------------------------------------------------- array facts

    @property
    def shape(self) -> tuple[int, ...]:
        return self._data.shape

    @property
    def ndim(self) -> int:
        return self._data.ndim

    @property
    def dtype(self) -> np.dtype:
        return self._data.dtype

    @property
    def size(self) -> int:
        return self._data.size

    def __len__(self) -> int:
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d Tensor")
        return len(self._data)

    def numpy(self) -> np.ndarray:
        """The data array itself, shared, as ``torch.Tensor.numpy``: as there, a write
        through it is not seen by the check that ``.data`` makes possible."""
        return self._data

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        if copy:
            return np.array(self._data, dtype=dtype, copy=True)
        return np.asarray(self.data, dtype=dtype)  # (shared: noted, as .data)

    __array_ufunc__ = None  # numpy defers to us: ``array + tensor`` builds a graph node

    def item(self) -> float:
        if self._data.size != 1:
            raise ValueError(f"item() needs a Tensor with one element, got shape {self.shape}")
        return self._data.item()

    def detach(self) -> Tensor:
        """The same data as a new leaf with no history and no gradient."""
        return Tensor(self._data, label=self.label)

    def __repr__(self) -> str:
        body = np.array2string(self._data, precision=4, threshold=20, separator=", ",
                               prefix="Tensor(")
        extra = "" if self.dtype in (np.float64, np.int64) else f", dtype={self.dtype}"
        extra += ", requires_grad=True" if self.requires_grad else ""
        extra += f", label={self.label!r}" if self.label is not None else ""
        return f"Tensor({body}{extra})"

    def _repr_html_(self) -> str:
        """In Jupyter: shape, dtype and label, then the values as a table (a corner of them,
        up to 8×8, for a larger one) and the gradient beside them when there is one."""
        import html

        def table(a: np.ndarray) -> str:
            a = np.atleast_2d(a) if a.ndim < 2 else a.reshape(-1, a.shape[-1])
            rows, cols = min(a.shape[0], 8), min(a.shape[1], 8)
            body = "".join(
                "<tr>" + "".join(f"<td>{a[i, j]:.4g}</td>" for j in range(cols))
                + ("<td>…</td>" if a.shape[1] > cols else "") + "</tr>" for i in range(rows))
            more = f"<tr><td colspan={cols + 1}>…</td></tr>" if a.shape[0] > rows else ""
            return f'<table style="font-family: monospace">{body}{more}</table>'

        head = f"Tensor {'×'.join(map(str, self.shape)) or 'scalar'}, {self.dtype}"
        head += f", label {self.label!r}" if self.label is not None else ""
        head += ", requires_grad" if self.requires_grad else ""
        parts = [f"<b>{html.escape(head)}</b>"]
        if self._data.ndim > 2:
            parts.append("<p>(the leading axes flattened into rows)</p>")
        cells = [f"<td>data{table(self._data)}</td>"]
        if self.grad is not None:
            cells.append(f"<td>grad{table(np.asarray(self.grad))}</td>")
        parts.append(f"<table><tr>{''.join(cells)}</tr></table>")
        return "".join(parts)

    # ---------------------------------------------------------------- elementwise arithmetic

    def __add__(self, other: ArrayLike) -> Tensor:
        if other.__class__ is not Tensor and (other := as_operand(other, self)) is None:
            return NotImplemented
        a, b = self._data, other._data
        try:  # (written out, not through broadcasting: the most common op of all)
            out = np.add(a, b)
        except ValueError:
            raise _no_broadcast("+", a, b) from None
        shape = out.shape  # (a numpy scalar, from 0-d operands, has one too)
        return result_node(out, "+", (self, other),
                           [_same if a.shape == shape else _sum_to(a.shape, shape),
                        _same if b.shape == shape else _sum_to(b.shape, shape)])

    def __sub__(self, other: ArrayLike) -> Tensor:
        if other.__class__ is not Tensor and (other := as_operand(other, self)) is None:
            return NotImplemented
        sa, sb = self._data.shape, other._data.shape
        return result_node(broadcasting(np.subtract, "-", self, other), "-", (self, other),
                           [lambda g: unbroadcast(g, sa), lambda g: unbroadcast(-g, sb)])

    def __mul__(self, other: ArrayLike) -> Tensor:
        if other.__class__ is not Tensor and (other := as_operand(other, self)) is None:
            return NotImplemented
        a, b = self._data, other._data
        return result_node(broadcasting(np.multiply, "*", self, other), "*", (self, other),
                           [lambda g: unbroadcast(g * b, a.shape),
                        lambda g: unbroadcast(g * a, b.shape)])

    def __truediv__(self, other: ArrayLike) -> Tensor:
        if other.__class__ is not Tensor and (other := as_operand(other, self)) is None:
            return NotImplemented
        a, b = self._data, other._data
        if (b == 0).any():
            raise ZeroDivisionError(f"division by zero: the divisor has {np.sum(b == 0)} "
                                    f"zero element(s) (shape {b.shape})")
        q = broadcasting(np.divide, "/", self, other)
        return result_node(q, "/", (self, other),
                           [lambda g: unbroadcast(g / b, a.shape),
                        lambda g: unbroadcast(-g * q / b, b.shape)])

    def __pow__(self, exponent: ArrayLike) -> Tensor:
        a = self._data
        if not isinstance(exponent, Real | Tensor) and (  # an array or a list: a constant
                exponent := as_operand(exponent, self)) is None:
            return NotImplemented
        if isinstance(exponent, Tensor):  # a ** b = exp(b ln a)
            b = exponent._data
            with np.errstate(all="ignore"):  # overflow gives inf; the domain is checked next
                r = broadcasting(np.power, "**", self, exponent)
            _check_power(a, b, "Tensor ** Tensor")
            if exponent.requires_grad and (a <= 0).any():
                raise ValueError("Tensor ** Tensor: an exponent that requires grad needs a "
                                 "positive base (d/db a**b = a**b ln a)")

            def vjp_base(g: np.ndarray) -> np.ndarray:  # b a^(b-1), and 0 where b = 0
                with np.errstate(divide="ignore", invalid="ignore"):
                    local = np.where(b == 0, 0.0, b * np.power(a, b - 1))
                return unbroadcast(g * local, a.shape)

            return result_node(r, "**", (self, exponent),
                               [vjp_base, lambda g: unbroadcast(g * r * np.log(a), b.shape)])
        if not isinstance(exponent, Real):
            return NotImplemented
        n = float(exponent)
        _check_power(a, n, f"Tensor ** {n!r}")
        return _apply(self, "**n", f"**{int(n) if n.is_integer() else n!r}", n=n)

    def __neg__(self) -> Tensor:
        return _apply(self, "neg")

    def __radd__(self, other: ArrayLike) -> Tensor:
        return NotImplemented if (other := as_operand(other, self)) is None else other + self

    def __rsub__(self, other: ArrayLike) -> Tensor:
        return NotImplemented if (other := as_operand(other, self)) is None else other - self

    def __rmul__(self, other: ArrayLike) -> Tensor:
        return NotImplemented if (other := as_operand(other, self)) is None else other * self

    def __rtruediv__(self, other: ArrayLike) -> Tensor:
        return NotImplemented if (other := as_operand(other, self)) is None else other / self

    def __rpow__(self, other: ArrayLike) -> Tensor:
        return NotImplemented if (other := as_operand(other, self)) is None else other**self

    # ---------------------------------------------------------------- matrix product

    def __matmul__(self, other: ArrayLike) -> Tensor:
        if other.__class__ is not Tensor and (other := as_operand(other, self)) is None:
            return NotImplemented
        a, b = self._data, other._data
        if a.ndim == 2 == b.ndim:
            # the common case, said plainly: dA = g Bᵀ, dB = Aᵀ g (np.dot is matmul for 2-D
            # arrays, with less dispatch: about 1 µs a call, which small networks notice)
            try:
                out = _dot(a, b)
            except ValueError:
                raise _unmatched(a, b) from None
            return result_node(out, "@", (self, other),
                               [lambda g: _dot(g, b.T), lambda g: _dot(a.T, g)])
        if a.ndim == 0 or b.ndim == 0:
            raise ValueError(f"matmul: operands must have at least 1 dimension, got shapes "
                             f"{a.shape} and {b.shape}")
        try:
            out = np.matmul(a, b)
        except ValueError:
            raise _unmatched(a, b) from None
        pending: list = []  # both products come from one call; the second parent takes its own

        def vjp_a(g: np.ndarray) -> np.ndarray:
            ga, gb = _matmul_grads(g, a, b, want_b=other._requires_grad)
            if gb is not None:
                pending[:] = [(g, gb)]
            return ga

        def vjp_b(g: np.ndarray) -> np.ndarray:
            if pending and pending[0][0] is g:
                return pending.pop()[1]
            return _matmul_grads(g, a, b, want_a=False)[1]

        return result_node(out, "@", (self, other), [vjp_a, vjp_b])

    def __rmatmul__(self, other: ArrayLike) -> Tensor:
        return NotImplemented if (other := as_operand(other, self)) is None else other @ self

    matmul = __matmul__

    # ---------------------------------------------------------------- functions of each element

    # Each is a row of the op table (autograd.ops): its value and, beside it, its derivative,
    # written once for a Value and a Tensor alike.

    def exp(self) -> Tensor:
        """e^x (inf where it overflows); its derivative is e^x."""
        return _apply(self, "exp")

    def log(self) -> Tensor:
        """ln x, for x > 0; its derivative is 1/x."""
        return _apply(self, "log")

    def sqrt(self) -> Tensor:
        """√x, for x >= 0; its derivative is 1/(2√x), inf where x = 0."""
        return _apply(self, "sqrt")

    def abs(self) -> Tensor:
        """``|x|``; the derivative at 0 is taken as 0, as in PyTorch."""
        return _apply(self, "abs")

    def tanh(self) -> Tensor:
        """tanh x; its derivative is 1 − tanh² x."""
        return _apply(self, "tanh")

    def sigmoid(self) -> Tensor:
        """σ(x) = 1 / (1 + e^-x), without overflow for any x; its derivative is σ(1 − σ)."""
        return _apply(self, "sigmoid")

    def relu(self) -> Tensor:
        """max(0, x); the derivative at 0 is taken as 0, as in PyTorch. nan gives nan."""
        return _apply(self, "relu")

    def leaky_relu(self, alpha: float = 0.01) -> Tensor:
        """x for x > 0, else alpha·x."""
        return _apply(self, "leaky_relu", alpha=alpha)

    def elu(self, alpha: float = 1.0) -> Tensor:
        """x for x > 0, else alpha·(e^x - 1)."""
        return _apply(self, "elu", alpha=alpha)

    def softplus(self) -> Tensor:
        """ln(1 + e^x), without overflow for any x; its derivative is σ(x)."""
        return _apply(self, "softplus")

    def arctan(self) -> Tensor:
        """arctan x; its derivative is 1/(1 + x²)."""
        return _apply(self, "arctan")

    def sin(self) -> Tensor:
        return _apply(self, "sin")

    def cos(self) -> Tensor:
        return _apply(self, "cos")

    def step(self) -> Tensor:
        """Heaviside: 1 where x >= 0, else 0. Derivative 0 everywhere, as for Value.step."""
        return _apply(self, "step")

    def sign(self) -> Tensor:
        """-1, 0 or 1. Derivative 0 everywhere, as for Value.sign."""
        return _apply(self, "sign")

    def clip(self, low: float | None = None, high: float | None = None) -> Tensor:
        """Values limited to [low, high]; the gradient passes where low <= x <= high."""
        return _apply(self, "clip", low=low, high=high)

    def softmax(self, axis: int = -1) -> Tensor:
        """e^x / Σ e^x along ``axis``, shifted by the max so that no exp overflows."""
        if self._data.ndim == 0 and axis in (0, -1):  # one number: 1, as PyTorch
            return _constant_of(self, 1, "softmax")
        (axis,) = _axes(axis, self.shape, "softmax")
        if self._data.shape[axis] == 0:  # nothing to normalise: empty in, empty out (PyTorch)
            return _constant_of(self, 0, "softmax")
        z = self._data - self._data.max(axis=axis, keepdims=True)
        e = np.exp(z)
        s = e / e.sum(axis=axis, keepdims=True)
        return result_node(s, "softmax", (self,),
                           [lambda g: s * (g - (g * s).sum(axis=axis, keepdims=True))], how=axis)

    def log_softmax(self, axis: int = -1) -> Tensor:
        """x - log Σ e^x along ``axis``, stable for logits of any magnitude."""
        if self._data.ndim == 0 and axis in (0, -1):  # one number: log 1 = 0, as PyTorch
            return _constant_of(self, 0, "log_softmax")
        (axis,) = _axes(axis, self.shape, "log_softmax")
        if self._data.shape[axis] == 0:
            return _constant_of(self, 0, "log_softmax")
        z = self._data - self._data.max(axis=axis, keepdims=True)
        out = z - np.log(np.exp(z).sum(axis=axis, keepdims=True))
        return result_node(out, "log_softmax", (self,),
                           [lambda g: g - np.exp(out) * g.sum(axis=axis, keepdims=True)], how=axis)

    # ---------------------------------------------------------------- reductions

    def sum(self, axis: Axis = None, keepdims: bool = False) -> Tensor:
        """Sum along ``axis`` (all axes by default); the sum of nothing is 0."""
        shape, axes = self.shape, _axes(axis, self.shape, "sum")
        return result_node(self._data.sum(axis=axes, keepdims=keepdims), "sum", (self,),
                           [lambda g: _expand(g, shape, axes, keepdims)], how=(axes, keepdims))

    def mean(self, axis: Axis = None, keepdims: bool = False) -> Tensor:
        shape, axes = self.shape, _axes(axis, self.shape, "mean")
        scale = 1 / _count(shape, axes, "mean")
        return result_node(self._data.sum(axis=axes, keepdims=keepdims) * scale, "mean", (self,),
                           [lambda g: _expand(g * scale, shape, axes, keepdims)],
                           how=(axes, keepdims, scale))

    def max(self, axis: Axis = None, keepdims: bool = False) -> Tensor:
        """Largest element along ``axis``; tied maxima share the gradient equally."""
        return self._extreme(np.max, "max", axis, keepdims)

    def min(self, axis: Axis = None, keepdims: bool = False) -> Tensor:
        """Smallest element along ``axis``; tied minima share the gradient equally."""
        return self._extreme(np.min, "min", axis, keepdims)

    def _extreme(self, pick, op: str, axis: Axis, keepdims: bool) -> Tensor:
        x = self._data
        axes = _axes(axis, x.shape, op)
        _count(x.shape, axes, op)  # refuses an empty axis
        kept = pick(x, axis=axes, keepdims=True)
        winners = x == kept
        share = (winners / winners.sum(axis=axes, keepdims=True)).astype(x.dtype)
        out = kept if keepdims else pick(x, axis=axes)
        vjp = [lambda g: share * _expand(g, x.shape, axes, keepdims)]
        return result_node(out, op, (self,), vjp,
                           how=(axes, keepdims, share))

    def var(self, axis: Axis = None, keepdims: bool = False, ddof: int = 0,
            _op: str = "var") -> Tensor:
        """Variance, built from mean, -, * and sum (so its gradient needs no rule of its own).

        ``ddof`` (delta degrees of freedom) divides by n - ddof, as numpy; it must be < n.
        """
        axes = _axes(axis, self.shape, _op)
        n = _count(self.shape, axes, _op)
        if not n > ddof:
            raise ValueError(f"{_op}: ddof={ddof} needs more than {ddof} element(s) per result, "
                             f"got {n}")
        centred = self - self.mean(axis=axes, keepdims=True)
        return (centred * centred).sum(axis=axes, keepdims=keepdims) / (n - ddof)

    def std(self, axis: Axis = None, keepdims: bool = False, ddof: int = 0) -> Tensor:
        """Standard deviation: the square root of :meth:`var`."""
        return self.var(axis=axis, keepdims=keepdims, ddof=ddof, _op="std").sqrt()

    # ---------------------------------------------------------------- shape and indexing

    def reshape(self, *shape: int | tuple[int, ...]) -> Tensor:
        shape = shape[0] if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else shape
        old = self.shape
        try:
            out = self._data.reshape(shape)
        except ValueError:
            raise ValueError(f"reshape: cannot reshape a Tensor of shape {old} "
                             f"({self.size} elements) into {tuple(shape)}") from None
        return result_node(out, "reshape", (self,), [lambda g: g.reshape(old)])

    def flatten(self, start_dim: int = 0) -> Tensor:
        """Merge the axes from ``start_dim`` on into one (``start_dim=1`` keeps a batch axis)."""
        if not -max(self.ndim, 1) <= start_dim < max(self.ndim, 1):
            raise ValueError(f"flatten: start_dim={start_dim} is out of range for a Tensor of "
                             f"shape {self.shape}")
        start = start_dim % max(self.ndim, 1)
        return self.reshape(*self.shape[:start], -1)

    def transpose(self, *axes: int) -> Tensor:
        axes = axes[0] if len(axes) == 1 and isinstance(axes[0], (tuple, list)) else axes
        n = self.ndim
        order = tuple(axes) if axes else tuple(reversed(range(n)))
        if not (len(order) == n and all(isinstance(k, int | np.integer) and -n <= k < n
                                        for k in order)
                and len({k % n for k in order}) == n):
            raise ValueError(f"transpose: axes {order} are not a permutation of the axes of a "
                             f"Tensor of shape {self.shape}")
        order = tuple(int(k) % n for k in order)
        inverse = tuple(int(k) for k in np.argsort(order))
        return result_node(self._data.transpose(order), "transpose", (self,),
                           [lambda g: g.transpose(inverse)], how=inverse)

    @property
    def T(self) -> Tensor:
        return self.transpose()

    def __getitem__(self, index: Any) -> Tensor:
        index = _plain_index(index)
        x = self._data
        try:
            out = x[index]
        except IndexError as error:
            raise IndexError(f"index {index!r} into a Tensor of shape {x.shape}: {error}") from None
        advanced = _is_advanced(index)

        def vjp(g: np.ndarray) -> np.ndarray:
            full = np.zeros_like(x, dtype=g.dtype)
            if advanced:  # an index may repeat: add every copy of the gradient
                np.add.at(full, index, g)
            else:
                full[index] = g
            return full

        return result_node(out, "index", (self,), [vjp], how=index)

    # ---------------------------------------------------------------- comparisons (no graph)

    def __lt__(self, other: ArrayLike) -> np.ndarray:
        return self._data < _data(other)

    def __le__(self, other: ArrayLike) -> np.ndarray:
        return self._data <= _data(other)

    def __gt__(self, other: ArrayLike) -> np.ndarray:
        return self._data > _data(other)

    def __ge__(self, other: ArrayLike) -> np.ndarray:
        return self._data >= _data(other)

    def __eq__(self, other: object) -> np.ndarray:  # type: ignore[override]
        return self._data == _data(other)

    def __ne__(self, other: object) -> np.ndarray:  # type: ignore[override]
        return self._data != _data(other)

    __hash__ = Node.__hash__

    # ---------------------------------------------------------------- hooks for the graph core

    def _seed(self, gradient: ArrayLike | None) -> np.ndarray:
        if not self._requires_grad:
            raise RuntimeError("backward() on a Tensor that does not require grad: create the "
                               "inputs you want gradients for with requires_grad=True")
        if gradient is None:
            data = self._data
            one = _ONES.get((data.shape, data.dtype))  # a copy of a kept 1: one call, where
            if one is not None:  # np.ones is a Python function around two (a step notices)
                return one.copy()
            if data.size != 1:
                raise RuntimeError(
                    f"backward() on a Tensor of shape {self.shape} needs a gradient of that "
                    "shape: reduce it to a scalar first (loss.sum() or loss.mean()) or call "
                    f"t.backward(np.ones({self.shape})) for the gradient of its sum")
            return np.ones(data.shape, data.dtype)
        seed = np.array(_data(gradient), dtype=self.dtype)  # a copy: .grad must own its array
        if seed.shape != self.shape:
            raise ValueError(f"backward(gradient): the gradient has shape {seed.shape}, "
                             f"the Tensor has shape {self.shape}")
        return seed

    def _reset_grad(self) -> None:
        self.grad = None

    def _as_grad(self, g: Any) -> np.ndarray:
        return np.zeros_like(self._data) if g.__class__ is float else g

    def _seed_node(self, gradient: ArrayLike | None) -> Tensor:
        if isinstance(gradient, Tensor):
            if gradient.shape != self.shape:
                raise ValueError(f"backward: the gradient has shape {gradient.shape}, the "
                                 f"tensor has shape {self.shape}")
            return gradient
        return Tensor(self._seed(gradient))

    def _fit_grad(self, g: Tensor) -> Tensor:
        """``g`` summed back over the axes broadcasting added or stretched, as ops."""
        shape = self._data.shape
        if g.shape == shape:
            return g
        extra = g.ndim - len(shape)
        axes = tuple(range(extra)) + tuple(
            extra + i for i, n in enumerate(shape) if n == 1 and g.shape[extra + i] != 1)
        return g.sum(axis=axes, keepdims=True).reshape(shape)

    def _zero_node(self) -> Tensor:
        return Tensor(np.zeros_like(self._data))


# ---------------------------------------------------------------- functions of several tensors


def concatenate(tensors: Sequence[Tensor], axis: int = 0) -> Tensor:
    """Join tensors along an existing axis (as ``np.concatenate``)."""
    parts = _operands(tensors, "concatenate")
    _check_axis(axis, parts[0].ndim, "concatenate", parts)
    try:
        out = np.concatenate([t._data for t in parts], axis=axis)
    except ValueError as error:
        raise ValueError(f"concatenate: shapes {[t.shape for t in parts]} along axis {axis}: "
                         f"{error}") from None
    ends = np.cumsum([t.shape[axis] for t in parts])
    starts = ends - [t.shape[axis] for t in parts]
    bounds = [(int(s), int(e)) for s, e in zip(starts, ends)]
    return result_node(out, "concatenate", tuple(parts),
                       [_slice_along(axis, s, e) for s, e in bounds], how=(axis % out.ndim, bounds))


def stack(tensors: Sequence[Tensor], axis: int = 0) -> Tensor:
    """Join tensors of one shape along a new axis (as ``np.stack``)."""
    parts = _operands(tensors, "stack")
    _check_axis(axis, parts[0].ndim + 1, "stack", parts)
    try:
        out = np.stack([t._data for t in parts], axis=axis)
    except ValueError:
        raise ValueError(f"stack: needs tensors of one shape, got {[t.shape for t in parts]}"
                         ) from None
    return result_node(out, "stack", tuple(parts),
                       [lambda g, i=i: np.take(g, i, axis=axis) for i in range(len(parts))],
                       how=axis % out.ndim)


def scatter(g: Tensor, index: Any, shape: tuple[int, ...]) -> Tensor:
    """``g`` put at ``index`` of an array of zeros of ``shape``, repeats added: the gradient
    of ``x[index]`` as an op of its own, so that it can be differentiated again (its own
    gradient is ``g[index]``)."""
    out = np.zeros(shape, dtype=g._data.dtype)
    np.add.at(out, index, g._data)
    return result_node(out, "scatter", (g,), [lambda h: h[index]], how=index)


class CustomTensor(Tensor):
    """A Tensor made by :func:`tensor_op`: it keeps ``forward``, the function of its
    parents' data that computes it (or None), for ``autograd.check_ops``."""

    __slots__ = ("forward",)


def tensor_op(data: Any, op: str, parents: Sequence[Tensor], vjps: Sequence,
              forward: Any = None) -> Tensor:
    """Define your own array operation: its value, and for each parent a function from
    ``g`` (d loss / d value) to d loss / d parent, of the parent's shape.

    ``forward`` (optional): the function of the parents' data that computes the value, so
    that ``autograd.check_ops`` can check the VJPs (without it: not checkable).

    >>> x = Tensor([1.0, 2.0], requires_grad=True)
    >>> double = tensor_op(2 * x.data, "double", [x], [lambda g: 2 * g], forward=lambda a: 2 * a)
    """
    parents, vjps = tuple(parents), list(vjps)
    if len(parents) != len(vjps) or not all(isinstance(p, Tensor) for p in parents):
        raise ValueError(f"tensor_op {op!r}: needs one vjp per parent Tensor, got {len(vjps)} "
                         f"for {len(parents)} parents")
    if not all(callable(v) for v in vjps):
        raise TypeError(f"tensor_op {op!r}: each vjp must be a function g -> gradient")
    if forward is not None and not callable(forward):
        raise TypeError(f"tensor_op {op!r}: forward must be a function of the parents' data")
    out = result_node(np.asarray(data), op, parents,
                      [_checked(v, op, i, p.shape) for i, v in enumerate(vjps)
                   for p in [parents[i]]], cls=CustomTensor)
    out.forward = forward
    return out


def _checked(vjp, op: str, index: int, shape: tuple[int, ...]):
    """A user's vjp, checked when backward calls it: its result must be an array of its input's
    shape (the error names the op), and is always a new array (it may return one it keeps)."""
    def checked(g: np.ndarray) -> np.ndarray:
        r = vjp(g)
        if isinstance(r, np.generic | float | int) and shape == ():
            r = np.asarray(r)
        if not isinstance(r, np.ndarray) or r.shape != shape:
            got = f"shape {r.shape}" if isinstance(r, np.ndarray) else f"a {type(r).__name__}"
            raise ValueError(f"{op}: the gradient its vjp returned for input {index} has {got}, "
                             f"the input has shape {shape}; a vjp must return an array of its "
                             "input's shape")
        return np.array(r, copy=True)
    return checked


# ---------------------------------------------------------------- helpers

_new = object.__new__
_ndarray = np.ndarray
_dot = np.dot
_ONES = {((), np.dtype(t)): np.ones((), t) for t in (np.float16, np.float32, np.float64)}
_add_up, _row_max = np.add.reduce, np.maximum.reduce


def _apply(t: Tensor, op: str, name: str | None = None, **params: Any) -> Tensor:
    """The op table's row ``op`` applied to each element of ``t``: its value, and a VJP that
    multiplies by its derivative (computed when the backward pass asks); the node is named
    ``name``, by default ``op``."""
    row = OPS[op]
    x = t._data
    y = row.forward(x, ARRAY, **params)
    slope = row.slope

    def vjp(g: np.ndarray) -> np.ndarray:
        return (g * slope(x, y, ARRAY, **params)).astype(x.dtype, copy=False)

    return result_node(y, name or op, (t,), [vjp], how=params or None)


class VJPs(list):
    """An op's vector-Jacobian products, with ``how``: what its derivative as recorded ops
    (the op table's ``graph_vjp``) needs to know that the parents do not say (an axis, a
    mask, an index)."""

    __slots__ = ("how",)


def result_node(data: Any, op: str, parents: tuple, vjps: list, cls: type = Tensor,
                how: Any = None) -> Tensor:
    """A new Tensor computed by ``op``; it joins the graph only if an operand requires grad.
    ``how``: what the op's ``graph_vjp`` needs (see :class:`VJPs`)."""
    for p in parents:
        if p._requires_grad:
            break
    else:  # no operand needs a gradient: a constant, outside the graph
        parents, vjps = (), ()
    if how is not None and vjps:
        vjps = VJPs(vjps)
        vjps.how = how
    if data.__class__ is not _ndarray:  # numpy reductions may give a scalar, not an array
        data = np.asarray(data)
    out = record(_new(cls), None, data, op, parents, vjps)
    if out.parents:  # (none under no_grad)
        out._requires_grad = True
        now = out._id
        for p in parents:  # their arrays are now in a graph that awaits backward()
            p._used = now
    else:
        out._requires_grad = False
    return out


def _constant_of(x: Tensor, value: float, op: str) -> Tensor:
    """``op`` of ``x`` where the result does not depend on ``x`` (the softmax of one number
    is 1; of no numbers, nothing): ``value`` in ``x``'s shape and dtype, gradient zero."""
    return result_node(np.full_like(x._data, value), op, (x,), [np.zeros_like])


def _to_array(data: Any) -> np.ndarray:
    if isinstance(data, Node):
        raise TypeError(f"Tensor() takes array data, got a {type(data).__name__}; "
                        "use .detach() or .data")
    if isinstance(data, np.ndarray | np.generic):
        array = np.asarray(data)
    else:
        try:
            array = np.array(data)
        except (TypeError, ValueError) as error:
            raise TypeError(f"Tensor() takes numbers, lists of numbers or numpy arrays, got "
                            f"{type(data).__name__}: {error}") from None
        if array.dtype.kind not in "fiub":  # None, text, objects: never silently nan
            if array.ndim:
                raise TypeError(f"Tensor() takes numbers: {_first_non_number(data, array)}")
            raise TypeError(f"Tensor() takes numbers, lists of numbers or numpy arrays, got "
                            f"{type(data).__name__}")
        array = array.astype(np.float64)
    if array.dtype.kind not in "fiub":
        raise TypeError(f"Tensor data must be a real numeric array, got dtype {array.dtype}")
    return array


def _first_non_number(data: Any, array: np.ndarray) -> str:
    """Where the first element of ``data`` that is not a real number is, and what it is."""
    array = np.array(data, dtype=object)  # the elements as given (numpy made 1 into '1')
    for index in np.ndindex(array.shape):
        item = array[index]
        if isinstance(item, np.generic):
            item = item.item()
        if not isinstance(item, Real | np.bool_) or isinstance(item, str):
            what = "None" if item is None else f"the {type(item).__name__} {item!r}"
            return f"element [{', '.join(map(str, index))}] is {what}"
    return f"its elements are {array.dtype} values"  # pragma: no cover - numbers only


def _check_float_for_grad(dtype: np.dtype, requires_grad: bool) -> None:
    if requires_grad and dtype.kind != "f":
        raise TypeError(f"requires_grad needs floating-point data, got dtype {dtype}: "
                        "gradients of integers are not defined (convert with .astype(float))")


def as_operand(x: Any, like: Tensor) -> Tensor | None:
    """The other operand as a constant Tensor, or None if it cannot be one.

    Numbers, lists and integer arrays take ``like``'s float dtype, so float32 stays float32;
    a float array keeps its own dtype (and numpy's promotion rules apply).
    """
    if isinstance(x, Tensor):
        return x
    float_dtype = like.dtype if like.dtype.kind == "f" else np.float64
    if isinstance(x, Real):
        return Tensor(np.asarray(x, dtype=float_dtype))
    if isinstance(x, list | tuple):
        return Tensor(_to_array(x).astype(float_dtype, copy=False))
    if isinstance(x, np.ndarray):
        return Tensor(x.astype(float_dtype) if x.dtype.kind in "iub" else x)
    return None


def _operands(tensors: Sequence[Tensor], op: str) -> list[Tensor]:
    parts = list(tensors)
    if not parts:
        raise ValueError(f"{op} needs at least one Tensor")
    for i, t in enumerate(parts):
        if not isinstance(t, Tensor):
            raise TypeError(f"{op}: element {i} is a {type(t).__name__}, not a Tensor")
    return parts


def _data(x: Any) -> Any:
    return x._data if isinstance(x, Node) else x


def broadcasting(ufunc, op: str, a: Tensor, b: Tensor) -> np.ndarray:
    try:
        return ufunc(a._data, b._data)
    except ValueError:
        raise _no_broadcast(op, a._data, b._data) from None


def _no_broadcast(op: str, a: np.ndarray, b: np.ndarray) -> ValueError:
    return ValueError(f"{op}: shapes {a.shape} and {b.shape} do not broadcast together")


def unbroadcast(g: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Sum ``g`` over the axes that broadcasting added or stretched, back to ``shape``."""
    gshape = g.shape
    if gshape == shape:
        return g
    if gshape[1:] == shape and shape:  # one leading axis added: a bias added to each row
        return _add_up(g, axis=0)
    extra = g.ndim - len(shape)
    axes = tuple(range(extra)) + tuple(
        extra + i for i, n in enumerate(shape) if n == 1 and g.shape[extra + i] != 1)
    return g.sum(axis=axes, keepdims=True).reshape(shape)


def _unmatched(a: np.ndarray, b: np.ndarray) -> ValueError:
    """The error for a matrix product of shapes that do not fit, naming what does not."""
    inner_a, inner_b = a.shape[-1], b.shape[-2 if b.ndim > 1 else 0]
    if inner_a != inner_b:
        return ValueError(tr("matmul: shapes {a} and {b} do not align ({i} != {j})",
                             a=a.shape, b=b.shape, i=inner_a, j=inner_b))
    return ValueError(tr("matmul: batch shapes {a} and {b} do not broadcast (shapes {sa} and "
                         "{sb})", a=a.shape[:-2], b=b.shape[:-2], sa=a.shape, sb=b.shape))


def _sum_to(shape: tuple[int, ...], broadcast: tuple[int, ...]):
    """The VJP of broadcasting an operand of ``shape`` to ``broadcast``, chosen once, when the
    op is recorded: ``g`` itself, one sum over the leading axis (a bias), or the general sum."""
    if shape == broadcast:
        return _same
    if broadcast[1:] == shape and shape:
        return _sum_leading
    return lambda g: unbroadcast(g, shape)


def _same(g: np.ndarray) -> np.ndarray:
    return g


def _sum_leading(g: np.ndarray) -> np.ndarray:
    return _add_up(g, axis=0)


def _expand(g: np.ndarray, shape: tuple[int, ...], axes: tuple[int, ...] | None,
            keepdims: bool) -> np.ndarray:
    """Undo a reduction: give every reduced element the gradient of its result."""
    if not keepdims and axes is not None:
        g = np.expand_dims(g, axes)
    return np.broadcast_to(g, shape).copy()


def _axes(axis: Axis, shape: tuple[int, ...], op: str) -> tuple[int, ...] | None:
    """``axis`` as a tuple of non-negative axes (None: all), or an error naming it."""
    if axis is None:
        return None
    axes = (axis,) if isinstance(axis, int | np.integer) else tuple(axis)
    n = len(shape)
    for k in axes:
        if not isinstance(k, int | np.integer) or isinstance(k, bool):
            raise TypeError(f"{op}: axis must be an int or a tuple of ints, got {axis!r}")
        if not -n <= k < n:
            raise ValueError(f"{op}: axis {axis} is out of range for a Tensor of shape {shape}")
    normal = tuple(int(k) % n for k in axes)
    if len(set(normal)) != len(normal):
        raise ValueError(f"{op}: axis {axis} repeats an axis")
    return normal


def _matmul_grads(g: np.ndarray, a: np.ndarray, b: np.ndarray, want_a: bool = True,
                  want_b: bool = True) -> tuple:
    """d(a @ b) for any ranks: a 1-D ``a`` acts as a row (1, n), a 1-D ``b`` as a column (n, 1);
    batch axes broadcast, so their gradients are summed back to each operand's shape.
    A gradient that is not wanted is None."""
    a2 = a[np.newaxis, :] if a.ndim == 1 else a
    b2 = b[:, np.newaxis] if b.ndim == 1 else b
    g2 = np.expand_dims(g, -1) if b.ndim == 1 else g  # column axis first: g may be 0-d
    g2 = np.expand_dims(g2, -2) if a.ndim == 1 else g2
    ga = gb = None
    if want_a:
        ga = g2 @ np.swapaxes(b2, -1, -2)
        ga = unbroadcast(np.squeeze(ga, -2) if a.ndim == 1 else ga, a.shape)
    if want_b:
        gb = np.swapaxes(a2, -1, -2) @ g2
        gb = unbroadcast(np.squeeze(gb, -1) if b.ndim == 1 else gb, b.shape)
    return ga, gb


def _count(shape: tuple[int, ...], axes: tuple[int, ...] | None, op: str) -> int:
    """How many elements a reduction over ``axes`` combines into each result; an error if none
    (a mean, max or variance of nothing has no value)."""
    n = math.prod(shape) if axes is None else math.prod(shape[a] for a in axes)
    if n == 0:
        where = "all axes" if axes is None else f"axis {axes[0] if len(axes) == 1 else axes}"
        raise ValueError(f"{op}: reduces over an empty axis (shape {shape}, {where})")
    return n


def _check_power(a: np.ndarray, n: Any, op: str) -> None:
    """The domain of a ** n, for a number or an array ``n``: the same rule for both."""
    n = np.asarray(n)
    if n.ndim == 0 and float(n).is_integer():  # the common case: only 0 ** negative to check
        if n < 0 and (a == 0).any():
            raise ZeroDivisionError(f"{op}: zero to a negative power")
        return
    fractional = n != np.round(n)
    if (np.broadcast_to(a < 0, np.broadcast_shapes(a.shape, n.shape)) & fractional).any():
        raise ValueError(f"{op}: a negative base to a non-integer power is not real")
    if ((a == 0) & (n < 0)).any():
        raise ZeroDivisionError(f"{op}: zero to a negative power")


def _check_axis(axis: int, ndim: int, op: str, parts: list[Tensor]) -> None:
    if not isinstance(axis, int | np.integer) or not -ndim <= axis < ndim:
        shapes = sorted({t.shape for t in parts}, key=str)
        raise ValueError(f"{op}: axis {axis} is out of range for {len(parts)} Tensor(s) of "
                         f"shape {' and '.join(map(str, shapes))}")


def _plain_index(index: Any) -> Any:
    if isinstance(index, tuple):
        return tuple(_data(i) for i in index)
    return _data(index)


def _is_advanced(index: Any) -> bool:
    parts = index if isinstance(index, tuple) else (index,)
    return any(isinstance(i, np.ndarray | list) for i in parts)


def _slice_along(axis: int, start: int, end: int):
    def vjp(g: np.ndarray) -> np.ndarray:
        where = [slice(None)] * g.ndim
        where[axis] = slice(start, end)
        return g[tuple(where)]
    return vjp
