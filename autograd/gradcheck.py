"""Gradient checking: reverse mode against central finite differences (and against your own).

Works the same for Value and Tensor inputs: each checked number is one row of the report.

``gradcheck`` runs ``f``, backpropagates, nudges each input by ±eps to estimate the same
gradient numerically, and returns a report: a table that says, input by input, whether the
analytic gradient (and, if you give one, the gradient you derived by hand) agrees with the
numbers. Defaults follow ``torch.autograd.gradcheck``: ``eps=1e-6, atol=1e-5, rtol=1e-3``.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from numbers import Real
from typing import Any

import numpy as np

from .graph import Node, grad, no_grad
from .language import tr

_RED = "#b00"


class GradcheckError(AssertionError):
    """Raised by ``gradcheck(..., raise_on_fail=True)``; its message names the failing inputs."""


@dataclass(frozen=True)
class GradRow:
    """One checked number: d output / d input three ways, and whether they agree.

    For a scalar output ``output`` is None; otherwise it names the output element (a row of
    the Jacobian, ``"out[1]"``) or the random projection (``"out·r2"``) that was checked.
    """

    name: str
    analytic: float
    numeric: float
    by_hand: float | None
    abs_error: float  # |analytic - numeric|
    rel_error: float  # abs_error / max(|analytic|, |numeric|)
    analytic_ok: bool
    by_hand_ok: bool | None  # None when no hand-derived gradient was given
    output: str | None = None
    by_hand_abs_error: float | None = None  # |by hand - numeric|
    by_hand_rel_error: float | None = None

    @property
    def passed(self) -> bool:
        return self.analytic_ok and self.by_hand_ok is not False

    @property
    def verdict(self) -> str:
        wrong = [tr(who) for who, ok in (("autograd", self.analytic_ok),
                                         ("by hand", self.by_hand_ok)) if ok is False]
        return tr("ok") if not wrong else f" {tr('and')} ".join(wrong) + " " + tr("≠ numeric")


class GradcheckReport:
    """The result of :func:`gradcheck`: truthy only when every row passes."""

    def __init__(self, rows: list[GradRow], eps: float, atol: float, rtol: float,
                 upcast: Sequence[str] = (), outputs: int = 1, projections: int = 0) -> None:
        self.rows = rows
        self.eps, self.atol, self.rtol = eps, atol, rtol
        self.upcast = list(upcast)  # dtypes of inputs that were checked in float64
        self.outputs = outputs  # how many numbers f returned
        self.projections = projections  # random projections checked (0: the full Jacobian)
        self.name = "gradcheck"  # "gradgradcheck" for second derivatives

    def __bool__(self) -> bool:
        return all(row.passed for row in self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self):
        return iter(self.rows)

    def __getitem__(self, name: str) -> GradRow:
        for row in self.rows:
            if row.name == name:
                return row
        raise KeyError(f"no input named {name!r}; inputs are {[r.name for r in self.rows]}")

    @property
    def failed(self) -> list[GradRow]:
        return [row for row in self.rows if not row.passed]

    def _table(self) -> tuple[list[str], list[list[str]]]:
        hand = any(row.by_hand is not None for row in self.rows)
        several = self.outputs > 1
        header = [tr(h) for h in [*(["output"] if several else []), "input", "autograd",
                                  "numeric", *(["by hand"] if hand else []), "abs error",
                                  "rel error", *(["by hand error"] if hand else []),
                                  "verdict"]]
        body = [[*([row.output or ""] if several else []), row.name, _fmt(row.analytic),
                 _fmt(row.numeric),
                 *([_fmt(row.by_hand) if row.by_hand is not None else "—"] if hand else []),
                 f"{row.abs_error:.2e}", f"{row.rel_error:.2e}",
                 *([f"{row.by_hand_abs_error:.2e}" if row.by_hand_abs_error is not None
                    else "—"] if hand else []),
                 row.verdict]
                for row in self.rows]
        return header, body

    def summary(self) -> str:
        n, n_ok = len(self.rows), sum(r.analytic_ok for r in self.rows)
        agree = [tr("gradcheck {result}: autograd agrees with finite differences on {ok} of "
                    "{n}", result=tr("passed" if self else "FAILED"), ok=n_ok, n=n)
                 .replace("gradcheck", self.name, 1)]
        hand = [r.by_hand_ok for r in self.rows if r.by_hand_ok is not None]
        if hand:
            agree.append(tr("by hand on {ok} of {n}", ok=sum(hand), n=len(hand)))
        upcast = tr("; {dtypes} inputs checked in float64",
                    dtypes="/".join(sorted(set(self.upcast)))) if self.upcast else ""
        if self.projections:
            upcast += tr("; {n} outputs, checked along {k} random projections",
                         n=self.outputs, k=self.projections)
        elif self.outputs > 1:
            upcast += tr("; {n} outputs, every row of the Jacobian checked", n=self.outputs)
        return (f"{', '.join(agree)} ({tr('central differences')}, eps={self.eps:g}; "
                f"{tr('agree')}: |g - numeric| <= {self.atol:g} + {self.rtol:g}·|numeric|"
                f"{upcast})")

    def __str__(self) -> str:
        header, body = self._table()
        widths = [max(len(r[i]) for r in [header, *body]) for i in range(len(header))]
        line = "  ".join
        out = [line(h.ljust(w) for h, w in zip(header, widths)).rstrip(),
               line("-" * w for w in widths)]
        out += [line(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in body]
        return "\n".join([self.summary(), *out])

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        header, body = self._table()
        head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
        def cell(text: str, bad: bool) -> str:
            return f'<td style="color:{_RED if bad else "inherit"}">{html.escape(text)}</td>'

        rows = "".join(
            "<tr>" + "".join(cell(c, row.verdict != "ok" and i == len(r) - 1)
                             for i, c in enumerate(r)) + "</tr>"
            for row, r in zip(self.rows, body))
        return (f"<p>{html.escape(self.summary())}</p>"
                f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")


def numerical_grad(
    f: Callable[..., Node], inputs: Sequence[Node], eps: float = 1e-6
) -> list[Any]:
    """Central differences (f(x+eps) - f(x-eps)) / 2eps of ``f(*inputs)`` for each input.

    ``f`` returns a scalar. A float for each Value input, an array of its shape for each
    Tensor input. Computed in float64 (float32 inputs are upcast for the while: at their
    precision a difference over eps = 1e-6 would be mostly rounding); integer arrays are
    refused. Each input is nudged in place and restored afterwards, even if ``f`` raises.
    """
    inputs = _check_inputs(inputs, "numerical_grad")
    _check_eps(eps, "numerical_grad")
    result: list[Any] = [np.zeros(x._data.shape) if _is_array(x) else 0.0 for x in inputs]
    with _in_float64(inputs):
        for i, index, _ in _coordinates(inputs, [""] * len(inputs), None, None):
            up, down, step = _nudged(f, inputs, inputs[i], index, eps, "numerical_grad",
                                     _scalar_output)
            d = (up - down) / step
            if index is None:
                result[i] = d
            else:
                result[i][index] = d
    return result


FULL_JACOBIAN = 16  # outputs up to this many: every row of the Jacobian is checked
PROJECTIONS = 3  # above it: this many random directions (seeded), each a whole VJP


def gradcheck(
    f: Callable[..., Any],
    inputs: Sequence[Node],
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    *,
    n: int | None = None,
    seed: int = 0,
    by_hand: Sequence[Any] | Mapping[str, Any] | None = None,
    raise_on_fail: bool = False,
) -> GradcheckReport:
    """Compare the backpropagated gradient of ``f(*inputs)`` with central differences.

    ``f`` returns a Value, a Tensor of any shape, or a list of them. For one number the
    gradient is checked; for up to 16 numbers every row of the Jacobian (d out[k] / d input);
    for more, 3 random directions r (seeded by ``seed``): the vector-Jacobian product
    d (r · out) / d input. Checking through ``.sum()`` is not enough: it checks only
    ones · J, and a VJP can be wrong in a way that sums to zero (softmax's does).

    Every element of a Tensor input is checked, or ``n`` of them drawn at random (``seed``)
    for big tensors. float32 and float16 inputs are checked in float64. ``by_hand`` adds
    gradients you derived yourself for a scalar ``f`` (by position, or by input name; an
    array for a Tensor input), shown beside the other two with their own errors. The
    inputs' ``.data`` and ``.grad`` are left as they were.
    """
    inputs = _check_inputs(inputs, "gradcheck")
    if not inputs:
        raise ValueError("gradcheck: no inputs to check; pass the Values or Tensors that f "
                         "takes")
    if n is not None and (not isinstance(n, int) or n < 1):
        raise ValueError(f"gradcheck: n={n} checks nothing; give n >= 1 (or None for every "
                         "element)")
    _check_eps(eps, "gradcheck")
    names = [x.label if x.label else f"inputs[{i}]" for i, x in enumerate(inputs)]
    for name, x in zip(names, inputs):
        if not x.requires_grad:
            raise ValueError(f"gradcheck: input {name} does not require grad "
                             "(create it with requires_grad=True)")
    rng = np.random.default_rng(seed)
    with _in_float64(inputs) as upcast:
        pieces = _outputs(f(*inputs))
        size = sum(_size(p) for p in pieces)
        if size == 0:
            shapes = ", ".join(str(p._data.shape) for p in pieces)
            raise ValueError(f"gradcheck: f returned no numbers (shape {shapes}); there is "
                             "nothing to check")
        directions, labels = _directions(pieces, size, rng)
        if len(directions) > 1 and by_hand is not None:
            raise ValueError(f"gradcheck: by_hand needs f to return one number; it returned "
                             f"{size}")
        hand = _hand_values(by_hand, names, inputs)
        analytic = [_vjp(pieces, inputs, v) for v in directions]
        rows = []
        for i, index, name in _coordinates(inputs, names, n, rng):
            up, down, step = _nudged(f, inputs, inputs[i], index, eps, "gradcheck",
                                     lambda out: _flat(_outputs(out)))
            difference = (up - down) / step
            for v, label, grads in zip(directions, labels, analytic):
                a = float(grads[i] if index is None else grads[i][index])
                h = hand[i] if hand[i] is None or index is None else float(hand[i][index])
                rows.append(_row(name, label, a, float(v @ difference), h, atol, rtol))
    report = GradcheckReport(rows, eps, atol, rtol, upcast, size,
                             len(directions) if size > FULL_JACOBIAN else 0)
    if raise_on_fail and not report:
        raise GradcheckError("gradient check failed for "
                             + ", ".join(r.name for r in report.failed) + "\n" + str(report))
    return report


def gradgradcheck(
    f: Callable[..., Any],
    inputs: Sequence[Node],
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    *,
    n: int | None = None,
    seed: int = 0,
    raise_on_fail: bool = False,
) -> GradcheckReport:
    """Second derivatives checked, as PyTorch's ``gradgradcheck``: :func:`gradcheck` of the
    function that returns ``f``'s gradients recorded with ``create_graph=True``. Each row
    compares d(first derivative ``out[k]``)/d input by double backprop with central
    differences of backprop's first derivatives; ``out[k]`` counts the first derivatives
    with respect to the inputs in order, each Tensor's elements flattened. A non-scalar
    ``f`` is first reduced to one number, r · f, with a random r (``seed``)."""
    from .graph import enable_grad, grad, is_grad_enabled
    from .tensor import Tensor
    from .value import Value

    inputs = _check_inputs(inputs, "gradgradcheck")
    weights: dict[int, np.ndarray] = {}

    def first(*xs: Node) -> list[Node]:
        if is_grad_enabled():  # the analytic side: the first derivatives as a graph
            return _first(*xs, create_graph=True)
        # the numeric side (gradcheck nudges the inputs under no_grad): backprop's own first
        # derivatives, differenced, so that a wrong recorded derivative cannot agree with
        # itself
        with enable_grad():
            grads = _first(*xs, create_graph=False)
        return [Tensor(g) if _is_array(x) else Value(g) for g, x in zip(grads, xs)]

    def _first(*xs: Node, create_graph: bool) -> list[Any]:
        pieces = _outputs(f(*xs))
        total = None
        for k, piece in enumerate(pieces):
            if _size(piece) == 1 and len(pieces) == 1:
                term = piece if not _is_array(piece) else piece.sum()
            else:
                r = weights.setdefault(k, np.random.default_rng(seed + k).standard_normal(
                    np.shape(piece._data)))
                term = (piece * r).sum() if _is_array(piece) else piece * float(r)
            total = term if total is None else total + term
        return grad(total, list(xs), create_graph=create_graph)

    report = gradcheck(first, inputs, eps, atol, rtol, n=n, seed=seed)
    report.name = "gradgradcheck"
    names = []  # out[k]: the k-th first derivative, named after its input
    for i, x in enumerate(inputs):
        name = x.label or f"inputs[{i}]"
        names += ([f"∂/∂{name}"] if not _is_array(x) else
                  [f"∂/∂{name}[{k}]" for k in range(x._data.size)])
    report.rows = [replace(r, output=names[int(r.output[4:-1])])
                   if r.output and r.output.startswith("out[") else r for r in report.rows]
    if raise_on_fail and not report:
        raise GradcheckError("second-derivative check failed for "
                             + ", ".join(r.name for r in report.failed) + "\n" + str(report))
    return report


def _row(name: str, output: str | None, a: float, num: float, h: float | None, atol: float,
         rtol: float) -> GradRow:
    def errors(value: float) -> tuple[float, float, bool]:
        error = abs(value - num)
        scale = max(abs(value), abs(num))
        return error, error / scale if scale else 0.0, error <= atol + rtol * abs(num)

    abs_error, rel_error, ok = errors(a)
    hand_abs, hand_rel, hand_ok = errors(h) if h is not None else (None, None, None)
    return GradRow(name, a, num, h, abs_error, rel_error, ok, hand_ok, output, hand_abs,
                   hand_rel)


def _outputs(output: Any) -> list[Node]:
    """What ``f`` returned, as a list of nodes, each with a finite value."""
    pieces = list(output) if isinstance(output, list | tuple) else [output]
    if not pieces:
        raise TypeError("gradcheck: f returned an empty list")
    for k, piece in enumerate(pieces):
        if not isinstance(piece, Node):
            where = f"element {k} of what f returned is" if len(pieces) > 1 else "f returned"
            raise TypeError(f"gradcheck: {where} a {type(piece).__name__}; f must return a "
                            "Value or Tensor built from its inputs (or a list of them)")
        if not np.all(np.isfinite(piece._data)):
            raise FloatingPointError(
                f"gradcheck: f returned a non-finite value ({_describe_nonfinite(piece._data)}) "
                "at the inputs given; a gradient is not defined there")
    return pieces


def _describe_nonfinite(data: Any) -> str:
    values = np.asarray(data, dtype=np.float64).ravel()
    return str(values[~np.isfinite(values)][0])


def _size(piece: Node) -> int:
    return piece._data.size if _is_array(piece) else 1


def _flat(pieces: list[Node]) -> np.ndarray:
    return np.concatenate([np.asarray(p._data, dtype=np.float64).ravel() for p in pieces])


def _directions(pieces: list[Node], size: int, rng) -> tuple[list[np.ndarray], list]:
    """The directions r along which d(r · out)/d input is checked, and their names."""
    if size == 1:
        return [np.ones(1)], [None]
    if size <= FULL_JACOBIAN:
        names = []
        for k, piece in enumerate(pieces):
            prefix = f"out[{k}]" if len(pieces) > 1 else "out"
            if _is_array(piece) and piece._data.ndim:
                names += [f"{prefix}[{', '.join(map(str, ix))}]"
                          for ix in np.ndindex(piece._data.shape)]
            else:
                names.append(prefix if len(pieces) > 1 else "out[0]")
        return list(np.eye(size)), names
    return ([rng.standard_normal(size) for _ in range(PROJECTIONS)],
            [f"out·r{k + 1}" for k in range(PROJECTIONS)])


def _vjp(pieces: list[Node], inputs: list[Node], v: np.ndarray) -> list[Any]:
    """d (v · out) / d input for each input, by reverse mode, one pass per output piece."""
    total: list[Any] = [0.0] * len(inputs)
    start = 0
    for piece in pieces:
        k = _size(piece)
        part = v[start:start + k]
        start += k
        if not part.any():
            continue
        seed = float(part[0]) if not _is_array(piece) else part.reshape(piece._data.shape)
        grads = grad(piece, inputs, grad_outputs=seed)
        total = [t + np.asarray(g, dtype=np.float64) if _is_array(x) else t + float(g)
                 for t, g, x in zip(total, grads, inputs)]
    return [np.broadcast_to(t, x._data.shape) if _is_array(x) else t
            for t, x in zip(total, inputs)]


def _is_array(x: Node) -> bool:
    return isinstance(x._data, np.ndarray)


def _coordinates(inputs: list[Node], names: list[str], n: int | None, rng) -> Iterator[tuple]:
    """(input position, element index or None for a Value, row name) for each checked number."""
    for i, (x, name) in enumerate(zip(inputs, names)):
        if not _is_array(x):
            yield i, None, name
            continue
        size = x._data.size
        flat = range(size) if n is None or n >= size else sorted(rng.choice(size, n, replace=False))
        for k in flat:
            index = np.unravel_index(k, x._data.shape)
            yield i, index, f"{name}[{', '.join(str(int(j)) for j in index)}]" if index else name


def _nudged(f, inputs: list[Node], x: Node, index: tuple | None, eps: float, who: str,
            read: Callable[[Any], Any]) -> tuple[Any, Any, float]:
    """``read(f(...))`` at x + eps and at x - eps (one number of one input nudged), and the
    step taken. Each output is read while its input is still nudged: an output may be the
    input itself or a view of it (``lambda x: x``), and would change with the next nudge."""
    original = x._data if index is None else x._data[index].item()

    def put(value: float) -> None:
        if index is None:
            x._data = value
        else:
            x._data[index] = value

    up, down = original + eps, original - eps
    if up == down:
        raise ValueError(f"{who}: eps={eps:g} is lost to rounding at x = {original!r} "
                         "(x + eps == x - eps); use a larger eps")
    try:
        with no_grad():
            put(up)
            f_up = read(f(*inputs))
            put(down)
            f_down = read(f(*inputs))
    finally:
        put(original)
    return f_up, f_down, up - down


@contextmanager
def _in_float64(inputs: list[Node]) -> Iterator[list[str]]:
    """Give low-precision array inputs float64 copies of their data for a while."""
    saved = [(x, x._data) for x in inputs if _is_array(x) and x._data.dtype.itemsize < 8
             and x._data.dtype.kind == "f"]
    try:
        for x, data in saved:
            x._data = data.astype(np.float64)
        yield [str(data.dtype) for _, data in saved]
    finally:
        for x, data in saved:
            x._data = data


def _check_inputs(inputs: Sequence[Node] | Node, who: str) -> list[Node]:
    if isinstance(inputs, Node):
        inputs = [inputs]
    inputs = list(inputs)
    for i, x in enumerate(inputs):
        if not isinstance(x, Node):
            raise TypeError(f"{who}: inputs[{i}] must be a Value or Tensor, got "
                            f"{type(x).__name__}")
        if _is_array(x) and x._data.dtype.kind != "f":
            raise TypeError(f"{who}: inputs[{i}] has integer dtype {x._data.dtype}; finite "
                            "differences need floating-point data (use .astype(float))")
        if _is_array(x) and x._data.size == 0:  # a check of nothing is not a pass
            name = f"input {x.label}" if x.label else f"inputs[{i}]"
            raise ValueError(f"{who}: {name} has no elements (shape {x._data.shape}); there is "
                             "nothing to check")
    return inputs


def _check_eps(eps: float, who: str) -> None:
    if not isinstance(eps, Real) or not eps > 0 or not math.isfinite(eps):
        raise ValueError(f"{who}: eps must be a positive number, got {eps!r}")


def _scalar_output(output: object) -> float:
    if not isinstance(output, Node):
        raise TypeError(f"f must return a scalar Value built from its inputs, "
                        f"got {type(output).__name__}")
    if _is_array(output):
        if output._data.size != 1:
            raise TypeError(f"f must return a scalar: got a Tensor of shape {output._data.shape} "
                            "(reduce it with .sum() or .mean(), or use gradcheck, which checks "
                            "outputs of any shape)")
        return float(output._data.item())
    return float(output._data)


def _hand_values(by_hand, names: list[str], inputs: list[Node]) -> list[Any]:
    if by_hand is None:
        return [None] * len(names)
    if isinstance(by_hand, Mapping):
        unknown = sorted(set(by_hand) - set(names))
        if unknown:
            raise ValueError(f"by_hand names unknown inputs {unknown}; inputs are {names}")
        values = [by_hand.get(name) for name in names]
    else:
        values = list(by_hand)
        if len(values) != len(names):
            raise ValueError(f"by_hand has {len(values)} gradients for {len(names)} inputs")
    checked: list[Any] = []
    for name, v, x in zip(names, values, inputs):
        if v is None:
            checked.append(None)
        elif _is_array(x):
            array = np.asarray(v, dtype=np.float64)
            if array.shape != x._data.shape:
                raise ValueError(f"by_hand gradient for {name} has shape {array.shape}, "
                                 f"the input has shape {x._data.shape}")
            checked.append(array)
        elif isinstance(v, Real):
            checked.append(float(v))
        else:
            raise TypeError(f"by_hand gradient for {name} must be a number, got {type(v).__name__}")
    return checked


def _fmt(x: float) -> str:
    return f"{x:.6g}" if math.isfinite(x) else str(x)
