"""Issue #16: conv2d, max_pool2d, avg_pool2d, pad, where, maximum and minimum, over
hypothesis-chosen shapes, strides and paddings: gradcheck passes, and values and gradients
match PyTorch's (float64, and float32 to 1e-5); errors name the shapes that do not fit."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
from autograd import Tensor, gradcheck, ops

try:
    import torch
    import torch.nn.functional as F
except ImportError:
    torch = None
needs_torch = pytest.mark.skipif(torch is None, reason="./dev test installs torch==2.13.0")


def few(share: float = 0.1) -> settings:
    return settings(max_examples=max(10, int(settings.default.max_examples * share)),
                    deadline=None)


@st.composite
def conv_case(draw):
    pair = st.tuples(st.integers(1, 3), st.integers(1, 3))
    kernel, stride = draw(pair), draw(pair)
    padding = draw(st.tuples(st.integers(0, 2), st.integers(0, 2)))
    n, c, o = draw(st.integers(1, 2)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    h = draw(st.integers(max(1, kernel[0] - 2 * padding[0]), 6))
    w = draw(st.integers(max(1, kernel[1] - 2 * padding[1]), 6))
    seed = draw(st.integers(0, 2**16))
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((n, c, h, w)), rng.standard_normal((o, c, *kernel)),
            rng.standard_normal(o), stride, padding)


@st.composite
def pool_case(draw):
    kernel = draw(st.tuples(st.integers(1, 3), st.integers(1, 3)))
    stride = draw(st.one_of(st.none(), st.tuples(st.integers(1, 3), st.integers(1, 3))))
    h, w = draw(st.integers(kernel[0], 7)), draw(st.integers(kernel[1], 7))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    # distinct values on a grid, so a window's largest value is unique (no tie)
    x = rng.permutation(2 * 2 * h * w).reshape(2, 2, h, w) / 10.0
    return x, kernel, stride


@few()
@given(conv_case())
def test_conv2d_passes_gradcheck_and_matches_the_loops(case):
    x, w, b, stride, padding = case
    inputs = [Tensor(a, requires_grad=True) for a in (x, w, b)]
    out = autograd.conv2d(*inputs, stride=stride, padding=padding)
    np.testing.assert_allclose(out.data, ops.OPS["conv2d"].reference(x, w, b, stride, padding),
                               atol=1e-12)
    gradcheck(lambda a, f, c: autograd.conv2d(a, f, c, stride=stride, padding=padding),
              inputs, raise_on_fail=True)


@few()
@given(pool_case(), st.sampled_from(["max_pool2d", "avg_pool2d"]))
def test_pooling_passes_gradcheck_and_matches_the_loops(case, name):
    x, kernel, stride = case
    fn = getattr(autograd, name)
    t = Tensor(x, requires_grad=True)
    out = fn(t, kernel, stride)
    np.testing.assert_allclose(out.data, ops.OPS[name].reference(x, kernel, stride), atol=1e-12)
    gradcheck(lambda a: fn(a, kernel, stride), [t], eps=1e-4, raise_on_fail=True)


def _against_torch(ours, theirs, arrays, dtype=np.float64, tol=1e-12):
    inputs = [Tensor(a.astype(dtype), requires_grad=True) for a in arrays]
    out = ours(*inputs)
    tensors = [torch.tensor(a.astype(dtype), requires_grad=True) for a in arrays]
    expected = theirs(*tensors)
    np.testing.assert_allclose(out.data, expected.detach().numpy(), rtol=tol, atol=tol)
    R = np.random.default_rng(0).standard_normal(out.shape).astype(dtype)
    out.backward(R)
    expected.backward(torch.tensor(R))
    for a, t in zip(inputs, tensors):
        np.testing.assert_allclose(a.grad, t.grad.numpy(), rtol=tol, atol=tol)


@needs_torch
@few()
@given(conv_case(), st.sampled_from([(np.float64, 1e-12), (np.float32, 1e-4)]))
def test_conv2d_matches_pytorch(case, dtype_tol):
    x, w, b, stride, padding = case
    dtype, tol = dtype_tol
    _against_torch(lambda *t: autograd.conv2d(*t, stride=stride, padding=padding),
                   lambda *t: F.conv2d(*t, stride=stride, padding=padding), [x, w, b],
                   dtype, tol)
    _against_torch(lambda a, f: autograd.conv2d(a, f, stride=stride, padding=padding),
                   lambda a, f: F.conv2d(a, f, stride=stride, padding=padding), [x, w])


@needs_torch
@few()
@given(pool_case())
def test_pooling_matches_pytorch(case):
    x, kernel, stride = case
    _against_torch(lambda t: autograd.max_pool2d(t, kernel, stride),
                   lambda t: F.max_pool2d(t, kernel, stride), [x])
    _against_torch(lambda t: autograd.avg_pool2d(t, kernel, stride),
                   lambda t: F.avg_pool2d(t, kernel, stride), [x])


@needs_torch
def test_pad_where_maximum_minimum_match_pytorch():
    rng = np.random.default_rng(3)
    x, y = rng.standard_normal((2, 3, 4)), rng.standard_normal((3, 1))
    _against_torch(lambda t: autograd.pad(t, ((1, 0), (0, 2), (3, 1))),
                   lambda t: F.pad(t, (3, 1, 0, 2, 1, 0)), [x])
    cond = x > 0.2
    _against_torch(lambda a, b: autograd.where(cond, a, b),
                   lambda a, b: torch.where(torch.tensor(cond), a, b), [x, y])
    for name in ("maximum", "minimum"):
        _against_torch(getattr(autograd, name), getattr(torch, name), [x, y])


def test_a_tie_shares_the_gradient_equally():
    a, b = Tensor([1.0, 2.0, 3.0], requires_grad=True), Tensor([1.0, 5.0, 0.0],
                                                                requires_grad=True)
    autograd.maximum(a, b).sum().backward()
    assert a.grad.tolist() == [0.5, 0.0, 1.0] and b.grad.tolist() == [0.5, 1.0, 0.0]
    x = Tensor(np.array([[[[1.0, 1.0], [0.0, 1.0]]]]), requires_grad=True)
    autograd.max_pool2d(x, 2).sum().backward()
    assert np.allclose(x.grad, [[[[1 / 3, 1 / 3], [0.0, 1 / 3]]]])


def test_the_dropped_window_gets_no_gradient_as_in_pytorch():
    x = Tensor(np.arange(25.0).reshape(1, 1, 5, 5), requires_grad=True)
    out = autograd.avg_pool2d(x, 2)
    assert out.shape == (1, 1, 2, 2)
    out.sum().backward()
    assert (x.grad[0, 0, 4, :] == 0).all() and (x.grad[0, 0, :, 4] == 0).all()
    assert (x.grad[0, 0, :4, :4] == 0.25).all()


@pytest.mark.parametrize("dtype", [np.uint8, np.int64, bool, np.float32, np.float64])
@pytest.mark.parametrize("size", [4, 1024])  # (1024: large enough for pooled memory)
def test_pooling_integer_and_boolean_images(dtype, size):
    # raw pixels are uint8: their average is a float (as numpy's mean), their max keeps dtype
    data = (np.arange(size * size) % 7).reshape(1, 1, size, size).astype(dtype)
    windows = data.reshape(1, 1, size // 2, 2, size // 2, 2)
    avg = autograd.avg_pool2d(Tensor(data), 2)
    assert avg.dtype == (np.dtype(dtype) if np.dtype(dtype).kind == "f" else np.float64)
    np.testing.assert_allclose(avg.data, windows.mean(axis=(3, 5)), rtol=1e-6)
    biggest = autograd.max_pool2d(Tensor(data), 2)
    assert biggest.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(biggest.data, windows.max(axis=(3, 5)))


def test_the_gates_show_their_hyperparameters():
    from autograd.ops import symbol

    x = Tensor(np.zeros((1, 3, 8, 8)))
    w = Tensor(np.zeros((16, 3, 3, 3)), requires_grad=True)
    assert symbol(autograd.conv2d(x, w, stride=1, padding=1).op) == "conv 3×3, 16, s1, p1"
    assert symbol(autograd.conv2d(x, w, stride=(2, 1)).op) == "conv 3×3, 16, s2×1"
    y = Tensor(np.zeros((1, 3, 8, 8)), requires_grad=True)
    assert symbol(autograd.max_pool2d(y, 2).op) == "max pool 2×2, s2"
    assert symbol(autograd.avg_pool2d(y, (3, 2), stride=1).op) == "avg pool 3×2, s1"
    assert ops.lookup("conv2d 3×3, 16, s1") is ops.OPS["conv2d"]


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda: autograd.conv2d(Tensor(np.zeros((1, 3, 5, 5))), Tensor(np.zeros((4, 2, 3, 3)))),
     ValueError, r"conv2d: the input has 3 channel\(s\) \(shape \(1, 3, 5, 5\)\) but the "
                 r"filters expect 2 \(shape \(4, 2, 3, 3\)\)"),
    (lambda: autograd.conv2d(Tensor(np.zeros((1, 1, 2, 2))), Tensor(np.zeros((1, 1, 5, 5))),
                             padding=1),
     ValueError, r"conv2d: the 5×5 kernel is larger than the padded 4×4 image \(input shape "
                 r"\(1, 1, 2, 2\)\)"),
    (lambda: autograd.conv2d(Tensor(np.zeros((3, 5, 5))), Tensor(np.zeros((1, 3, 3, 3)))),
     ValueError, r"conv2d: the input must be NCHW .* got shape \(3, 5, 5\)"),
    (lambda: autograd.conv2d(Tensor(np.zeros((1, 1, 5, 5))), Tensor(np.zeros((2, 1, 3, 3))),
                             Tensor(np.zeros(3))),
     ValueError, r"conv2d: the bias must be a Tensor of shape \(2,\), one per filter"),
    (lambda: autograd.conv2d(Tensor(np.zeros((1, 1, 5, 5))), Tensor(np.zeros((1, 1, 3, 3))),
                             stride=0),
     ValueError, r"conv2d: stride must be an int ≥ 1 or a pair of them, got 0"),
    (lambda: autograd.max_pool2d(Tensor(np.zeros((1, 1, 2, 3))), 3),
     ValueError, r"max_pool2d: the 3×3 kernel is larger than the 2×3 image"),
    (lambda: autograd.avg_pool2d(Tensor(np.zeros((1, 1, 4, 4))), (2, 2, 2)),
     ValueError, r"avg_pool2d: kernel_size must be an int ≥ 1 or a pair of them"),
    (lambda: autograd.pad(Tensor(np.zeros((2, 2))), ((1, 1), (1, 1), (1, 1))),
     ValueError, r"pad: pad_width .* does not fit a Tensor of shape \(2, 2\)"),
    (lambda: autograd.pad(Tensor(np.zeros(2)), -1), ValueError, "whole numbers ≥ 0"),
    (lambda: autograd.where(np.array([1, 0]), Tensor([1.0, 2.0]), 0.0), TypeError,
     "where: the condition must be booleans"),
    (lambda: autograd.maximum(Tensor(np.zeros(3)), Tensor(np.zeros(2))), ValueError,
     r"maximum: shapes \(3,\) and \(2,\) do not broadcast together"),
    (lambda: autograd.minimum(1.0, 2.0), TypeError, "at least one operand must be a Tensor"),
])
def test_errors_name_what_does_not_fit(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_only_image_ops_carry_hyperparameters_in_their_name():
    assert ops.lookup("exp approx") is None  # a user's op, not exp
    assert ops.symbol("exp approx") == "exp approx"
    assert ops.lookup("max_pool2d 2×2, s2") is ops.OPS["max_pool2d"]
