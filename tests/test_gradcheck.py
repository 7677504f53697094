"""numerical_grad and gradcheck: the oracle itself, the report, and catching wrong gradients."""

import math

import pytest

from autograd import GradcheckError, Value, gradcheck, numerical_grad, value_op


def square_with_wrong_derivative(v: Value) -> Value:
    """x² recorded with local derivative 1 instead of 2x: a bug gradcheck must catch."""
    return value_op(v.data**2, "**2", [v], [1.0])


def test_numerical_grad_of_known_functions():
    x, y = Value(2.0), Value(-0.5)
    gx, gy = numerical_grad(lambda x, y: x**3 * y + y.exp(), [x, y])
    assert gx == pytest.approx(3 * 4 * -0.5, abs=1e-6)
    assert gy == pytest.approx(8 + math.exp(-0.5), abs=1e-6)


def test_numerical_grad_restores_inputs_even_when_f_raises():
    x = Value(1e-7)
    with pytest.raises(ValueError, match="log is defined for x > 0"):
        numerical_grad(lambda x: x.log(), [x], eps=1e-6)  # x - eps < 0
    assert x.data == 1e-7


def test_gradcheck_passes_a_correct_graph_and_leaves_grads_alone():
    w, x, b = Value(1.45, label="w"), Value(2.8, label="x"), Value(-4.0, label="b")
    w.grad = 5.0
    report = gradcheck(lambda w, x, b: (w * x + b).tanh(), [w, x, b])
    assert report and len(report) == 3 and report.failed == []
    assert [row.name for row in report] == ["w", "x", "b"]
    t = math.tanh(1.45 * 2.8 - 4.0)
    assert report["w"].analytic == pytest.approx((1 - t * t) * 2.8)
    assert report["w"].numeric == pytest.approx((1 - t * t) * 2.8, rel=1e-6)
    assert (w.grad, x.grad, b.grad) == (5.0, 0.0, 0.0)


def test_gradcheck_catches_a_wrong_derivative_and_names_the_input():
    x, y = Value(3.0, label="x"), Value(2.0, label="y")
    report = gradcheck(lambda x, y: square_with_wrong_derivative(x) * y, [x, y])
    assert not report
    assert [row.name for row in report.failed] == ["x"]
    assert report["x"].analytic == 2.0 and report["x"].numeric == pytest.approx(12.0)
    assert report["x"].verdict == "autograd ≠ numeric" and report["y"].verdict == "ok"
    assert str(report).startswith(
        "gradcheck FAILED: autograd agrees with finite differences on 1 of 2 (")
    with pytest.raises(GradcheckError, match="gradient check failed for x\n"):
        gradcheck(lambda x, y: square_with_wrong_derivative(x) * y, [x, y], raise_on_fail=True)


def test_unlabelled_inputs_are_named_by_position():
    report = gradcheck(lambda a, b: a * b, [Value(1.0), Value(2.0)])
    assert [row.name for row in report] == ["inputs[0]", "inputs[1]"]


def lab_000_loss(w1, w2, b):
    """Seed 000: one sigmoid neuron, input [0, 1], target 0 (AND), binary cross-entropy."""
    x1, x2, y = 0.0, 1.0, 0.0
    p = (w1 * x1 + w2 * x2 + b).sigmoid()
    return -(y * p.log() + (1 - y) * (1 - p).log())


def test_seed_000_gradient_example_shows_which_of_three_disagrees():
    # The lab prints loss 2.12692801 and gradients [0, 0.09247804], [0.09247804] for
    # w=[1, 1], b=1. Its compute_gradients multiplies by σ'(z) twice: the true gradient of
    # the loss with respect to z is σ(z) - y = 0.88079708.
    w1, w2, b = Value(1.0, label="w1"), Value(1.0, label="w2"), Value(1.0, label="b")
    assert lab_000_loss(w1, w2, b).data == pytest.approx(2.12692801, abs=1e-8)
    lab = [0.0, 0.09247804, 0.09247804]
    report = gradcheck(lab_000_loss, [w1, w2, b], by_hand=lab)
    sigma2 = 1 / (1 + math.exp(-2))
    assert report["w2"].analytic == pytest.approx(sigma2, abs=1e-12)
    assert report["w2"].numeric == pytest.approx(0.88079708, abs=1e-8)
    assert report["w2"].by_hand == pytest.approx(sigma2 * sigma2 * (1 - sigma2), abs=1e-8)
    assert [row.verdict for row in report] == ["ok", "by hand ≠ numeric", "by hand ≠ numeric"]
    assert not report and [r.analytic_ok for r in report] == [True, True, True]
    text = str(report)
    assert text.startswith(
        "gradcheck FAILED: autograd agrees with finite differences on 3 of 3, by hand on 1 of 3")
    assert "by hand" in text.splitlines()[1] and "0.092478" in text and "0.880797" in text


def test_by_hand_by_name_and_its_errors():
    w, b = Value(2.0, label="w"), Value(1.0, label="b")
    report = gradcheck(lambda w, b: w * w + b, [w, b], by_hand={"w": 4.0})
    assert report and report["w"].by_hand == 4.0 and report["b"].by_hand is None
    with pytest.raises(ValueError, match=r"by_hand names unknown inputs \['z'\]"):
        gradcheck(lambda w, b: w * b, [w, b], by_hand={"z": 1.0})
    with pytest.raises(ValueError, match="by_hand has 1 gradients for 2 inputs"):
        gradcheck(lambda w, b: w * b, [w, b], by_hand=[1.0])
    with pytest.raises(TypeError, match="by_hand gradient for w must be a number, got str"):
        gradcheck(lambda w, b: w * b, [w, b], by_hand=["1", None])


def test_report_renders_as_html_table_for_jupyter():
    w = Value(2.0, label="w<1>")
    html = gradcheck(lambda w: w * w, [w], by_hand=[3.0])._repr_html_()
    assert html.count("<tr>") == 2 and "<th>by hand</th>" in html
    assert "w&lt;1&gt;" in html and "color:#b00" in html  # escaped, and the failure in red


def test_gradcheck_refuses_a_function_that_returns_a_float():
    with pytest.raises(TypeError, match="gradcheck: f returned a float; f must return a Value "
                                        "or Tensor built from its inputs"):
        gradcheck(lambda x: x.data * 2, [Value(1.0)])
    with pytest.raises(TypeError, match=r"inputs\[1\] must be a Value or Tensor, got float"):
        gradcheck(lambda x, y: x * y, [Value(1.0), 2.0])


def test_tolerances_decide():
    # f = x^3 at x = 1000: central differences have a truncation error of eps^2 = 1e-12
    x = Value(1000.0, label="x")
    assert gradcheck(lambda x: x**3, [x])
    assert not gradcheck(lambda x: x**3, [x], eps=10.0, atol=0.0, rtol=1e-6)


# ---------------------------------------------------------------- outputs that alias an input


def test_identity_has_derivative_one_for_values_and_tensors():
    """d x / d x = 1: the output *is* the input, so it must be read at the nudged point."""
    import numpy as np

    from autograd import Tensor

    x = Value(0.7, label="x")
    report = gradcheck(lambda x: x, [x])
    assert report, str(report)
    assert report["x"].numeric == pytest.approx(1.0, abs=1e-6)
    assert numerical_grad(lambda x: x, [x])[0] == pytest.approx(1.0, abs=1e-6)

    t = Tensor([1.0, -2.0, 3.0], requires_grad=True, label="t")
    report = gradcheck(lambda t: t, [t])
    assert report, str(report)
    numeric = np.array([[row.numeric for row in report if row.name == f"t[{i}]"]
                        for i in range(3)])
    assert np.allclose(numeric, np.eye(3), atol=1e-6)


def test_outputs_that_are_views_of_an_input_are_read_at_the_nudged_point():
    import numpy as np

    from autograd import Tensor

    t = Tensor(np.array([[1.0, 2.0], [3.0, 4.0]]), requires_grad=True, label="t")
    assert gradcheck(lambda t: t[0], [t])  # a view of the input's first row
    assert gradcheck(lambda t: [t, t * 2.0], [t])  # the input among several outputs
    s = Tensor(np.array([0.5]), requires_grad=True)
    assert numerical_grad(lambda s: s.reshape(()), [s])[0] == pytest.approx([1.0], abs=1e-6)


def test_gradcheck_of_zero_elements_is_refused_by_name():
    import numpy as np

    from autograd import Tensor

    empty = Tensor(np.zeros((0, 3)), requires_grad=True, label="empty")
    with pytest.raises(ValueError, match=r"gradcheck: input empty has no elements \(shape "
                                         r"\(0, 3\)\); there is nothing to check"):
        gradcheck(lambda e: e.sum(), [empty])
    with pytest.raises(ValueError, match=r"numerical_grad: inputs\[0\] has no elements"):
        numerical_grad(lambda e: e.sum(), [Tensor(np.zeros(0), requires_grad=True)])
    x = Tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(ValueError, match=r"gradcheck: f returned no numbers \(shape "
                                         r"\(0,\)\); there is nothing to check"):
        gradcheck(lambda x: x[2:], [x])
