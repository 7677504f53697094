"""Hand a model over to PyTorch, and back: ``to_torch(model)`` and ``from_torch(module)``.

The same network with the same weights: ``Linear``'s ``W`` (nin × nout, the labs' layout) is
PyTorch's ``weight`` transposed (nout × nin); Values become float64 parameters, Tensors
keep their dtype. PyTorch is optional (the ``torch`` extra) and imported only here, only
when one of these functions is called.

Supported both ways: ``Linear``/``Dense`` (their activation becomes a module after the
``torch.nn.Linear``, and is folded back into the layer on the way back), the activation
modules (``ReLU``, ``Sigmoid``, ``Tanh``, ``LeakyReLU``, ``ELU``, ``Softplus``, ``Softmax``,
``Identity``), ``Conv2D``, ``MaxPool2D``, ``AvgPool2D``, ``Flatten``, ``Sequential`` and
``Concatenate``; and one way, the Value models ``MLP``,
``Layer`` and ``Neuron``. ``arctan`` and ``Concatenate`` have no ``torch.nn`` module: they
become small modules of this file (``TorchArctan``, ``TorchConcatenate``) that ``from_torch``
reads back. Anything else raises a ``ValueError`` that names the layer and says why.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from .activations import ELU, Identity, LeakyReLU, ReLU, Sigmoid, Softmax, Softplus, Tanh
from .image_layers import AvgPool2D, Conv2D, Flatten, MaxPool2D
from .layers import Concatenate, Dense, Linear, Sequential
from .module import Module
from .scalar import MLP, Layer, Neuron

_NO_GRADIENT = {"step", "sign"}


def _torch() -> Any:
    try:
        import torch
    except ImportError:
        raise ImportError("to_torch and from_torch need PyTorch: pip install "
                          "'backprop-lens[torch]' (or see pytorch.org for your system)") from None
    return torch


@functools.cache
def _modules() -> tuple[type, type]:
    """The two torch modules torch.nn lacks, made once torch is imported."""
    torch = _torch()

    class TorchArctan(torch.nn.Module):
        """arctan, elementwise (backprop-lens's "arctan" activation)."""

        def forward(self, x: Any) -> Any:
            return torch.atan(x)

    class TorchConcatenate(torch.nn.Module):
        """Feeds one input to each branch and joins their outputs on the last axis
        (backprop-lens's ``Concatenate``)."""

        def __init__(self, *branches: Any) -> None:
            super().__init__()
            self.branches = torch.nn.ModuleList(branches)

        def forward(self, x: Any) -> Any:
            return torch.cat([branch(x) for branch in self.branches], dim=-1)

    return TorchArctan, TorchConcatenate


def __getattr__(name: str) -> Any:  # nn.pytorch.TorchArctan / TorchConcatenate, on demand
    if name in ("TorchArctan", "TorchConcatenate"):
        return dict(zip(("TorchArctan", "TorchConcatenate"), _modules()))[name]
    raise AttributeError(name)


# ---------------------------------------------------------------- to PyTorch


def to_torch(model: Module) -> Any:
    """An equivalent ``torch.nn.Module`` with the same weights (copies: training one does
    not move the other). Outputs have PyTorch's shapes: a ``Neuron`` gives (batch, 1)."""
    if not isinstance(model, Module):
        raise TypeError(f"to_torch needs a backprop-lens model (nn.Module), got "
                        f"{type(model).__name__}")
    return _to_torch(model, type(model).__name__)


def _to_torch(m: Module, where: str) -> Any:
    torch = _torch()
    parts = _parts(m, where)
    return parts[0] if len(parts) == 1 else torch.nn.Sequential(*parts)


def _parts(m: Module, where: str) -> list:
    """The torch modules for ``m``, in order: a layer is a Linear and its activation, and a
    stack of layers is flat (as a PyTorch user would write it)."""
    torch = _torch()
    if isinstance(m, MLP | Sequential):
        return [part for i, layer in enumerate(m.layers)
                for part in _parts(layer, f"{where}.layers.{i}")]
    if isinstance(m, Layer):
        activation = _same_activation([n.activation for n in m.neurons], where)
        W = np.array([[w.data for w in n.w] for n in m.neurons], dtype=np.float64).T
        b = np.array([n.b.data for n in m.neurons], dtype=np.float64)
        return _linear(W, b, activation, where, trainable=True)
    if isinstance(m, Neuron):
        W = np.array([[w.data] for w in m.w], dtype=np.float64)
        return _linear(W, np.array([m.b.data]), m.activation, where, trainable=True)
    if isinstance(m, Linear):
        if isinstance(m, Dense) and not m.built:
            raise ValueError(f"to_torch: {where} (Dense, units={m.units}) has no weights yet: "
                             f"give it input_dim, or call the model once")
        return _linear(m.W.data, m.b.data, m.activation, where,
                       trainable=m.W.requires_grad)
    if isinstance(m, Conv2D):
        if not m.built:
            raise ValueError(f"to_torch: {where} (Conv2D, {m.filters} filters) has no weights "
                             f"yet: give it input_shape, or call the model once")
        conv = _torch_dtype(m.W.data, where)
        layer = torch.nn.Conv2d(m.W.shape[1], m.filters, m.kernel_size, stride=m.stride,
                                padding=m.padding, dtype=conv)
        with torch.no_grad():
            layer.weight.copy_(torch.from_numpy(m.W.data.copy()))
            layer.bias.copy_(torch.from_numpy(m.b.data.copy()))
        layer.requires_grad_(m.W.requires_grad)
        act = _activation(m.activation, where)
        return [layer] if act is None else [layer, act]
    if type(m) is MaxPool2D:
        return [torch.nn.MaxPool2d(m.pool_size, stride=m.strides)]
    if type(m) is AvgPool2D:
        return [torch.nn.AvgPool2d(m.pool_size, stride=m.strides)]
    if type(m) is Flatten:
        return [torch.nn.Flatten()]
    if isinstance(m, Concatenate):
        return [_modules()[1](*[_to_torch(b, f"{where}.branches.{i}")
                                for i, b in enumerate(m.branches)])]
    for ours, make in ((Identity, torch.nn.Identity), (ReLU, torch.nn.ReLU),
                       (Sigmoid, torch.nn.Sigmoid), (Tanh, torch.nn.Tanh),
                       (Softplus, torch.nn.Softplus)):
        if type(m) is ours:
            return [make()]
    if type(m) is LeakyReLU:
        return [torch.nn.LeakyReLU(negative_slope=m.alpha)]
    if type(m) is ELU:
        return [torch.nn.ELU(alpha=m.alpha)]
    if type(m) is Softmax:
        return [torch.nn.Softmax(dim=m.axis)]
    raise ValueError(f"to_torch: {where} ({type(m).__name__}) cannot be converted; supported: "
                     f"MLP, Layer, Neuron, Sequential, Linear, Dense, Concatenate and the "
                     f"activation modules")


def _same_activation(names: list, where: str) -> Any:
    if any(name != names[0] for name in names):
        raise ValueError(f"to_torch: the neurons of {where} have different activations "
                         f"({sorted(set(map(str, names)))}); a torch Linear layer has one")
    return names[0]


def _activation(name: Any, where: str) -> Any:
    torch = _torch()
    if name in (None, "linear"):
        return None
    if callable(name):
        raise ValueError(f"to_torch: {where} uses a custom activation function "
                         f"({getattr(name, '__name__', name)!r}), which cannot be converted")
    if name in _NO_GRADIENT:
        raise ValueError(f"to_torch: {where} uses the {name} activation, whose gradient is 0 "
                         f"wherever it exists: PyTorch would never train it (use it with "
                         f"nn.perceptron_train here)")
    made = {"relu": torch.nn.ReLU, "sigmoid": torch.nn.Sigmoid, "tanh": torch.nn.Tanh,
            "softplus": torch.nn.Softplus, "arctan": _modules()[0],
            "leaky_relu": lambda: torch.nn.LeakyReLU(negative_slope=0.01),
            "elu": lambda: torch.nn.ELU(alpha=1.0)}
    if name not in made:
        raise ValueError(f"to_torch: {where} uses the activation {name!r}, which cannot be "
                         f"converted")
    return made[name]()


def _torch_dtype(W: np.ndarray, where: str) -> Any:
    torch = _torch()
    dtype = {np.dtype(np.float64): torch.float64, np.dtype(np.float32): torch.float32}.get(
        np.asarray(W).dtype)
    if dtype is None:
        raise ValueError(f"to_torch: {where} has weights of dtype {np.asarray(W).dtype}; "
                         f"float32 and float64 convert")
    return dtype


def _linear(W: np.ndarray, b: np.ndarray, activation: Any, where: str,
            trainable: bool) -> list:
    torch = _torch()
    nin, nout = W.shape
    dtype = _torch_dtype(W, where)
    layer = torch.nn.Linear(nin, nout, dtype=dtype)
    with torch.no_grad():
        layer.weight.copy_(torch.from_numpy(np.ascontiguousarray(np.asarray(W).T)))
        layer.bias.copy_(torch.from_numpy(np.asarray(b, dtype=np.asarray(W).dtype).copy()))
    layer.requires_grad_(trainable)
    act = _activation(activation, where)
    return [layer] if act is None else [layer, act]


# ---------------------------------------------------------------- from PyTorch


def from_torch(module: Any) -> Module:
    """The backprop-lens model (of Tensors) with the same weights as ``module``: a
    ``torch.nn.Sequential`` becomes an ``nn.Sequential``, a ``torch.nn.Linear`` an
    ``nn.Linear`` (with the activation that follows it folded in), and so on."""
    torch = _torch()
    if not isinstance(module, torch.nn.Module):
        raise TypeError(f"from_torch needs a torch.nn.Module, got {type(module).__name__}")
    return _from_torch(module, type(module).__name__)


def _from_torch(m: Any, where: str) -> Module:
    torch = _torch()
    arctan, concatenate = _modules()
    if isinstance(m, torch.nn.Sequential):
        layers: list[Module] = []
        children = list(m.named_children())
        k = 0
        while k < len(children):
            name, child = children[k]
            after = children[k + 1][1] if k + 1 < len(children) else None
            if isinstance(child, torch.nn.Linear | torch.nn.Conv2d) and after is not None \
                    and _activation_name(after) is not None:
                make = _from_linear if isinstance(child, torch.nn.Linear) else _from_conv
                layers.append(make(child, _activation_name(after), f"{where}.{name}"))
                k += 2
                continue
            made = _from_torch(child, f"{where}.{name}")
            layers.extend(made.layers if isinstance(made, Sequential) else [made])
            k += 1
        return Sequential(*layers)
    if isinstance(m, torch.nn.Linear):
        return _from_linear(m, None, where)
    if isinstance(m, torch.nn.Conv2d):
        return _from_conv(m, None, where)
    if type(m) in (torch.nn.MaxPool2d, torch.nn.AvgPool2d):
        return _from_pool(m, where)
    if type(m) is torch.nn.Flatten:
        if m.start_dim != 1 or m.end_dim != -1:
            raise ValueError(f"from_torch: {where} (Flatten from dim {m.start_dim} to "
                             f"{m.end_dim}) cannot be converted: nn.Flatten keeps dim 0 only")
        return Flatten()
    if isinstance(m, concatenate):
        branches = [_from_torch(b, f"{where}.branches.{i}") for i, b in enumerate(m.branches)]
        return Concatenate(*[b.layers[0] if isinstance(b, Sequential) and len(b.layers) == 1
                             else b for b in branches])
    if isinstance(m, torch.nn.LeakyReLU):
        return LeakyReLU(m.negative_slope)
    if isinstance(m, torch.nn.ELU):
        return ELU(m.alpha)
    if isinstance(m, torch.nn.Softmax):
        return Softmax(m.dim if m.dim is not None else -1)
    if isinstance(m, torch.nn.Softplus) and (m.beta != 1 or m.threshold != 20):
        raise ValueError(f"from_torch: {where} (Softplus with beta={m.beta}) cannot be "
                         f"converted: only beta=1 matches nn.Softplus")
    for theirs, ours in ((torch.nn.Identity, Identity), (torch.nn.ReLU, ReLU),
                         (torch.nn.Sigmoid, Sigmoid), (torch.nn.Tanh, Tanh),
                         (torch.nn.Softplus, Softplus)):
        if type(m) is theirs:
            return ours()
    if isinstance(m, arctan):
        raise ValueError(f"from_torch: {where} (arctan) converts only after a Linear layer, "
                         f"as its activation")
    raise ValueError(f"from_torch: {where} ({type(m).__name__}) cannot be converted; "
                     f"supported: Sequential, Linear, Conv2d, MaxPool2d, AvgPool2d, Flatten, "
                     f"ReLU, Sigmoid, Tanh, LeakyReLU, ELU, Softplus, Softmax, Identity, and "
                     f"nn.pytorch's TorchConcatenate and TorchArctan")


def _activation_name(m: Any) -> Any:
    """The name of the activation ``Linear(activation=…)`` takes for this torch module, or
    None when the module is not one of those."""
    torch = _torch()
    if type(m) is torch.nn.LeakyReLU and m.negative_slope == 0.01:
        return "leaky_relu"
    if type(m) is torch.nn.ELU and m.alpha == 1.0:
        return "elu"
    if type(m) is torch.nn.Softplus and m.beta == 1 and m.threshold == 20:
        return "softplus"
    names = {torch.nn.ReLU: "relu", torch.nn.Sigmoid: "sigmoid", torch.nn.Tanh: "tanh",
             _modules()[0]: "arctan"}
    return names.get(type(m))


def _from_linear(m: Any, activation: Any, where: str) -> Linear:
    if m.bias is None:
        raise ValueError(f"from_torch: {where} (Linear without a bias) cannot be converted: "
                         f"nn.Linear always has one")
    layer = Linear(m.in_features, m.out_features, activation, dtype=_numpy_dtype(m, where))
    return _copy_weights(m, layer, transpose=True)


def _from_conv(m: Any, activation: Any, where: str) -> Conv2D:
    plain = (m.groups == 1 and tuple(m.dilation) == (1, 1) and m.padding_mode == "zeros"
             and not isinstance(m.padding, str) and m.bias is not None)
    if not plain:
        raise ValueError(f"from_torch: {where} (Conv2d with groups={m.groups}, dilation="
                         f"{m.dilation}, padding={m.padding!r}, padding_mode="
                         f"{m.padding_mode!r}, bias={m.bias is not None}) cannot be converted: "
                         f"nn.Conv2D is a plain convolution with zero padding and a bias")
    layer = Conv2D(m.out_channels, tuple(m.kernel_size), stride=tuple(m.stride),
                   padding=tuple(m.padding), activation=activation, dtype=_numpy_dtype(m, where))
    layer.build((m.in_channels, *m.kernel_size))
    return _copy_weights(m, layer, transpose=False)


def _numpy_dtype(m: Any, where: str) -> Any:
    torch = _torch()
    dtype = {torch.float64: np.float64, torch.float32: np.float32}.get(m.weight.dtype)
    if dtype is None:
        raise ValueError(f"from_torch: {where} has weights of dtype {m.weight.dtype}; "
                         f"float32 and float64 convert")
    return dtype


def _copy_weights(m: Any, layer: Any, transpose: bool) -> Any:
    """``m``'s weight (transposed for a Linear: ours is nin × nout) and bias into ``layer``."""
    dtype = layer.W.data.dtype
    weight = m.weight.detach().cpu().numpy()
    layer.W.data = (weight.T if transpose else weight).astype(dtype, copy=True)
    layer.b.data = m.bias.detach().cpu().numpy().astype(dtype, copy=True)
    layer.W.requires_grad = layer.b.requires_grad = bool(m.weight.requires_grad)
    return layer


def _from_pool(m: Any, where: str) -> Module:
    torch = _torch()
    extra = m.padding not in (0, (0, 0)) or m.ceil_mode or (
        type(m) is torch.nn.MaxPool2d and m.dilation not in (1, (1, 1))) or (
        type(m) is torch.nn.AvgPool2d and (m.divisor_override is not None))
    if extra:
        raise ValueError(f"from_torch: {where} ({type(m).__name__} with padding, ceil_mode, "
                         f"dilation or divisor_override) cannot be converted")
    stride = m.stride if m.stride is not None else m.kernel_size
    ours = MaxPool2D if type(m) is torch.nn.MaxPool2d else AvgPool2D
    return ours(m.kernel_size if isinstance(m.kernel_size, int) else tuple(m.kernel_size),
                stride if isinstance(stride, int) else tuple(stride))
