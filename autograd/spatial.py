"""Ops on images (NCHW Tensors): convolution, max and average pooling, zero padding.

Each op's forward rule and its VJP sit side by side, as everywhere in the engine. No Python
loop runs over pixels: a convolution is one matrix product over the windows of the input
(im2col), and every loop (filling im2col, pooling, the backward passes) runs over the
kernel's offsets only (9 for a 3×3 kernel), one strided slice each.

A node records its hyperparameters after its op's name (``"conv2d 3×3, 16, s1, p1"``), so
that a diagram's gate shows them; :func:`autograd.ops.lookup` reads the name before the
space.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import allocator
from .tensor import Tensor, result_node


def as_pair(value: Any, name: str, op: str, low: int = 1) -> tuple[int, int]:
    """An int or a pair of ints (height, width), each at least ``low``."""
    pair = (value, value) if isinstance(value, int | np.integer) else tuple(value) \
        if isinstance(value, tuple | list) else None
    if pair is None or len(pair) != 2 or not all(
            isinstance(v, int | np.integer) and not isinstance(v, bool) and v >= low
            for v in pair):
        raise ValueError(f"{op}: {name} must be an int ≥ {low} or a pair of them, got {value!r}")
    return int(pair[0]), int(pair[1])


def _image(x: Any, op: str) -> Tensor:
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}: the input must be a Tensor, got {type(x).__name__}")
    if x.ndim != 4:
        raise ValueError(f"{op}: the input must be NCHW (images, channels, height, width), "
                         f"got shape {x.shape}")
    return x


def _text(pair: tuple[int, int], joiner: str = "×") -> str:
    return str(pair[0]) if pair[0] == pair[1] else f"{pair[0]}{joiner}{pair[1]}"


def _out_size(size: tuple[int, int], kernel: tuple[int, int], stride: tuple[int, int],
              op: str, shape: tuple, what: str) -> tuple[int, int]:
    if kernel[0] > size[0] or kernel[1] > size[1]:
        what = f"{what} " if what else ""
        raise ValueError(f"{op}: the {kernel[0]}×{kernel[1]} kernel is larger than the "
                         f"{what}{size[0]}×{size[1]} image (input shape {shape})")
    return (size[0] - kernel[0]) // stride[0] + 1, (size[1] - kernel[1]) // stride[1] + 1


def _scatter(windows_grad: np.ndarray, shape: tuple, kernel: tuple[int, int],
             stride: tuple[int, int], out: tuple[int, int]) -> np.ndarray:
    """Add the gradient of every window element (A, B, KH, KW, OH, OW) back to its pixel
    of images of ``shape`` (A, B, H, W): one strided slice per kernel offset. (A, B) is
    (N, C), or (C, N) for the convolution's channels-first layout.)"""
    grad = np.empty(shape, windows_grad.dtype)
    grad.fill(0)
    (kh, kw), (sh, sw), (oh, ow) = kernel, stride, out
    for i in range(kh):
        for j in range(kw):
            grad[:, :, i:i + sh * (oh - 1) + 1:sh, j:j + sw * (ow - 1) + 1:sw] += \
                windows_grad[:, :, i, j]
    return grad


# ---------------------------------------------------------------- padding


def pad(x: Tensor, pad_width: Any) -> Tensor:
    """Zeros around ``x``, as ``np.pad(x, pad_width)`` (its ``pad_width``: an int, a pair
    (before, after), or one pair per axis). The gradient is the middle of ``g``."""
    if not isinstance(x, Tensor):
        raise TypeError(f"pad: the input must be a Tensor, got {type(x).__name__}")
    try:
        widths = np.broadcast_to(np.asarray(pad_width), (x.ndim, 2))
    except ValueError:
        raise ValueError(f"pad: pad_width {pad_width!r} does not fit a Tensor of shape "
                         f"{x.shape} (give an int, a pair, or one pair per axis)") from None
    if widths.dtype.kind not in "iu" or (widths < 0).any():
        raise ValueError(f"pad: pad_width must be whole numbers ≥ 0, got {pad_width!r}")
    widths = [(int(a), int(b)) for a, b in widths]
    middle = tuple(slice(a, a + n) for (a, _), n in zip(widths, x.shape))
    return result_node(np.pad(x._data, widths), "pad", (x,), [lambda g: g[middle]], how=middle)


# ---------------------------------------------------------------- convolution


def conv2d(x: Tensor, w: Tensor, b: Tensor | None = None, stride: Any = 1,
           padding: Any = 0) -> Tensor:
    """2-D convolution (cross-correlation, as in PyTorch and Keras) of NCHW images ``x`` with
    OIHW filters ``w``, plus one bias per filter ``b``. ``stride`` and ``padding`` (zeros,
    on both sides) are an int or a (height, width) pair.

    Output: (N, O, OH, OW) with OH = (H + 2·padding − KH) // stride + 1 (a window that does
    not fit at the end is dropped, as in PyTorch).
    """
    allocator.keep_freed_memory()  # (freed blocks kept for the next step)
    op = "conv2d"
    x = _image(x, op)
    if not isinstance(w, Tensor) or w.ndim != 4:
        raise ValueError(f"{op}: the filters must be a Tensor of shape (out channels, in "
                         f"channels, height, width), got "
                         f"{w.shape if isinstance(w, Tensor) else type(w).__name__}")
    (n, c, h, wd), (o, ci, kh, kw) = x.shape, w.shape
    if ci != c:
        raise ValueError(f"{op}: the input has {c} channel(s) (shape {x.shape}) but the filters "
                         f"expect {ci} (shape {w.shape})")
    if b is not None and (not isinstance(b, Tensor) or b.shape != (o,)):
        raise ValueError(f"{op}: the bias must be a Tensor of shape ({o},), one per filter, "
                         f"got {b.shape if isinstance(b, Tensor) else type(b).__name__}")
    stride, padding = as_pair(stride, "stride", op), as_pair(padding, "padding", op, low=0)
    kernel = (kh, kw)
    padded = (h + 2 * padding[0], wd + 2 * padding[1])
    oh, ow = _out_size(padded, kernel, stride, op, x.shape, "padded" if any(padding) else "")
    # channels first (C, N, H, W), padded: each kernel offset's pixels are then a plain
    # strided block, for im2col and for the input gradient alike
    xc = np.empty((c, n, *padded), x._data.dtype)
    if any(padding):
        xc.fill(0)
    xc[:, :, padding[0]:padding[0] + h, padding[1]:padding[1] + wd] = x._data.transpose(1, 0, 2, 3)
    # im2col: one row per (channel, kernel offset), one column per output pixel of every
    # image, so that the whole layer is one matrix product (and each gradient another)
    cols = np.empty((c, kh, kw, n, oh, ow), xc.dtype)
    for (i, j), _, part in _offsets(xc, kernel, stride, (oh, ow)):
        cols[:, i, j] = part  # one copy per kernel offset, not per pixel
    cols = cols.reshape(c * kh * kw, n * oh * ow)
    del xc
    w2 = w._data.reshape(o, -1)
    out = np.matmul(w2, cols, out=np.empty((o, n * oh * ow), np.result_type(w2, cols)))
    if b is not None:
        out += b._data[:, None]
    # NCHW by shape, channels first in memory (a view, no copy): the ops that follow keep
    # that layout, so the next convolution and this one's backward need no transposed copy
    out = out.reshape(o, n, oh, ow).transpose(1, 0, 2, 3)
    seen: list = []

    def rows(g: np.ndarray) -> np.ndarray:  # g as (O, N·OH·OW), once for both gradients
        if not seen or seen[0] is not g:
            seen[:] = [g, g.transpose(1, 0, 2, 3).reshape(o, -1)]  # a view when g is CNHW
        return seen[1]

    def grad_x(g: np.ndarray) -> np.ndarray:
        windows = np.matmul(w2.T, rows(g), out=np.empty((c * kh * kw, n * oh * ow),
                                                              np.result_type(w2, g)))
        windows = windows.reshape(c, kh, kw, n, oh, ow).transpose(0, 3, 1, 2, 4, 5)
        grad = _scatter(windows, (c, n, *padded), kernel, stride, (oh, ow))  # (C, N, H, W)
        middle = grad[:, :, padding[0]:padding[0] + h, padding[1]:padding[1] + wd]
        copy = np.empty(middle.shape, middle.dtype)
        copy[...] = middle
        return copy.transpose(1, 0, 2, 3)  # NCHW shape, CNHW memory

    def grad_w(g: np.ndarray) -> np.ndarray:
        return (rows(g) @ cols.T).reshape(w.shape)

    vjps = [grad_x, grad_w]
    parents: tuple = (x, w)
    if b is not None:
        parents += (b,)
        vjps.append(lambda g: g.sum(axis=(0, 2, 3)))
    name = f"{op} {kh}×{kw}, {o}, s{_text(stride)}" + (f", p{_text(padding)}"
                                                        if any(padding) else "")
    return result_node(out, name, parents, vjps, how=(stride, padding))


# ---------------------------------------------------------------- pooling


def _pool_args(x: Any, kernel_size: Any, stride: Any, op: str):
    x = _image(x, op)
    kernel = as_pair(kernel_size, "kernel_size", op)
    stride = kernel if stride is None else as_pair(stride, "stride", op)
    out = _out_size(x.shape[2:], kernel, stride, op, x.shape, "")
    name = f"{op} {_text(kernel)}×{_text(kernel)}" if kernel[0] == kernel[1] else \
        f"{op} {kernel[0]}×{kernel[1]}"
    return x, kernel, stride, out, f"{name}, s{_text(stride)}"


def _offsets(x: np.ndarray, kernel: tuple[int, int], stride: tuple[int, int],
             out: tuple[int, int]):
    """For each kernel offset (i, j), the strided slice of ``x`` that holds element (i, j)
    of every window, shape (N, C, OH, OW): pooling is an elementwise reduction over them."""
    (kh, kw), (sh, sw), (oh, ow) = kernel, stride, out
    for i in range(kh):
        for j in range(kw):
            where = (slice(None), slice(None), slice(i, i + sh * (oh - 1) + 1, sh),
                     slice(j, j + sw * (ow - 1) + 1, sw))
            yield (i, j), where, x[where]


def max_pool2d(x: Tensor, kernel_size: Any, stride: Any = None) -> Tensor:
    """The largest value of each window of NCHW images. ``stride`` defaults to the kernel
    size; a window that does not fit at the end is dropped, as in PyTorch. Tied largest
    values share the gradient equally (as ``max`` does; PyTorch gives it to one of them)."""
    allocator.keep_freed_memory()  # (freed blocks kept for the next step)
    x, kernel, stride, size, name = _pool_args(x, kernel_size, stride, "max_pool2d")
    slices = [(where, part) for _, where, part in _offsets(x._data, kernel, stride, size)]
    out = np.empty_like(slices[0][1])  # in the input's memory layout
    np.copyto(out, slices[0][1])
    for _, part in slices[1:]:
        np.maximum(out, part, out=out)
    tiled = stride[0] >= kernel[0] and stride[1] >= kernel[1]  # windows do not overlap
    exact = stride == kernel and all(n == k * m for n, k, m in zip(x.shape[2:], kernel, size))

    def vjp(g: np.ndarray) -> np.ndarray:
        masks = [part == out for _, part in slices]
        count = masks[0].astype(g.dtype)
        for mask in masks[1:]:
            count += mask
        share = np.divide(g, count, out=count)
        # in the input's memory layout; where the windows tile the image exactly, every pixel
        # is written below, so it needs no zeros first
        grad = np.empty_like(x._data, g.dtype)
        if not exact:
            grad.fill(0)
        for (where, _), mask in zip(slices, masks):
            if tiled:  # each pixel is in one window at most: write, no temporary
                np.multiply(mask, share, out=grad[where])
            else:
                grad[where] += mask * share
        return grad

    def weights() -> list[np.ndarray]:  # each offset's share of its window's gradient
        masks = [(part == out).astype(out.dtype) for _, part in slices]
        count = sum(masks)
        return [mask / count for mask in masks]

    return result_node(out, name, (x,), [vjp], how=([where for where, _ in slices], weights))


def avg_pool2d(x: Tensor, kernel_size: Any, stride: Any = None) -> Tensor:
    """The mean of each window of NCHW images (stride: the kernel size by default; a window
    that does not fit at the end is dropped, as in PyTorch). Integer or boolean images
    (raw pixels) average to float64, as numpy's mean."""
    allocator.keep_freed_memory()  # (freed blocks kept for the next step)
    x, kernel, stride, size, name = _pool_args(x, kernel_size, stride, "avg_pool2d")
    slices = [(where, part) for _, where, part in _offsets(x._data, kernel, stride, size)]
    n = kernel[0] * kernel[1]
    dtype = x._data.dtype if x._data.dtype.kind == "f" else np.float64  # (as numpy's mean)
    out = np.empty_like(slices[0][1], dtype)
    np.copyto(out, slices[0][1])
    for _, part in slices[1:]:
        out += part
    out /= n

    def vjp(g: np.ndarray) -> np.ndarray:
        grad = np.empty_like(x._data, g.dtype)
        grad.fill(0)
        each = g / n
        for where, _ in slices:
            grad[where] += each
        return grad

    return result_node(out, name, (x,), [vjp],
                       how=([where for where, _ in slices], lambda: [1.0 / n] * len(slices)))
