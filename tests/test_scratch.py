"""autograd.scratch: large buffers reused between steps, never while anything still uses them."""

import gc

import numpy as np
import pytest

import autograd
from autograd import Tensor, scratch

BIG = (1 << 20) // 4 + 1  # float32 elements: just over the pool's smallest size


@pytest.fixture(autouse=True)
def empty_pool():
    gc.collect()
    scratch.release()
    yield
    gc.collect()
    scratch.release()


def _holders(a):
    """Ways a user or the engine can keep an array alive: each must keep its memory safe."""
    return {
        "the array itself": lambda: a,
        "a view of it": lambda: a[1:],
        "a reshaped view": lambda: a.reshape(-1, 1),
        "a closure over a view": lambda: (lambda view=a[::2]: view),
        "a Tensor node": lambda: Tensor(a),
        "a memoryview": lambda: memoryview(a),
    }


@pytest.mark.parametrize("holder", list(_holders(np.empty(1))))
def test_a_buffer_in_use_is_never_handed_out_again(holder):
    a = scratch.empty((BIG,), np.float32)
    a[:] = 7.0
    kept = _holders(a)[holder]()
    del a
    b = scratch.empty((BIG,), np.float32)  # same size: it must get other memory
    b[:] = -1.0
    data = np.asarray(kept.data if isinstance(kept, Tensor) else
                      kept() if callable(kept) else kept)
    assert not np.shares_memory(b, data)
    assert (data == 7.0).all()


def test_a_released_buffer_is_reused_and_the_pool_stays_bounded(monkeypatch):
    a = scratch.empty((BIG,), np.float32)
    where = a.__array_interface__["data"][0]
    del a
    b = scratch.empty((BIG,), np.float32)
    assert b.__array_interface__["data"][0] == where  # the same memory, no new block
    assert scratch.kept_bytes() == BIG * 4
    monkeypatch.setattr(scratch, "LIMIT", 3 * BIG * 4)
    held = [scratch.empty((BIG + k,), np.float32) for k in range(1, 3)]
    del held
    scratch.empty((BIG + 5,), np.float32)  # a fourth size: over the limit, unused ones go
    assert scratch.kept_bytes() <= 3 * BIG * 4 + 20
    del b
    gc.collect()
    scratch.release()
    assert scratch.kept_bytes() == 0


def test_small_arrays_do_not_come_from_the_pool():
    a = scratch.empty((10, 10), np.float64)
    assert a.base is None and scratch.kept_bytes() == 0


def test_empty_like_keeps_the_memory_order_of_axes():
    x = np.ones((64, 16, 32, 32), np.float32).transpose(1, 0, 2, 3)  # CNHW in memory
    y = scratch.empty_like(x)
    assert y.shape == x.shape and y.dtype == x.dtype
    assert np.argsort(y.strides).tolist() == np.argsort(x.strides).tolist()
    z = scratch.empty_like(x, np.float64)
    assert z.dtype == np.float64 and np.argsort(z.strides).tolist() == \
        np.argsort(x.strides).tolist()


def test_a_kept_graph_survives_later_steps_that_reuse_memory():
    # the engine's own use: values and gradients of a graph the user keeps stay exactly as
    # they were while later steps of the same shapes run
    rng = np.random.default_rng(0)
    w = Tensor(rng.standard_normal((8, 3, 3, 3)).astype(np.float32), requires_grad=True)

    def step(seed):
        x = Tensor(np.random.default_rng(seed).standard_normal((32, 3, 32, 32))
                   .astype(np.float32))
        h = autograd.max_pool2d(autograd.conv2d(x, w, padding=1).relu(), 2)
        return h, (h * h).sum()

    h1, loss1 = step(1)
    kept_value = h1.data.copy()
    w.grad = None
    loss1.backward()
    kept_grad = w.grad.copy()
    for seed in (2, 3):
        h, loss = step(seed)
        loss.backward()
        del h, loss
    np.testing.assert_array_equal(h1.data, kept_value)
    w.grad = None
    loss1.backward()  # the kept graph's closures (im2col, masks) are intact too
    np.testing.assert_array_equal(w.grad, kept_grad)
    assert scratch.kept_bytes() > 0  # (the ops did use the pool)


@pytest.mark.parametrize("dtype", [bool, np.int8, np.uint8, np.int64, np.float16, np.float32])
def test_relu_of_a_large_array_has_the_dtype_and_values_of_a_small_one(dtype):
    # large arrays take pooled memory; that must not change what ReLU gives for any dtype
    rng = np.random.default_rng(0)
    for size in (10, 2_000_000):
        data = (rng.standard_normal(size) * 3).astype(dtype)
        out = Tensor(data).relu()
        expected = np.maximum(data, 0)
        assert out.dtype == expected.dtype
        np.testing.assert_array_equal(out.data, expected)
