"""Training health: what happens inside each layer while a network trains.

A :class:`Recorder` listens to a model's layers and its optimizer. At every ``every``-th
step it records, for each layer:

- ``act_mean``, ``act_std``: the mean and standard deviation of the layer's outputs (after
  its activation) over the batch;
- ``saturated``: the fraction of outputs in an activation's flat tails, where its
  derivative is below 10% of its largest value: ``|tanh| > 0.9487``, or a sigmoid below
  0.0263 or above 0.9737 (nan for other activations);
- ``dead``: the fraction of ReLU units whose output is 0 for every example of the batch
  (nan for other activations);
- ``grad_norm``, ``grad_std``: the norm of the gradient of the layer's parameters (weights
  and biases together), and the standard deviation of its weights' gradient;
- ``update_ratio``: the norm of the step the optimizer took on the layer's weights over the
  norm of the weights before it (a healthy run is near 1e-3).

``fit(model, ..., watch=True)`` (once an epoch, at its first step; ``watch=k``: every k-th
step) uses one and keeps what it recorded in ``history.health[layer][stat]``; without
``fit``::

    recorder = nn.Recorder(model, optimizer)
    for X, y in batches:
        optimizer.zero_grad()
        loss(model(X), y).backward()
        recorder.step()              # the optimizer's step, and a recording
    recorder.health["layers.0"]["dead"]
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from autograd import Node, Tensor, Value

from .activations import activation_of
from .checks import positive_int
from .module import Module
from .optim import Optimizer

STATS = ("act_mean", "act_std", "saturated", "dead", "grad_norm", "grad_std", "update_ratio")
TANH_FLAT = math.sqrt(0.9)  # |tanh| above it: tanh' = 1 - tanh² < 0.1
SIGMOID_FLAT = (1 - math.sqrt(0.9)) / 2  # σ below it or above 1 - it: σ' < 0.025


class _Layer:
    """One layer watched: its name, the module whose output is its activation, what that
    activation is, and its parameters (weights, and all of them)."""

    def __init__(self, name: str, layer: Module, output: Module, kind: str | None) -> None:
        self.name, self.layer, self.output, self.kind = name, layer, output, kind
        self.weights = layer.weights()
        self.parameters = layer.parameters()


def watched_layers(model: Module) -> list[_Layer]:
    """The model's layers as a student names them: each top-level module that holds
    parameters (an activation module right after it is its output), or, for a model of
    neurons, each ``Layer`` (a lone ``Layer`` or ``Neuron`` is one layer)."""
    if not isinstance(model, Module):
        raise TypeError(f"Recorder: model must be an nn model (a Module), got "
                        f"{type(model).__name__}")
    layers = getattr(model, "layers", None)
    if isinstance(layers, list) and all(isinstance(m, Module) for m in layers):
        children = [(f"layers.{k}", m) for k, m in enumerate(layers)]  # Sequential, MLP
    else:
        children = [(name, m) for name, m in model.named_modules() if name and "." not in name]
    if not any(m.parameters() for _, m in children):  # a lone Layer, Neuron or Dense
        children = [(type(model).__name__, model)]
    found: list[_Layer] = []
    for k, (name, module) in enumerate(children):
        if not module.parameters():
            continue
        output, kind = module, _kind(module)
        after = children[k + 1][1] if k + 1 < len(children) else None
        if activation_of(after) is not None:
            output, kind = after, activation_of(after)
        found.append(_Layer(name, module, output, kind))
    if not found:
        raise ValueError(f"Recorder: {type(model).__name__} has no parameters to watch")
    return found


def _kind(module: Module) -> str | None:
    """The name of a layer's activation ("linear" for none), or None when it is not known
    (a function given as the activation, or a module of several parts, as Concatenate)."""
    if hasattr(module, "neurons"):  # a Layer of neurons
        activation = module.neurons[0].activation
    elif hasattr(module, "activation"):  # Linear, Dense, Conv2D, Neuron
        activation = module.activation
    else:
        return None
    if activation is None:
        return "linear"
    return activation if isinstance(activation, str) else None


class Recorder:
    """Records each layer's health every ``every``-th step (see the module's docstring).

    ``step()`` takes the optimizer's step; use it where the loop called ``optimizer.step()``.
    ``close()`` (or leaving a ``with`` block) stops listening to the model.
    """

    def __init__(self, model: Module, optimizer: Optimizer, every: int = 1) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"Recorder: optimizer must be an nn.optim optimizer, got "
                            f"{type(optimizer).__name__}")
        self.every = positive_int(every, "every", "Recorder")
        self.layers = watched_layers(model)
        self.optimizer = optimizer
        self.health: dict[str, dict[str, list[float]]] = {
            layer.name: {stat: [] for stat in STATS} for layer in self.layers}
        self.steps = 0  # optimizer steps taken through this recorder
        self.recorded_steps: list[int] = []  # which steps were recorded (0-based)
        self._outputs: dict[str, list[np.ndarray]] = {layer.name: [] for layer in self.layers}
        self._hooks = [layer.output.register_forward_hook(self._listener(layer.name))
                       for layer in self.layers]

    def _listener(self, name: str) -> Callable[[Module, tuple, Any], None]:
        def listen(module: Module, args: tuple, output: Any) -> None:
            if self.steps % self.every == 0:
                self._outputs[name].append(_numbers(output))
        return listen

    def step(self) -> None:
        """The optimizer's step; on a recorded step, the layers' health before and after."""
        if self.steps % self.every:
            self.optimizer.step()
            self.steps += 1
            return
        before = [[_values(p) for p in layer.weights] for layer in self.layers]
        grads = [(_norm([p.grad for p in layer.parameters]),
                  _std([p.grad for p in layer.weights])) for layer in self.layers]
        self.optimizer.step()
        for layer, weights, (grad_norm, grad_std) in zip(self.layers, before, grads):
            now = [_values(p) for p in layer.weights]
            size = _norm(weights)
            step = math.sqrt(sum(float(np.sum((a - b) ** 2)) for a, b in zip(now, weights)))
            stats = _activations(self._outputs[layer.name], layer.kind)
            stats.update(grad_norm=grad_norm, grad_std=grad_std,
                         update_ratio=step / size if size > 0 else math.nan)
            for stat in STATS:
                self.health[layer.name][stat].append(stats[stat])
            self._outputs[layer.name].clear()
        self.recorded_steps.append(self.steps)
        self.steps += 1

    def close(self) -> None:
        """Stop listening to the model (its layers' calls cost nothing again)."""
        for hook in self._hooks:
            hook.remove()
        self._hooks = []

    def __enter__(self) -> Recorder:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def _numbers(output: Any) -> np.ndarray:
    """A layer's output as an array of floats: a Tensor's data, or the Values' numbers (one
    example: a row)."""
    if isinstance(output, Tensor):
        return np.array(output.numpy(), dtype=np.float64)
    if isinstance(output, Value):
        return np.array([[output.item()]])
    return np.array([[v.item() for v in output]], dtype=np.float64)


def _values(p: Node) -> np.ndarray:
    return np.array(p.numpy() if isinstance(p, Tensor) else p.item(), dtype=np.float64)


def _norm(arrays: list[Any]) -> float:
    total = sum(float(np.sum(np.square(np.asarray(a, dtype=np.float64))))
                for a in arrays if a is not None)
    return math.sqrt(total)


def _std(arrays: list[Any]) -> float:
    flat = [np.ravel(np.asarray(a, dtype=np.float64)) for a in arrays if a is not None]
    return float(np.std(np.concatenate(flat))) if flat else math.nan


def _activations(outputs: list[np.ndarray], kind: str | None) -> dict[str, float]:
    """act_mean, act_std, saturated and dead of one step's outputs of a layer (all the
    examples of the batch: one array for a Tensor model, a row each for a model of Values)."""
    if not outputs:
        return dict.fromkeys(("act_mean", "act_std", "saturated", "dead"), math.nan)
    a = np.concatenate([o.reshape(len(o), -1) if o.ndim else o.reshape(1, 1)
                        for o in outputs])  # (examples, units)
    saturated = math.nan
    if kind == "tanh":
        saturated = float(np.mean(np.abs(a) > TANH_FLAT))
    elif kind == "sigmoid":
        saturated = float(np.mean((a < SIGMOID_FLAT) | (a > 1 - SIGMOID_FLAT)))
    dead = float(np.mean(np.all(a <= 0, axis=0))) if kind == "relu" else math.nan
    return {"act_mean": float(np.mean(a)), "act_std": float(np.std(a)),
            "saturated": saturated, "dead": dead}
