"""Dense layers on Tensors, fast enough for image data, and the containers that stack them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

import autograd
from autograd import Tensor
from autograd.ops import superscript

from .activations import activation as activation_fn
from .activations import activation_name, display_name
from .checks import float_dtype, positive_int
from .checks import seed as check_seed
from .module import Module
from .scalar import Seed

_RELU_LIKE = {"relu", "leaky_relu", "elu"}


def initial_weights(rng: np.random.Generator, shape: tuple[int, ...], fan_in: int,
                    fan_out: int, activation: Any) -> np.ndarray:
    """He normal, N(0, 2/fan_in), before ReLU-like activations; otherwise Glorot uniform,
    U(±√(6/(fan_in+fan_out))), Keras's default."""
    if activation in _RELU_LIKE:
        return rng.normal(0.0, np.sqrt(2.0 / fan_in), shape)
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, shape)


class Linear(Module):
    """``x @ W + b``, then an activation: ``W`` has shape (nin, nout), as in the labs' matrices.

    Initialisation: He normal, N(0, 2/nin), before ReLU-like activations; otherwise Glorot
    uniform, U(±√(6/(nin+nout))), Keras's default. The bias starts at 0. Parameters are
    listed ``W`` then ``b``.
    """

    biases = ("b",)

    def __init__(self, nin: int, nout: int, activation: str | Callable | None = None, *,
                 seed: Seed = None, dtype: Any = np.float64) -> None:
        who = type(self).__name__
        nin, nout = positive_int(nin, "nin", who), positive_int(nout, "nout", who)
        activation_name(activation, who)
        dtype = float_dtype(dtype, who)
        W = initial_weights(np.random.default_rng(check_seed(seed, who)), (nin, nout), nin,
                            nout, activation)
        self.W = Tensor(W.astype(dtype), requires_grad=True, label="W")
        self.b = Tensor(np.zeros(nout, dtype), requires_grad=True, label="b")
        self.activation = activation
        self._act = activation_fn(activation)

    @property
    def nin(self) -> int:
        return self.W.shape[0]

    @property
    def nout(self) -> int:
        return self.W.shape[1]

    @property
    def input_shape(self) -> int:
        return self.nin

    def output_shape(self, input_shape: Any) -> int:
        _flat_only(type(self).__name__, input_shape)
        if input_shape is not None and input_shape != self.nin:
            raise ValueError(f"{self!r} expects inputs of width {self.nin}, but the layer "
                             f"before it gives {input_shape}")
        return self.nout

    def forward(self, x: Any) -> Tensor:
        x = as_tensor(x, self.W.dtype)
        if x.ndim == 0 or x.shape[-1] != self.nin:
            raise ValueError(f"{type(self).__name__}({self.nin} -> {self.nout}) expects inputs "
                             f"with {self.nin} features on the last axis, got shape {x.shape}")
        return self._act(x @ self.W + self.b)

    def extra_repr(self) -> str:
        act = "" if self.activation is None else f", activation={display_name(self.activation)!r}"
        return f"{self.nin} -> {self.nout}{act}"


class Dense(Linear):
    """Keras's spelling of :class:`Linear`: ``Dense(units, activation=None, input_dim=None)``.

    Without ``input_dim`` the weights are created when the layer joins a
    :class:`Sequential` (from the width of the layer before), or at its first call.
    """

    def __init__(self, units: int, activation: str | Callable | None = None,
                 input_dim: int | None = None, *, seed: Seed = None,
                 dtype: Any = np.float64) -> None:
        units = positive_int(units, "units", "Dense")  # every argument checked now, not
        self._options = {"activation": activation_name(activation, "Dense"),  # at the first
                         "seed": check_seed(seed, "Dense"),  # call
                         "dtype": float_dtype(dtype, "Dense")}
        self.units, self.activation = units, activation
        if input_dim is not None:
            self.build(positive_int(input_dim, "input_dim", "Dense"))

    @property
    def built(self) -> bool:
        return "W" in vars(self)

    @property
    def input_shape(self) -> int | None:
        return self.nin if self.built else None

    input_hint = "input_dim= (the width of the input)"

    def build(self, input_dim: int) -> None:
        """Create the weights for inputs of width ``input_dim``."""
        _flat_only("Dense", input_dim)
        options = self._options
        Linear.__init__(self, input_dim, self.units, options["activation"],
                        seed=options["seed"], dtype=options["dtype"])

    def output_shape(self, input_shape: Any) -> int:
        if self.built:
            return super().output_shape(input_shape)
        _flat_only("Dense", input_shape)
        return self.units

    def forward(self, x: Any) -> Tensor:
        if not self.built:
            self.build(np.shape(x)[-1])
        return super().forward(x)

    def extra_repr(self) -> str:
        if not self.built:
            return f"units={self.units}, not built yet"
        return super().extra_repr()


class Sequential(Module):
    """Layers applied one after the other; ``add`` appends one, as in Keras."""

    def __init__(self, *layers: Module) -> None:
        self.layers: list[Module] = []
        built: list[Module] = []  # layers this constructor built: unbuilt again if it fails
        try:
            for layer in layers:
                self._add(layer, built)
        except BaseException:
            for layer in built:
                _unbuild(layer)
            raise

    def add(self, layer: Module) -> Sequential:
        """Append ``layer``, built from the width of the layer before it when it does not know
        its own yet; a layer that does not fit what it would get is refused and nothing
        changes (the Sequential, and the layer, stay as they were)."""
        built: list[Module] = []
        try:
            return self._add(layer, built)
        except BaseException:
            for made in built:
                _unbuild(made)
            raise

    def _add(self, layer: Module, built: list[Module]) -> Sequential:
        if not isinstance(layer, Module):
            raise TypeError(f"Sequential.add takes a Module, got {type(layer).__name__}")
        given = self.output_shape(None) if self.layers else None
        if not layer.built:  # one rule: a layer is built from what it will get ...
            if given is None:
                raise ValueError(f"the first {type(layer).__name__} layer needs "
                                 f"{layer.input_hint}, or put a layer whose output shape is "
                                 "known before it")
            layer.build(given)
            built.append(layer)
        try:  # ... and must take it (the first, what it was made for), or nothing changes
            layer.output_shape(given if self.layers else layer.input_shape)
        except ValueError as error:
            raise ValueError(f"Sequential: layer {len(self.layers)}: {error}") from None
        self.layers.append(layer)
        self._name_layers()
        return self

    def _name_layers(self) -> None:
        """Label each layer's parameters as the labs write them: W¹, b¹, W², b² …"""
        number = 0
        for layer in self.layers:
            if "W" in vars(layer) and "b" in vars(layer):
                number += 1
                layer.W.label, layer.b.label = f"W{superscript(number)}", f"b{superscript(number)}"

    def _output_shapes(self) -> dict[str, Any]:
        """Each layer's output shape for one example (None where unknown), by name."""
        shape, shapes = self.input_shape, {}
        for i, layer in enumerate(self.layers):
            shape = layer.output_shape(shape)
            shapes[f"layers.{i}"] = shape
        return shapes

    def output_shape(self, input_shape: Any) -> Any:
        shape = input_shape if input_shape is not None else self.input_shape
        for layer in self.layers:
            shape = layer.output_shape(shape)
        return shape

    @property
    def input_shape(self) -> Any:
        return self.layers[0].input_shape if self.layers else None

    def forward(self, x: Any) -> Any:
        for layer in self.layers:
            x = layer(x)
        return x

    def __getitem__(self, i: int) -> Module:
        return self.layers[i]

    def __len__(self) -> int:
        return len(self.layers)

    def __iter__(self) -> Iterator[Module]:
        return iter(self.layers)


class Concatenate(Module):
    """Feeds one input to each branch and joins their outputs on the last axis.

    Seed 004's second XOR network, whose output layer reads the hidden layer and the input
    together: ``Sequential(Concatenate(Dense(2, "tanh", input_dim=2), Identity()),
    Dense(1, "tanh"))``.
    """

    def __init__(self, *branches: Module) -> None:
        if not branches:
            raise ValueError("Concatenate needs at least one branch")
        for i, branch in enumerate(branches):
            if not isinstance(branch, Module):
                raise TypeError(f"Concatenate: branch {i} must be a Module (a layer), got "
                                f"{type(branch).__name__}")
        self.branches = list(branches)

    def output_shape(self, input_shape: Any) -> int | None:
        given = input_shape if input_shape is not None else self.input_shape
        widths = [branch.output_shape(given) for branch in self.branches]
        return None if None in widths else sum(widths)

    @property
    def input_shape(self) -> int | None:
        """The input width, if a branch knows it (say, a Dense with input_dim)."""
        return next((b.input_shape for b in self.branches if b.input_shape is not None), None)

    def forward(self, x: Any) -> Tensor:
        x = as_tensor(x)  # once: every branch reads the same input node (drawn once)
        return autograd.concatenate([as_tensor(branch(x)) for branch in self.branches], axis=-1)


def as_tensor(x: Any, dtype: Any = None) -> Tensor:
    """Model input as a Tensor: arrays and lists become constant Tensors (of ``dtype``)."""
    if isinstance(x, Tensor):
        return x
    array = np.asarray(x)
    if array.dtype.kind not in "fiub":
        raise TypeError(f"expected numeric input, got dtype {array.dtype}")
    return Tensor(array.astype(dtype if dtype is not None else np.float64, copy=False))


def _flat_only(who: str, input_shape: Any) -> None:
    """Refuse images (a shape tuple) where a dense layer needs a width."""
    if isinstance(input_shape, tuple | list):
        raise ValueError(f"{who} needs flat inputs, but the layer before gives images of "
                         f"shape {tuple(input_shape)}: add nn.Flatten() before it")


def _unbuild(layer: Module) -> None:
    """Undo ``build``: the layer forgets the weights it made (a Sequential that failed)."""
    for name in ("W", "b"):
        vars(layer).pop(name, None)
