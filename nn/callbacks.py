"""Callbacks for :func:`nn.fit`, in Keras's style.

A callback is told what training does: ``on_train_begin(logs)``, ``on_epoch_begin(epoch,
logs)``, ``on_batch_end(batch, logs)`` (the batch's loss), ``on_epoch_end(epoch, logs)`` (the
epoch's loss, metrics and ``val_*``), ``on_train_end(logs)``. ``fit`` sets ``callback.model``
and ``callback.history`` first; setting ``self.stop_training = True`` ends training after the
current epoch, with the model and the history as they are at that epoch's end.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .checks import number, positive_int


class Callback:
    """Base class: override the methods you need (each does nothing here)."""

    model: Any = None
    history: Any = None
    stop_training: bool = False

    def on_train_begin(self, logs: dict[str, Any]) -> None:
        """Before the first epoch. ``logs["keys"]``: the quantities each epoch will log."""

    def on_epoch_begin(self, epoch: int, logs: dict[str, Any]) -> None:
        """Before epoch ``epoch`` (1-based)."""

    def on_batch_end(self, batch: int, logs: dict[str, Any]) -> None:
        """After batch ``batch`` (1-based, within the epoch): ``logs["loss"]``."""

    def on_epoch_end(self, epoch: int, logs: dict[str, Any]) -> None:
        """After epoch ``epoch``: ``logs`` holds what the history just recorded."""

    def on_train_end(self, logs: dict[str, Any]) -> None:
        """After the last epoch (or the one a callback stopped at)."""


class EarlyStopping(Callback):
    """Stop when ``monitor`` has not improved by more than ``min_delta`` for ``patience``
    epochs in a row, as Keras's ``EarlyStopping``.

    ``mode``: "min" (a loss), "max" (an accuracy) or "auto" (max for names with
    "accuracy", else min). With ``restore_best=True`` the model ends with the weights of its
    best epoch (``best_epoch``); the history keeps every epoch trained.
    """

    def __init__(self, monitor: str = "val_loss", patience: int = 0, min_delta: float = 0.0,
                 mode: str = "auto", restore_best: bool = False) -> None:
        if not isinstance(monitor, str):
            raise TypeError(f"EarlyStopping: monitor must be the name of a logged quantity "
                            f"(loss, val_loss, accuracy …), got {monitor!r}")
        self.monitor = monitor
        self.patience = 0 if patience == 0 else positive_int(patience, "patience",
                                                             "EarlyStopping", " (or 0)")
        self.min_delta = number(min_delta, "min_delta", "EarlyStopping", low=0.0)
        if mode not in ("auto", "min", "max"):
            raise ValueError(f"EarlyStopping: mode must be 'auto', 'min' or 'max', got "
                             f"{mode!r}")
        if mode == "auto":
            mode = "max" if "accuracy" in monitor else "min"
        self.mode = mode
        self.restore_best = bool(restore_best)
        self.best = math.inf if mode == "min" else -math.inf
        self.best_epoch: int | None = None
        self.stopped_epoch: int | None = None
        self._wait = 0
        self._best_state: dict[str, np.ndarray] | None = None

    def on_train_begin(self, logs: dict[str, Any]) -> None:
        keys = logs.get("keys", [])
        if self.monitor not in keys:
            hint = " (give fit validation_data= for val_*)" if self.monitor.startswith("val_") \
                else ""
            raise ValueError(f"EarlyStopping: monitor {self.monitor!r} is not logged by this "
                             f"fit; it logs {', '.join(keys)}{hint}")

    def on_epoch_end(self, epoch: int, logs: dict[str, Any]) -> None:
        value = logs[self.monitor]
        better = value < self.best - self.min_delta if self.mode == "min" else \
            value > self.best + self.min_delta
        if better:
            self.best, self.best_epoch, self._wait = value, epoch, 0
            if self.restore_best:
                self._best_state = {k: np.array(v) for k, v in
                                    self.model.state_dict().items()}
            return
        self._wait += 1
        if self._wait > self.patience:
            self.stop_training = True
            self.stopped_epoch = epoch

    def on_train_end(self, logs: dict[str, Any]) -> None:
        if self.restore_best and self._best_state is not None:
            self.model.load_state_dict(self._best_state)
