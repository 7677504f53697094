"""Large arrays that image ops reuse from one training step to the next.

A CNN step makes and drops tens of megabytes of arrays (im2col matrices, activations,
gradients). Freed, large blocks go back to the operating system (glibc unmaps them), and
the next step pays a page fault for every 4 KiB again: measured, 5,000 faults and about
a third of a CNN training step. Ops that make large arrays (convolution, pooling, ReLU) take
their memory from here instead: a buffer is handed out again only when nothing but this pool
refers to it (no array, view, node or closure: CPython's reference count says so), so memory
in use is never handed out twice. Arrays under 1 MiB come from numpy as usual.

At most ``LIMIT`` bytes of buffers are kept; :func:`release` lets go of the unused ones.
"""

from __future__ import annotations

import math
import sys
import threading
from typing import Any

import numpy as np

SMALLEST = 1 << 20  # below this, np.empty: the allocator keeps small blocks anyway
LIMIT = 256 << 20  # at most this many bytes are kept; beyond it the oldest unused go

_lock = threading.Lock()
_buffers: list[np.ndarray] = []  # flat uint8 buffers, oldest first


def _references(buffers: list[np.ndarray], i: int) -> int:
    """How many references ``buffers[i]`` has, counted always from here, the same way."""
    return sys.getrefcount(buffers[i])


# What the count is for a buffer only the list holds, measured rather than assumed (the
# interpreter's own references on the way differ between Python versions). Any array, view,
# node or closure that uses a buffer adds at least one.
_UNUSED = _references([np.empty(1, np.uint8)], 0)


def empty(shape: tuple[int, ...], dtype: Any) -> np.ndarray:
    """An uninitialised array of ``shape`` and ``dtype``, as ``np.empty``, in memory that a
    previous step used and released when there is such memory of exactly that size."""
    dtype = np.dtype(dtype)
    nbytes = math.prod(shape) * dtype.itemsize
    if nbytes < SMALLEST:
        return np.empty(shape, dtype)
    with _lock:
        for i in range(len(_buffers)):
            if _buffers[i].nbytes == nbytes and _references(_buffers, i) == _UNUSED:
                return _buffers[i].view(dtype).reshape(shape)
        buffer = np.empty(nbytes, np.uint8)
        _buffers.append(buffer)
        _evict()
        return buffer.view(dtype).reshape(shape)


def empty_like(a: np.ndarray, dtype: Any = None) -> np.ndarray:
    """As ``np.empty_like(a, dtype)``: the same shape and the same memory order of axes (an
    NCHW array stored channels first stays so), from the pool when it is large."""
    dtype = a.dtype if dtype is None else np.dtype(dtype)
    if a.size * dtype.itemsize < SMALLEST:
        return np.empty_like(a, dtype=dtype)
    order = sorted(range(a.ndim), key=lambda i: -a.strides[i])  # outermost axis first
    stored = empty(tuple(a.shape[i] for i in order), dtype)
    return stored.transpose(np.argsort(order))


def release() -> None:
    """Let go of every buffer no array uses (they return to the operating system)."""
    with _lock:
        _buffers[:] = [_buffers[i] for i in range(len(_buffers))
                       if _references(_buffers, i) > _UNUSED]


def _evict() -> None:
    """Forget the oldest unused buffers while more than LIMIT bytes are kept (a buffer still
    in use stays: it is freed as usual when its last view goes)."""
    total = sum(b.nbytes for b in _buffers)
    i = 0
    while total > LIMIT and i < len(_buffers):
        if _references(_buffers, i) == _UNUSED:
            total -= _buffers.pop(i).nbytes
        else:
            i += 1


def kept_bytes() -> int:
    """How many bytes the pool holds (in use or not)."""
    with _lock:
        return sum(b.nbytes for b in _buffers)
