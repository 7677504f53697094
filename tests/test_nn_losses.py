"""Losses: hand-computed values, Value/Tensor agreement, gradients, extremes, errors."""

import math

import numpy as np
import pytest

import nn
from autograd import Tensor, Value, gradcheck
from nn import losses

RNG = np.random.default_rng(0)


def values(array):
    return [[Value(v) for v in row] for row in np.atleast_2d(array)]


def test_mse_and_half_squared_error():
    p, y = np.array([[0.5, 2.0], [1.0, -1.0]]), np.array([[1.0, 1.0], [0.0, 0.0]])
    expected = np.mean((p - y) ** 2)
    assert losses.mse(Tensor(p), y).item() == pytest.approx(expected)
    assert losses.mse(values(p), y).data == pytest.approx(expected)
    assert losses.half_squared_error(Tensor(p), y).item() == pytest.approx(expected / 2)
    assert losses.half_squared_error(values(p), y).data == pytest.approx(expected / 2)


def test_seed_001_house_price_example():
    # x = 50, y = 300, w1 = 0.5, b1 = 0.1, w_out = 0.4, b_out = 0.2, ReLU, E = ½(ŷ − y)²
    w1, b1 = Value(0.5, label="w1"), Value(0.1, label="b1")
    w_out, b_out = Value(0.4, label="w_out"), Value(0.2, label="b_out")
    a1 = (w1 * 50 + b1).relu()
    y_hat = w_out * a1 + b_out
    E = losses.half_squared_error(y_hat, 300.0)
    E.backward()
    assert (a1.data, y_hat.data) == (pytest.approx(25.1), pytest.approx(10.24))
    assert E.data == pytest.approx(0.5 * 289.76**2)
    assert w_out.grad == pytest.approx(-289.76 * 25.1)  # (ŷ − y) a1
    assert b_out.grad == pytest.approx(-289.76)  # (ŷ − y)
    assert w1.grad == pytest.approx(-289.76 * 0.4 * 50)  # (ŷ − y) w_out ReLU'(z1) x
    assert b1.grad == pytest.approx(-289.76 * 0.4)


def test_binary_cross_entropy_matches_the_formula_and_survives_0_and_1():
    p, y = np.array([0.9, 0.2, 0.6]), np.array([1.0, 0.0, 1.0])
    expected = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    assert losses.binary_cross_entropy(Tensor(p), y).item() == pytest.approx(expected)
    assert losses.binary_cross_entropy([Value(v) for v in p], y).data == pytest.approx(expected)
    for pred in (Tensor([0.0, 1.0], requires_grad=True), [Value(0.0), Value(1.0)]):
        L = losses.binary_cross_entropy(pred, [1.0, 0.0])  # completely wrong, and certain
        L.backward()
        assert L.item() == pytest.approx(-math.log(1e-7))  # large but finite
        grads = pred.grad if isinstance(pred, Tensor) else [v.grad for v in pred]
        assert np.isfinite(grads).all()


def test_binary_cross_entropy_with_logits_is_stable_and_its_gradient_is_sigmoid_minus_y():
    z, y = Tensor([-1000.0, -2.0, 0.5, 1000.0], requires_grad=True), np.array([1, 0, 1, 0.0])
    L = losses.binary_cross_entropy_with_logits(z, y)
    L.backward()
    assert np.isfinite(L.item()) and L.item() == pytest.approx((1000 + np.log1p(np.exp(-2))
                                                               + np.log1p(np.exp(-0.5))
                                                               + 1000) / 4)
    sig = 1 / (1 + np.exp(-np.clip(z.data, -500, 500)))
    np.testing.assert_allclose(z.grad, (sig - y) / 4, atol=1e-15)
    zs = [Value(v) for v in (-2.0, 0.5)]
    Lv = losses.binary_cross_entropy_with_logits(zs, [0.0, 1.0])
    assert Lv.data == pytest.approx(losses.binary_cross_entropy(
        Tensor(1 / (1 + np.exp(-np.array([-2.0, 0.5])))), [0.0, 1.0]).item())


def test_cross_entropy_against_the_formula_and_both_target_forms():
    z = RNG.standard_normal((5, 4))
    labels = np.array([0, 3, 1, 1, 2])
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    expected = -log_p[np.arange(5), labels].mean()
    t = Tensor(z, requires_grad=True)
    assert losses.cross_entropy(t, labels).item() == pytest.approx(expected, abs=1e-12)
    assert losses.cross_entropy(t, nn.data.one_hot(labels, 4)).item() == pytest.approx(expected)
    assert losses.cross_entropy(values(z), labels).data == pytest.approx(expected, abs=1e-12)
    assert gradcheck(lambda t: losses.cross_entropy(t, labels), [t])
    one = losses.cross_entropy(Tensor(z[1]), 3)  # a single example: logits of shape (classes,)
    assert one.item() == pytest.approx(-log_p[1, 3])


def test_cross_entropy_value_and_tensor_gradients_agree():
    z = RNG.standard_normal((3, 3))
    labels = [2, 0, 1]
    t = Tensor(z, requires_grad=True)
    v = values(z)
    losses.cross_entropy(t, labels).backward()
    losses.cross_entropy(v, labels).backward()
    np.testing.assert_allclose(t.grad, [[x.grad for x in row] for row in v], atol=1e-12)


def test_seed_003_cross_entropy_table():
    # predicted probabilities -> log-probabilities as logits; the true class is 0
    for probs, expected in [((1.0, 0.0, 0.0), 0.0), ((0.5, 0.25, 0.25), math.log(2)),
                            ((0.0, 1.0, 0.0), math.inf)]:
        with np.errstate(divide="ignore"):
            logits = Tensor(np.log(probs))
        assert losses.cross_entropy(logits, [0]).item() == pytest.approx(expected)


@pytest.mark.parametrize(("dtype", "bad"), [
    (dtype, bad) for dtype in (np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint64)
    for bad in (-1, -128, 3, 127) if bad >= 0 or np.dtype(dtype).kind == "i"])
def test_class_index_targets_out_of_range_are_named_in_every_integer_dtype(dtype, bad):
    # the range check sees labels as unsigned (one reduction); a negative one must not slip
    # by, in either byte order
    for order in "<>":
        labels = np.array([0, bad, 2], dtype=np.dtype(dtype).newbyteorder(order))
        for loss in (losses.cross_entropy, losses.hinge):
            with pytest.raises(ValueError, match=rf"target {bad} is outside the 3 classes 0\.\.2"):
                loss(Tensor(np.zeros((3, 3))), labels)


@pytest.mark.parametrize("bad", [-1, -4, 3, 4, 2**40])
def test_the_fused_node_itself_refuses_labels_outside_the_classes(bad):
    # fused_cross_entropy gathers each example's logit from the flat array: an unchecked label
    # would read another example's logit (3 in row 0 is row 1's first); it checks as it gathers
    from autograd.cross_entropy import fused_cross_entropy
    dtypes = [np.int64] + [np.uint64] * (bad >= 0) + [np.int32] * (bad < 2**31)
    for dtype in dtypes:
        labels = np.array([1, bad, 0], dtype=dtype)
        with pytest.raises(ValueError, match=rf"cross_entropy: target {bad} is outside the 3 "
                                             rf"classes 0\.\.2"):
            fused_cross_entropy(Tensor(np.zeros((3, 3)), requires_grad=True), labels)
    with pytest.raises(TypeError):  # class indices must be integers
        fused_cross_entropy(Tensor(np.zeros((3, 3))), np.array([0.0, 1.0, 2.0]))
    with pytest.raises(ValueError, match=r"3 examples but targets of shape \(2,\)"):
        fused_cross_entropy(Tensor(np.zeros((3, 3))), np.array([0, 1]))


def test_cross_entropy_with_class_indices_matches_the_textbook_formula_in_float32():
    # the fused node sums log Σe^z and the picked logits apart: same loss and gradient as the
    # formula written out, for large and for tiny logits
    for scale in (1e-3, 1.0, 50.0):
        z = (RNG.standard_normal((7, 5)) * scale).astype(np.float32)
        labels = RNG.integers(0, 5, 7)
        t = Tensor(z, requires_grad=True)
        L = losses.cross_entropy(t, labels)
        L.backward()
        z64 = z.astype(np.float64)
        p = np.exp(z64 - z64.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        assert L.dtype == np.float32
        assert L.item() == pytest.approx(-np.log(p[np.arange(7), labels]).mean(), rel=1e-5)
        expected = p.copy()
        expected[np.arange(7), labels] -= 1
        np.testing.assert_allclose(t.grad, expected / 7, atol=1e-6)


@pytest.mark.parametrize("loss", [losses.cross_entropy, losses.hinge])
def test_class_losses_keep_float32(loss):
    W = Tensor(np.ones((3, 4), np.float32), requires_grad=True)
    L = loss(Tensor(np.ones((2, 3), np.float32)) @ W, [1, 3])
    L.backward()
    assert L.dtype == np.float32 and W.grad.dtype == np.float32


def test_cross_entropy_is_stable_for_huge_logits():
    t = Tensor([[1e4, -1e4, 0.0], [0.0, 1e4, 1e4]], requires_grad=True)
    L = losses.cross_entropy(t, [1, 2])
    L.backward()
    assert L.item() == pytest.approx((2e4 + np.log(2)) / 2)
    assert np.isfinite(t.grad).all()


def test_multiclass_hinge_is_cs231n_example():
    scores = np.array([[3.2, 5.1, -1.7], [1.3, 4.9, 2.0], [2.2, 2.5, -3.1]])
    labels = [0, 1, 2]  # cat, car, frog: losses 2.9, 0 and 12.9
    assert losses.hinge(Tensor(scores), labels).item() == pytest.approx((2.9 + 0 + 12.9) / 3)
    assert losses.hinge(values(scores), labels).data == pytest.approx((2.9 + 0 + 12.9) / 3)
    t = Tensor(scores, requires_grad=True)
    assert gradcheck(lambda t: losses.hinge(t, labels), [t])


def test_binary_hinge():
    s = Tensor([0.5, -2.0, 3.0])
    assert losses.hinge(s, [1, 1, -1]).item() == pytest.approx((0.5 + 3.0 + 4.0) / 3)
    assert losses.hinge([Value(0.5), Value(-2.0)], [1, -1]).data == pytest.approx(0.25)
    with pytest.raises(ValueError, match="targets -1 or 1, got \\[0.0, 1.0\\]"):
        losses.hinge(s, [0, 1, 1])


def test_l2_penalty():
    W, b = Tensor([[1.0, -2.0]], requires_grad=True), Tensor([0.5], requires_grad=True)
    assert losses.l2([W, b], lam=0.1).item() == pytest.approx(0.1 * (1 + 4 + 0.25))
    assert losses.l2([Value(3.0), Value(-1.0)], lam=0.1).data == pytest.approx(1.0)
    with pytest.raises(ValueError, match="at least one parameter"):
        losses.l2([])


def test_shape_and_label_errors():
    with pytest.raises(ValueError, match=r"prediction shape \(4, 1\) and target shape \(4,\) "
                                         r"differ \(reshape the target"):
        losses.mse(Tensor(np.ones((4, 1))), np.ones(4))
    with pytest.raises(ValueError, match=r"target 10 is outside the 10 classes 0..9"):
        losses.cross_entropy(Tensor(np.zeros((2, 10))), [3, 10])
    with pytest.raises(ValueError, match="2 examples but 3 targets"):
        losses.cross_entropy(Tensor(np.zeros((2, 10))), [1, 2, 3])
    with pytest.raises(ValueError, match="targets must lie in \\[0, 1\\]"):
        losses.binary_cross_entropy(Tensor([0.5]), [2.0])
    with pytest.raises(ValueError, match="must be class indices or one-hot rows"):
        losses.cross_entropy(Tensor(np.zeros((2, 3))), [0.5, 1.0])
    with pytest.raises(TypeError, match="prediction must be a Tensor, a Value, or lists"):
        losses.mse("0.5", [1.0])
    with pytest.raises(ValueError, match="2 predictions and a target of shape \\(3,\\) differ"):
        losses.mse([Value(1.0), Value(2.0)], [1.0, 2.0, 3.0])


@pytest.mark.parametrize("loss", [losses.mse, losses.half_squared_error,
                                  losses.binary_cross_entropy,
                                  losses.binary_cross_entropy_with_logits])
def test_elementwise_loss_gradients_against_finite_differences(loss):
    p = Tensor(np.array([[0.2, 0.7], [0.9, 0.4]]), requires_grad=True, label="p")
    y = np.array([[0.0, 1.0], [1.0, 0.0]])
    assert gradcheck(lambda p: loss(p, y), [p])
    values = [Value(v, label=f"p{i}") for i, v in enumerate(p.data.ravel())]
    assert gradcheck(lambda *vs: loss(list(vs), y.ravel()), values)
