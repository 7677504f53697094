"""The classic perceptron rule (seed 002): no gradients, just Δθ = α(y − ŷ)x."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from autograd import no_grad

from .checks import number, numeric_array, positive_int
from .scalar import Neuron


@dataclass
class PerceptronResult:
    """How training went: epochs run, weight updates made, and whether it converged."""

    epochs: int
    updates: int
    converged: bool
    errors_per_epoch: list[int] = field(default_factory=list)

    def __repr__(self) -> str:
        errors = self.errors_per_epoch
        shown = (f"{errors}" if len(errors) <= 8
                 else f"[{', '.join(map(str, errors[:3]))}, …, {', '.join(map(str, errors[-3:]))}]")
        return (f"PerceptronResult(converged={self.converged}, epochs={self.epochs}, "
                f"updates={self.updates}, errors_per_epoch={shown})")


def perceptron_train(neuron: Neuron, X, y, lr: float = 1.0,
                     max_epochs: int = 100) -> PerceptronResult:
    """Train a step-activation neuron, one example at a time, with the perceptron rule:
    for each misclassified example, w ← w + α(y − ŷ)x and b ← b + α(y − ŷ).

    Stops after an epoch with no errors (it converges whenever the classes are linearly
    separable) or after ``max_epochs``. Targets are 0/1 for ``step``, ±1 for ``sign``.
    """
    if neuron.activation not in ("step", "sign"):
        raise ValueError(f"perceptron_train needs a neuron with step or sign activation, "
                         f"got {neuron.activation!r}")
    who = "perceptron_train"
    lr = number(lr, "lr", who, low=0.0, low_open=True)
    max_epochs = positive_int(max_epochs, "max_epochs", who)
    X = numeric_array(X, "X", who).astype(np.float64)  # nan or inf: refused, named by row
    y = numeric_array(np.asarray(y).reshape(-1), "y", who).astype(np.float64)
    if X.ndim != 2 or X.shape[1] != neuron.nin or len(X) != len(y):
        raise ValueError(f"perceptron_train: X must have shape (examples, {neuron.nin}) and y "
                         f"one target per example, got X {X.shape} and y {y.shape}")
    allowed = (0.0, 1.0) if neuron.activation == "step" else (-1.0, 1.0)
    if not np.isin(y, allowed).all():
        raise ValueError(f"perceptron_train: targets for {neuron.activation} must be "
                         f"{allowed[0]:g} or {allowed[1]:g}")
    updates, history = 0, []
    for _ in range(max_epochs):
        errors = 0
        for xi, yi in zip(X, y):
            with no_grad():
                error = yi - neuron(xi).data
            if error:
                errors += 1
                updates += 1
                for w, x in zip(neuron.w, xi):
                    w.data += lr * error * x
                neuron.b.data += lr * error
        history.append(errors)
        if errors == 0:
            return PerceptronResult(len(history), updates, True, history)
    return PerceptronResult(len(history), updates, False, history)
