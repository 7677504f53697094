"""Training plots with matplotlib. Each function draws into ``ax`` if given, else into a
new figure, and returns the axes it drew on."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

from autograd import Tensor, no_grad, ops
from autograd.language import tr

from .diagram import symbol
from .theme import get_theme


def themed(plot: Callable) -> Callable:
    """Run a plotting function with the theme's text sizes and line widths (``theme=``, or
    the current one: see :func:`viz.set_theme`)."""
    @functools.wraps(plot)
    def wrapper(*args: Any, theme: Any = None, **kwargs: Any) -> Any:
        t = get_theme(theme)
        rc = {"font.size": t.plot_font, "axes.titlesize": t.plot_font * 1.15,
              "axes.labelsize": t.plot_font, "legend.fontsize": t.plot_font * 0.9,
              "xtick.labelsize": t.plot_font * 0.9, "ytick.labelsize": t.plot_font * 0.9,
              "lines.linewidth": t.plot_line, "figure.dpi": min(t.dpi, 150),
              "savefig.dpi": t.dpi}
        # Only these keys are set and restored: plt.rc_context restores every rcParam,
        # the backend included, and in Jupyter that stops every later figure from showing.
        old = {key: plt.rcParams[key] for key in rc}
        plt.rcParams.update(rc)
        try:
            return plot(*args, **kwargs)
        finally:
            plt.rcParams.update(old)
    return wrapper


def _axes(ax: Any, ncols: int = 1, size: tuple[float, float] = (5.0, 3.5)) -> Any:
    """The axes given, or new ones, sized for the theme's type (larger type, larger figure)
    and laid out so that no label is cut off."""
    if ax is not None:
        return ax
    scale = max(plt.rcParams["font.size"] / 11.0, 1.0)
    _, axes = plt.subplots(1, ncols, figsize=(size[0] * ncols * scale, size[1] * scale),
                           squeeze=False, layout="constrained")
    return axes[0] if ncols > 1 else axes[0, 0]


def curves_of(history: Any) -> Mapping[str, Sequence[float]]:
    return history.history if hasattr(history, "history") else history


def curve_name(key: str, split: str | None = None) -> str:
    """A History key as words in the current language: ``val_accuracy`` is "accuracy
    (validation)", ``loss`` with ``split="train"`` "loss (train)"."""
    if key.startswith("val_"):
        key, split = key[4:], "validation"
    return f"{tr(key)} ({tr(split)})" if split else tr(key)


@themed
def plot_history(history: Any, ax: Any = None) -> Any:
    """Loss and each metric per epoch, training and validation (``val_*``) together.

    Without ``ax`` it makes one panel per quantity (loss, accuracy …) and returns them; with
    a sequence of axes it fills them in that order; with a single axes it draws the loss.
    """
    curves = curves_of(history)
    names = [k for k in curves if not k.startswith("val_")]
    if not names:
        raise ValueError("plot_history: the history has no curves")
    if ax is not None and not np.ndim(ax):  # one axes: one quantity, the loss
        names = ["loss"] if "loss" in names else names[:1]
        axes = np.array([ax])
    else:
        axes = np.atleast_1d(_axes(ax, len(names)))
    for a, name in zip(axes, names):
        epochs = np.arange(1, len(curves[name]) + 1)
        a.plot(epochs, curves[name], label=curve_name(name, "train"))
        if f"val_{name}" in curves:
            a.plot(epochs, curves[f"val_{name}"], label=curve_name(f"val_{name}"),
                   linestyle="--")
        a.set_xlabel(tr("epoch"))
        a.set_ylabel(tr(name))
        a.legend()
        a.grid(alpha=0.3)
    return axes if len(axes) > 1 else axes[0]


@themed
def plot_runs(runs: Mapping[str, Any], key: str = "loss", ax: Any = None,
              log: bool = False) -> Any:
    """One curve per run on the same axes, e.g. {"lr=0.1": history, "lr=1": history, ...}
    (seed 000's loss for three learning rates, or seed 003's optimizers side by side)."""
    ax = _axes(ax)
    for label, history in runs.items():
        values = curves_of(history)[key]
        ax.plot(np.arange(1, len(values) + 1), values, label=str(label))
    ax.set_xlabel(tr("epoch"))
    ax.set_ylabel(curve_name(key))
    if log:
        ax.set_yscale("log")
    ax.legend()
    ax.grid(alpha=0.3)
    return ax


def predict_grid(model: Any, points: np.ndarray) -> np.ndarray:
    """The model's output for each 2-D point: one number, or one score per class."""
    with no_grad():
        if any(isinstance(p, Tensor) for p in model.parameters()):
            dtype = next(p.data.dtype for p in model.parameters() if isinstance(p, Tensor))
            out = model(Tensor(points.astype(dtype))).data
        else:
            rows = [model(list(p)) for p in points]
            out = np.array([[v.data for v in r] if isinstance(r, list) else r.data
                            for r in rows])
    return out.reshape(len(points), -1)


@themed
def plot_decision_boundary(model: Any, X: Any, y: Any, ax: Any = None,
                           resolution: int | None = None, margin: float = 0.5) -> Any:
    """The regions a 2-input model assigns to each class, with the data on top.

    With one output the boundary is where it crosses 0.5 for 0/1 labels (a probability) or
    0 for ±1 labels; with several, each point takes the class of the largest output.
    Models of Values are evaluated point by point, on a coarser grid by default.
    """
    X, y = np.asarray(X, dtype=float), np.asarray(y).reshape(-1)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"plot_decision_boundary needs 2-D inputs, got X of shape {X.shape}")
    tensor_model = any(isinstance(p, Tensor) for p in model.parameters())
    n = resolution or (200 if tensor_model else 60)
    (x0, y0), (x1, y1) = X.min(axis=0) - margin, X.max(axis=0) + margin
    gx, gy = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))
    out = predict_grid(model, np.column_stack([gx.ravel(), gy.ravel()]))
    ax = _axes(ax, size=(4.5, 4.0))
    if out.shape[1] > 1:
        regions = out.argmax(axis=1).reshape(gx.shape)
        ax.contourf(gx, gy, regions, levels=np.arange(out.shape[1] + 1) - 0.5, alpha=0.3,
                    cmap="tab10", vmin=0, vmax=9)
    else:
        threshold = 0.0 if np.isin(y, (-1, 1)).all() and (y == -1).any() else 0.5
        field = out[:, 0].reshape(gx.shape)
        ax.contourf(gx, gy, field > threshold, levels=[-0.5, 0.5, 1.5], alpha=0.3,
                    colors=["#1f77b4", "#ff7f0e"])
        ax.contour(gx, gy, field, levels=[threshold], colors="k", linewidths=1)
    ax.scatter(X[:, 0], X[:, 1], c=y, cmap="tab10", vmin=0 if y.min() >= 0 else -1,
               vmax=9, edgecolors="k", s=25)
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    return ax


@themed
def plot_activation(name: str, ax: Any = None, x: Any = None, **options: Any) -> Any:
    """An activation function and its derivative (computed by backprop), as in seed 004's
    figures 1-4. ``options`` go to the method, e.g. ``plot_activation("leaky_relu", alpha=0.1)``."""
    functions = [op.name for op in ops.elementwise("tensor") if op.method == op.name]
    if name not in functions:
        raise ValueError(f"plot_activation: unknown activation {name!r}; choose one of "
                         f"{', '.join(functions)}")
    x = np.linspace(-5, 5, 401) if x is None else np.asarray(x, dtype=float)
    if x.ndim != 1 or not np.isfinite(x).all():
        raise ValueError("plot_activation: x must be finite numbers in one row (a 1-D array)")
    t = Tensor(x, requires_grad=True)
    y = getattr(t, name)(**options)
    y.sum().backward()
    ax = _axes(ax)
    ax.plot(x, y.data, label=f"{symbol(name)}(x)")
    ax.plot(x, t.grad, label=tr("derivative"), linestyle="--")
    ax.axhline(0, color="grey", linewidth=0.5)
    ax.axvline(0, color="grey", linewidth=0.5)
    ax.set_xlabel("x")
    ax.set_title(name + "".join(f", {k}={v}" for k, v in options.items()))
    ax.legend()
    ax.grid(alpha=0.3)
    return ax


@themed
def plot_neuron_response(neuron: Any, ax: Any = None, resolution: int = 50) -> Any:
    """A 2-input neuron's output over inputs in [0, 1]² (seed 000), as a filled contour."""
    if len(neuron.w) != 2:
        raise ValueError(f"plot_neuron_response needs a neuron with 2 inputs, got "
                         f"{len(neuron.w)}")
    grid = np.linspace(0, 1, resolution)
    gx, gy = np.meshgrid(grid, grid)
    with no_grad():
        z = np.array([[neuron([a, b]).data for a in grid] for b in grid])
    ax = _axes(ax, size=(4.5, 4.0))
    image = ax.contourf(gx, gy, z, levels=20, cmap="viridis")
    ax.figure.colorbar(image, ax=ax, label=tr("output"))
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    w = ", ".join(f"{v.data:.3g}" for v in neuron.w)
    ax.set_title(f"{neuron.activation}: w = [{w}], b = {neuron.b.data:.3g}")
    return ax


@themed
def plot_confusion_matrix(matrix: Any, class_names: Sequence[str] | None = None,
                          ax: Any = None) -> Any:
    """A confusion matrix (``nn.confusion_matrix``): rows are the true classes, columns the
    predicted ones, each cell its count; the diagonal is what was right."""
    m = np.asarray(matrix)
    if m.ndim != 2 or m.shape[0] != m.shape[1]:
        raise ValueError(f"plot_confusion_matrix: needs a square matrix, got shape {m.shape}")
    names = list(class_names) if class_names is not None else [str(k) for k in range(len(m))]
    if len(names) != len(m):
        raise ValueError(f"plot_confusion_matrix: {len(names)} class names for {len(m)} classes")
    ax = _axes(ax, size=(5.5, 4.8))
    image = ax.imshow(m, cmap="Blues")
    ax.figure.colorbar(image, ax=ax, label=tr("count"))
    ticks = range(len(m))
    ax.set_xticks(ticks, names, rotation=45 if max(map(len, names)) > 2 else 0, ha="right"
                  if max(map(len, names)) > 2 else "center")
    ax.set_yticks(ticks, names)
    ax.set_xlabel(tr("predicted class"))
    ax.set_ylabel(tr("true class"))
    limit = m.max() / 2 if m.size else 0
    for i in ticks:
        for j in ticks:
            ax.text(j, i, f"{m[i, j]}", ha="center", va="center", fontsize="small",
                    color="white" if m[i, j] > limit else "black")
    right = np.trace(m) / m.sum() if m.sum() else 0.0
    ax.set_title(f"{tr('accuracy')}: {right:.1%}")
    return ax


def _as_images(rows: Any, shape: Sequence[int] | None, who: str) -> np.ndarray:
    """Rows of pixels as images (n, H, W) or (n, H, W, 3), each scaled to [0, 1]."""
    a = np.asarray(rows, dtype=np.float64)
    if shape is not None:
        try:
            a = a.reshape(len(a), *shape)
        except ValueError:
            raise ValueError(f"{who}: rows of {a[0].size} values cannot be images of shape "
                             f"{tuple(shape)}") from None
    if a.ndim == 4 and a.shape[1] in (1, 3):  # channels first (CIFAR's layout): move them
        a = np.moveaxis(a, 1, -1)
    if a.ndim == 4 and a.shape[-1] == 1:
        a = a[..., 0]
    if a.ndim not in (3, 4):
        raise ValueError(f"{who}: needs images (n, H, W), (n, C, H, W) or rows with shape=; "
                         f"got shape {a.shape}")
    low = a.reshape(len(a), -1).min(axis=1).reshape(-1, *[1] * (a.ndim - 1))
    high = a.reshape(len(a), -1).max(axis=1).reshape(-1, *[1] * (a.ndim - 1))
    return (a - low) / np.where(high > low, high - low, 1.0)


@themed
def plot_images(images: Any, labels: Any = None, predicted: Any = None,
                class_names: Sequence[str] | None = None, shape: Sequence[int] | None = None,
                ncols: int = 8) -> Any:
    """A grid of images with their classes: the true one, and the predicted one (green if
    right, red if wrong). ``shape`` turns rows of pixels into images: (8, 8) for the digits,
    (3, 32, 32) for CIFAR-10. Returns the axes."""
    a = _as_images(images, shape, "plot_images")
    n = len(a)
    def name(k: Any) -> str:
        return class_names[int(k)] if class_names is not None else str(int(k))

    rows = max(1, -(-n // ncols))
    _, axes = plt.subplots(rows, ncols, figsize=(1.5 * ncols, 1.75 * rows), squeeze=False,
                             layout="constrained")
    for k, ax in enumerate(axes.ravel()):
        ax.axis("off")
        if k >= n:
            continue
        ax.imshow(a[k], cmap="gray" if a.ndim == 3 else None)
        title, colour = [], "black"
        if labels is not None:
            title.append(name(labels[k]))
        if predicted is not None:
            title.append(f"→ {name(predicted[k])}")
            if labels is not None:
                colour = "tab:green" if int(predicted[k]) == int(labels[k]) else "tab:red"
        ax.set_title(" ".join(title), color=colour, fontsize="small")
    return axes


@themed
def plot_weights(W: Any, shape: Sequence[int], ncols: int = 10, count: int | None = None,
                 label: str = "unit") -> Any:
    """The first layer's weights as images: column j of ``W`` (inputs × units) is what unit
    j looks for in the input, drawn in the input's own ``shape``. ``label`` names each
    image ("unit", or "filter" for a convolution's filters). Returns the axes."""
    w = np.asarray(getattr(W, "data", W), dtype=np.float64)
    if w.ndim != 2:
        raise ValueError(f"plot_weights: needs a weight matrix (inputs, units), got shape "
                         f"{w.shape}")
    columns = w.T[:count] if count is not None else w.T
    axes = plot_images(columns, shape=shape, ncols=min(ncols, len(columns)))
    for j, ax in enumerate(axes.ravel()[:len(columns)]):
        ax.set_title(f"{tr(label)} {j + 1}", fontsize="small")
    return axes


def caption_font(size: int) -> Any:
    """A TrueType font for text drawn on images (GIF captions): matplotlib's DejaVu Sans,
    which it ships, so it is there wherever viz runs."""
    from matplotlib import font_manager
    from PIL import ImageFont

    return ImageFont.truetype(font_manager.findfont("DejaVu Sans"), size)
