"""Every op in the op table, on Value and on Tensor, against its numpy reference and, where
PyTorch is installed, against PyTorch: values and gradients.

The table (``autograd.ops.OPS``) drives everything here: elementwise and binary ops are
called through their method and parameters; the other kinds have one row each below, and a
test fails when an op has no row, no symbol, no formula or no reference, or when Value and
Tensor do not offer the same elementwise ops.
"""

from __future__ import annotations

import importlib
import math
import operator

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import autograd
from autograd import Tensor, Value, ops
from tests.oracle import central
from tests.test_tensor_ops import check
from tests.wires import wire_by_wire

try:
    import torch
except ImportError:  # the README's test command installs it; a bare pytest may not have it
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed: ./dev test "
                                                       "installs torch==2.13.0 (CPU)")


def examples(share: float) -> settings:
    """A share of the active profile's examples (300 by default, 5000 for 'thorough')."""
    return settings(max_examples=max(10, int(settings.default.max_examples * share)))


# ---------------------------------------------------------------- how each op is tried

# Parameter settings tried for each elementwise op with parameters (its defaults otherwise).
PARAMS = {
    "**n": [{"n": 2.0}, {"n": 3.0}, {"n": -1.0}, {"n": -2.0}, {"n": 0.5}, {"n": 1.7},
            {"n": 0.0}, {"n": 1.0}],
    "leaky_relu": [{"alpha": 0.01}, {"alpha": 0.1}],
    "elu": [{"alpha": 1.0}, {"alpha": 0.5}],
    "clip": [{"low": -1.0, "high": 0.5}],
}

# The rows for ops that are not called through one method with numeric parameters.
OTHER_ROWS = {"@", "sum", "mean", "max", "min", "softmax", "log_softmax", "reshape",
              "transpose", "index", "concatenate", "stack", "cross_entropy", "pad", "where",
              "maximum", "minimum", "conv2d", "max_pool2d", "avg_pool2d", "scatter"}


def settings_of(op: ops.Op) -> list[dict]:
    return PARAMS.get(op.name, [dict(op.params)])


def smooth_range(op: ops.Op, params: dict) -> tuple[float, float, tuple[float, ...]]:
    """Where to draw inputs for ``op`` with ``params``: its domain within [-4, 4], and the
    kinks to stay away from."""
    lo, hi = max(op.domain[0], -4.0), min(op.domain[1], 4.0)
    kinks = op.kinks
    if op.name == "**n":
        n = params["n"]
        if not float(n).is_integer():
            lo = 0.0
        kinks = (0.0,) if n < 1 or not float(n).is_integer() else ()
    if op.name == "clip":
        kinks = (params["low"], params["high"])
    if op.name == "log" or op.name == "sqrt":
        lo = 0.05
    return lo, hi, kinks


def floats(lo: float, hi: float, kinks: tuple[float, ...]):
    lo_open = lo + 0.05 if lo == 0.0 else lo
    return st.floats(lo_open, hi, allow_nan=False).filter(
        lambda x: all(abs(x - k) > 1e-2 for k in kinks))


def call(op: ops.Op, operand, params: dict):
    return getattr(operand, op.method)(*params.values())


def ids(op_params):
    op, params = op_params
    return op.name + ("" if not params else str(tuple(params.values())))


ELEMENTWISE = [(op, p) for op in ops.OPS.values() if op.kind == "elementwise"
               for p in settings_of(op)]
BINARY = [op for op in ops.OPS.values() if op.kind == "binary"]
BINARY_RANGES = {"/": {"b": (0.3, 3.0)}, "**": {"a": (0.3, 3.0)}}

# ---------------------------------------------------------------- the table itself


def test_every_op_has_a_symbol_formula_reference_torch_name_and_a_test_row():
    tried = {op.name for op, _ in ELEMENTWISE} | {op.name for op in BINARY} | OTHER_ROWS
    assert set(ops.OPS) == tried, "an op without a test row, or a row without an op"
    for op in ops.OPS.values():
        assert op.symbol and op.formulas and all(op.formulas), op.name
        assert callable(op.reference), op.name
        assert op.torch.startswith("torch."), op.name
        assert op.kind in {"elementwise", "binary", "matrix", "reduction", "shape", "join",
                           "select", "image", "softmax", "loss"}, op.name


def test_each_function_of_one_number_is_written_once():
    """Issue #28, item 5: tanh's value and derivative are one row of the table, which Value's
    and Tensor's methods apply (they hold no math of their own for it)."""
    import inspect

    rules = [op for op in ops.OPS.values() if op.kind == "elementwise"]
    for op in rules:
        assert op.forward is not None and op.slope is not None, op.name
        for cls in (Value, Tensor):
            source = inspect.getsource(getattr(cls, op.method))
            body = source.split('"""')[-1] if '"""' in source else source.split(":", 1)[1]
            assert f'_apply(self, "{op.name}"' in body, (cls.__name__, op.name)
            if op.name == "**n":  # an operator: its domain is checked first, then the row
                body = body.split(f'_apply(self, "{op.name}"')[0].split("float(exponent)")[1]
            assert "np." not in body and "math." not in body, (cls.__name__, op.name)


def test_value_and_tensor_offer_the_same_elementwise_ops():
    for op in ops.elementwise():
        assert op.value and op.tensor, op.name
        assert hasattr(Value, op.method) and hasattr(Tensor, op.method), op.name


def _public_unary_methods(obj):
    for name in dir(obj):
        if name.startswith("_") or name in ("backward", "zero_grad", "item", "detach", "numpy",
                                            "sum", "flatten", "T", "reshape", "transpose"):
            continue
        method = getattr(obj, name)
        if not callable(method):
            continue
        try:
            result = method()
        except TypeError:
            continue
        if isinstance(result, autograd.Node):
            yield name, result


def test_every_op_a_method_records_is_in_the_table():
    for obj in (Value(0.5), Tensor([0.5, 1.5], requires_grad=True)):
        for name, result in _public_unary_methods(obj):
            assert ops.lookup(result.op) is not None, f"{type(obj).__name__}.{name}"
    for result in (Value(0.5) + 1, Value(0.5) - 1, Value(0.5) * 2, Value(0.5) / 2,
                   Value(0.5) ** 2, Value(0.5) ** Value(2.0), -Value(0.5)):
        assert ops.lookup(result.op) is not None, result.op


def test_the_renderer_explain_parser_and_activations_read_the_table():
    from nn.activations import ACTIVATIONS
    from viz.diagram import symbol
    from viz.expression import FUNCTIONS

    assert set(ACTIVATIONS) == {"linear"} | {op.name for op in ops.activations()}
    assert set(FUNCTIONS) == {op.name for op in ops.functions()}
    for op in ops.OPS.values():
        assert symbol(op.name) == op.symbol or op.name == "**n"
    assert symbol("**2") == "x²" and symbol("my_op") == "my_op"
    assert ops.formula("sigmoid", 0, a="z") == "σ(z)(1 − σ(z))"
    assert ops.formula("**3", 0, a="x") == "3·x^2"
    assert ops.formula("my_op", 0) is None


# ---------------------------------------------------------------- Value against numpy


@pytest.mark.parametrize("op_params", ELEMENTWISE, ids=ids)
def test_value_elementwise(op_params):
    op, params = op_params
    lo, hi, kinks = smooth_range(op, params)

    @examples(0.1)
    @given(floats(lo, hi, kinks))
    def run(x):
        v = Value(x)
        out = call(op, v, params)
        expected = float(op.reference(np.float64(x), **params))
        assert out.data == pytest.approx(expected, rel=1e-12, abs=1e-300)
        assert type(out.data) is float
        out.backward()
        numeric = central(lambda t: float(op.reference(np.float64(t), **params)), x)
        assert v.grad == pytest.approx(numeric, rel=1e-5, abs=1e-6)
        assert v.grad == wire_by_wire(out, 1.0)[id(v)]  # the diagrams' per-wire rule, exactly
        assert type(v.grad) is float
        t = Tensor(np.float64(x), requires_grad=True)  # the same op on a 0-d Tensor
        tout = call(op, t, params)
        tout.backward()
        assert float(tout.data) == pytest.approx(out.data, rel=1e-12, abs=1e-300)
        assert float(t.grad) == pytest.approx(v.grad, rel=1e-12, abs=1e-300)

    run()


@pytest.mark.parametrize("op", BINARY, ids=lambda op: op.name)
def test_value_binary(op):
    ranges = BINARY_RANGES.get(op.name, {})

    @examples(0.1)
    @given(floats(*ranges.get("a", (-4.0, 4.0)), ()), floats(*ranges.get("b", (-4.0, 4.0)), ()))
    def run(x, y):
        a, b = Value(x), Value(y)
        out = getattr(a, op.method)(b)
        assert out.data == pytest.approx(float(op.reference(x, y)), rel=1e-12, abs=1e-300)
        out.backward()
        by_wire = wire_by_wire(out, 1.0)  # the diagrams' per-wire rule, exactly
        assert (a.grad, b.grad) == (by_wire[id(a)], by_wire[id(b)])
        assert a.grad == pytest.approx(central(lambda t: op.reference(t, y), x), rel=1e-5,
                                       abs=1e-6)
        assert b.grad == pytest.approx(central(lambda t: op.reference(x, t), y), rel=1e-5,
                                       abs=1e-6)
        python_op = getattr(operator, op.method.strip("_"))  # a plain number on either side
        assert python_op(x, b).data == pytest.approx(float(op.reference(x, y)), rel=1e-12)
        assert python_op(a, y).data == pytest.approx(float(op.reference(x, y)), rel=1e-12)

    run()


# ---------------------------------------------------------------- Tensor against numpy

# 0-d tensors, axes of length 0 and 1, up to 3 axes
SHAPES = hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4)


def arrays_in(lo, hi, kinks, shape=SHAPES):
    return hnp.arrays(np.float64, shape, elements=floats(lo, hi, kinks))


@pytest.mark.parametrize("op_params", ELEMENTWISE, ids=ids)
def test_tensor_elementwise(op_params):
    op, params = op_params
    lo, hi, kinks = smooth_range(op, params)

    @examples(0.1)
    @given(arrays_in(lo, hi, kinks))
    def run(x):
        with np.errstate(all="ignore"):
            check(lambda t: call(op, t, params), lambda a: op.reference(a, **params), x)
            if x.size:  # the same tensor used twice: x·f(x)
                check(lambda t: t * call(op, t, params),
                      lambda a: a * op.reference(a, **params), x)

    run()


@pytest.mark.parametrize("op", BINARY, ids=lambda op: op.name)
def test_tensor_binary_broadcasting_both_ways_and_repeated(op):
    ranges = BINARY_RANGES.get(op.name, {})
    lo_a, hi_a = ranges.get("a", (-3.0, 3.0))
    lo_b, hi_b = ranges.get("b", (-3.0, 3.0))

    @examples(0.1)
    @given(hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, min_side=0,
                                             max_side=3), st.data())
    def run(shapes, data):
        sa, sb = shapes.input_shapes
        a = data.draw(arrays_in(lo_a, hi_a, (), sa))
        b = data.draw(arrays_in(lo_b, hi_b, (), sb))
        check(lambda x, y: getattr(x, op.method)(y), op.reference, a, b)
        both = data.draw(arrays_in(max(lo_a, lo_b), min(hi_a, hi_b), (), sa))
        check(lambda x: getattr(x, op.method)(x), lambda z: op.reference(z, z), both)
        check(lambda x: getattr(x, op.method)(b), lambda z: op.reference(z, b), a)  # array
        check(lambda y: getattr(Tensor(a), op.method)(y), lambda z: op.reference(a, z), b)

    run()


def axes_for(shape):
    """None, each single axis (also negative), and every pair of axes."""
    n = len(shape)
    return [None, *range(n), *(-i for i in range(1, n + 1)),
            *((i, j) for i in range(n) for j in range(i + 1, n))]


@pytest.mark.parametrize("name", ["sum", "mean", "max", "min"])
@pytest.mark.parametrize("keepdims", [False, True])
def test_reductions_over_every_axis_including_empty_ones(name, keepdims):
    op = ops.OPS[name]
    grid = st.integers(-300, 300).map(lambda k: k / 100)  # distinct: no ties within eps

    @examples(0.1)
    @given(hnp.arrays(np.float64, SHAPES, elements=grid, unique=True), st.data())
    def run(x, data):
        axis = data.draw(st.sampled_from(axes_for(x.shape)))
        reduced = x.size if axis is None else math.prod(
            x.shape[a] for a in ((axis,) if isinstance(axis, int) else axis))
        if reduced == 0 and name != "sum":  # the README's policy: no mean/max/min of nothing
            with pytest.raises(ValueError, match=f"{name}: reduces over an empty axis"):
                getattr(Tensor(x), name)(axis=axis)
            return
        check(lambda t: getattr(t, name)(axis=axis, keepdims=keepdims),
              lambda a: op.reference(a, axis=axis, keepdims=keepdims), x)

    run()


def _softmax_row(name):
    op = ops.OPS[name]

    @examples(0.1)
    @given(hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=3, max_side=4),
                      elements=st.floats(-5, 5)), st.data())
    def run(x, data):
        axis = data.draw(st.integers(-x.ndim, x.ndim - 1))
        check(lambda t: getattr(t, name)(axis), lambda a: op.reference(a, axis=axis), x)

    run()
    # a 0-d Tensor: one number, as PyTorch (softmax 1, log_softmax 0); other axes refused
    assert getattr(Tensor(1.0), name)().data == (1.0 if name == "softmax" else 0.0)
    with pytest.raises(ValueError, match=rf"{name}: axis 1 is out of range for a Tensor of "
                                         r"shape \(\)"):
        getattr(Tensor(1.0), name)(1)


def _matmul_row():
    for sa, sb in [((3,), (3,)), ((3,), (3, 2)), ((2, 3), (3,)), ((2, 3), (3, 4)),
                   ((4, 2, 3), (3, 2)), ((2, 1, 2, 3), (3, 3, 1)), ((0, 3), (3, 2))]:
        rng = np.random.default_rng(len(sa) * 10 + len(sb))
        a, b = rng.standard_normal(sa), rng.standard_normal(sb)
        check(lambda x, y: x @ y, ops.OPS["@"].reference, a, b)
    a = np.array([[0.3, -1.2], [0.8, 0.5]])
    check(lambda t: t @ t, lambda x: x @ x, a)


def _shape_rows(name):
    rng = np.random.default_rng(7)
    x = rng.standard_normal((2, 3, 4))
    ref = ops.OPS[name].reference
    if name == "reshape":
        check(lambda t: t.reshape(4, -1), lambda a: ref(a, (4, -1)), x)
        check(lambda t: t.reshape(()), lambda a: ref(a, ()), np.array(2.5))
    elif name == "transpose":
        for order in [(2, 0, 1), (-1, 0, -2), (-3, -1, 1)]:
            check(lambda t, o=order: t.transpose(o), lambda a, o=order: ref(a, o), x)
        check(lambda t: t.T, lambda a: ref(a), x)
    elif name == "index":
        rows = np.array([0, -1, 0])
        check(lambda t: t[rows], lambda a: ref(a, rows), x)
        check(lambda t: t[1, :, ::-2], lambda a: ref(a, (1, slice(None), slice(None, None, -2))),
              x)
        check(lambda t: t[:, 0, 0], lambda a: ref(a, (slice(None), 0, 0)), x)
    elif name == "scatter":  # index's gradient as an op (for create_graph): repeats add up
        rows = np.array([0, 4, 0])
        check(lambda t: autograd.tensor.scatter(t, rows, (5, 3, 4)),
              lambda a: ref(a, rows, (5, 3, 4)), x[:, :, :].repeat(2, axis=0)[:3])
    elif name in ("concatenate", "stack"):
        fn = getattr(autograd, name)
        for axis in (0, -1, 1):
            check(lambda a, b, ax=axis: fn([a, b, a], axis=ax),
                  lambda a, b, ax=axis: ref([a, b, a], axis=ax), x, x + 1)


def _cross_entropy_row():
    from nn.losses import cross_entropy

    rng = np.random.default_rng(3)
    z = rng.standard_normal((5, 4))
    y = np.array([0, 3, 1, 1, 2])
    check(lambda t: cross_entropy(t, y), lambda a: ops.OPS["cross_entropy"].reference(a, y), z)


def _select_and_image_rows(name):
    """One row each against the table's numpy reference (the loops, for conv and pooling);
    tests/test_spatial_ops.py tries them over many shapes."""
    rng = np.random.default_rng(11)
    ref = ops.OPS[name].reference
    x = rng.standard_normal((2, 3, 5, 6))
    if name == "pad":
        check(lambda t: autograd.pad(t, ((0, 0), (1, 2), (0, 1), (2, 0))),
              lambda a: ref(a, ((0, 0), (1, 2), (0, 1), (2, 0))), x)
    elif name == "where":
        cond = rng.random((3, 5, 6)) > 0.5
        check(lambda a, b: autograd.where(cond, a, b), lambda a, b: ref(cond, a, b), x,
              rng.standard_normal((5, 1)))
    elif name in ("maximum", "minimum"):
        fn = getattr(autograd, name)
        check(lambda a, b: fn(a, b), ref, x, rng.standard_normal((5, 1)))
    elif name == "conv2d":
        w, b = rng.standard_normal((4, 3, 3, 2)), rng.standard_normal(4)
        check(lambda a, f, c: autograd.conv2d(a, f, c, stride=(2, 1), padding=1),
              lambda a, f, c: ref(a, f, c, (2, 1), 1), x, w, b)
    else:
        fn = getattr(autograd, name)
        check(lambda t: fn(t, (2, 3), stride=(1, 2)), lambda a: ref(a, (2, 3), (1, 2)), x)


@pytest.mark.parametrize("name", sorted(OTHER_ROWS - {"sum", "mean", "max", "min"}))
def test_the_other_ops(name):
    if name in ("pad", "where", "maximum", "minimum", "conv2d", "max_pool2d", "avg_pool2d"):
        _select_and_image_rows(name)
    elif name in ("softmax", "log_softmax"):
        _softmax_row(name)
    elif name == "@":
        _matmul_row()
    elif name == "cross_entropy":
        _cross_entropy_row()
    else:
        _shape_rows(name)


# ---------------------------------------------------------------- against PyTorch


def _torch_fn(op: ops.Op):
    if op.name == "step":  # PyTorch defines no derivative for heaviside; ours is 0 (+ 0·x)
        return lambda x: torch.heaviside(x.detach(), torch.tensor(1.0, dtype=x.dtype)) + 0 * x
    module, _, name = op.torch.rpartition(".")
    return getattr(importlib.import_module(module), name)


def _against_torch(ours, theirs, arrays, R=None):
    """Our op and PyTorch's, in float64 from the same arrays: same value, same gradient."""
    inputs = [Tensor(a.copy(), requires_grad=True) for a in arrays]
    out = ours(*inputs)
    tensors = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in arrays]
    expected = theirs(*tensors)
    np.testing.assert_allclose(out.data, expected.detach().numpy(), rtol=1e-12, atol=1e-12)
    R = np.random.default_rng(out.size).standard_normal(out.shape) if R is None else R
    out.backward(R)
    if expected.requires_grad:
        expected.backward(torch.tensor(R))
    for ours_t, theirs_t in zip(inputs, tensors):
        theirs_grad = (np.zeros(ours_t.shape) if theirs_t.grad is None
                       else theirs_t.grad.numpy())
        np.testing.assert_allclose(ours_t.grad, theirs_grad, rtol=1e-10, atol=1e-12)


@needs_torch
@pytest.mark.parametrize("op_params", ELEMENTWISE, ids=ids)
def test_elementwise_matches_pytorch(op_params):
    op, params = op_params
    lo, hi, kinks = smooth_range(op, params)
    fn = _torch_fn(op)

    @examples(0.05)
    @given(arrays_in(lo, hi, kinks))
    def run(x):
        with np.errstate(all="ignore"):
            _against_torch(lambda t: call(op, t, params), lambda t: fn(t, *params.values()), [x])

    run()


@needs_torch
@pytest.mark.parametrize("op", BINARY, ids=lambda op: op.name)
def test_binary_matches_pytorch(op):
    ranges = BINARY_RANGES.get(op.name, {})
    fn = _torch_fn(op)

    @examples(0.05)
    @given(hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=3),
           st.data())
    def run(shapes, data):
        sa, sb = shapes.input_shapes
        a = data.draw(arrays_in(*ranges.get("a", (-3.0, 3.0)), (), sa))
        b = data.draw(arrays_in(*ranges.get("b", (-3.0, 3.0)), (), sb))
        _against_torch(lambda x, y: getattr(x, op.method)(y), fn, [a, b])

    run()


@needs_torch
@pytest.mark.parametrize("name", ["sum", "mean", "max", "min"])
def test_reductions_match_pytorch(name):
    fn = _torch_fn(ops.OPS[name])
    x = np.array([[1.0, 3.0, 3.0], [2.0, -1.0, 0.5]])  # a tie: both share the gradient
    for axis in (None, 0, 1, -1, (0, 1)):
        for keepdims in (False, True):
            dim = (0, 1) if axis is None else axis
            _against_torch(lambda t, a=axis, k=keepdims: getattr(t, name)(axis=a, keepdims=k),
                           lambda t, d=dim, k=keepdims: fn(t, dim=d, keepdim=k), [x])


@needs_torch
def test_the_other_ops_match_pytorch():
    import torch.nn.functional as F

    from nn.losses import cross_entropy

    rng = np.random.default_rng(5)
    x = rng.standard_normal((2, 3, 4))
    for axis in (0, -1, 1):
        _against_torch(lambda t, a=axis: t.softmax(a), lambda t, a=axis: torch.softmax(t, a), [x])
        _against_torch(lambda t, a=axis: t.log_softmax(a),
                       lambda t, a=axis: torch.log_softmax(t, a), [x])
    _against_torch(lambda t: t.transpose(-1, 0, -2), lambda t: t.permute(-1, 0, -2), [x])
    _against_torch(lambda t: t.reshape(4, -1), lambda t: t.reshape(4, -1), [x])
    _against_torch(lambda t: t[np.array([0, -1, 0])], lambda t: t[[0, -1, 0]], [x])
    _against_torch(lambda a, b: autograd.concatenate([a, b, a], axis=-1),
                   lambda a, b: torch.cat([a, b, a], dim=-1), [x, x + 1])
    _against_torch(lambda a, b: autograd.stack([a, b], axis=1),
                   lambda a, b: torch.stack([a, b], dim=1), [x, x + 1])
    for sa, sb in [((3,), (3, 2)), ((2, 3), (3,)), ((4, 2, 3), (3, 2)), ((2, 1, 2, 3), (3, 3, 1))]:
        _against_torch(lambda a, b: a @ b, torch.matmul,
                       [rng.standard_normal(sa), rng.standard_normal(sb)])
    z, y = rng.standard_normal((5, 4)), np.array([0, 3, 1, 1, 2])
    _against_torch(lambda t: cross_entropy(t, y), lambda t: F.cross_entropy(t, torch.tensor(y)),
                   [z], R=np.array(1.0))
