"""Neurons, layers and MLPs built of Values: every multiplication is a node you can draw."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from numbers import Integral, Real
from typing import Any

import numpy as np

from autograd import Constant, Value
from autograd.ops import subscript, superscript

from .activations import activation as activation_fn
from .activations import activation_name, display_name
from .checks import number, positive_int
from .checks import seed as check_seed
from .module import Module

Seed = int | np.random.Generator | None


class Neuron(Module):
    """z = w1·x1 + … + wn·xn + b, then an activation (``"relu"`` by default).

    Weights start uniform in [-1, 1) (micrograd's choice) and the bias at 0, unless given:
    the labs' AND neuron is ``Neuron(2, "step", weights=[1, 1], bias=-1.5)``. Parameters
    are labelled ``w1 … wn`` and ``b``, so a diagram of one neuron reads like the labs'.
    """

    biases = ("b",)

    def __init__(self, nin: int, activation: str | Callable = "relu", *,
                 weights: Sequence[float] | None = None, bias: float | None = None,
                 seed: Seed = None) -> None:
        nin = positive_int(nin, "nin", "Neuron")
        activation_name(activation, "Neuron")
        check_seed(seed, "Neuron")
        if weights is None:
            weights = np.random.default_rng(seed).uniform(-1, 1, nin)
        elif not hasattr(weights, "__len__") or isinstance(weights, str):
            raise TypeError(f"Neuron: weights must be a list of {nin} numbers, got "
                            f"{type(weights).__name__}")
        elif len(weights) != nin:
            raise ValueError(f"Neuron({nin}) needs {nin} weights, got {len(weights)}")
        weights = [number(w, f"weights[{k}]", "Neuron") for k, w in enumerate(weights)]
        bias = 0.0 if bias is None else number(bias, "bias", "Neuron")
        self.w = [Value(w) for w in weights]
        self.b = Value(bias)
        self.activation = activation
        self._act = activation_fn(activation)
        self._name_as()

    @property
    def nin(self) -> int:
        return len(self.w)

    def _name_as(self, neuron: str = "", layer: str = "") -> None:
        """Label parameters and intermediates as the labs write them, 1-based: a lone neuron
        has w₁ … wₙ, b, z and a; neuron j of layer l has wˡⱼₖ (from input k), bˡⱼ, zˡⱼ, aˡⱼ.
        Labels are what diagrams show; ``state_dict`` keys do not change."""
        for k, w in enumerate(self.w, 1):
            w.label = f"w{layer}{neuron}{subscript(k)}"
        self.b.label = f"b{layer}{neuron}"
        self._z, self._a = f"z{layer}{neuron}", f"a{layer}{neuron}"

    @property
    def input_shape(self) -> int:
        return self.nin

    def output_shape(self, input_shape: Any) -> int:
        _check_width(self, input_shape, self.nin)
        return 1

    def forward(self, x: Any) -> Value:
        if x.__class__ is not list or len(x) != self.nin or not isinstance(x[0], Value):
            x = _inputs(x, self.nin, "Neuron")  # (a Layer hands over its inputs checked)
        z = Value.sum([*(wi * xi for wi, xi in zip(self.w, x)), self.b])
        z.label = self._z
        a = self._act(z)
        if a is not z:
            a.label = self._a
        return a

    def extra_repr(self) -> str:
        return f"{self.nin}, activation={display_name(self.activation)!r}"


class Layer(Module):
    """``nout`` neurons that all read the same ``nin`` inputs."""

    _summary_row = True

    def __init__(self, nin: int, nout: int, activation: str | Callable = "relu", *,
                 seed: Seed = None) -> None:
        positive_int(nin, "nin", "Layer")
        nout = positive_int(nout, "nout", "Layer")
        activation_name(activation, "Layer")
        rng = np.random.default_rng(check_seed(seed, "Layer"))
        self.neurons = [Neuron(nin, activation, seed=rng) for _ in range(nout)]
        self._name_as()

    def _name_as(self, layer: str = "") -> None:
        for j, neuron in enumerate(self.neurons, 1):
            neuron._name_as(subscript(j), layer)

    @property
    def input_shape(self) -> int:
        return self.neurons[0].nin

    def output_shape(self, input_shape: Any) -> int:
        _check_width(self, input_shape, self.neurons[0].nin)
        return len(self.neurons)

    def forward(self, x: Any) -> Value | list[Value]:
        """A list of outputs, or one Value for a layer of one neuron (as micrograd)."""
        x = _inputs(x, self.neurons[0].nin, "Layer")
        out = [neuron(x) for neuron in self.neurons]
        return out[0] if len(out) == 1 else out

    def extra_repr(self) -> str:
        n = self.neurons[0]
        return f"{n.nin} -> {len(self.neurons)}, activation={display_name(n.activation)!r}"

    def __repr__(self) -> str:  # the neurons are alike: say it once
        return f"Layer({self.extra_repr()})"


class MLP(Module):
    """Layers of neurons: ``MLP(3, [2, 4, 1])`` is seed 001's 3-2-4-1 network.

    Hidden layers use ``activation``, the last one ``output_activation``.
    """

    def __init__(self, nin: int, sizes: Sequence[int], activation: str | Callable = "relu",
                 output_activation: str | Callable = "linear", *, seed: Seed = None) -> None:
        positive_int(nin, "nin", "MLP")
        if isinstance(sizes, str | bytes) or not isinstance(sizes, Sequence | np.ndarray) or \
                not len(sizes) or not all(isinstance(n, Integral) and not isinstance(n, bool)
                                          and n >= 1 for n in sizes):
            raise ValueError("MLP: sizes must be a non-empty list of positive integers (one "
                             f"width per layer), got {sizes!r}")
        activation_name(activation, "MLP")
        activation_name(output_activation, "MLP")
        rng = np.random.default_rng(check_seed(seed, "MLP"))
        widths = [nin, *sizes]
        self.layers = [Layer(widths[i], widths[i + 1],
                             output_activation if i == len(sizes) - 1 else activation, seed=rng)
                       for i in range(len(sizes))]
        for k, layer in enumerate(self.layers, 1):
            layer._name_as(superscript(k))

    @property
    def input_shape(self) -> int:
        return self.layers[0].input_shape

    def output_shape(self, input_shape: Any) -> int:
        for layer in self.layers:
            input_shape = layer.output_shape(input_shape)
        return input_shape

    def forward(self, x: Any) -> Value | list[Value]:
        x = _inputs(x, self.layers[0].neurons[0].nin, "MLP")
        for layer in self.layers:
            x = layer(x)
        return x

    def __repr__(self) -> str:
        return "MLP(\n" + "".join(f"  (layers.{i}): {layer!r}\n"
                                  for i, layer in enumerate(self.layers)) + ")"


def _check_width(module: Module, given: Any, nin: int) -> None:
    if given is not None and given != nin:
        raise ValueError(f"{module!r} expects {nin} inputs, but would get "
                         f"{given if isinstance(given, int) else f'shape {given}'}")


def _inputs(x: Any, nin: int, who: str) -> list:
    """One example's inputs as a list of numbers or Values, checked against ``nin``."""
    if isinstance(x, Value | Real):
        x = [x]
    elif isinstance(x, np.ndarray):
        if x.ndim != 1:
            raise ValueError(f"{who} takes one example (a 1-D sequence of {nin} inputs), got an "
                             f"array of shape {x.shape}; feed examples one at a time")
        x = x.tolist()
    else:
        x = list(x)
    if len(x) != nin:
        raise ValueError(f"{who} expects {nin} inputs, got {len(x)}")
    # numbers become input leaves once, here, so that every neuron reading them shares them
    return [v if isinstance(v, Value) else Constant(v, label=_input_label(k))
            for k, v in enumerate(x, 1)]


@functools.lru_cache(maxsize=4096)
def _input_label(k: int) -> str:
    return f"x{subscript(k)}"
