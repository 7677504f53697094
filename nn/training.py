"""``fit``: the training loop, for models of Values and of Tensors, returning a History."""

from __future__ import annotations

import html
import json
import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import TqdmWarning

with warnings.catch_warnings():  # in Jupyter without ipywidgets it falls back to text bars
    warnings.simplefilter("ignore", TqdmWarning)
    from tqdm.auto import tqdm

from autograd import Tensor, Value, no_grad
from autograd.language import tr

from . import checks, losses
from .callbacks import Callback
from .health import Recorder
from .module import Module
from .optim import SGD, Optimizer, Schedule

_CLASS_LOSSES = (losses.cross_entropy, losses.hinge)


@dataclass
class History:
    """Per-epoch loss and metrics, as Keras's ``History``: ``history.history["val_loss"]``."""

    history: dict[str, list[float]] = field(default_factory=dict)
    epoch: list[int] = field(default_factory=list)
    # fit(watch=…): each layer's health, one number per recording (see nn.health), and the
    # training steps (0-based, counted over all epochs) at which each recording was made
    health: dict[str, dict[str, list[float]]] = field(default_factory=dict)
    health_steps: list[int] = field(default_factory=list)
    loss: str = ""  # the loss function's name (what nn.diagnose checks against the output)
    # fit(snapshots=k): the parameters (state_dict) at epoch 0, every k-th epoch and the last
    snapshots: dict[int, dict[str, np.ndarray]] = field(default_factory=dict)

    def save(self, path: str | Path) -> Path:
        """Write the history (curves, epochs, health) as JSON: plain numbers, no pickle."""
        path = Path(path)
        if not path.parent.is_dir():
            raise FileNotFoundError(f"History.save: the folder {path.parent} does not exist")
        path.write_text(json.dumps({"history": self.history, "epoch": self.epoch,
                                    "health": self.health,
                                    "health_steps": self.health_steps, "loss": self.loss,
                                    "snapshots": {str(e): {k: v.tolist() for k, v in s.items()}
                                                  for e, s in self.snapshots.items()}}),
                        encoding="utf-8")
        return path

    @classmethod
    def load(cls, path: str | Path) -> History:
        """A history written by :meth:`save`."""
        path = Path(path)
        try:
            saved = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise ValueError(f"History.load: {path.name} is not a saved history ({error})") \
                from None
        if not isinstance(saved, dict) or not isinstance(saved.get("history"), dict):
            raise ValueError(f"History.load: {path.name} is not a saved history")
        return cls({k: [float(v) for v in vs] for k, vs in saved["history"].items()},
                   [int(e) for e in saved.get("epoch", [])],
                   {layer: {stat: [float(v) for v in vs] for stat, vs in stats.items()}
                    for layer, stats in saved.get("health", {}).items()},
                   [int(s) for s in saved.get("health_steps", [])], str(saved.get("loss", "")),
                   {int(e): {k: np.array(v, dtype=np.float64) for k, v in s.items()}
                    for e, s in saved.get("snapshots", {}).items()})

    def __getitem__(self, key: str) -> list[float]:
        return self.history[key]

    def keys(self) -> list[str]:
        return list(self.history)

    def _add(self, values: dict[str, float]) -> None:
        for key, value in values.items():
            self.history.setdefault(key, []).append(value)

    def __repr__(self) -> str:
        """Short: how many epochs, and each quantity's first and last value."""
        if not self.epoch:
            return "History(no epoch)"
        trend = ", ".join(f"{key} {values[0]:.4g} → {values[-1]:.4g}"
                          for key, values in self.history.items())
        return f"History({len(self.epoch)} epochs: {trend})"

    def _repr_html_(self) -> str:
        """A table: each quantity at the first, the best and the last epoch."""
        if not self.epoch:
            return "<p>History: no epoch</p>"
        head = "<tr><th></th><th>first</th><th>best</th><th>last</th></tr>"
        rows = []
        for key, values in self.history.items():
            best = min(values) if "loss" in key else max(values)
            rows.append(f"<tr><td>{html.escape(key)}</td><td>{values[0]:.4g}</td>"
                        f"<td>{best:.4g}</td><td>{values[-1]:.4g}</td></tr>")
        return (f"<p>History of {len(self.epoch)} epochs</p><table><thead>{head}</thead>"
                f"<tbody>{''.join(rows)}</tbody></table>")


def fit(model: Module, X: Any, y: Any, loss: Callable = losses.mse,
        optimizer: Optimizer | None = None, epochs: int = 1, batch_size: int | None = None,
        shuffle: bool = True, validation_data: tuple[Any, Any] | None = None,
        metrics: Sequence[str] = ("accuracy",), verbose: bool = True, seed: int = 0,
        l2: float = 0.0, schedule: Any = None, callbacks: Sequence[Callback] = (),
        watch: bool | int = False, snapshots: int | None = None,
        live: bool = False) -> History:
    """Train ``model`` on (X, y) with mini-batches and return the History.

    Each batch: zero the gradients, forward, ``loss(prediction, target)`` (+ ``l2`` times
    the sum of squared weights, biases excluded), backward, ``optimizer.step()``. The
    optimizer defaults to ``SGD(lr=0.01)``, ``batch_size=None`` means the whole set, and
    ``schedule`` (an ``nn.optim`` schedule) is stepped once per epoch. The same ``seed``
    gives the same shuffles, so a run can be repeated exactly. Models of Values are fed
    one example at a time; models of Tensors a whole batch at once. If the loss stops being
    finite (training diverged), ``fit`` raises ``FloatingPointError`` before the bad step.

    ``callbacks``: :mod:`nn.callbacks` objects (``EarlyStopping``, or your own), told of each
    epoch and batch. ``watch=True`` records each layer's health once an epoch, at its first
    step (``watch=k``: every k-th step, counted over all epochs) into ``history.health`` (see
    :mod:`nn.health`); off, it costs nothing. ``snapshots=k`` keeps the parameters
    (``model.state_dict()``) at the start, every k-th epoch and the last in
    ``history.snapshots[epoch]``, for replaying a training without training again.
    ``live=True`` shows the training as it goes in Jupyter (``viz``'s live view: the loss,
    and the decision boundary for two input features), updated in place a few times a
    second at most; elsewhere it only says so in one line.
    """
    X, y = _examples(X, y, "fit")
    if not callable(loss):
        raise TypeError(f"fit: loss must be a function such as nn.losses.mse or "
                        f"nn.losses.cross_entropy, got {loss!r}")
    if optimizer is not None and not isinstance(optimizer, Optimizer):
        raise TypeError(f"fit: optimizer must be an nn.optim optimizer, got "
                        f"{type(optimizer).__name__} (for example optim.Adam(model.parameters()))")
    epochs = checks.positive_int(epochs, "epochs", "fit")
    if batch_size is not None:
        batch_size = checks.positive_int(batch_size, "batch_size", "fit",
                                         " (or None for the whole set)")
    if validation_data is not None:
        if not isinstance(validation_data, tuple | list) or len(validation_data) != 2:
            raise TypeError("fit: validation_data must be a pair (X_val, y_val)")
        validation_data = _examples(*validation_data, "fit", "validation_data")
        if validation_data[0].shape[1:] != X.shape[1:]:
            raise ValueError(f"fit: validation_data's X has {_features(validation_data[0])} "
                             f"features, X has {_features(X)}")
    unknown = [m for m in metrics if m != "accuracy"]
    if unknown:
        raise ValueError(f"fit: unknown metrics {unknown}; available: accuracy")
    l2 = checks.number(l2, "l2", "fit", low=0.0)
    if schedule is not None and not isinstance(schedule, Schedule):
        raise TypeError(f"fit: schedule must be an nn.optim schedule (StepLR, ExponentialLR, "
                        f"InverseTimeDecay), got {type(schedule).__name__}")
    callbacks = list(callbacks)
    for cb in callbacks:
        if not isinstance(cb, Callback):
            raise TypeError(f"fit: callbacks must be nn.callbacks objects (EarlyStopping, or "
                            f"a subclass of Callback), got {type(cb).__name__}")
    if watch is not True and watch is not False and (
            isinstance(watch, bool) or not isinstance(watch, int) or watch < 1):
        raise ValueError(f"fit: watch must be True, False or a positive integer (record every "
                         f"k-th step), got {watch!r}")
    if not isinstance(live, bool):
        raise TypeError(f"fit: live must be True or False, got {live!r}")
    if live:
        callbacks.append(_live_view(model, X, y, loss))
    if snapshots is not None:
        callbacks.append(_Snapshots(checks.positive_int(snapshots, "snapshots", "fit",
                                                        " (every k epochs), or None"), epochs))
    optimizer = optimizer or SGD(model.parameters(), lr=0.01)
    keys = ["loss", *(["accuracy"] if metrics else [])]
    keys += [f"val_{k}" for k in keys] if validation_data is not None else []
    history = History(loss=getattr(loss, "__name__", ""))
    for cb in callbacks:
        cb.model, cb.history, cb.stop_training = model, history, False
    for cb in callbacks:  # (may refuse, as EarlyStopping does an unknown monitor)
        cb.on_train_begin({"keys": keys})
    per_epoch = -(-len(X) // (batch_size or len(X)))  # steps in an epoch
    every = 0 if watch is False else per_epoch if watch is True else watch
    recorder = Recorder(model, optimizer, every) if every else None
    if recorder is not None:  # filled as it is recorded (a live view reads it)
        history.health, history.health_steps = recorder.health, recorder.recorded_steps
    try:
        _train(model, X, y, loss, optimizer, epochs, batch_size, shuffle, validation_data,
               metrics, verbose, seed, l2, schedule, callbacks, recorder, history)
    finally:
        if recorder is not None:
            recorder.close()
            history.health, history.health_steps = recorder.health, recorder.recorded_steps
    for cb in callbacks:
        cb.on_train_end({key: values[-1] for key, values in history.history.items()})
    model.eval()
    return history


# What draws fit(live=True): viz registers it when imported (nn does not depend on viz).
LIVE_VIEWS: list[Callable[..., Callback]] = []


def _live_view(model: Module, X: np.ndarray, y: np.ndarray, loss: Callable) -> Callback:
    if not LIVE_VIEWS:  # never an error: training goes on, without the view
        print(tr("fit(live=True): import viz to see the training live; training without it"))
        return Callback()
    return LIVE_VIEWS[-1](model, X, y, loss)


class _Snapshots(Callback):
    """fit(snapshots=k): the model's parameters at the start, every k-th epoch and the last."""

    def __init__(self, every: int, epochs: int) -> None:
        self.every, self.epochs = every, epochs

    def _keep(self, epoch: int) -> None:
        self.history.snapshots[epoch] = {k: np.array(v, dtype=np.float64)
                                         for k, v in self.model.state_dict().items()}

    def on_train_begin(self, logs: dict[str, Any]) -> None:
        self._keep(0)

    def on_epoch_end(self, epoch: int, logs: dict[str, Any]) -> None:
        if epoch % self.every == 0 or epoch == self.epochs:
            self._keep(epoch)

    def on_train_end(self, logs: dict[str, Any]) -> None:
        last = self.history.epoch[-1] if self.history.epoch else 0
        if last not in self.history.snapshots:  # stopped early: the epoch it ended at
            self._keep(last)


def _train(model: Module, X: np.ndarray, y: np.ndarray, loss: Callable, optimizer: Optimizer,
           epochs: int, batch_size: int | None, shuffle: bool, validation_data: Any,
           metrics: Sequence[str], verbose: bool, seed: int, l2: float, schedule: Any,
           callbacks: list[Callback], recorder: Recorder | None, history: History) -> None:
    """fit's loop, its arguments checked."""
    weights = model.weights()
    rng = np.random.default_rng(seed)
    n = len(X)
    size = n if batch_size is None else batch_size
    forward = _forwarder(model)
    take_step = optimizer.step if recorder is None else recorder.step
    bar = tqdm(range(1, epochs + 1), disable=not verbose, desc="fit", unit="epoch")
    for epoch in bar:
        for cb in callbacks:
            cb.on_epoch_begin(epoch, {})
        model.train()
        order = rng.permutation(n) if shuffle else np.arange(n)
        total, correct = 0.0, 0.0
        for k, start in enumerate(range(0, n, size), 1):
            batch = order[start:start + size]
            optimizer.zero_grad()
            prediction = forward(X[batch])
            L = loss(prediction, _target_for(prediction, y[batch], loss))
            if l2:
                L = L + losses.l2(weights, l2)
            value = _item(L)
            if not math.isfinite(value):  # stop before a nan reaches the weights
                raise FloatingPointError(tr(
                    "fit: the loss is {value} at epoch {epoch}, batch {k}: training diverged. "
                    "Try a smaller learning rate (it is {lr}) or standardized inputs.",
                    value=value, epoch=epoch, k=k, lr=f"{optimizer.lr:g}"))
            L.backward()
            take_step()
            total += value * len(batch)
            for cb in callbacks:
                cb.on_batch_end(k, {"loss": value})
            if metrics:
                correct += accuracy(prediction, y[batch], loss) * len(batch)
        values = {"loss": total / n}
        if metrics:
            values["accuracy"] = correct / n
        if validation_data is not None:
            values.update({f"val_{k}": v for k, v in
                           evaluate(model, *validation_data, loss=loss, metrics=metrics).items()})
        history._add(values)
        history.epoch.append(epoch)
        if schedule is not None:
            schedule.step()
        bar.set_postfix({k: f"{v:.4g}" for k, v in values.items()}, refresh=False)
        for cb in callbacks:
            cb.on_epoch_end(epoch, dict(values))
        if any(cb.stop_training for cb in callbacks):
            break


def evaluate(model: Module, X: Any, y: Any, loss: Callable = losses.mse,
             metrics: Sequence[str] = ("accuracy",)) -> dict[str, float]:
    """Loss (and accuracy) of ``model`` on (X, y), without recording a graph."""
    X, y = _examples(X, y, "evaluate")
    if not callable(loss):
        raise TypeError(f"evaluate: loss must be a function such as nn.losses.mse, got {loss!r}")
    with no_grad():
        prediction = _forward(model, X)
        result = {"loss": _item(loss(prediction, _target_for(prediction, y, loss)))}
    if metrics:
        result["accuracy"] = accuracy(prediction, y, loss)
    return result


def predict(model: Module, X: Any) -> np.ndarray:
    """The model's outputs for every example of X, as a numpy array."""
    X = checks.numeric_array(X, "X", "predict")
    if X.ndim == 0 or len(X) == 0:
        raise ValueError("predict: X has no examples")
    with no_grad():
        return _as_array(_forward(model, X))


def accuracy(prediction: Any, y: Any, loss: Callable | None = None) -> float:
    """The fraction of examples classified right.

    With several outputs the class is the largest one (targets: indices or one-hot). With one
    output the class is its sign for ±1 targets; for 0/1 targets it is output > 0 after
    ``binary_cross_entropy_with_logits``, otherwise output > 0.5 (a probability).
    """
    p = _as_array(prediction)
    y = np.asarray(y)
    if len(p) != len(y):
        raise ValueError(f"accuracy: {len(p)} predictions but {len(y)} target(s)")
    if p.ndim == 2 and p.shape[1] > 1:
        truth = y.argmax(axis=1) if y.ndim == 2 else y.reshape(-1)
        return float(np.mean(p.argmax(axis=1) == truth))
    p, y = p.reshape(-1), y.reshape(-1).astype(np.float64)
    if np.isin(y, (-1.0, 1.0)).all() and (y == -1).any():
        return float(np.mean(np.where(p > 0, 1.0, -1.0) == y))
    threshold = 0.0 if loss is losses.binary_cross_entropy_with_logits else 0.5
    return float(np.mean((p > threshold) == (y > 0.5)))


def confusion_matrix(prediction: Any, y: Any, classes: int | None = None) -> np.ndarray:
    """Counts of (true class, predicted class): row i, column j is the number of examples of
    class i predicted as j. ``prediction`` is the model's outputs (one column per class) or
    the predicted class indices; ``y`` the class indices or one-hot rows."""
    p, y = np.asarray(prediction), np.asarray(y)
    if len(p) != len(y):
        raise ValueError(f"confusion_matrix: {len(p)} predictions but {len(y)} target(s)")
    predicted = p.argmax(axis=1) if p.ndim == 2 else p.reshape(-1)
    truth = y.argmax(axis=1) if y.ndim == 2 else y.reshape(-1)
    for name, values in (("predicted classes", predicted), ("targets", truth)):
        if not np.all(np.equal(np.mod(values, 1), 0)) or (values < 0).any():
            raise ValueError(f"confusion_matrix: the {name} must be class indices 0, 1, …")
    predicted, truth = predicted.astype(int), truth.astype(int)
    largest = int(max(predicted.max(initial=0), truth.max(initial=0)))
    n = classes if classes is not None else largest + 1
    if largest >= n:
        raise ValueError(f"confusion_matrix: a class index is ≥ classes={n}")
    matrix = np.zeros((n, n), dtype=np.int64)
    np.add.at(matrix, (truth, predicted), 1)
    return matrix


def _forward(model: Module, X: np.ndarray) -> Any:
    return _forwarder(model)(X)


def _forwarder(model: Module) -> Callable[[np.ndarray], Any]:
    """How to feed ``model`` a batch, decided once (finding the parameters walks the whole
    model): a Tensor of the parameters' dtype, or one example at a time for Values."""
    held = [p for _, p in model.named_tensors()]
    if held and all(isinstance(p, Value) for p in held):
        return lambda X: [model(x) for x in X]
    # Tensors (trained or frozen), or none yet (a layer that makes its weights at its first
    # call): a batch Tensor in the weights' dtype
    dtype = next((p.dtype for p in held if isinstance(p, Tensor)), np.float64)
    return lambda X: model(Tensor(X.astype(dtype, copy=False)))


def _target_for(prediction: Any, y: np.ndarray, loss: Callable) -> Any:
    """y shaped like a Tensor prediction (a column for one output), as Keras does."""
    if isinstance(prediction, Tensor) and loss not in _CLASS_LOSSES \
            and y.shape != prediction.shape and y.size == prediction.size:
        return y.reshape(prediction.shape)
    return y


def _as_array(prediction: Any) -> np.ndarray:
    if isinstance(prediction, np.ndarray):
        return prediction
    if isinstance(prediction, Tensor):
        return prediction.numpy()
    if isinstance(prediction, Value):
        return np.array([prediction.data])
    return np.array([[v.data for v in p] if isinstance(p, list | tuple) else p.data
                     for p in prediction])


def _item(L: Any) -> float:
    return float(L.item())


def _examples(X: Any, y: Any, who: str, name: str = "") -> tuple[np.ndarray, np.ndarray]:
    """(X, y) checked: numbers, all finite, as many targets as examples, at least one."""
    x_name, y_name = (f"{name}'s X", f"{name}'s y") if name else ("X", "y")
    X = checks.numeric_array(X, x_name, who)
    y = checks.numeric_array(y, y_name, who)
    if X.ndim == 0 or y.ndim == 0:
        raise ValueError(f"{who}: {name or 'X and y'} must hold one row per example")
    if len(X) != len(y):
        where = f"{name} has {len(X)} examples in X but {len(y)} in y" if name else \
            f"X has {len(X)} examples but y has {len(y)}"
        raise ValueError(f"{who}: {where}")
    if len(X) == 0:
        raise ValueError(f"{who}: {x_name} has no examples")
    return X, y


def _features(X: np.ndarray) -> str:
    return str(X.shape[1]) if X.ndim == 2 else str(X.shape[1:])
