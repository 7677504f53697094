"""``fit(..., live=True)``: the training shown as it goes, in Jupyter, in one figure.

One PNG, displayed once and then updated in place (IPython's display handle): the loss (and
the validation loss and metrics) so far and, for inputs with two features, the decision
boundary with the data; for other inputs, each layer's gradient norm when ``watch=`` records
it. It is redrawn at most every quarter second, and never more often than keeps drawing
under a tenth of the time training takes. Outside a notebook it says so in one line.
"""

from __future__ import annotations

import io
import time
from typing import Any

import numpy as np

import nn.training
from autograd.language import tr
from nn.callbacks import Callback

from .plots import _predict_grid, curve_name

MIN_INTERVAL = 0.25  # seconds between two drawings, at least
SHARE = 0.1  # of the training's time, at most, spent drawing


def _in_notebook() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with Jupyter
        return False
    shell = get_ipython()
    return shell is not None and hasattr(shell, "kernel")


class LiveView(Callback):
    """The callback ``fit(live=True)`` adds (see the module's docstring)."""

    def __init__(self, model: Any, X: np.ndarray, y: np.ndarray, loss: Any) -> None:
        self.X, self.y = X, y
        self.handle = None
        self.updates = 0  # how many times the figure was redrawn after the first
        self._last = self._drawing = 0.0
        self._started = time.perf_counter()

    def on_train_begin(self, logs: dict[str, Any]) -> None:
        if not _in_notebook():
            print(tr("fit(live=True): the live view needs a notebook (Jupyter); training "
                     "without it"))
            return
        from IPython.display import Image, display

        self._started = time.perf_counter()
        self.handle = display(Image(data=self._png()), display_id=True)

    def on_epoch_end(self, epoch: int, logs: dict[str, Any]) -> None:
        if self.handle is None:
            return
        now = time.perf_counter()
        elapsed = now - self._started
        if now - self._last < MIN_INTERVAL or self._drawing > SHARE * elapsed:
            return
        self._update()

    def on_train_end(self, logs: dict[str, Any]) -> None:
        if self.handle is not None:
            self._update()  # the final state, always

    def _update(self) -> None:
        from IPython.display import Image

        self.handle.update(Image(data=self._png()))
        self.updates += 1

    def _png(self) -> bytes:
        """The figure as PNG, drawn without pyplot (so no second copy appears at the end)."""
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        start = time.perf_counter()
        boundary = self.X.ndim == 2 and self.X.shape[1] == 2
        figure = Figure(figsize=(9.5 if boundary else 5.5, 3.6), layout="constrained")
        FigureCanvasAgg(figure)
        axes = figure.subplots(1, 2 if boundary else 1, squeeze=False)[0]
        history = self.history
        for key, values in (history.history if history is not None else {}).items():
            axes[0].plot(np.arange(1, len(values) + 1), values,
                         label=curve_name(key, None if key.startswith("val_") else "train"),
                         linestyle="--" if key.startswith("val_") else "-")
        axes[0].set_xlabel(tr("epoch"))
        axes[0].grid(alpha=0.3)
        if history is not None and history.history:
            axes[0].legend(loc="upper right")
        if boundary:
            self._boundary(axes[1])
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=90)
        self._drawing += time.perf_counter() - start
        self._last = time.perf_counter()
        return buffer.getvalue()

    def _boundary(self, ax: Any) -> None:
        X, y = self.X, np.asarray(self.y)
        (x0, y0), (x1, y1) = X.min(axis=0) - 0.5, X.max(axis=0) + 0.5
        gx, gy = np.meshgrid(np.linspace(x0, x1, 60), np.linspace(y0, y1, 60))
        out = _predict_grid(self.model, np.column_stack([gx.ravel(), gy.ravel()]))
        flat = y.reshape(len(y), -1)
        if out.shape[1] > 1:
            ax.contourf(gx, gy, out.argmax(axis=1).reshape(gx.shape), alpha=0.3, cmap="tab10",
                        levels=np.arange(out.shape[1] + 1) - 0.5, vmin=0, vmax=9)
            colours = flat.argmax(axis=1) if flat.shape[1] > 1 else flat[:, 0]
        else:
            cut = 0.0 if (flat < 0).any() else 0.5
            ax.contourf(gx, gy, out[:, 0].reshape(gx.shape) > cut, levels=[-0.5, 0.5, 1.5],
                        alpha=0.3, colors=["#1f77b4", "#ff7f0e"])
            colours = (flat[:, 0] > cut).astype(int)
        ax.scatter(X[:, 0], X[:, 1], c=colours, cmap="tab10", vmin=0, vmax=9, s=12,
                   edgecolors="k", linewidths=0.3)


nn.training.LIVE_VIEWS.append(LiveView)
