"""``plot_training``: what ``fit(..., watch=True)`` recorded, in four panels."""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import numpy as np

from autograd.language import tr

from .plots import curve_name, curves_of, themed

# a step this size against the weights is the usual sign of a healthy learning rate
UPDATE_BAND = (1e-4, 1e-2)


@themed
def plot_training(history: Any, axes: Any = None) -> Any:
    """Four panels: the loss and metrics per epoch; each layer's activations over training
    (mean, and a band of ± one standard deviation); each layer's gradient norm (log axis);
    each layer's update-to-weight ratio (log axis, the usual band 1e-4 to 1e-2 shaded).

    Each layer has one colour in every panel and is named as the model names it. The three
    layer panels need a history from ``fit(..., watch=True)``; without it they say so.
    ``axes``: four matplotlib axes to draw into (else a new 2×2 figure). Returns the axes.
    """
    curves = curves_of(history)
    if not isinstance(curves, dict) or "loss" not in curves:
        raise TypeError(f"plot_training: history must be what nn.fit returned, got "
                        f"{type(history).__name__}")
    if axes is None:  # sized for the theme's type, as every viz plot
        scale = max(plt.rcParams["font.size"] / 11.0, 1.0)
        _, axes = plt.subplots(2, 2, figsize=(10.4 * scale, 7.2 * scale),
                               layout="constrained")
    axes = np.asarray(axes).ravel()
    if len(axes) != 4:
        raise ValueError(f"plot_training: axes must be four axes, got {len(axes)}")
    loss_ax, act_ax, grad_ax, ratio_ax = axes
    for key, values in curves.items():
        epochs = np.arange(1, len(values) + 1)
        loss_ax.plot(epochs, values, label=curve_name(key, "train" if not
                                                      key.startswith("val_") else None),
                     linestyle="--" if key.startswith("val_") else "-")
    loss_ax.set_xlabel(tr("epoch"))
    loss_ax.set_title(tr("loss and metrics"))
    loss_ax.legend()
    loss_ax.grid(alpha=0.3)
    health = getattr(history, "health", {}) or {}
    steps = np.asarray(getattr(history, "health_steps", []) or [])
    titles = (tr("activations: mean ± std"), tr("gradient norm"),
              tr("update / weight (band: 1e-4 to 1e-2)"))
    for ax, title in zip((act_ax, grad_ax, ratio_ax), titles):
        ax.set_title(title)
        ax.set_xlabel(tr("step"))
        ax.grid(alpha=0.3)
        if not health:
            ax.text(0.5, 0.5, tr("train with fit(..., watch=True)\nto record this"),
                    ha="center", va="center", transform=ax.transAxes, color="#555555")
    colours = [f"C{k}" for k in range(len(health))]
    for colour, (layer, stats) in zip(colours, health.items()):
        x = steps if len(steps) == len(stats["act_mean"]) else np.arange(len(stats["act_mean"]))
        mean, std = np.asarray(stats["act_mean"]), np.asarray(stats["act_std"])
        act_ax.plot(x, mean, color=colour, label=layer)
        act_ax.fill_between(x, mean - std, mean + std, color=colour, alpha=0.2, linewidth=0)
        grad_ax.plot(x, _positive(stats["grad_norm"]), color=colour, label=layer)
        ratio_ax.plot(x, _positive(stats["update_ratio"]), color=colour, label=layer)
    if health:
        for ax in (grad_ax, ratio_ax):
            ax.set_yscale("log")
        ratio_ax.axhspan(*UPDATE_BAND, color="#2c7fb8", alpha=0.12, linewidth=0)
        for ax in (act_ax, grad_ax, ratio_ax):
            ax.legend()
    return axes


def _positive(values: list[float]) -> np.ndarray:
    """Values for a log axis: 0 (nothing moved) and nan become gaps."""
    a = np.asarray(values, dtype=float)
    return np.where(a > 0, a, np.nan)
