"""Activation functions by name, and as modules, for Values and Tensors alike."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from autograd import ops

from .checks import integer, number
from .module import Module


def _identity(x: Any) -> Any:
    return x


def _by_name(method: str) -> Callable[[Any], Any]:
    def apply(x: Any) -> Any:
        return getattr(x, method)()
    apply.__name__ = method
    return apply


# "linear", then every op the op table marks as an activation (Value and Tensor alike)
ACTIVATIONS: dict[str, Callable[[Any], Any]] = {
    "linear": _identity, **{op.name: _by_name(op.method) for op in ops.activations()}}


def activation(name: str | Callable | None) -> Callable[[Any], Any]:
    """The function for an activation name (None means linear), or a callable as given."""
    if name is None:
        return _identity
    if callable(name):
        return name
    try:
        return ACTIVATIONS[name]
    except KeyError:
        raise ValueError(f"unknown activation {name!r}; choose one of "
                         f"{', '.join(ACTIVATIONS)} or pass a function") from None


class Identity(Module):
    """Passes its input through (Keras's "linear" activation)."""

    def forward(self, x: Any) -> Any:
        return x


class _Elementwise(Module):
    method = ""

    def forward(self, x: Any) -> Any:
        return getattr(x, self.method)()


class Sigmoid(_Elementwise):
    method = "sigmoid"


class Tanh(_Elementwise):
    method = "tanh"


class ReLU(_Elementwise):
    method = "relu"


class Softplus(_Elementwise):
    method = "softplus"


class Step(_Elementwise):
    method = "step"


class Sign(_Elementwise):
    method = "sign"


class LeakyReLU(Module):
    def __init__(self, alpha: float = 0.01) -> None:
        self.alpha = number(alpha, "alpha", "LeakyReLU")

    def forward(self, x: Any) -> Any:
        return x.leaky_relu(self.alpha)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}"


class ELU(Module):
    def __init__(self, alpha: float = 1.0) -> None:
        self.alpha = number(alpha, "alpha", "ELU")

    def forward(self, x: Any) -> Any:
        return x.elu(self.alpha)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}"


class Softmax(Module):
    """softmax along ``axis`` (Tensors only)."""

    def __init__(self, axis: int = -1) -> None:
        self.axis = integer(axis, "axis", "Softmax")

    def forward(self, x: Any) -> Any:
        return x.softmax(self.axis)


def activation_name(value: Any, who: str) -> Any:
    """``value`` if it names an activation (or is None or a function), else an error that
    lists the names."""
    if value is not None and not callable(value) and not isinstance(value, str):
        raise TypeError(f"{who}: activation must be a name or a function, got "
                        f"{type(value).__name__} {value!r}")
    try:
        activation(value)
    except ValueError as error:
        raise ValueError(f"{who}: {error}") from None
    return value


def display_name(activation: Any) -> str:
    """How a layer's summary names its activation: the name given, or the function's name."""
    return activation if isinstance(activation, str) else getattr(activation, "__name__", "?")


def activation_of(module: Any) -> str | None:
    """The name of the activation an activation module applies (``"linear"`` for
    Identity), None for any other module: how a layer's health finds its activation."""
    if isinstance(module, Identity):
        return "linear"
    if isinstance(module, _Elementwise):
        return module.method
    if isinstance(module, LeakyReLU):
        return "leaky_relu"
    if isinstance(module, ELU):
        return "elu"
    if isinstance(module, Softmax):
        return "softmax"
    return None
