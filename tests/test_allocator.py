"""autograd.allocator: a training step's freed memory is kept for the next step (glibc's
malloc thresholds), so a CNN step pays no page faults to get it back (issue #28, item 2:
measured as fast as the pool of buffers it replaced; docs/benchmarks.md)."""

import platform
import resource

import numpy as np
import pytest

import autograd
from autograd import Tensor, allocator

glibc = pytest.mark.skipif(platform.system() != "Linux" or platform.libc_ver()[0] != "glibc",
                           reason="glibc's malloc settings")


@glibc
def test_after_an_image_op_a_freed_block_is_reused_without_page_faults(monkeypatch):
    for name in allocator._USER_SETTINGS:
        monkeypatch.delenv(name, raising=False)
    autograd.max_pool2d(Tensor(np.ones((1, 1, 2, 2))), 2)
    assert allocator.keep_freed_memory()
    size = 64 << 20  # above the most glibc's own threshold adapts to (32 MiB)
    for _ in range(3):  # the heap grows to hold it once
        np.ones(size, np.uint8)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(5):
        np.ones(size, np.uint8)  # made, written, freed
    faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before
    assert faults < 100, f"{faults} page faults for 5 blocks of 64 MiB (measured without the " \
        "settings: 2,720)"


def test_settings_the_user_made_are_left_alone(monkeypatch):
    calls = []

    class Libc:
        def mallopt(self, *args):
            calls.append(args)
            return 1

    monkeypatch.setattr(allocator.ctypes, "CDLL", lambda name: Libc())
    monkeypatch.setattr(allocator, "_in_effect", None)
    monkeypatch.setenv("GLIBC_TUNABLES", "glibc.malloc.trim_threshold=0")
    assert allocator.keep_freed_memory() is False and calls == []
    monkeypatch.delenv("GLIBC_TUNABLES")
    monkeypatch.setattr(allocator, "_in_effect", None)
    for name in allocator._USER_SETTINGS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(allocator.platform, "system", lambda: "Linux")
    monkeypatch.setattr(allocator.platform, "libc_ver", lambda: ("glibc", "2.36"))
    assert allocator.keep_freed_memory() is True
    assert calls == [(-3, 256 << 20), (-1, 512 << 20)]  # M_MMAP_THRESHOLD, M_TRIM_THRESHOLD
    assert allocator.keep_freed_memory() is True and len(calls) == 2  # once per process


def test_a_kept_graph_survives_later_steps():
    # values and gradients of a graph the user keeps stay exactly as they were while later
    # steps of the same shapes run (and reuse the memory those steps free)
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


@pytest.mark.parametrize("dtype", [bool, np.int8, np.uint8, np.int64, np.float16, np.float32])
def test_relu_of_a_large_array_has_the_dtype_and_values_of_a_small_one(dtype):
    rng = np.random.default_rng(0)
    for size in (10, 2_000_000):
        data = (rng.standard_normal(size) * 3).astype(dtype)
        out = Tensor(data).relu()
        expected = np.maximum(data, 0)
        assert out.dtype == expected.dtype
        np.testing.assert_array_equal(out.data, expected)
