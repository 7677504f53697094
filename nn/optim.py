"""Optimizers with PyTorch's update rules, over Value and Tensor parameters alike, and
learning-rate schedules.

Each rule is written once, in arithmetic that works on a float (a Value's data) and on a
numpy array (a Tensor's data); ``state`` holds that parameter's running averages.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from autograd import Node, Tensor, Value, zero_grad

from .checks import number, positive_int


def _value(p: Node) -> Any:
    """A parameter's number or array, read without noting it (the rules never write into
    it: they compute new values, which ``step`` sets)."""
    return p.numpy() if isinstance(p, Tensor) else p.data


def _shape(p: Node) -> tuple:
    return p.shape if isinstance(p, Tensor) else ()


class Optimizer:
    """Base: ``step()`` updates every parameter from its ``.grad``; ``zero_grad()`` resets.

    Hyperparameters are checked when the optimizer is made, with the rule's valid range in
    the message. ``step()`` is all or nothing: if any parameter's gradient does not fit (or
    anything else fails), no parameter and no state has changed. ``state_dict()`` and
    ``load_state_dict()`` save and restore everything needed to resume exactly.

    As in ``torch.optim``, each parameter keeps its own state, its step count included
    (``state[i]["step"]``): a parameter that no gradient reached is skipped, and its bias
    corrections (Adam, Nadam) and decayed rate (Adagrad) count only the steps it took.
    ``steps`` counts the calls of ``step()``.
    """

    def __init__(self, parameters: Iterable[Node], lr: float, weight_decay: float = 0.0) -> None:
        who = type(self).__name__
        if hasattr(parameters, "parameters") and hasattr(parameters, "forward"):
            raise TypeError(f"{who}: got a {type(parameters).__name__} model; pass "
                            "model.parameters()")
        if callable(parameters) and getattr(parameters, "__name__", "") == "parameters":
            raise TypeError(f"{who}: got the method model.parameters itself; call it: "
                            "model.parameters()")
        self.params = list(parameters)
        if not self.params:
            raise ValueError(f"{who} got no parameters to optimize (a Dense layer has none "
                             "until it knows its input width: give it input_dim=, or add it "
                             "to a Sequential after a layer whose width is known)")
        for i, p in enumerate(self.params):
            if not isinstance(p, Node) or not p.requires_grad:
                raise TypeError(f"{who}: parameter {i} is not a Value or a "
                                "Tensor with requires_grad=True")
        self.lr = number(lr, "lr", who, low=0.0)
        self.weight_decay = number(weight_decay, "weight_decay", who, low=0.0)
        self.state: list[dict[str, Any]] = [{} for _ in self.params]
        self.steps = 0

    def zero_grad(self) -> None:
        zero_grad(self.params)

    def step(self) -> None:
        """One update of every parameter that has a gradient, or none at all on error."""
        who = type(self).__name__
        for i, p in enumerate(self.params):
            if p.grad is not None and np.shape(p.grad) != _shape(p):
                raise ValueError(f"{who}.step: parameter {i}'s gradient has shape "
                                 f"{np.shape(p.grad)}, the parameter has shape "
                                 f"{_shape(p)}; nothing was updated")
        self.steps += 1  # calls of step(); each parameter counts its own in its state
        try:
            updates = []
            for p, state in zip(self.params, self.state):
                if p.grad is None:  # a Tensor no gradient reached
                    continue
                w = _value(p)
                g = p.grad + self.weight_decay * w if self.weight_decay else p.grad
                new_state = dict(state)  # the rules assign new values, never change arrays
                new_state["step"] = state.get("step", 0) + 1  # this parameter's own count
                new = self._update(w, g, new_state)
                new = float(new) if isinstance(p, Value) else \
                    np.asarray(new).astype(p.dtype, copy=False)
                updates.append((p, state, new, new_state))
        except BaseException:
            self.steps -= 1
            raise
        for p, state, new, new_state in updates:  # only now, when every update is computed
            p.data = new  # (set, never written into: backward() refuses a graph it outdates)
            state.clear()
            state.update(new_state)

    def _update(self, w: Any, g: Any, state: dict[str, Any]) -> Any:  # pragma: no cover
        raise NotImplementedError

    def state_dict(self) -> dict[str, Any]:
        """A copy of everything ``step()`` depends on: the rule, lr, step count and state."""
        return {"type": type(self).__name__, "lr": self.lr, "steps": self.steps,
                "state": [{k: np.array(v) for k, v in s.items()} for s in self.state]}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore a :meth:`state_dict` (of the same rule, for the same parameters), so that
        training resumes exactly; on any mismatch nothing changes."""
        who = f"{type(self).__name__}.load_state_dict"
        if not isinstance(state, dict) or not {"lr", "steps", "state"} <= set(state):
            raise ValueError(f"{who}: expected a dict from state_dict() with lr, steps and state")
        if state.get("type", type(self).__name__) != type(self).__name__:
            raise ValueError(f"{who}: the state is for {state['type']}, not "
                             f"{type(self).__name__}")
        entries = list(state["state"])
        if len(entries) != len(self.params):
            raise ValueError(f"{who}: the state has {len(entries)} parameters, this optimizer "
                             f"has {len(self.params)}")
        lr = number(state["lr"], "lr", who, low=0.0)
        steps = state["steps"]
        if not isinstance(steps, int | np.integer) or steps < 0:
            raise ValueError(f"{who}: steps must be an integer >= 0, got {steps!r}")
        restored = []
        for i, (p, entry) in enumerate(zip(self.params, entries)):
            own: dict[str, Any] = {}
            for key, value in entry.items():
                if key == "step":  # a count, not an array
                    count = np.asarray(value)
                    if count.shape != () or not float(count).is_integer() or count < 0:
                        raise ValueError(f"{who}: parameter {i}'s step must be an integer "
                                         f">= 0, got {value!r}")
                    own["step"] = int(count)
                    continue
                array = np.array(value, dtype=np.float64 if isinstance(p, Value)
                                 else np.asarray(p.data).dtype)
                if array.shape not in ((), np.shape(p.data)):
                    raise ValueError(f"{who}: parameter {i}'s state {key} has shape "
                                     f"{array.shape}, the parameter has shape "
                                     f"{np.shape(p.data)}")
                own[key] = float(array) if array.shape == () else array
            if own and "step" not in own:  # a state saved before counts were per parameter
                own["step"] = int(steps)
            restored.append(own)
        self.lr, self.steps, self.state = lr, int(steps), restored

    def __repr__(self) -> str:
        return f"{type(self).__name__}(lr={self.lr}, {len(self.params)} parameters)"


class SGD(Optimizer):
    """w ← w − lr·g, with optional momentum (PyTorch's form: v ← μv + (1 − dampening)g),
    Nesterov momentum, and weight decay."""

    def __init__(self, parameters: Iterable[Node], lr: float = 0.01, momentum: float = 0.0,
                 dampening: float = 0.0, nesterov: bool = False,
                 weight_decay: float = 0.0) -> None:
        super().__init__(parameters, lr, weight_decay)
        momentum = number(momentum, "momentum", "SGD", 0.0, 1.0)
        dampening = number(dampening, "dampening", "SGD", 0.0, 1.0)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum needs momentum > 0 and dampening = 0")
        self.momentum, self.dampening, self.nesterov = momentum, dampening, nesterov

    def _update(self, w, g, state):
        if self.momentum:
            v = state.get("v")
            v = g if v is None else self.momentum * v + (1 - self.dampening) * g
            state["v"] = v
            g = g + self.momentum * v if self.nesterov else v
        return w - self.lr * g


class RMSprop(Optimizer):
    """s ← αs + (1 − α)g²;  w ← w − lr·g / (√s + eps)  (optionally centred, with momentum)."""

    def __init__(self, parameters: Iterable[Node], lr: float = 0.01, alpha: float = 0.99,
                 eps: float = 1e-8, weight_decay: float = 0.0, momentum: float = 0.0,
                 centered: bool = False) -> None:
        super().__init__(parameters, lr, weight_decay)
        self.alpha = number(alpha, "alpha", "RMSprop", 0.0, 1.0)
        self.eps = number(eps, "eps", "RMSprop", low=0.0)
        self.momentum = number(momentum, "momentum", "RMSprop", 0.0, 1.0)
        self.centered = centered

    def _update(self, w, g, state):
        s = self.alpha * state.get("s", 0.0) + (1 - self.alpha) * g * g
        state["s"] = s
        if self.centered:
            m = self.alpha * state.get("m", 0.0) + (1 - self.alpha) * g
            state["m"] = m
            s = s - m * m
        step = g / (s**0.5 + self.eps)
        if self.momentum:
            step = self.momentum * state.get("buf", 0.0) + step
            state["buf"] = step
        return w - self.lr * step


class Adagrad(Optimizer):
    """s ← s + g²;  w ← w − lr_t·g / (√s + eps), with lr_t = lr / (1 + (t − 1)·lr_decay)."""

    def __init__(self, parameters: Iterable[Node], lr: float = 0.01, lr_decay: float = 0.0,
                 weight_decay: float = 0.0, initial_accumulator_value: float = 0.0,
                 eps: float = 1e-10) -> None:
        super().__init__(parameters, lr, weight_decay)
        self.lr_decay = number(lr_decay, "lr_decay", "Adagrad", low=0.0)
        self.initial = number(initial_accumulator_value, "initial_accumulator_value", "Adagrad",
                              low=0.0)
        self.eps = number(eps, "eps", "Adagrad", low=0.0)

    def _update(self, w, g, state):
        s = state.get("s", self.initial) + g * g
        state["s"] = s
        lr = self.lr / (1 + (state["step"] - 1) * self.lr_decay)
        return w - lr * g / (s**0.5 + self.eps)


class Adadelta(Optimizer):
    """s ← ρs + (1 − ρ)g²;  Δ = √(u + eps)/√(s + eps)·g;  u ← ρu + (1 − ρ)Δ²;  w ← w − lr·Δ."""

    def __init__(self, parameters: Iterable[Node], lr: float = 1.0, rho: float = 0.9,
                 eps: float = 1e-6, weight_decay: float = 0.0) -> None:
        super().__init__(parameters, lr, weight_decay)
        self.rho = number(rho, "rho", "Adadelta", 0.0, 1.0)
        self.eps = number(eps, "eps", "Adadelta", low=0.0)

    def _update(self, w, g, state):
        s = self.rho * state.get("s", 0.0) + (1 - self.rho) * g * g
        delta = (state.get("u", 0.0) + self.eps) ** 0.5 / (s + self.eps) ** 0.5 * g
        state["s"] = s
        state["u"] = self.rho * state.get("u", 0.0) + (1 - self.rho) * delta * delta
        return w - self.lr * delta


class Adam(Optimizer):
    """m ← β1·m + (1 − β1)g;  v ← β2·v + (1 − β2)g²;  w ← w − lr·m̂/(√v̂ + eps), where
    m̂ = m/(1 − β1ᵗ) and v̂ = v/(1 − β2ᵗ) undo the zero start (amsgrad keeps the max v)."""

    def __init__(self, parameters: Iterable[Node], lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.0, amsgrad: bool = False) -> None:
        super().__init__(parameters, lr, weight_decay)
        self.betas = _betas(betas, "Adam")
        self.eps = number(eps, "eps", "Adam", low=0.0)
        self.amsgrad = amsgrad

    def _update(self, w, g, state):
        b1, b2 = self.betas
        t = state["step"]  # this parameter's steps (as torch.optim counts them)
        m = b1 * state.get("m", 0.0) + (1 - b1) * g
        v = b2 * state.get("v", 0.0) + (1 - b2) * g * g
        state["m"], state["v"] = m, v
        if self.amsgrad:
            v = np.maximum(state.get("v_max", 0.0), v)
            state["v_max"] = v
        m_hat = m / (1 - b1**t)
        v_hat = v / (1 - b2**t)
        return w - self.lr * m_hat / (v_hat**0.5 + self.eps)


class Nadam(Optimizer):
    """Adam with Nesterov momentum, PyTorch's NAdam: the momentum factor μ_t =
    β1(1 − ½·0.96^(t·momentum_decay)) warms up, and the step looks one momentum ahead."""

    def __init__(self, parameters: Iterable[Node], lr: float = 2e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.0, momentum_decay: float = 4e-3) -> None:
        super().__init__(parameters, lr, weight_decay)
        self.betas = _betas(betas, "Nadam")
        self.eps = number(eps, "eps", "Nadam", low=0.0)
        self.momentum_decay = number(momentum_decay, "momentum_decay", "Nadam", low=0.0)

    def _update(self, w, g, state):
        b1, b2 = self.betas
        t = state["step"]  # this parameter's steps (as torch.optim counts them)
        mu = b1 * (1 - 0.5 * 0.96 ** (t * self.momentum_decay))
        mu_next = b1 * (1 - 0.5 * 0.96 ** ((t + 1) * self.momentum_decay))
        mu_product = state.get("mu_product", 1.0) * mu
        m = b1 * state.get("m", 0.0) + (1 - b1) * g
        v = b2 * state.get("v", 0.0) + (1 - b2) * g * g
        state["mu_product"], state["m"], state["v"] = mu_product, m, v
        denom = (v / (1 - b2**t)) ** 0.5 + self.eps
        return (w - self.lr * (1 - mu) / (1 - mu_product) * g / denom
                - self.lr * mu_next / (1 - mu_product * mu_next) * m / denom)


NAdam = Nadam  # PyTorch's spelling


def _betas(betas: Any, who: str) -> tuple[float, float]:
    """Adam's (β1, β2), each in [0, 1): β = 1 would divide by 1 − βᵗ = 0."""
    if not isinstance(betas, tuple | list) or len(betas) != 2:
        raise ValueError(f"{who}: betas must be a pair (beta1, beta2), got {betas!r}")
    for i, b in enumerate(betas):
        number(b, f"betas[{i}]", who, 0.0, 1.0, high_open=True)
    return float(betas[0]), float(betas[1])


# ---------------------------------------------------------------- learning-rate schedules


class Schedule:
    """Call ``step()`` once per epoch; the optimizer's ``lr`` follows ``lr_at(epoch)``."""

    def __init__(self, optimizer: Optimizer) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(self).__name__}: optimizer must be an nn.optim optimizer, "
                            f"got {type(optimizer).__name__}")
        self.optimizer = optimizer
        self.base_lr = optimizer.lr
        self.epoch = 0

    def step(self) -> float:
        self.epoch += 1
        self.optimizer.lr = self.lr_at(self.epoch)
        return self.optimizer.lr

    def lr_at(self, epoch: int) -> float:  # pragma: no cover - every schedule overrides
        raise NotImplementedError


class StepLR(Schedule):
    """lr · γ^⌊epoch / step_size⌋: multiply by γ every ``step_size`` epochs."""

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1) -> None:
        super().__init__(optimizer)
        self.step_size = positive_int(step_size, "step_size", "StepLR")
        self.gamma = number(gamma, "gamma", "StepLR", low=0.0, low_open=True)

    def lr_at(self, epoch: int) -> float:
        return self.base_lr * self.gamma ** (epoch // self.step_size)


class ExponentialLR(Schedule):
    """lr · γ^epoch."""

    def __init__(self, optimizer: Optimizer, gamma: float) -> None:
        super().__init__(optimizer)
        self.gamma = number(gamma, "gamma", "ExponentialLR", low=0.0, low_open=True)

    def lr_at(self, epoch: int) -> float:
        return self.base_lr * self.gamma**epoch


class InverseTimeDecay(Schedule):
    """lr / (1 + decay_rate · epoch / decay_steps), Keras's inverse-time decay."""

    def __init__(self, optimizer: Optimizer, decay_rate: float, decay_steps: int = 1) -> None:
        super().__init__(optimizer)
        self.decay_rate = number(decay_rate, "decay_rate", "InverseTimeDecay", low=0.0)
        self.decay_steps = positive_int(decay_steps, "decay_steps", "InverseTimeDecay")

    def lr_at(self, epoch: int) -> float:
        return self.base_lr / (1 + self.decay_rate * epoch / self.decay_steps)


__all__ = ["SGD", "Adadelta", "Adagrad", "Adam", "ExponentialLR", "InverseTimeDecay", "NAdam",
           "Nadam", "Optimizer", "RMSprop", "Schedule", "StepLR"]
