"""The graph core: ordering, reuse, accumulation, no_grad, grad(), zeroing, bad input."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd
from autograd import Value, no_grad
from tests.oracle import central, close


@given(st.floats(-50, 50))
def test_reused_node_gets_the_sum_of_its_gradients(x):
    for build, derivative in [
        (lambda v: v * v, 2 * x),
        (lambda v: v + v, 2.0),
        (lambda v: v * v * v, 3 * x * x),
        (lambda v: v - v, 0.0),
        (lambda v: Value.sum([v, v, v]), 3.0),
    ]:
        v = Value(x)
        build(v).backward()
        assert close(v.grad, derivative, atol=1e-9, rtol=1e-12), (x, v.grad, derivative)


@given(st.floats(-3, 3), st.floats(-3, 3))
def test_diamond(x, w):
    # x feeds two branches that meet again: y = tanh(x*w) * (x + w)^2
    def ref(x, w):
        return math.tanh(x * w) * (x + w) ** 2

    vx, vw = Value(x), Value(w)
    a = (vx * vw).tanh()
    b = (vx + vw) ** 2
    (a * b).backward()
    assert close(vx.grad, central(lambda t: ref(t, w), x))
    assert close(vw.grad, central(lambda t: ref(x, t), w))
    assert b.grad == pytest.approx(a.data)  # intermediate nodes hold their gradients too


def test_million_node_chain_backpropagates_without_recursion():
    n = 500_000  # each step makes a constant and a product: 1,000,001 nodes
    c = 1 + 1e-7
    x = Value(1.0)
    y = x
    for _ in range(n):
        y = y * c
    assert len(autograd.topological_order(y)) == 2 * n + 1
    y.backward()
    assert x.grad == pytest.approx(c**n, rel=1e-9)


def test_deep_add_chain_of_a_million():
    x = Value(0.5)
    y = x
    for _ in range(1_000_000):
        y = y + x  # x is reused a million times, in a graph a million deep
    y.backward()
    assert x.grad == 1_000_001.0


def test_topological_order_lists_each_node_before_its_parents():
    x, w = Value(1.0), Value(2.0)
    y = ((x * w).tanh() + x) * w
    order = autograd.topological_order(y)
    position = {id(n): i for i, n in enumerate(order)}
    assert order[0] is y and len(order) == len(position)
    for node in order:
        for parent in node.parents:
            assert position[id(parent)] > position[id(node)]


def test_second_backward_accumulates_exactly_once_more():
    x = Value(3.0)
    h = x * x  # an intermediate node
    y = h * 2.0
    y.backward()
    assert (x.grad, h.grad, y.grad) == (12.0, 2.0, 1.0)
    y.backward()  # as in PyTorch: added, not replaced, intermediates included
    assert (x.grad, h.grad, y.grad) == (24.0, 4.0, 2.0)


def test_backward_from_two_roots_sharing_a_node():
    x = Value(2.0)
    shared = x * x
    (shared * 3).backward()
    (shared + 1).backward()
    assert x.grad == pytest.approx(3 * 4 + 4)


def test_zero_grad_on_a_root_resets_its_whole_graph():
    x, w = Value(1.0), Value(2.0)
    h = x * w
    y = h.tanh()
    y.backward()
    assert x.grad != 0
    y.zero_grad()
    assert [n.grad for n in (x, w, h, y)] == [0.0, 0.0, 0.0, 0.0]
    y.backward()
    assert x.grad == pytest.approx(w.data * (1 - y.data**2))


def test_zero_grad_of_a_list_of_parameters():
    params = [Value(1.0), Value(2.0)]
    other = Value(3.0)
    (params[0] * params[1] * other).backward()
    autograd.zero_grad(params)
    assert [p.grad for p in params] == [0.0, 0.0] and other.grad == 2.0


def test_backward_with_explicit_seed():
    x = Value(3.0)
    (x * x).backward(0.5)
    assert x.grad == 3.0


def test_no_grad_records_nothing_and_restores_even_after_an_error():
    x = Value(2.0)
    with no_grad():
        assert not autograd.is_grad_enabled()
        y = (x * 3).exp()
    assert autograd.is_grad_enabled()
    assert y.parents == () and y.is_leaf and y.data == pytest.approx(math.exp(6))
    with pytest.raises(RuntimeError, match="inside no_grad"):
        y.backward()  # no graph: refused, as PyTorch does, not a silent zero gradient
    assert x.grad == 0.0
    with pytest.raises(ValueError), no_grad():
        Value(-1.0).log()
    assert autograd.is_grad_enabled()


def test_nested_no_grad():
    with no_grad():
        with no_grad():
            pass
        assert not autograd.is_grad_enabled()
    assert autograd.is_grad_enabled()


def test_grad_returns_gradients_and_leaves_dot_grad_alone():
    x, w, unused = Value(2.0), Value(-1.0), Value(5.0)
    x.grad = 7.0
    y = (x * w).sigmoid()
    gx, gw, gu = autograd.grad(y, [x, w, unused])
    s = y.data
    assert gx == pytest.approx(s * (1 - s) * -1.0) and gw == pytest.approx(s * (1 - s) * 2.0)
    assert gu == 0.0
    assert (x.grad, w.grad, y.grad) == (7.0, 0.0, 0.0)


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize("bad", ["1.0", None, [1.0], 1 + 2j, {"a": 1}, np.array([1.0, 2.0])])
def test_value_of_non_numeric_data_is_refused(bad):
    with pytest.raises(TypeError, match="Value\\(\\) takes a real number, got"):
        Value(bad)


def test_value_of_a_value_says_what_to_do():
    with pytest.raises(TypeError, match="use its .data"):
        Value(Value(1.0))


def test_value_accepts_numpy_and_python_numbers():
    assert Value(np.float32(1.5)).data == 1.5 and isinstance(Value(np.int64(3)).data, float)
    assert Value(True).data == 1.0


def test_label_must_be_text():
    with pytest.raises(TypeError, match="label must be a str, got int"):
        Value(1.0, label=3)


@pytest.mark.parametrize(("x", "op", "error", "message"), [
    (0.0, "log", ValueError, r"log is defined for x > 0, got 0\.0"),
    (-2.0, "log", ValueError, r"log is defined for x > 0, got -2\.0"),
    (-1.0, "sqrt", ValueError, r"sqrt is defined for x >= 0, got -1\.0"),
    (math.nan, "log", ValueError, r"log is defined for x > 0, got nan"),
])
def test_functions_outside_their_domain(x, op, error, message):
    with pytest.raises(error, match=message):
        getattr(Value(x), op)()


def test_bad_powers():
    with pytest.raises(TypeError, match="unsupported operand type.*'Value' and 'str'"):
        Value(2.0) ** "2"
    with pytest.raises(TypeError, match="'Value' and 'complex'"):
        Value(2.0) ** 1j
    with pytest.raises(ValueError, match="negative base to a non-integer power is not real"):
        Value(-8.0) ** (1 / 3)
    with pytest.raises(ZeroDivisionError, match="zero to a negative power"):
        Value(0.0) ** -1
    with pytest.raises(ValueError, match="a Value exponent needs a positive base"):
        Value(-2.0) ** Value(2.0)
    assert (Value(-2.0) ** 3).data == -8.0  # an integer power of a negative base is fine


def test_division_by_zero_names_the_operands():
    with pytest.raises(ZeroDivisionError, match=r"division by zero: 1\.0 / 0\.0"):
        Value(1.0) / 0


def test_numpy_arrays_do_not_silently_become_object_arrays():
    with pytest.raises(TypeError):
        np.array([1.0, 2.0]) * Value(2.0)
    assert (np.float64(2.0) * Value(3.0)).data == 6.0  # numpy scalars are plain numbers


def test_backward_and_grad_refuse_what_is_not_a_node_and_change_nothing():
    x = Value(2.0)
    y = x * x
    with pytest.raises(TypeError, match="gradient must be a number, got str"):
        y.backward("1")
    assert (x.grad, y.grad) == (0.0, 0.0)
    with pytest.raises(TypeError, match="grad\\(\\) needs a Value or Tensor output, got float"):
        autograd.grad(4.0, [x])
    with pytest.raises(TypeError, match="inputs must be Values or Tensors, got float"):
        autograd.grad(y, [2.0])


def test_value_op_defines_an_op_and_checks_its_arguments():
    x = Value(3.0)
    cube = autograd.value_op(x.data**3, "cube", [x], [3 * x.data**2])
    cube.backward()
    assert (cube.data, cube.op, x.grad) == (27.0, "cube", 27.0)
    with pytest.raises(ValueError, match="needs one local derivative per parent Value, got 1 "
                                         "for 2 parents"):
        autograd.value_op(1.0, "bad", [x, x], [1.0])
