"""Every Tensor op against an independent oracle: a numpy reference for the value, and
central differences of sum(reference · R) for the gradient (seeded with backward(R))."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import autograd
from autograd import Tensor
from tests.wires import wire_by_wire


def examples(share: float) -> settings:
    """A share of the active profile's examples (300 by default, 5000 for 'thorough')."""
    return settings(max_examples=max(10, int(settings.default.max_examples * share)))


TENSOR_EXAMPLES = examples(1 / 3)


def numeric_grads(loss, arrays, eps=1e-6):
    """Central differences of ``loss(*arrays)`` for every element, in plain numpy."""
    grads = []
    for k, a in enumerate(arrays):
        g = np.zeros(a.shape)
        for index in np.ndindex(a.shape):
            args = [x.copy() for x in arrays]
            args[k][index] = a[index] + eps
            up = loss(*args)
            args[k][index] = a[index] - eps
            down = loss(*args)
            g[index] = (up - down) / (2 * eps)
        grads.append(g)
    return grads


def check(tensor_fn, numpy_fn, *arrays, atol=1e-6, rtol=1e-5):
    """tensor_fn on Tensors matches numpy_fn in value, and in gradient for every input."""
    arrays = [np.asarray(a, dtype=np.float64) for a in arrays]
    inputs = [Tensor(a.copy(), requires_grad=True) for a in arrays]
    out = tensor_fn(*inputs)
    expected = np.asarray(numpy_fn(*arrays))
    assert out.shape == expected.shape, (out.shape, expected.shape)
    np.testing.assert_allclose(out.data, expected, rtol=1e-12, atol=1e-12)
    R = np.random.default_rng(out.size).standard_normal(expected.shape)
    out.backward(R)
    numeric = numeric_grads(lambda *xs: float(np.sum(numpy_fn(*xs) * R)), arrays)
    by_wire = wire_by_wire(out, R)  # the diagrams' rule, wire by wire: the very same numbers
    for t, a, g in zip(inputs, arrays, numeric):
        assert t.grad.shape == a.shape
        np.testing.assert_allclose(t.grad, g, atol=atol, rtol=rtol)
        np.testing.assert_array_equal(t.grad, by_wire[id(t)])


SMALL_SHAPES = hnp.array_shapes(min_dims=0, max_dims=3, max_side=4)


def arrays(shape=SMALL_SHAPES, lo=-3.0, hi=3.0, avoid=None, unique=False):
    """Float arrays; ``unique`` ones are drawn on a 0.01 grid, so no two are within eps."""
    if unique:
        grid = st.integers(int(lo * 100), int(hi * 100)).map(lambda k: k / 100)
        return hnp.arrays(np.float64, shape, elements=grid, unique=True)
    elements = st.floats(lo, hi, allow_nan=False)
    if avoid is not None:
        elements = elements.filter(lambda x: abs(x - avoid) > 1e-3)
    return hnp.arrays(np.float64, shape, elements=elements, unique=unique)


MATMUL_SHAPES = [
    ((3,), (3,)), ((3,), (3, 2)), ((2, 3), (3,)), ((2, 3), (3, 4)), ((4, 2, 3), (3, 2)),
    ((2, 3), (4, 3, 2)), ((2, 1, 2, 3), (3, 3, 1)), ((3,), (2, 3, 4)), ((2, 4, 3), (3,)),
]


@pytest.mark.parametrize(("sa", "sb"), MATMUL_SHAPES)
def test_matmul(sa, sb):
    @examples(1 / 15)
    @given(arrays(sa), arrays(sb))
    def run(a, b):
        check(lambda x, y: x @ y, np.matmul, a, b)

    run()


def axes_for(shape):
    """None, each single axis (also negative), and every pair of axes."""
    n = len(shape)
    return [None, *range(n), *(-i for i in range(1, n + 1)),
            *((i, j) for i in range(n) for j in range(i + 1, n))]


@pytest.mark.parametrize("name", ["var", "std"])  # the rest: tests/test_op_table.py
@pytest.mark.parametrize("keepdims", [False, True])
def test_reductions(name, keepdims):
    @examples(2 / 15)
    @given(arrays(hnp.array_shapes(min_dims=0, max_dims=3, max_side=4), unique=True), st.data())
    def run(x, data):
        axis = data.draw(st.sampled_from(axes_for(x.shape)))
        if name == "std" and x.size // max(np.sum(x, axis=axis, keepdims=True).size, 1) < 2:
            return  # the std of one number is 0, where sqrt has no derivative
        check(lambda t: getattr(t, name)(axis=axis, keepdims=keepdims),
              lambda a: getattr(np, name)(a, axis=axis, keepdims=keepdims), x)

    run()


def test_ties_share_the_gradient_of_max():
    x = Tensor([1.0, 3.0, 3.0, 2.0], requires_grad=True)
    x.max().backward()
    np.testing.assert_array_equal(x.grad, [0.0, 0.5, 0.5, 0.0])


@given(arrays(hnp.array_shapes(min_dims=1, max_dims=4, max_side=3)), st.data())
@examples(1 / 5)
def test_shape_ops(x, data):
    order = data.draw(st.permutations(range(x.ndim)))
    check(lambda t: t.transpose(*order), lambda a: a.transpose(order), x)
    check(lambda t: t.T, lambda a: a.T, x)
    check(lambda t: t.reshape(-1), lambda a: a.reshape(-1), x)
    check(lambda t: t.reshape(x.shape[::-1]), lambda a: a.reshape(x.shape[::-1]), x)
    start = data.draw(st.integers(0, x.ndim - 1))
    check(lambda t: t.flatten(start), lambda a: a.reshape(*a.shape[:start], -1), x)


@given(arrays(hnp.array_shapes(min_dims=2, max_dims=2, min_side=2, max_side=5)), st.data())
@examples(1 / 5)
def test_indexing(x, data):
    n, m = x.shape
    rows = np.array(data.draw(st.lists(st.integers(-n, n - 1), min_size=1, max_size=6)))
    targets = np.array(data.draw(st.lists(st.integers(0, m - 1), min_size=n, max_size=n)))
    check(lambda t: t[1:, ::-1], lambda a: a[1:, ::-1], x)
    check(lambda t: t[0], lambda a: a[0], x)
    check(lambda t: t[-1, 1], lambda a: a[-1, 1], x)  # a 0-d result
    check(lambda t: t[rows], lambda a: a[rows], x)  # repeated rows add up
    check(lambda t: t[np.arange(n), targets], lambda a: a[np.arange(n), targets], x)
    check(lambda t: t[:, [0, 0]], lambda a: a[:, [0, 0]], x)
    check(lambda t: t[Tensor(np.arange(n)), Tensor(targets)], lambda a: a[np.arange(n), targets], x)


def test_boolean_mask_indexing():
    x = np.array([[1.0, -2.0], [3.0, -4.0]])
    check(lambda t: t[x > 0], lambda a: a[x > 0], x)


@given(st.integers(1, 3), st.integers(0, 1), st.data())
@examples(2 / 15)
def test_concatenate_and_stack(k, axis, data):
    shapes = [(2, data.draw(st.integers(1, 3))) if axis else (data.draw(st.integers(1, 3)), 2)
              for _ in range(k)]
    xs = [data.draw(arrays(s)) for s in shapes]
    check(lambda *ts: autograd.concatenate(ts, axis=axis),
          lambda *a: np.concatenate(a, axis=axis), *xs)
    same = [data.draw(arrays((2, 3))) for _ in range(k)]
    check(lambda *ts: autograd.stack(ts, axis=axis), lambda *a: np.stack(a, axis=axis), *same)


def _softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


@given(arrays(hnp.array_shapes(min_dims=1, max_dims=3, max_side=4)), st.data())
@examples(1 / 5)
def test_softmax_and_log_softmax(x, data):
    axis = data.draw(st.integers(-x.ndim, x.ndim - 1))
    check(lambda t: t.softmax(axis), lambda a: _softmax(a, axis), x)
    check(lambda t: t.log_softmax(axis), lambda a: np.log(_softmax(a, axis)), x)


def test_softmax_is_stable_for_logits_of_magnitude_1e4():
    logits = Tensor([[1e4, -1e4, 0.0], [-1e4, -1e4 + 1, -1e4]], requires_grad=True)
    s = logits.softmax()
    ls = logits.log_softmax()
    assert np.isfinite(s.data).all() and np.isfinite(ls.data).all()
    np.testing.assert_allclose(s.data[0], [1, 0, 0])
    lse = np.log1p(2 * np.exp(-1))  # log-sum-exp of (-1, 0, -1) relative to the max
    np.testing.assert_allclose(ls.data[1], [-1 - lse, -lse, -1 - lse])
    (ls[np.arange(2), [0, 1]]).sum().backward()
    assert np.isfinite(logits.grad).all()
    np.testing.assert_allclose(logits.grad.sum(axis=1), 0, atol=1e-12)


def test_repeated_use_of_one_input_in_a_matmul():
    a = np.array([[0.3, -1.2], [0.8, 0.5]])
    check(lambda t: t @ t @ t.T, lambda x: x @ x @ x.T, a)


def test_array_on_the_left_of_matmul():
    a = np.array([[1.0, 2.0], [3.0, -1.0]])
    check(lambda t: a @ t, lambda x: a @ x, np.array([[0.5], [-2.0]]))
