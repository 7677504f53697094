"""Issue #14 (first part): one language setting for everything printed or drawn."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

import autograd
import nn
import viz
from autograd import Value, gradcheck


@pytest.fixture
def spanish():
    autograd.set_language("es")
    yield
    autograd.set_language("en")


def _reports():
    w = Value(2.0, label="w")
    y = (w * 3.0).tanh()
    y.label = "y"
    return (str(gradcheck(lambda t: t * t, [w], by_hand=[5.0])),
            str(viz.check(y, grads={"w": 0.1})), str(viz.explain(y, w)),
            nn.MLP(2, [2, 1], seed=0).summary())


def _plot_labels():
    history = nn.History({"loss": [1.0, 0.5], "accuracy": [0.5, 1.0], "val_loss": [1, 0.6]},
                         [1, 2])
    axes = list(np.atleast_1d(viz.plot_history(history)))
    axes.append(viz.plot_runs({"a": history}))
    axes.append(viz.plot_activation("tanh"))
    neuron = nn.Neuron(2, "sigmoid", weights=[1.0, 1.0], bias=-1.5)
    axes.append(viz.plot_neuron_response(neuron))
    texts = []
    for ax in axes:
        texts += [ax.get_xlabel(), ax.get_ylabel()]
        legend = ax.get_legend()
        if legend is not None:
            texts += [t.get_text() for t in legend.get_texts()]
        texts += [a.get_ylabel() for a in ax.figure.axes]  # colour bars
    return " | ".join(texts)


def test_the_default_is_english():
    assert autograd.get_language() == "en" and viz.get_language() == "en"
    grad_report, check_report, explanation, summary = _reports()
    assert "input" in grad_report and "by hand error" in grad_report
    assert "answers right" in check_report and "one path from w to y" in explanation
    assert "parameters" in summary
    assert "epoch" in _plot_labels()


def test_spanish_changes_every_heading_and_axis_label(spanish):
    grad_report, check_report, explanation, summary = _reports()
    assert "entrada" in grad_report and "error a mano" in grad_report
    assert "coincide con las diferencias finitas" in grad_report and "a mano ≠ numérico" in \
        grad_report
    assert "respuestas correctas" in check_report and "veredicto" in check_report
    assert "un camino de w a y" in explanation and "(s)" not in explanation
    assert "suma sobre los caminos" in explanation
    assert "módulo" in summary and "parámetros" in summary
    labels = _plot_labels()
    assert "época" in labels and "pérdida" in labels and "exactitud" in labels
    assert "derivada" in labels and "salida" in labels and "epoch" not in labels


def test_english_is_restored_and_unknown_languages_are_refused(spanish):
    autograd.set_language("en")
    assert "input" in _reports()[0]
    with pytest.raises(ValueError, match="unknown language 'fr'; choose one of en, es"):
        viz.set_language("fr")


def test_the_image_plots_follow_the_language_too(spanish):
    matrix = nn.confusion_matrix([0, 1, 1], [0, 1, 0], classes=2)
    ax = viz.plot_confusion_matrix(matrix)
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("clase predicha", "clase verdadera")
    assert ax.get_title() == "exactitud: 66.7%"
    axes = viz.plot_weights(np.ones((4, 2)), shape=(2, 2))
    assert axes.ravel()[0].get_title() == "neurona 1"


def test_the_network_figure_follows_the_language(spanish):
    source = viz.draw_network(nn.MLP(2, [3, 1], seed=0)).source
    assert "entrada" in source and "capa 1" in source and "layer 1" not in source


def test_each_package_keeps_the_phrases_it_says():
    """Issue #28 (item 6): autograd's table holds autograd's phrases, nn and viz register
    theirs (nn/phrases.py, viz/phrases.py); every literal tr("...") of a package is
    translated by it or by a package it builds on (autograd under nn under viz)."""
    import ast
    from pathlib import Path

    import autograd.language as language
    import nn.phrases
    import viz.phrases

    root = Path(__file__).resolve().parent.parent
    tables = {"autograd": language._SPANISH, "nn": nn.phrases.SPANISH,
              "viz": viz.phrases.SPANISH}
    below = {"autograd": ["autograd"], "nn": ["autograd", "nn"],
             "viz": ["autograd", "nn", "viz"]}
    for package, homes in below.items():
        said = set()
        for path in (root / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "tr"
                        and node.args and isinstance(node.args[0], ast.Constant)):
                    said.add(node.args[0].value)
        known = set().union(*(tables[h] for h in homes))
        assert sorted(said - known) == [], package
    autograd_source = "\n".join(p.read_text(encoding="utf-8")
                                for p in (root / "autograd").rglob("*.py"))
    assert all(k[:25] in autograd_source for k in language._SPANISH)  # nothing of viz's
    assert not set(tables["nn"]) & set(tables["viz"])
    with pytest.raises(ValueError, match="add_phrases: 'loss' is already 'pérdida' in es"):
        language.add_phrases("es", {"loss": "costo"})
