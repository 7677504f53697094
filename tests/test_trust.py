"""Issue #9: the engine is never silently wrong.

Each test here pins one case that was found returning a wrong number with no error, or
failing with a message that named the wrong problem. Every expectation is exact: the error
type, words of its message that name the op and the argument, and the true gradient.
"""

import asyncio
import math
import threading

import numpy as np
import pytest

import autograd
from autograd import Tensor, Value, gradcheck, no_grad, numerical_grad
from tests.test_tensor_ops import numeric_grads

# ---------------------------------------------------------------- wrong results, no error


def test_transpose_with_negative_axes_has_the_true_gradient():
    rng = np.random.default_rng(0)
    a = rng.standard_normal((3, 3, 3))
    R = rng.standard_normal((3, 3, 3))
    x = Tensor(a.copy(), requires_grad=True)
    out = x.transpose((-2, -1, 0))
    np.testing.assert_array_equal(out.data, a.transpose((1, 2, 0)))
    out.backward(R)
    (true,) = numeric_grads(lambda z: float(np.sum(z.transpose((1, 2, 0)) * R)), [a])
    np.testing.assert_allclose(x.grad, true, atol=1e-6)
    y = Tensor(rng.standard_normal((2, 3, 4)), requires_grad=True)
    y.transpose(-1, 0, -2).sum().backward()
    assert y.grad.shape == (2, 3, 4)


@pytest.mark.parametrize("axes", [(0, 0), (0, 3), (0,), (0, 1, 2)])
def test_transpose_refuses_axes_that_are_not_a_permutation(axes):
    with pytest.raises(ValueError, match=r"transpose: axes .* of a Tensor of shape \(2, 3\)"):
        Tensor(np.zeros((2, 3))).transpose(*axes)


def test_power_zero_at_zero_has_gradient_zero():
    x = Tensor([0.0, 2.0], requires_grad=True)
    (x**0).sum().backward()
    np.testing.assert_array_equal(x.grad, [0.0, 0.0])
    v = Value(0.0)
    (v**0).backward()
    assert v.grad == 0.0


@pytest.mark.parametrize("n", [1.0, 2.0, 3.0, 0.5])
def test_power_at_zero_matches_value(n):
    x = Tensor([0.0], requires_grad=True)
    (x**n).sum().backward()
    v = Value(0.0)
    (v**n).backward()
    assert x.grad[0] == v.grad


@pytest.mark.parametrize(("data", "ddof"), [([1.0, 2.0, 4.0], 5), ([1.0, 2.0, 4.0], 3),
                                            ([3.0], 1)])
def test_var_and_std_refuse_ddof_of_at_least_n(data, ddof):
    for name in ("var", "std"):
        with pytest.raises(ValueError, match=rf"{name}: ddof={ddof} needs more than {ddof} "
                                             rf"element\(s\) per result, got {len(data)}"):
            getattr(Tensor(data), name)(ddof=ddof)


def test_leaf_gradients_are_never_shared():
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = Tensor([3.0, 4.0], requires_grad=True)
    z = x + y
    z.sum().backward()
    assert x.grad is not y.grad and not np.shares_memory(x.grad, y.grad)
    assert not np.shares_memory(x.grad, z.grad) and not np.shares_memory(y.grad, z.grad)
    x.grad *= 0
    np.testing.assert_array_equal(y.grad, [1.0, 1.0])
    np.testing.assert_array_equal(z.grad, [1.0, 1.0])
    y.grad *= 0
    np.testing.assert_array_equal(z.grad, [1.0, 1.0])


def test_a_gradient_seed_is_copied_not_kept():
    x = Tensor([1.0, 2.0], requires_grad=True)
    seed = np.array([1.0, 1.0])
    x.backward(seed)
    x.grad *= 5
    np.testing.assert_array_equal(seed, [1.0, 1.0])


def test_views_are_not_shared_either():
    x = Tensor(np.ones((2, 2)), requires_grad=True)
    r = x.reshape(4)
    r.sum().backward()
    assert not np.shares_memory(x.grad, r.grad)  # x's is a view of r's, reshaped: copied
    gx, gr = autograd.grad((x.reshape(4) * 1.0).sum(), [x, x])
    assert not np.shares_memory(gx, gr)


@pytest.mark.parametrize("exponent", [Tensor([0.5]), Tensor([0.5], requires_grad=True)])
def test_tensor_power_of_negative_base_agrees_with_float_exponent(exponent):
    with pytest.raises(ValueError, match="negative base to a non-integer power is not real"):
        Tensor([-2.0]) ** 0.5
    with pytest.raises(ValueError, match="negative base to a non-integer power is not real"):
        Tensor([-2.0], requires_grad=True) ** exponent
    np.testing.assert_array_equal((Tensor([-2.0]) ** Tensor([3.0])).data, [-8.0])


def test_zero_to_a_negative_tensor_power_says_so():
    with pytest.raises(ZeroDivisionError, match="zero to a negative power"):
        0 ** Tensor([-1.0])


@pytest.mark.parametrize("start", [2, 5, -3])
def test_flatten_refuses_an_axis_out_of_range(start):
    with pytest.raises(ValueError, match=rf"flatten: start_dim={start} is out of range for a "
                                         r"Tensor of shape \(2, 3\)"):
        Tensor(np.zeros((2, 3))).flatten(start)
    assert Tensor(np.zeros((2, 3, 4))).flatten(-2).shape == (2, 12)


def test_a_vjp_of_the_wrong_shape_is_an_error_naming_the_op():
    w = Tensor(np.ones((2, 3)), requires_grad=True)
    bad = autograd.tensor_op(w.data.sum(), "my_sum", [w], [lambda g: np.ones(6) * g])
    with pytest.raises(ValueError, match=r"my_sum: the gradient its vjp returned for input 0 "
                                         r"has shape \(6,\), the input has shape \(2, 3\)"):
        bad.backward()
    assert w.grad is None


def test_a_value_graph_built_under_no_grad_refuses_backward():
    x = Value(2.0)
    with no_grad():
        y = x * x
    with pytest.raises(RuntimeError, match="no_grad"):
        y.backward()
    assert x.grad == 0.0


@pytest.mark.parametrize("op", ["relu", "step", "sign", "abs", "leaky_relu", "elu", "clip",
                                "tanh", "sigmoid", "softplus", "exp", "sin"])
def test_nan_propagates_through_every_elementwise_op(op):
    v = getattr(Value(math.nan), op)()
    assert math.isnan(v.data), op
    t = getattr(Tensor([math.nan, 1.0]), op)()
    assert math.isnan(t.data[0]) and not math.isnan(t.data[1]), op


@pytest.mark.parametrize("op", ["relu", "step", "sign", "abs"])
def test_nan_reaches_the_gradient_through_kinked_ops(op):
    v = Value(math.nan)
    getattr(v, op)().backward()
    assert math.isnan(v.grad), op
    t = Tensor([math.nan], requires_grad=True)
    getattr(t, op)().sum().backward()
    assert math.isnan(t.grad[0]), op


def test_no_grad_is_per_thread():
    inside, release = threading.Event(), threading.Event()

    def other():
        with no_grad():
            inside.set()
            release.wait(5)

    thread = threading.Thread(target=other)
    thread.start()
    inside.wait(5)
    try:
        assert autograd.is_grad_enabled()
        x = Value(3.0)
        y = x * x
        assert y.parents == (x, x)
    finally:
        release.set()
        thread.join()


def test_no_grad_is_per_asyncio_task():
    async def main():
        started = asyncio.Event()
        release = asyncio.Event()

        async def other():
            with no_grad():
                started.set()
                await release.wait()

        task = asyncio.create_task(other())
        await started.wait()
        enabled = autograd.is_grad_enabled()
        release.set()
        await task
        return enabled

    assert asyncio.run(main()) is True


def test_the_module_scope_is_per_thread():
    from autograd.graph import in_scope

    seen = []
    inside, release = threading.Event(), threading.Event()

    def other():
        def body():
            inside.set()
            release.wait(5)
        in_scope("other thread's module", body)

    thread = threading.Thread(target=other)
    thread.start()
    inside.wait(5)
    seen.append((Value(1.0) * 2).scope)
    release.set()
    thread.join()
    assert seen == [None]


# ---------------------------------------------------------------- one overflow policy


def test_overflow_gives_inf_for_every_op_never_an_error():
    big = Value(1e300)
    assert (big * big).data == math.inf
    assert (big + big * 1e10).data == math.inf
    assert Value(1000.0).exp().data == math.inf
    assert (Value(10.0) ** 400).data == math.inf
    assert (Value(10.0) ** Value(400.0)).data == math.inf
    with np.errstate(over="ignore"):
        assert Tensor(np.array([100.0], np.float32)).exp().data[0] == np.inf
        assert (Tensor([1e300]) * 1e10).data[0] == np.inf


# ---------------------------------------------------------------- crashes, misleading messages


@pytest.mark.parametrize("name", ["sum", "mean", "max", "min", "var"])
@pytest.mark.parametrize("axis", [0, -1, 1])
def test_reductions_of_a_0d_tensor_over_an_axis_name_it(name, axis):
    with pytest.raises(ValueError, match=rf"{name}: axis {axis} is out of range for a Tensor "
                                         r"of shape \(\)"):
        getattr(Tensor(3.0, requires_grad=True), name)(axis=axis)


def test_reductions_of_a_0d_tensor_without_an_axis_work():
    x = Tensor(3.0, requires_grad=True)
    for name in ("sum", "mean", "max", "min"):
        out = getattr(x, name)()
        out.backward()
        assert out.data == 3.0
    assert x.grad == 4.0


def test_axis_out_of_range():
    with pytest.raises(ValueError, match=r"mean: axis 5 is out of range for a Tensor of shape "
                                         r"\(2, 3\)"):
        Tensor(np.zeros((2, 3))).mean(axis=5)
    with pytest.raises(ValueError, match=r"sum: axis \(0, 0\) repeats an axis"):
        Tensor(np.zeros((2, 3))).sum(axis=(0, 0))


def test_empty_reductions_follow_the_stated_policy():
    x = Tensor(np.zeros((0, 3)), requires_grad=True)
    s = x.sum(axis=0)
    np.testing.assert_array_equal(s.data, [0.0, 0.0, 0.0])
    s.sum().backward()
    assert x.grad.shape == (0, 3)
    for name in ("mean", "max", "min", "var", "std"):
        with pytest.raises(ValueError, match=rf"{name}: reduces over an empty axis \(shape "
                                             r"\(0, 3\), axis 0\)"):
            getattr(x, name)(axis=0)
    with pytest.raises(ValueError, match=r"mean: reduces over an empty axis"):
        Tensor(np.zeros(0)).mean()
    assert x.mean(axis=1).shape == (0,)  # nothing to average, and no result: fine


def test_stack_axis_out_of_range_is_named():
    with pytest.raises(ValueError, match=r"stack: axis 77 is out of range for 1 Tensor\(s\) "
                                         r"of shape \(2,\)"):
        autograd.stack([Tensor([1.0, 2.0])], axis=77)
    with pytest.raises(ValueError, match=r"concatenate: axis 3 is out of range"):
        autograd.concatenate([Tensor([1.0, 2.0])], axis=3)


def test_batched_matmul_with_different_batch_sizes_names_the_batch_shapes():
    a, b = Tensor(np.zeros((2, 3, 4))), Tensor(np.zeros((3, 4, 5)))
    with pytest.raises(ValueError, match=r"matmul: batch shapes \(2,\) and \(3,\) do not "
                                         r"broadcast"):
        a @ b
    with pytest.raises(ValueError, match=r"matmul: shapes \(2, 3, 4\) and \(2, 5, 5\) do not "
                                         r"align \(4 != 5\)"):
        a @ Tensor(np.zeros((2, 5, 5)))


def test_batched_matmul_backward_computes_each_product_once(monkeypatch):
    from autograd import tensor as tensor_module

    calls = []
    real = tensor_module._matmul_grads

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(tensor_module, "_matmul_grads", counting)
    a = Tensor(np.ones((2, 3, 4)), requires_grad=True)
    b = Tensor(np.ones((4, 5)), requires_grad=True)
    (a @ b).sum().backward()
    assert len(calls) == 1


def test_sqrt_backward_at_zero_does_not_warn():
    x = Tensor([0.0, 4.0], requires_grad=True)
    with np.errstate(all="raise"):
        x.sqrt().sum().backward()
    assert x.grad[0] == np.inf and x.grad[1] == 0.25


# ---------------------------------------------------------------- gradcheck and numerical_grad


def _softmax(x):
    e = np.exp(x - x.max())
    return e / e.sum()


def _custom_softmax(t, wrong):
    s = _softmax(t.data)

    def vjp(g):
        if wrong:  # right for g = ones (both give 0), wrong for every other g
            return s * (g - g.mean())
        return s * (g - (g * s).sum())

    return autograd.tensor_op(s, "softmax", [t], [vjp])


def test_gradcheck_of_a_vector_output_catches_a_vjp_that_the_sum_hides():
    x = Tensor([0.3, -1.2, 2.0, 0.5], requires_grad=True)
    assert gradcheck(lambda t: _custom_softmax(t, wrong=True).sum(), [x])  # the trap
    assert not gradcheck(lambda t: _custom_softmax(t, wrong=True), [x])
    assert gradcheck(lambda t: _custom_softmax(t, wrong=False), [x])


def test_gradcheck_uses_random_projections_for_large_outputs():
    x = Tensor(np.linspace(-1, 1, 40), requires_grad=True)
    report = gradcheck(lambda t: _custom_softmax(t, wrong=True), [x])
    assert not report and report.projections > 0
    assert gradcheck(lambda t: _custom_softmax(t, wrong=False), [x])
    again = gradcheck(lambda t: _custom_softmax(t, wrong=True), [x])
    assert [r.analytic for r in again] == [r.analytic for r in report]  # seeded


def test_gradcheck_of_a_list_of_values():
    a, b = Value(0.5, label="a"), Value(-1.5, label="b")
    report = gradcheck(lambda x, y: [x * y, x + y.tanh(), x.exp()], [a, b])
    assert report and len(report) == 6
    wrong = gradcheck(lambda x, y: [x * y, autograd.value_op(x.data ** 2, "sq", [x],
                                                             [x.data])], [a, b])
    assert not wrong
    assert [r.output for r in wrong.failed] == ["out[1]"]


def test_numerical_grad_works_in_float64():
    x = Tensor(np.array([0.3, 1.7], np.float32))
    (g,) = numerical_grad(lambda t: (t * t).sum(), [x])
    np.testing.assert_allclose(g, [0.6, 3.4], rtol=1e-6)
    assert x.data.dtype == np.float32


def test_numerical_grad_refuses_integer_arrays():
    with pytest.raises(TypeError, match=r"numerical_grad: inputs\[0\] has integer dtype int64"):
        numerical_grad(lambda t: (t * t).sum(), [Tensor(np.array([1, 2]))])


def test_a_check_that_checks_nothing_is_an_error():
    x = Value(1.0)
    with pytest.raises(ValueError, match="gradcheck: no inputs to check"):
        gradcheck(lambda: Value(1.0), [])
    with pytest.raises(ValueError, match="gradcheck: n=0 checks nothing"):
        gradcheck(lambda t: t * t, [x], n=0)
    for eps in (0.0, -1e-6, math.nan):
        with pytest.raises(ValueError, match="eps must be a positive number"):
            gradcheck(lambda t: t * t, [x], eps=eps)
    with pytest.raises(ValueError, match=r"eps=1e-20 is lost to rounding at x = 1\.0"):
        gradcheck(lambda t: t * t, [x], eps=1e-20)


def test_gradcheck_refuses_a_non_finite_output():
    with pytest.raises(FloatingPointError, match="gradcheck: f returned a non-finite value"):
        gradcheck(lambda t: t.log() * 0 + math.inf, [Value(1.0)])


def test_report_shows_the_by_hand_errors():
    x = Value(2.0, label="x")
    report = gradcheck(lambda t: t * t, [x], by_hand={"x": 4.4})
    row = report["x"]
    assert row.by_hand_abs_error == pytest.approx(0.4, rel=1e-6)
    assert row.by_hand_rel_error == pytest.approx(0.4 / 4.4, rel=1e-6)
    assert row.abs_error < 1e-6
    assert "by hand error" in str(report)


def test_detect_anomaly_names_the_first_op_that_makes_a_nan():
    big = Value(1.7e308, label="big")
    with autograd.detect_anomaly():
        y = big * 0.5
        y.label = "y"
        with pytest.raises(FloatingPointError, match=r"detect_anomaly: \+ made inf from "
                                                     r"big = 1\.7e\+308 \(a leaf\) and "
                                                     r"y = 8\.5e\+307 \(made by \*\)"):
            big + y
    assert (big + big).data == math.inf  # outside, IEEE rules


def test_detect_anomaly_checks_gradients():
    t = Tensor([0.0], requires_grad=True, label="t")
    with autograd.detect_anomaly():
        r = t.sqrt()
        with pytest.raises(FloatingPointError, match=r"detect_anomaly: the gradient of sqrt "
                                                     r"with respect to t is inf"):
            r.sum().backward()


# ---------------------------------------------------------------- cross-entropy targets


@pytest.mark.parametrize(("target", "message"), [
    ([[1.2, -0.2, 0.0]], r"cross_entropy: target probabilities must be >= 0; row 0 has -0\.2"),
    ([[0.0, 0.0, 0.0]], r"cross_entropy: each row of target probabilities must sum to 1; "
                         r"row 0 sums to 0"),
    ([[0.5, 0.2, 0.0]], r"row 0 sums to 0\.7"),
])
def test_cross_entropy_refuses_targets_that_are_not_distributions(target, message):
    from nn.losses import cross_entropy

    for logits in (Tensor([[0.1, 0.2, 0.3]], requires_grad=True),
                   [[Value(0.1), Value(0.2), Value(0.3)]]):
        with pytest.raises(ValueError, match=message):
            cross_entropy(logits, np.array(target))
