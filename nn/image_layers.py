"""Layers for images, in the Keras style the labs use: ``Conv2D``, ``MaxPool2D``,
``AvgPool2D`` and ``Flatten``, on NCHW Tensors (images, channels, height, width).

They stack in :class:`nn.Sequential` with ``add``: a layer's ``output_shape`` is (channels,
height, width) here, so that a ``Conv2D`` learns its input channels from the layer before
it, and a ``Dense`` after ``Flatten`` its width.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

import autograd
from autograd import Tensor
from autograd.spatial import as_pair

from .activations import activation as activation_fn
from .activations import activation_name, display_name
from .checks import float_dtype
from .checks import seed as check_seed
from .layers import initial_weights
from .module import Module
from .scalar import Seed

Shape = tuple[int, ...]


def _image_shape(shape: Any, who: str) -> Shape:
    if not (isinstance(shape, tuple | list) and len(shape) == 3
            and all(isinstance(v, int | np.integer) and v >= 1 for v in shape)):
        raise ValueError(f"{who} needs images of shape (channels, height, width), got "
                         f"{shape!r}" + (" (a flat width: put it before Flatten, not after)"
                                         if isinstance(shape, int | np.integer) else ""))
    return tuple(int(v) for v in shape)


def _out_hw(hw: tuple[int, int], kernel: tuple[int, int], stride: tuple[int, int],
            padding: tuple[int, int], who: str) -> tuple[int, int]:
    h, w = hw[0] + 2 * padding[0], hw[1] + 2 * padding[1]
    if kernel[0] > h or kernel[1] > w:
        raise ValueError(f"{who}: the {kernel[0]}×{kernel[1]} kernel is larger than the "
                         f"{h}×{w} image it would get")
    return (h - kernel[0]) // stride[0] + 1, (w - kernel[1]) // stride[1] + 1


class Conv2D(Module):
    """``conv2d(x, W, b)`` then an activation: ``filters`` filters of ``kernel_size``.

    ``W`` has shape (filters, channels, kh, kw) (OIHW, as PyTorch), ``b`` one bias per
    filter. Initialisation as :class:`nn.Linear`, with fan-in channels·kh·kw: He normal
    before ReLU-like activations, else Glorot uniform; biases 0. Without ``input_shape``
    the weights are made when the layer joins a Sequential (or at its first call).
    """

    biases = ("b",)

    def __init__(self, filters: int, kernel_size: Any, stride: Any = 1, padding: Any = 0,
                 activation: str | Callable | None = None, input_shape: Any = None, *,
                 seed: Seed = None, dtype: Any = np.float64) -> None:
        if not isinstance(filters, int | np.integer) or filters < 1:
            raise ValueError(f"Conv2D needs a positive number of filters, got {filters!r}")
        self.filters = int(filters)
        self.kernel_size = as_pair(kernel_size, "kernel_size", "Conv2D")
        self.stride = as_pair(stride, "stride", "Conv2D")
        self.padding = as_pair(padding, "padding", "Conv2D", low=0)
        self.activation = activation_name(activation, "Conv2D")
        self._act = activation_fn(activation)
        self._options = {"seed": check_seed(seed, "Conv2D"),
                         "dtype": float_dtype(dtype, "Conv2D")}
        self.input_shape = None if input_shape is None else _image_shape(input_shape, "Conv2D")
        if self.input_shape is not None:
            self.build(self.input_shape)

    @property
    def built(self) -> bool:
        return "W" in vars(self)

    input_hint = "input_shape=(channels, height, width)"

    def build(self, input_shape: Any) -> None:
        """Make the weights for images of ``input_shape`` (channels, height, width)."""
        channels = _image_shape(input_shape, "Conv2D")[0]
        kh, kw = self.kernel_size
        fan_in, fan_out = channels * kh * kw, self.filters * kh * kw
        W = initial_weights(np.random.default_rng(self._options["seed"]),
                            (self.filters, channels, kh, kw), fan_in, fan_out, self.activation)
        dtype = self._options["dtype"]
        self.W = Tensor(W.astype(dtype), requires_grad=True, label="W")
        self.b = Tensor(np.zeros(self.filters, dtype), requires_grad=True, label="b")

    def output_shape(self, input_shape: Any) -> Shape | None:
        if input_shape is None:
            return None
        channels, h, w = _image_shape(input_shape, "Conv2D")
        if self.built and channels != self.W.shape[1]:
            raise ValueError(f"{self!r} expects images with {self.W.shape[1]} channel(s), but "
                             f"the layer before it gives {channels}")
        return (self.filters, *_out_hw((h, w), self.kernel_size, self.stride, self.padding,
                                       f"Conv2D({self.filters}, {self.kernel_size})"))

    def forward(self, x: Any) -> Tensor:
        x = _as_images(x, self._options["dtype"], "Conv2D")
        if not self.built:
            self.build(x.shape[1:])
        return self._act(autograd.conv2d(x, self.W, self.b, self.stride, self.padding))

    def extra_repr(self) -> str:
        kh, kw = self.kernel_size
        text = f"{self.filters}, {kh}×{kw}, stride={_show(self.stride)}"
        text += f", padding={_show(self.padding)}" if any(self.padding) else ""
        text += "" if self.activation is None else f", activation={display_name(self.activation)!r}"
        return text + ("" if self.built else ", not built yet")


class _Pool(Module):
    op = ""

    def __init__(self, pool_size: Any = 2, strides: Any = None) -> None:
        who = type(self).__name__
        self.pool_size = as_pair(pool_size, "pool_size", who)
        self.strides = self.pool_size if strides is None else as_pair(strides, "strides", who)

    def output_shape(self, input_shape: Any) -> Shape | None:
        if input_shape is None:
            return None
        c, h, w = _image_shape(input_shape, type(self).__name__)
        return (c, *_out_hw((h, w), self.pool_size, self.strides, (0, 0), type(self).__name__))

    def forward(self, x: Any) -> Tensor:
        x = _as_images(x, None, type(self).__name__)
        return getattr(autograd, self.op)(x, self.pool_size, self.strides)

    def extra_repr(self) -> str:
        return f"{self.pool_size[0]}×{self.pool_size[1]}, strides={_show(self.strides)}"


class MaxPool2D(_Pool):
    """The largest value of each ``pool_size`` window (Keras's ``MaxPool2D``; ``strides``
    defaults to ``pool_size``; a window that does not fit at the end is dropped)."""

    op = "max_pool2d"


class AvgPool2D(_Pool):
    """The mean of each ``pool_size`` window (Keras's ``AveragePooling2D``)."""

    op = "avg_pool2d"


class Flatten(Module):
    """Each example's values in one row: (N, C, H, W) → (N, C·H·W), before a Dense."""

    def output_shape(self, input_shape: Any) -> int | None:
        if input_shape is None:
            return None
        if isinstance(input_shape, tuple | list):
            return int(np.prod(input_shape))
        return int(input_shape)

    def forward(self, x: Any) -> Tensor:
        x = x if isinstance(x, Tensor) else Tensor(np.asarray(x, dtype=np.float64))
        if x.ndim < 2:
            raise ValueError(f"Flatten expects a batch (examples first), got shape {x.shape}")
        return x.reshape(x.shape[0], -1)


def _as_images(x: Any, dtype: Any, who: str) -> Tensor:
    if not isinstance(x, Tensor):
        x = Tensor(np.asarray(x, dtype=dtype if dtype is not None else np.float64))
    if x.ndim != 4:
        raise ValueError(f"{who} expects a batch of images (examples, channels, height, "
                         f"width), got shape {x.shape}")
    return x


def _show(pair: tuple[int, int]) -> str:
    return str(pair[0]) if pair[0] == pair[1] else str(pair)
