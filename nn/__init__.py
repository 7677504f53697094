"""Neural networks on the autograd engine, from one neuron to dense networks on images.

- On Values (every operation drawable): :class:`Neuron`, :class:`Layer`, :class:`MLP`.
- On Tensors (fast): :class:`Linear` (Keras's :class:`Dense`), :class:`Sequential`,
  :class:`Concatenate`, and activation modules.
- :mod:`nn.losses`, :mod:`nn.optim`, :mod:`nn.data`; :func:`fit` returns a :class:`History`;
  :func:`perceptron_train` is the classic perceptron rule.
"""

# isort: off
from . import engine_check  # noqa: F401  (first: checks that autograd is this project's engine)
# isort: on
from . import (
    callbacks,
    data,
    health,
    losses,
    optim,
    phrases,  # noqa: F401  (what nn says, in Spanish)
)
from .activations import (
    ACTIVATIONS,
    ELU,
    Identity,
    LeakyReLU,
    ReLU,
    Sigmoid,
    Sign,
    Softmax,
    Softplus,
    Step,
    Tanh,
)
from .callbacks import Callback, EarlyStopping
from .diagnose import Diagnosis, Finding, diagnose
from .health import Recorder
from .image_layers import AvgPool2D, Conv2D, Flatten, MaxPool2D
from .layers import Concatenate, Dense, Linear, Sequential
from .module import Module
from .perceptron import PerceptronResult, perceptron_train
from .pytorch import from_torch, to_torch
from .scalar import MLP, Layer, Neuron
from .training import History, accuracy, confusion_matrix, evaluate, fit, predict

__all__ = [
    "ACTIVATIONS",
    "ELU",
    "MLP",
    "AvgPool2D",
    "Callback",
    "Concatenate",
    "Conv2D",
    "Dense",
    "Diagnosis",
    "EarlyStopping",
    "Finding",
    "Flatten",
    "History",
    "Identity",
    "Layer",
    "LeakyReLU",
    "Linear",
    "MaxPool2D",
    "Module",
    "Neuron",
    "PerceptronResult",
    "ReLU",
    "Recorder",
    "Sequential",
    "Sigmoid",
    "Sign",
    "Softmax",
    "Softplus",
    "Step",
    "Tanh",
    "accuracy",
    "callbacks",
    "confusion_matrix",
    "data",
    "diagnose",
    "evaluate",
    "fit",
    "from_torch",
    "health",
    "losses",
    "optim",
    "perceptron_train",
    "predict",
    "to_torch",
]
