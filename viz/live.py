"""``fit(..., live=True)``: the training shown as it goes, in Jupyter, in one output.

One small HTML output, displayed once and then updated in place (IPython's display handle):
the loss (and the validation loss and metrics) so far as lines and, for inputs with two
features, the decision boundary (the model's output on a 48 × 48 grid, a tiny PNG) with the
data; for other inputs, each layer's gradient norm when ``watch=`` records it. Drawing it
takes a few milliseconds, not matplotlib's hundred. It is redrawn at most every quarter
second, and never more often than keeps drawing under a tenth of the time training takes;
the first drawing waits for the first quarter second, the last is the final state. Outside
a notebook it says so in one line.
"""

from __future__ import annotations

import base64
import html
import io
import time
from typing import Any

import numpy as np

import nn.training
from autograd.language import tr
from nn.callbacks import Callback

from .plots import curve_name, predict_grid

MIN_INTERVAL = 0.25  # seconds between two drawings (and before the first), at least
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
        self.updates = 0  # how many times the view was redrawn after the first
        self._last = self._drawing = 0.0
        self._started = time.perf_counter()
        self._on = False
        self._grid: Any = None
        self._classes: Any = None

    def on_train_begin(self, logs: dict[str, Any]) -> None:
        self._started = time.perf_counter()
        self._on = _in_notebook()
        if not self._on:
            print(tr("fit(live=True): the live view needs a notebook (Jupyter); training "
                     "without it"))

    def on_epoch_end(self, epoch: int, logs: dict[str, Any]) -> None:
        if not self._on:
            return
        now = time.perf_counter()
        if now - self._last < MIN_INTERVAL or now - self._started < MIN_INTERVAL or \
                self._drawing > SHARE * (now - self._started):
            return
        self.as_text()

    def on_train_end(self, logs: dict[str, Any]) -> None:
        if self._on:
            self.as_text()  # the final state, always

    def as_text(self) -> None:
        from IPython.display import HTML, display

        page = HTML(self.html())
        if self.handle is None:
            self.handle = display(page, display_id=True)
        else:
            self.handle.update(page)
            self.updates += 1

    def html(self) -> str:
        """The view as one HTML fragment: the curves so far, and the boundary with the data."""
        start = time.perf_counter()
        parts = [self.curves_of()]
        if self.X.ndim == 2 and self.X.shape[1] == 2:
            parts.append(self._boundary())
        elif self.history is not None and self.history.health:
            parts.append(self._health(self.history.health))
        self._drawing += time.perf_counter() - start
        self._last = time.perf_counter()
        return ('<div class="bpl-live" style="display:flex;gap:1em;flex-wrap:wrap;'
                f'font-family:Helvetica,Arial,sans-serif">{"".join(parts)}</div>')

    def curves_of(self) -> str:
        curves = self.history.history if self.history is not None else {}
        width, height, pad = 360, 240, 30
        values = [v for vs in curves.values() for v in vs if np.isfinite(v)]
        top = max(values) if values else 1.0
        n = max((len(vs) for vs in curves.values()), default=1)
        lines, legend = [], []
        for k, (key, vs) in enumerate(curves.items()):
            colour = _COLOURS[k % len(_COLOURS)]
            step = max(1, len(vs) // 300)  # at most 300 points a line
            points = " ".join(
                f"{pad + (e + 1) / n * (width - pad - 10):.1f},"
                f"{height - pad - (v / top if top else 0) * (height - pad - 10):.1f}"
                for e, v in [*list(enumerate(vs))[::step], (len(vs) - 1, vs[-1])]
                if np.isfinite(v))
            dash = ' stroke-dasharray="5 3"' if key.startswith("val_") else ""
            lines.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2"{dash} '
                         f'points="{points}"/>')
            label = html.escape(curve_name(key, None if key.startswith("val_") else "train"))
            legend.append(f'<text x="{width - 10}" y="{16 + 15 * k}" text-anchor="end" '
                          f'font-size="12" fill="{colour}">{label}</text>')
        axis = (f'<line x1="{pad}" y1="{height - pad}" x2="{width - 10}" y2="{height - pad}" '
                f'stroke="#999"/><line x1="{pad}" y1="10" x2="{pad}" y2="{height - pad}" '
                f'stroke="#999"/><text x="{pad}" y="{height - 8}" font-size="12">'
                f'{html.escape(tr("epoch"))} {n}</text><text x="4" y="18" font-size="11">'
                f"{top:.3g}</text>")
        return (f'<svg width="{width}" height="{height}" viewBox="0 0 {width} {height}">'
                f'{axis}{"".join(lines)}{"".join(legend)}</svg>')

    def _health(self, health: dict) -> str:
        """Each layer's gradient norm at each recording so far, on a log scale (fit(watch=))."""
        width, height, pad = 360, 240, 30
        series = {name: [g for g in stats["grad_norm"] if g > 0 and np.isfinite(g)]
                  for name, stats in health.items()}
        values = [g for gs in series.values() for g in gs]
        if not values:
            return ""
        low, high = np.log10(min(values)), np.log10(max(values))
        span = (high - low) or 1.0
        n = max(len(gs) for gs in series.values())
        lines, legend = [], []
        for k, (name, gs) in enumerate(series.items()):
            colour = _COLOURS[k % len(_COLOURS)]
            rise = height - pad - 10
            points = " ".join(f"{pad + (i + 1) / n * (width - pad - 10):.1f},"
                              f"{height - pad - (np.log10(g) - low) / span * rise:.1f}"
                              for i, g in enumerate(gs))
            lines.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" '
                         f'points="{points}"/>')
            legend.append(f'<text x="{width - 10}" y="{16 + 15 * k}" text-anchor="end" '
                          f'font-size="12" fill="{colour}">{html.escape(name)}</text>')
        title = (f'<text x="{pad}" y="{height - 8}" font-size="12">'
                 f'{html.escape(tr("gradient norm"))} (log)</text>')
        return (f'<svg width="{width}" height="{height}" viewBox="0 0 {width} {height}">'
                f'{title}{"".join(lines)}{"".join(legend)}</svg>')

    def _boundary(self) -> str:
        X, y = self.X, np.asarray(self.y)
        if self._grid is None:
            (x0, y0), (x1, y1) = X.min(axis=0) - 0.5, X.max(axis=0) + 0.5
            gx, gy = np.meshgrid(np.linspace(x0, x1, GRID), np.linspace(y1, y0, GRID))
            self._grid = (np.column_stack([gx.ravel(), gy.ravel()]), (x0, y0, x1, y1))
            flat = y.reshape(len(y), -1)
            self._classes = flat.argmax(axis=1) if flat.shape[1] > 1 else \
                (flat[:, 0] > (0.0 if (flat < 0).any() else 0.5)).astype(int)
        grid, (x0, y0, x1, y1) = self._grid
        out = predict_grid(self.model, grid)
        if out.shape[1] > 1:
            shade = _FIELD[np.argmax(out, axis=1) % len(_FIELD)]
        else:
            p = out[:, :1]
            p = (p + 1) / 2 if (np.asarray(self.y) < 0).any() else p  # tanh outputs: ±1
            shade = _FIELD[0] + (_FIELD[1] - _FIELD[0]) * np.clip(p, 0, 1)
        from PIL import Image

        buffer = io.BytesIO()
        Image.fromarray(shade.reshape(GRID, GRID, 3).astype(np.uint8)).save(buffer, "PNG")
        image = base64.b64encode(buffer.getvalue()).decode("ascii")
        size = 240
        dots = "".join(
            f'<circle cx="{(a - x0) / (x1 - x0) * size:.1f}" cy="{(y1 - b) / (y1 - y0) * size:.1f}"'
            f' r="3" fill="{_DOTS[c % len(_DOTS)]}"/>' for (a, b), c in zip(X, self._classes))
        return (f'<svg width="{size}" height="{size}" viewBox="0 0 {size} {size}">'
                f'<image width="{size}" height="{size}" preserveAspectRatio="none" '
                f'href="data:image/png;base64,{image}"/>{dots}</svg>')


GRID = 48  # the boundary's grid, each side
_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b")
_FIELD = np.array([[158, 202, 225], [253, 174, 107], [161, 217, 155], [188, 189, 220],
                   [252, 146, 114], [217, 217, 217]], dtype=float)
_DOTS = ("#08519c", "#a63603", "#006d2c", "#54278f", "#a50f15", "#252525")


nn.training.LIVE_VIEWS.append(LiveView)
