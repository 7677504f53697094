"""Tensor on the shared graph core: agreement with Value, dtypes, requires_grad, gradcheck,
and bad input."""

import numpy as np
import pytest

import autograd
from autograd import GradcheckError, Tensor, Value, gradcheck, no_grad, numerical_grad

RNG = np.random.default_rng(0)


def test_scalar_and_tensor_engines_agree_on_a_2_3_1_network():
    X = RNG.standard_normal((4, 2))
    y = np.array([0.0, 1.0, 1.0, 0.0])
    W1, b1 = RNG.standard_normal((2, 3)), RNG.standard_normal(3)
    W2, b2 = RNG.standard_normal((3, 1)), RNG.standard_normal(1)

    # Tensors: the labs' matrix form
    tW1, tb1, tW2, tb2 = (Tensor(a, requires_grad=True) for a in (W1, b1, W2, b2))
    hidden = (Tensor(X) @ tW1 + tb1).tanh()
    p = (hidden @ tW2 + tb2).sigmoid().reshape(-1)
    t_loss = ((p - y) ** 2).mean()
    t_loss.backward()

    # Values: the same network, one multiplication at a time
    vW1 = [[Value(w) for w in row] for row in W1]
    vb1 = [Value(b) for b in b1]
    vW2 = [Value(w) for w in W2[:, 0]]
    vb2 = Value(b2[0])
    errors = []
    for xi, yi in zip(X, y):
        h = [Value.sum([*(xi[i] * vW1[i][j] for i in range(2)), vb1[j]]).tanh() for j in range(3)]
        pi = Value.sum([*(h[j] * vW2[j] for j in range(3)), vb2]).sigmoid()
        errors.append((pi - yi) ** 2)
    v_loss = Value.sum(errors) / 4
    v_loss.backward()

    assert abs(t_loss.item() - v_loss.data) < 1e-12
    np.testing.assert_allclose(tW1.grad, [[v.grad for v in row] for row in vW1], atol=1e-12)
    np.testing.assert_allclose(tb1.grad, [v.grad for v in vb1], atol=1e-12)
    np.testing.assert_allclose(tW2.grad[:, 0], [v.grad for v in vW2], atol=1e-12)
    np.testing.assert_allclose(tb2.grad, [vb2.grad], atol=1e-12)


# ---------------------------------------------------------------- construction and dtypes


def test_dtypes():
    assert Tensor([1, 2]).dtype == np.float64  # Python lists become float64
    assert Tensor(3).dtype == np.float64 and Tensor(3).shape == ()
    assert Tensor(np.arange(3)).dtype == np.int64  # an integer array stays integer (labels)
    x32 = Tensor(np.ones((2, 2), np.float32), requires_grad=True)
    y = ((x32 * 2.5 + 1).sigmoid() @ np.ones((2, 1), np.float32)).sum() / 3
    assert y.dtype == np.float32
    y.backward()
    assert x32.grad.dtype == np.float32
    assert (x32 + np.arange(2)).dtype == np.float32  # integer arrays take the float dtype


def test_data_is_shared_and_numpy_interop():
    a = np.array([1.0, 2.0, 3.0])
    t = Tensor(a, label="a")
    assert t.data is a and t.numpy() is a
    assert np.asarray(t) is a and np.array(t, copy=True) is not a
    assert len(t) == 3 and t.ndim == 1 and t.size == 3 and t.shape == (3,)
    assert Tensor([[1.0, 2.0]]).T.shape == (2, 1)
    assert Tensor([2.5]).item() == 2.5
    assert (np.array([1.0, 1.0, 1.0]) + t).data.tolist() == [2.0, 3.0, 4.0]  # array + Tensor
    assert (t > 1.5).tolist() == [False, True, True]  # comparisons give plain arrays


def test_repr():
    t = Tensor(np.array([1.0, 2.0], np.float32), requires_grad=True, label="w")
    assert repr(t) == "Tensor([1., 2.], dtype=float32, requires_grad=True, label='w')"


def test_grad_is_none_until_backward_and_detach_cuts_history():
    w = Tensor([1.0, 2.0], requires_grad=True)
    y = (w * w).sum()
    assert w.grad is None and y.grad is None
    y.backward()
    np.testing.assert_array_equal(w.grad, [2.0, 4.0])
    d = (w * 3).detach()
    assert d.is_leaf and not d.requires_grad and d.parents == ()


def test_requires_grad_flows_and_constants_stay_outside_the_graph():
    x = Tensor([[1.0, 2.0]])  # data: no gradient wanted
    W = Tensor([[1.0], [-1.0]], requires_grad=True)
    assert not (x * 2).requires_grad and (x * 2).parents == ()
    out = (x @ W).sum()
    assert out.requires_grad
    matmul = out.parents[0]
    assert matmul.parents[0] is x  # x is drawn as an input of the product...
    out.backward()
    assert x.grad is None  # ...but gets no gradient: its pullback never runs
    np.testing.assert_array_equal(W.grad, [[1.0], [2.0]])


def test_second_backward_accumulates_and_zero_grad_resets_to_none():
    w = Tensor([1.0, -2.0], requires_grad=True)
    h = w * 3
    y = h.sum()
    y.backward()
    y.backward()
    np.testing.assert_array_equal(w.grad, [6.0, 6.0])
    np.testing.assert_array_equal(h.grad, [2.0, 2.0])
    y.zero_grad()
    assert w.grad is None and h.grad is None


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_each_backward_seeds_with_a_one_of_its_own(dtype):
    # the seed is a copy of a kept 1: writing into one loss's .grad (or a leaf's, when the
    # loss is the leaf) must not change the next backward's seed
    first = Tensor(np.array(2.0, dtype), requires_grad=True)
    first.backward()
    assert first.grad.dtype == dtype and first.grad.flags.writeable
    first.grad[...] = 7
    w = Tensor(np.array([1.0, -2.0], dtype), requires_grad=True)
    y = (w * 3).sum()
    y.backward()
    assert y.grad == 1 and y.grad.dtype == dtype
    np.testing.assert_array_equal(w.grad, [3.0, 3.0])


def test_no_grad_for_tensors():
    w = Tensor([1.0], requires_grad=True)
    with no_grad():
        y = w * 2
    assert not y.requires_grad and y.parents == ()


def test_grad_function_with_tensors_and_an_unused_input():
    a = Tensor([1.0, 2.0], requires_grad=True)
    unused = Tensor([5.0], requires_grad=True)
    ga, gu = autograd.grad((a * a).sum(), [a, unused])
    np.testing.assert_array_equal(ga, [2.0, 4.0])
    np.testing.assert_array_equal(gu, [0.0])
    assert a.grad is None


def test_a_long_chain_of_tensor_ops():
    x = Tensor(np.ones(3), requires_grad=True)
    y = x
    for _ in range(20_000):
        y = y * 1.0
    y.sum().backward()
    np.testing.assert_array_equal(x.grad, [1.0, 1.0, 1.0])


# ---------------------------------------------------------------- gradient checking


def test_gradcheck_on_tensors_checks_every_element_or_a_sample():
    W = Tensor(RNG.standard_normal((3, 4)), requires_grad=True, label="W")
    b = Tensor(RNG.standard_normal(4), requires_grad=True, label="b")
    x = RNG.standard_normal((5, 3))

    def f(W, b):
        return (Tensor(x) @ W + b).tanh().mean()

    full = gradcheck(f, [W, b])
    assert full and len(full) == 12 + 4
    assert [r.name for r in full][:2] == ["W[0, 0]", "W[0, 1]"]
    sample = gradcheck(f, [W, b], n=5, seed=1)
    assert sample and len(sample) == 5 + 4
    assert {r.name for r in sample} <= {r.name for r in full}


def test_gradcheck_upcasts_float32_and_restores_it():
    W = Tensor(RNG.standard_normal((2, 2)).astype(np.float32), requires_grad=True, label="W")
    original = W.data
    report = gradcheck(lambda W: (W @ W).sigmoid().sum(), [W])
    assert report and "float32 inputs checked in float64" in report.summary()
    assert W.data is original and W.dtype == np.float32 and W.grad is None


def test_gradcheck_catches_a_wrong_tensor_rule():
    def double_with_wrong_gradient(t):  # forward 2t, backward says 3
        return autograd.tensor_op(2 * t.data, "double", [t], [lambda g: 3 * g])

    x = Tensor([1.0, 2.0], requires_grad=True, label="x")

    def f(x):
        return double_with_wrong_gradient(x).sum()

    report = gradcheck(f, [x])
    assert not report and [r.name for r in report.failed] == ["x[0]", "x[1]"]
    with pytest.raises(GradcheckError, match=r"failed for x\[0\], x\[1\]"):
        gradcheck(f, [x], raise_on_fail=True)


def test_gradcheck_by_hand_arrays():
    w = Tensor([1.0, 2.0], requires_grad=True, label="w")
    report = gradcheck(lambda w: (w * w).sum(), [w], by_hand=[np.array([2.0, 5.0])])
    assert [r.verdict for r in report] == ["ok", "by hand ≠ numeric"]
    with pytest.raises(ValueError, match=r"by_hand gradient for w has shape \(3,\)"):
        gradcheck(lambda w: (w * w).sum(), [w], by_hand=[np.zeros(3)])


def test_numerical_grad_gives_arrays_for_tensors():
    w = Tensor([1.0, -2.0], requires_grad=True)
    (g,) = numerical_grad(lambda w: (w**3).sum(), [w])
    np.testing.assert_allclose(g, [3.0, 12.0], atol=1e-6)


def test_gradcheck_refuses_inputs_without_grad_and_checks_non_scalar_outputs():
    x = Tensor([1.0, 2.0], label="x")
    with pytest.raises(ValueError, match="input x does not require grad"):
        gradcheck(lambda x: x.sum(), [x])
    x.requires_grad = True
    report = gradcheck(lambda x: x * 2, [x])  # the full 2 x 2 Jacobian
    assert report and len(report) == 4 and report.outputs == 2
    assert [(r.output, r.name) for r in report] == [("out[0]", "x[0]"), ("out[1]", "x[0]"),
                                                     ("out[0]", "x[1]"), ("out[1]", "x[1]")]
    assert [r.numeric for r in report] == pytest.approx([2.0, 0.0, 0.0, 2.0])
    with pytest.raises(TypeError, match=r"numerical_grad|got a Tensor of shape \(2,\)"):
        numerical_grad(lambda x: x * 2, [x])


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(("build", "message"), [
    (lambda: Tensor(np.ones(3)) + Tensor(np.ones(4)), r"\+: shapes \(3,\) and \(4,\) do not"),
    (lambda: Tensor(np.ones((2, 3))) * np.ones((3, 2)), r"\*: shapes \(2, 3\) and \(3, 2\)"),
    (lambda: Tensor(np.ones((2, 3))) @ Tensor(np.ones((4, 5))),
     r"matmul: shapes \(2, 3\) and \(4, 5\) do not align \(3 != 4\)"),
    (lambda: Tensor(np.ones(3)) @ Tensor(2.0), r"matmul: operands must have at least 1"),
    (lambda: Tensor(np.ones(6)).reshape(4, 2), r"cannot reshape a Tensor of shape \(6,\)"),
    (lambda: autograd.stack([Tensor(np.ones(2)), Tensor(np.ones(3))]),
     r"stack: needs tensors of one shape, got \[\(2,\), \(3,\)\]"),
    (lambda: autograd.concatenate([Tensor(np.ones((2, 2))), Tensor(np.ones((2, 3)))]),
     r"concatenate: shapes \[\(2, 2\), \(2, 3\)\] along axis 0"),
])
def test_shape_errors_name_the_shapes_and_the_op(build, message):
    with pytest.raises(ValueError, match=message):
        build()


def test_backward_on_non_scalar_says_how_to_call_it():
    w = Tensor(np.ones((3, 2)), requires_grad=True)
    y = w * 2
    with pytest.raises(RuntimeError, match=r"shape \(3, 2\) needs a gradient of that shape"):
        y.backward()
    with pytest.raises(ValueError, match=r"the gradient has shape \(2,\), the Tensor has"):
        y.backward(np.ones(2))
    assert w.grad is None  # nothing changed
    y.backward(np.ones((3, 2)))
    np.testing.assert_array_equal(w.grad, 2 * np.ones((3, 2)))
    with pytest.raises(RuntimeError, match="does not require grad"):
        Tensor([1.0]).backward()


@pytest.mark.parametrize("bad", [np.array(["a", "b"]), np.array([1, None], dtype=object),
                                 np.array([1 + 1j]), "abc", [[1.0], [1.0, 2.0]], {"a": 1}])
def test_non_numeric_data_is_refused(bad):
    with pytest.raises(TypeError, match="Tensor"):
        Tensor(bad)


def test_integer_data_cannot_require_grad():
    with pytest.raises(TypeError, match="requires_grad needs floating-point data, got dtype int64"):
        Tensor(np.arange(3), requires_grad=True)
    t = Tensor(np.arange(3))
    with pytest.raises(TypeError, match="got dtype int64"):
        t.requires_grad = True
    with pytest.raises(RuntimeError, match="only be changed on a leaf"):
        (Tensor([1.0], requires_grad=True) * 2).requires_grad = False


def test_domains_and_overflow():
    with pytest.raises(ValueError, match=r"log is defined for x > 0: 2 element\(s\) are not"):
        Tensor([1.0, 0.0, -1.0]).log()
    with pytest.raises(ValueError, match="sqrt is defined for x >= 0"):
        Tensor([-1.0]).sqrt()
    with pytest.raises(ZeroDivisionError, match=r"the divisor has 1 zero element"):
        Tensor([1.0, 2.0]) / Tensor([1.0, 0.0])
    with pytest.raises(ValueError, match="item\\(\\) needs a Tensor with one element"):
        Tensor([1.0, 2.0]).item()


def test_extreme_inputs_stay_finite():
    x = Tensor(np.array([-1e4, -50.0, 0.0, 50.0, 1e4], np.float32), requires_grad=True)
    for op in ("sigmoid", "softplus", "tanh", "elu"):
        out = getattr(x, op)()
        out.sum().backward()
        assert np.isfinite(out.data).all() and np.isfinite(x.grad).all(), op
        x.zero_grad()
    np.testing.assert_allclose(x.softplus().data, [0, np.exp(-50), np.log(2), 50, 1e4], rtol=1e-6)


def test_value_and_tensor_do_not_mix_silently():
    with pytest.raises(TypeError):
        Tensor([1.0]) + Value(1.0)


def test_tensor_op_checks_its_arguments():
    x = Tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(ValueError, match="needs one vjp per parent Tensor, got 2 for 1"):
        autograd.tensor_op(x.data, "bad", [x], [lambda g: g, lambda g: g])
    with pytest.raises(ValueError, match="needs one vjp per parent Tensor"):
        autograd.tensor_op(x.data, "bad", [x.data], [lambda g: g])
