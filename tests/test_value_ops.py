"""Value operations beyond the op table's own test (tests/test_op_table.py): n-ary sums,
hand-computed examples, special points, extreme inputs, comparisons and conversions."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd import Value


@given(st.lists(st.floats(-100, 100), min_size=1, max_size=12))
def test_value_sum_matches_chained_addition(xs):
    chained = [Value(x) for x in xs]
    nary = [Value(x) for x in xs]
    total = chained[0]
    for v in chained[1:]:
        total = total + v
    s = Value.sum(nary)
    (total * total).backward()
    (s * s).backward()
    assert s.data == pytest.approx(total.data, abs=1e-9)
    assert [v.grad for v in nary] == pytest.approx([v.grad for v in chained], abs=1e-9)
    assert len(s.parents) == len(xs) and s.op == "+"


def test_value_sum_takes_numbers_and_refuses_other_things():
    x = Value(2.0)
    s = Value.sum([x, 3, x])
    s.backward()
    assert s.data == 7.0 and x.grad == 2.0
    with pytest.raises(TypeError, match="Value.sum: expected Values or numbers, got str"):
        Value.sum([x, "3"])
    with pytest.raises(ValueError, match="at least one term"):
        Value.sum([])


# ---------------------------------------------------------------- hand-computed values


def test_hand_computed_neuron():
    # z = w1*x1 + w2*x2 + b with the labs' AND weights; sigmoid; d/dw_i = σ'(z) x_i.
    x1, x2, w1, w2, b = Value(1.0), Value(1.0), Value(1.0), Value(1.0), Value(-1.5)
    y = (w1 * x1 + w2 * x2 + b).sigmoid()
    y.backward()
    s = 1 / (1 + math.exp(-0.5))
    assert y.data == pytest.approx(s, abs=1e-15)
    assert w1.grad == pytest.approx(s * (1 - s), abs=1e-15)
    assert b.grad == pytest.approx(s * (1 - s), abs=1e-15)


def test_cs231n_example():
    # f = (x + y) z at x=-2, y=5, z=-4 (seed 003): f=-12, df/dx=df/dy=-4, df/dz=3.
    x, y, z = Value(-2.0), Value(5.0), Value(-4.0)
    f = (x + y) * z
    f.backward()
    assert (f.data, x.grad, y.grad, z.grad) == (-12.0, -4.0, -4.0, 3.0)


def test_known_derivatives_at_special_points():
    checks = [
        (lambda v: v.sigmoid(), 0.0, 0.5, 0.25),
        (lambda v: v.tanh(), 0.0, 0.0, 1.0),
        (lambda v: v.relu(), 0.0, 0.0, 0.0),  # PyTorch's convention at the kink
        (lambda v: v.abs(), 0.0, 0.0, 0.0),
        (lambda v: v.leaky_relu(0.1), 0.0, 0.0, 0.1),
        (lambda v: v.elu(), 0.0, 0.0, 1.0),
        (lambda v: v.step(), 0.0, 1.0, 0.0),  # Heaviside: 1 at x >= 0
        (lambda v: v.step(), -1e-300, 0.0, 0.0),
        (lambda v: v.sign(), 0.0, 0.0, 0.0),
        (lambda v: v.softplus(), 0.0, math.log(2.0), 0.5),
        (lambda v: v.arctan(), 1.0, math.pi / 4, 0.5),
        (lambda v: v.sqrt(), 0.0, 0.0, math.inf),
        (lambda v: v**0, 0.0, 1.0, 0.0),
        (lambda v: v**1, 0.0, 0.0, 1.0),
        (lambda v: v**2, 0.0, 0.0, 0.0),
        (lambda v: v**0.5, 0.0, 0.0, math.inf),
        (lambda v: v**2, -3.0, 9.0, -6.0),
        (lambda v: v**3, -2.0, -8.0, 12.0),
    ]
    for op, x, value, derivative in checks:
        v = Value(x)
        out = op(v)
        out.backward()
        assert (out.data, v.grad) == (pytest.approx(value), pytest.approx(derivative)), (x, out)


# ---------------------------------------------------------------- numerical stability


def test_extreme_inputs_give_finite_results():
    for x, op, value, derivative in [
        (-1000.0, "sigmoid", 0.0, 0.0),
        (1000.0, "sigmoid", 1.0, 0.0),
        (1000.0, "softplus", 1000.0, 1.0),
        (-1000.0, "softplus", 0.0, 0.0),
        (1000.0, "tanh", 1.0, 0.0),
        (-1000.0, "tanh", -1.0, 0.0),
        (-1000.0, "elu", -1.0, 0.0),
        (-1e300, "exp", 0.0, 0.0),
        (1e300, "arctan", math.pi / 2, 0.0),
    ]:
        v = Value(x)
        out = getattr(v, op)()
        out.backward()
        assert math.isfinite(out.data) and math.isfinite(v.grad), (op, x)
        assert out.data == pytest.approx(value, abs=1e-12), (op, x)
        assert v.grad == pytest.approx(derivative, abs=1e-12), (op, x)


def test_sigmoid_tail_keeps_relative_precision():
    # 1/(1+e^40) is about 4.2e-18: the naive 1 - 1/(1+e^-x) form would give exactly 0.
    assert Value(-40.0).sigmoid().data == pytest.approx(math.exp(-40) / (1 + math.exp(-40)))


def test_overflow_follows_ieee_like_every_op():  # the README's numeric policy
    assert Value(1000.0).exp().data == math.inf
    assert (Value(10.0) ** 400).data == math.inf
    assert (Value(-10.0) ** 401).data == -math.inf


# ---------------------------------------------------------------- comparisons and conversions


def test_comparisons_compare_data_and_record_nothing():
    a, b = Value(1.0), Value(2.0)
    assert a < b and a <= b and b > a and b >= a and a != b
    assert a == 1.0 and 1.0 == a and a < 2 and 3 > a
    assert Value(2.0) == b and Value(2.0) is not b
    assert isinstance(a < b, bool)
    assert a.is_leaf and b.is_leaf
    assert len({a, Value(1.0)}) == 2  # hashing is by identity: each node is its own key
    assert (a == "1.0") is False


def test_conversions_and_repr():
    v = Value(2.5, label="w1")
    assert float(v) == 2.5 and v.item() == 2.5
    assert repr(v) == "Value(data=2.5, grad=0, label='w1')"
    assert v.label == "w1" and v.op == "" and v.parents == ()
    y = v * 2
    assert y.op == "*" and y.parents[0] is v and y.parents[1].data == 2.0
