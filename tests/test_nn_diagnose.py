"""nn.diagnose (issue #23, item 4): each kind of finding on a run built to show it, and no
finding at all on healthy runs of several kinds (a false alarm is a bug)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import nn
import viz
from nn import losses, optim
from nn.diagnose import KINDS

RNG = np.random.default_rng(0)
XOR_X = nn.data.logic_gate("XOR")[0].astype(float)
XOR_Y = nn.data.logic_gate("XOR")[1].astype(float)
MOONS_X, MOONS_Y = nn.data.two_moons(100, noise=0.1, seed=0)
REG_X = RNG.normal(size=(100, 3))
REG_Y = REG_X @ [1.0, -2.0, 0.5] + 0.1 * RNG.normal(size=100)


def _digits():
    X, y = nn.data.load_digits()
    X_train, X_test, y_train, y_test = nn.data.train_test_split(X, y, 0.25, seed=0)
    X_train, X_test = nn.data.standardize(X_train, X_test)
    return X_train, X_test, y_train, y_test


def run(model, X, y, loss, opt, epochs, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # the diverging run overflows
        history = nn.fit(model, X, y, loss=loss, optimizer=opt, epochs=epochs, verbose=False,
                         watch=True, **kwargs)
    return nn.diagnose(history, model, (X, y)), history


def healthy_runs():
    X_train, X_test, y_train, y_test = _digits()
    digits = nn.Sequential(nn.Dense(32, "relu", input_dim=64, seed=0), nn.Dense(10, seed=1))
    xor = nn.Sequential(nn.Dense(4, "tanh", input_dim=2, seed=3), nn.Dense(1, "sigmoid", seed=4))
    reg = nn.Sequential(nn.Dense(1, input_dim=3, seed=0))
    scalar = nn.MLP(2, [8, 1], activation="tanh", output_activation="sigmoid", seed=0)
    relu = nn.Sequential(nn.Dense(16, "relu", input_dim=2, seed=0),
                         nn.Dense(16, "relu", seed=1), nn.Dense(1, "sigmoid", seed=2))
    return {
        "digits": (digits, X_train, y_train, losses.cross_entropy,
                   optim.Adam(digits.parameters(), lr=1e-3), 10,
                   dict(batch_size=32, validation_data=(X_test, y_test))),
        "xor": (xor, XOR_X, XOR_Y, losses.binary_cross_entropy,
                optim.Adam(xor.parameters(), lr=0.05), 300, {}),
        "regression": (reg, REG_X, REG_Y, losses.mse, optim.SGD(reg.parameters(), lr=0.1), 30,
                       {}),
        "moons, a model of Values": (scalar, MOONS_X, MOONS_Y, losses.binary_cross_entropy,
                                     optim.Adam(scalar.parameters(), lr=0.05), 20, {}),
        "moons, ReLU": (relu, MOONS_X, MOONS_Y, losses.binary_cross_entropy,
                        optim.Adam(relu.parameters(), lr=0.01), 50, dict(batch_size=16)),
    }


@pytest.mark.parametrize("name", list(healthy_runs()))
def test_a_healthy_run_gets_no_finding(name):
    model, X, y, loss, opt, epochs, kwargs = healthy_runs()[name]
    diagnosis, history = run(model, X, y, loss, opt, epochs, **kwargs)
    assert diagnosis.kinds == [], str(diagnosis)
    assert not diagnosis and "nothing wrong found" in str(diagnosis)
    assert history["loss"][-1] < 0.5 * history["loss"][0]  # it did learn


def _sick(kind):
    if kind == "divergence":  # seed 000's lesson: a learning rate too large
        m = nn.Sequential(nn.Dense(1, input_dim=3, seed=0))
        return m, REG_X * 3, REG_Y, losses.mse, optim.SGD(m.parameters(), lr=0.5), 8, {}
    if kind == "plateau":
        m = nn.Sequential(nn.Dense(16, "relu", input_dim=2, seed=0), nn.Dense(1, "sigmoid",
                                                                            seed=2))
        return m, MOONS_X, MOONS_Y, losses.binary_cross_entropy, \
            optim.SGD(m.parameters(), lr=1e-6), 10, {}
    if kind == "no_nonlinearity":  # seed 003's quiz: no activation is one linear map
        m = nn.Sequential(nn.Dense(8, input_dim=2, seed=0), nn.Dense(1, "sigmoid", seed=1))
        return m, XOR_X, XOR_Y, losses.binary_cross_entropy, \
            optim.Adam(m.parameters(), lr=0.05), 100, {}
    if kind == "vanishing_gradients":  # eight sigmoid layers
        m = nn.Sequential(nn.Dense(16, "sigmoid", input_dim=2, seed=0),
                          *[nn.Dense(16, "sigmoid", seed=k) for k in range(1, 7)],
                          nn.Dense(1, "sigmoid", seed=9))
        return m, MOONS_X, MOONS_Y, losses.binary_cross_entropy, \
            optim.SGD(m.parameters(), lr=0.1), 10, {}
    if kind == "exploding_gradients":
        return _sick("divergence")
    if kind == "dead_relu":
        m = nn.Sequential(nn.Dense(16, "relu", input_dim=2, seed=0), nn.Dense(1, "sigmoid",
                                                                            seed=2))
        m.layers[0].b.data[:] = -100.0
        return m, MOONS_X, MOONS_Y, losses.binary_cross_entropy, \
            optim.Adam(m.parameters(), lr=0.01), 10, {}
    if kind == "saturation":  # tanh started with large weights
        m = nn.Sequential(nn.Dense(16, "tanh", input_dim=2, seed=0), nn.Dense(1, "sigmoid",
                                                                            seed=2))
        m.layers[0].W.data *= 60.0
        return m, MOONS_X * 5, MOONS_Y, losses.binary_cross_entropy, \
            optim.SGD(m.parameters(), lr=0.01), 10, {}
    if kind == "overfitting":
        m = nn.Sequential(nn.Dense(64, "relu", input_dim=2, seed=0),
                          nn.Dense(64, "relu", seed=1), nn.Dense(1, "sigmoid", seed=2))
        X_val, y_val = nn.data.two_moons(200, noise=0.35, seed=5)
        noisy = MOONS_X[:20] + 0.3 * np.random.default_rng(1).normal(size=(20, 2))
        return m, noisy, MOONS_Y[:20], losses.binary_cross_entropy, \
            optim.Adam(m.parameters(), lr=0.02), 300, dict(validation_data=(X_val, y_val))
    if kind == "one_class":
        X_train, _, y_train, _ = _digits()
        m = nn.Sequential(nn.Dense(8, "relu", input_dim=64, seed=0), nn.Dense(10, seed=1))
        m.layers[1].b.data[3] = 1000.0
        return m, X_train, y_train, losses.cross_entropy, optim.SGD(m.parameters(), lr=1e-4), \
            2, {}
    if kind == "loss_output_mismatch":  # cross-entropy after a softmax
        X_train, _, y_train, _ = _digits()
        m = nn.Sequential(nn.Dense(16, "relu", input_dim=64, seed=0), nn.Dense(10, seed=1),
                          nn.Softmax())
        return m, X_train, y_train, losses.cross_entropy, \
            optim.Adam(m.parameters(), lr=1e-3), 3, {}
    raise AssertionError(kind)


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_is_found_on_a_run_that_shows_it(kind):
    model, X, y, loss, opt, epochs, kwargs = _sick(kind)
    diagnosis, _ = run(model, X, y, loss, opt, epochs, **kwargs)
    assert kind in diagnosis.kinds, str(diagnosis)
    finding = next(f for f in diagnosis if f.kind == kind)
    assert finding.message and finding.advice and finding.evidence


def test_the_evidence_names_the_epoch_and_the_layer():
    diagnosis, history = run(*_sick("divergence")[:6])
    divergence = next(f for f in diagnosis if f.kind == "divergence")
    loss = history["loss"]
    first = next(e for e in range(1, len(loss)) if loss[e] > 1.5 * min(loss[:e]))
    assert divergence.evidence["epoch"] == first + 1
    diagnosis, _ = run(*_sick("vanishing_gradients")[:6])
    vanishing = next(f for f in diagnosis if f.kind == "vanishing_gradients")
    assert vanishing.evidence["layer"] == "layers.0"
    model, X, y, loss_fn, opt, epochs, kwargs = _sick("overfitting")
    diagnosis, history = run(model, X, y, loss_fn, opt, epochs, **kwargs)
    overfitting = next(f for f in diagnosis if f.kind == "overfitting")
    assert overfitting.evidence["epoch"] == int(np.argmin(history["val_loss"])) + 1


def test_the_report_is_text_and_html_in_the_language_set():
    diagnosis, _ = run(*_sick("dead_relu")[:6])
    assert "dead_relu" in str(diagnosis) and "<table>" in diagnosis._repr_html_()
    viz.set_language("es")
    try:
        diagnosis, _ = run(*_sick("dead_relu")[:6])
        text = str(diagnosis)
    finally:
        viz.set_language("en")
    assert "unidades ReLU" in text and "pruebe" in text


def test_diagnose_refuses_what_is_not_a_history():
    with pytest.raises(TypeError, match=r"diagnose: history must be what nn\.fit returned"):
        nn.diagnose({"loss": [1.0]})
    with pytest.raises(TypeError, match=r"diagnose: model must be an nn model"):
        nn.diagnose(nn.History({"loss": [1.0]}), model=object())


def test_a_skip_connection_network_is_not_taken_for_a_linear_one():
    """Seed 004's second XOR network: Concatenate(Dense(tanh), Identity) then Dense(tanh)."""
    x, y = nn.data.parity(2)
    model = nn.Sequential(nn.Concatenate(nn.Dense(2, "tanh", input_dim=2, seed=0),
                                         nn.Identity()), nn.Dense(1, "tanh", seed=1))
    diagnosis, _ = run(model, x, y, losses.mse, optim.Adam(model.parameters(), lr=0.05), 200)
    assert "no_nonlinearity" not in diagnosis.kinds, str(diagnosis)


def test_a_regression_is_never_said_to_predict_one_class():
    model = nn.Sequential(nn.Dense(1, input_dim=3, seed=0))
    target = np.abs(REG_Y) + 0.6  # every target above 0.5, none a class
    diagnosis, _ = run(model, REG_X, target, losses.mse, optim.SGD(model.parameters(), lr=1e-9),
                       2)
    assert "one_class" not in diagnosis.kinds
