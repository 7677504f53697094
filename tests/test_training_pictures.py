"""Pictures of training health (issue #23, item 3): plot_training's panels hold the recorded
numbers, in the language set; draw_graph(color_by="grad") shades gates by gradient size."""

from __future__ import annotations

import math
import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pytest

import nn
import viz
from autograd import Value


def _history(watch=2):
    X, y = nn.data.two_moons(60, noise=0.1, seed=0)
    model = nn.Sequential(nn.Dense(8, "tanh", input_dim=2, seed=0), nn.Dense(8, "relu", seed=1),
                          nn.Dense(1, "sigmoid", seed=2))
    return nn.fit(model, X, y, loss=nn.losses.binary_cross_entropy, epochs=6, batch_size=20,
                  optimizer=nn.optim.SGD(model.parameters(), lr=0.3), watch=watch,
                  verbose=False, validation_data=(X, y))


def test_plot_training_draws_what_was_recorded():
    history = _history()
    loss_ax, act_ax, grad_ax, ratio_ax = viz.plot_training(history)
    names = list(history.health)
    for ax in (act_ax, grad_ax, ratio_ax):
        assert [t.get_text() for t in ax.get_legend().get_texts()] == names
    for line, layer in zip(grad_ax.lines, names):
        np.testing.assert_allclose(line.get_xdata(), history.health_steps)
        np.testing.assert_allclose(line.get_ydata(), history.health[layer]["grad_norm"])
    for line, layer in zip(act_ax.lines, names):
        np.testing.assert_allclose(line.get_ydata(), history.health[layer]["act_mean"])
    assert grad_ax.get_yscale() == "log" and ratio_ax.get_yscale() == "log"
    band = [p for p in ratio_ax.patches if p.get_y() == pytest.approx(1e-4)]
    assert band and band[0].get_height() == pytest.approx(1e-2 - 1e-4)  # the usual band
    colours = [line.get_color() for line in grad_ax.lines]
    assert colours == [line.get_color() for line in ratio_ax.lines]  # a colour per layer
    labels = [t.get_text() for t in loss_ax.get_legend().get_texts()]
    assert labels == ["loss (train)", "accuracy (train)", "loss (validation)",
                      "accuracy (validation)"]
    plt.close("all")


def test_plot_training_in_spanish_and_without_watch():
    viz.set_language("es")
    try:
        axes = viz.plot_training(_history(watch=False))
        titles = [ax.get_title() for ax in axes]
        notes = [t.get_text() for ax in axes[1:] for t in ax.texts]
    finally:
        viz.set_language("en")
        plt.close("all")
    assert titles[0] == "pérdida y métricas" and titles[2] == "norma del gradiente"
    assert len(notes) == 3 and all("fit(..., watch=True)" in n for n in notes)
    with pytest.raises(TypeError, match=r"plot_training: history must be what nn\.fit "
                                        r"returned"):
        viz.plot_training([1, 2])


def _chain():
    x = Value(0.5, label="x")
    h = x
    for k in range(6):
        h = (h * Value(3.0, label=f"w{k + 1}") + Value(-1.0, label=f"b{k + 1}")).sigmoid()
    h.label = "y"
    return h


def test_color_by_grad_shades_each_gate_by_its_gradient_on_a_log_scale():
    from autograd import forward_order
    from viz.diagram import GRAD_SHADES

    y = _chain()
    with pytest.raises(ValueError, match=r"draw_graph: color_by='grad' needs gradients"):
        viz.draw_graph(y, color_by="grad")
    y.backward()
    graph = viz.draw_graph(y, color_by="grad")
    source = graph.source
    gates = [n for n in forward_order(y) if n.parents]
    sizes = [abs(n.grad) for n in gates]
    low, high = math.log10(min(sizes)), math.log10(max(sizes))
    width = (high - low) / 5
    drawing_ids = {id(n): f"n{k}" for k, n in enumerate(forward_order(y))}
    for node, size in zip(gates, sizes):
        expected = GRAD_SHADES[min(int((math.log10(size) - low) / width), 4)]
        line = next(line for line in source.splitlines()
                    if line.strip().startswith(drawing_ids[id(node)] + " ["))
        assert f"fillcolor=\"{expected}\"" in line or f"fillcolor={expected}" in line, line
    assert "grad_legend" in source and all(c in source for c in GRAD_SHADES)
    first = re.search(r'fillcolor="?(#[0-9a-f]{6})', next(
        line for line in source.splitlines() if line.strip().startswith(
            drawing_ids[id(gates[0])] + " [")))
    assert first.group(1) == GRAD_SHADES[0]  # the gate nearest the input: the lightest
    with pytest.raises(ValueError, match=r"draw_graph: color_by must be None or 'grad', "
                                         r"got 'value'"):
        viz.draw_graph(y, color_by="value")
