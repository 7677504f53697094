"""fit, evaluate, accuracy and the perceptron rule: networks really learn."""

import numpy as np
import pytest

import nn
from nn import losses, optim


def test_scalar_mlp_learns_xor():
    X, y = nn.data.logic_gate("XOR")
    model = nn.MLP(2, [4, 1], activation="tanh", output_activation="sigmoid", seed=0)
    history = nn.fit(model, X, y, loss=losses.binary_cross_entropy,
                     optimizer=optim.Adam(model.parameters(), lr=0.05), epochs=300,
                     verbose=False)
    assert history["accuracy"][-1] == 1.0 and history["loss"][-1] < 0.05
    assert history["loss"][0] > history["loss"][-1]
    assert [round(model(x).data) for x in X] == y.tolist()


def test_tensor_network_learns_bipolar_xor_with_mse_as_seed_004():
    X, y = nn.data.logic_gate("XOR", "bipolar")
    model = nn.Sequential()
    model.add(nn.Dense(units=2, activation="tanh", input_dim=2, seed=3))
    model.add(nn.Dense(units=1, activation="tanh", seed=4))
    history = nn.fit(model, X, y, loss=losses.mse, epochs=1500, verbose=False,
                     optimizer=optim.SGD(model.parameters(), lr=0.1), batch_size=4)
    assert history["accuracy"][-1] == 1.0
    np.testing.assert_array_equal(np.sign(nn.predict(model, X)).ravel(), y)


def test_digits_reach_95_percent():
    X, y = nn.data.load_digits()
    X_train, X_test, y_train, y_test = nn.data.train_test_split(X, y, 0.25, seed=0)
    X_train, X_test = nn.data.standardize(X_train, X_test)
    model = nn.Sequential(nn.Linear(64, 64, "relu", seed=0), nn.Linear(64, 10, seed=1))
    history = nn.fit(model, X_train, y_train, loss=losses.cross_entropy,
                     optimizer=optim.Adam(model.parameters(), lr=1e-3), epochs=15,
                     batch_size=32, validation_data=(X_test, y_test), verbose=False)
    assert history.keys() == ["loss", "accuracy", "val_loss", "val_accuracy"]
    assert history["val_accuracy"][-1] >= 0.95
    assert nn.evaluate(model, X_test, y_test, loss=losses.cross_entropy)["accuracy"] == \
        history["val_accuracy"][-1]


def test_fit_is_reproducible_with_a_seed():
    X, y = nn.data.two_moons(60, seed=1)

    def train(seed):
        model = nn.Sequential(nn.Linear(2, 8, "relu", seed=0), nn.Linear(8, 1, seed=1))
        return nn.fit(model, X, y, loss=losses.binary_cross_entropy_with_logits, epochs=5,
                      batch_size=8, optimizer=optim.SGD(model.parameters(), lr=0.1),
                      verbose=False, seed=seed).history

    assert train(7) == train(7)
    assert train(7) != train(8)


def test_fit_with_l2_and_a_schedule():
    X, y = nn.data.logic_gate("AND")
    neuron = nn.Neuron(2, "sigmoid", weights=[0.1, -0.1], bias=0.0)
    opt = optim.SGD(neuron.parameters(), lr=2.0)
    schedule = optim.InverseTimeDecay(opt, decay_rate=0.1)
    history = nn.fit(neuron, X, y, loss=losses.binary_cross_entropy, optimizer=opt,
                     epochs=200, verbose=False, l2=1e-4, schedule=schedule)
    assert history["accuracy"][-1] == 1.0 and opt.lr == pytest.approx(2.0 / (1 + 0.1 * 200))
    assert neuron.w[0].data > 0 and neuron.b.data < 0


def test_progress_bar_when_verbose(capsys):
    X, y = nn.data.logic_gate("OR")
    nn.fit(nn.Neuron(2, "sigmoid", seed=0), X, y, epochs=2, verbose=True)
    assert "2/2" in capsys.readouterr().err


def test_accuracy_rules():
    assert nn.accuracy(np.array([[0.1, 0.9], [0.8, 0.2]]), np.array([1, 1])) == 0.5
    assert nn.accuracy(np.array([[0.1, 0.9]]), np.array([[0.0, 1.0]])) == 1.0  # one-hot
    assert nn.accuracy(np.array([0.7, 0.2]), np.array([1, 0])) == 1.0  # probabilities
    assert nn.accuracy(np.array([0.3, -0.2]), np.array([1, -1])) == 1.0  # ±1 by sign
    assert nn.accuracy(np.array([0.3, -0.2]), np.array([1, 0]),
                       losses.binary_cross_entropy_with_logits) == 1.0  # logits at 0


def test_fit_stops_when_training_diverges():
    X, y = nn.data.two_moons(64, seed=0)
    model = nn.Sequential(nn.Linear(2, 32, "relu", seed=0), nn.Linear(32, 1, seed=1))
    with pytest.raises(FloatingPointError, match=r"the loss is (nan|inf) at epoch \d+, batch \d+: "
                                                 r"training diverged. Try a smaller learning "
                                                 r"rate \(it is 5\)"), np.errstate(all="ignore"):
        nn.fit(model, X * 100, y * 100, loss=losses.mse, epochs=50, batch_size=16,
               optimizer=optim.SGD(model.parameters(), lr=5.0), verbose=False)
    assert all(np.isfinite(p.data).all() for p in model.parameters())  # no nan step was taken


def test_fit_errors():
    X, y = nn.data.logic_gate("OR")
    with pytest.raises(ValueError, match="X has 4 examples but y has 3"):
        nn.fit(nn.Neuron(2), X, y[:3], verbose=False)
    with pytest.raises(ValueError, match="unknown metrics \\['f1'\\]"):
        nn.fit(nn.Neuron(2), X, y, metrics=("f1",), verbose=False)


# ---------------------------------------------------------------- the perceptron rule


def test_perceptron_learns_separable_data_and_counts_updates():
    X, y = nn.data.logic_gate("AND")
    neuron = nn.Neuron(2, "step", weights=[0.0, 0.0], bias=0.0)
    result = nn.perceptron_train(neuron, X, y, lr=1.0)
    assert result.converged and result.errors_per_epoch[-1] == 0
    assert result.updates == sum(result.errors_per_epoch) > 0
    assert [neuron(x).data for x in X] == y.tolist()


def test_perceptron_rule_by_hand_for_one_epoch():
    # w = 0, b = 0, lr = 1. [0,0] -> step(0) = 1, target 0: error −1, b = −1.
    # [0,1] -> step(−1) = 0, target 0: no change. [1,0] same. [1,1] -> step(−1) = 0, target 1:
    # error +1, w = (1, 1), b = 0.
    neuron = nn.Neuron(2, "step", weights=[0.0, 0.0], bias=0.0)
    X, y = nn.data.logic_gate("AND")
    result = nn.perceptron_train(neuron, X, y, max_epochs=1)
    assert result.errors_per_epoch == [2] and result.updates == 2 and not result.converged
    assert ([w.data for w in neuron.w], neuron.b.data) == ([1.0, 1.0], 0.0)


def test_perceptron_cannot_learn_xor():
    X, y = nn.data.logic_gate("XOR")
    result = nn.perceptron_train(nn.Neuron(2, "step", seed=0), X, y, max_epochs=50)
    assert not result.converged and result.epochs == 50 and min(result.errors_per_epoch) > 0


def test_perceptron_with_sign_and_bipolar_targets():
    X, y = nn.data.logic_gate("OR", "bipolar")
    result = nn.perceptron_train(nn.Neuron(2, "sign", seed=0), X, y, lr=0.5)
    assert result.converged


def test_perceptron_errors():
    X, y = nn.data.logic_gate("AND")
    with pytest.raises(ValueError, match="needs a neuron with step or sign activation"):
        nn.perceptron_train(nn.Neuron(2, "sigmoid"), X, y)
    with pytest.raises(ValueError, match="targets for step must be 0 or 1"):
        nn.perceptron_train(nn.Neuron(2, "step"), X, 2 * y - 1)
    with pytest.raises(ValueError, match=r"X must have shape \(examples, 3\)"):
        nn.perceptron_train(nn.Neuron(3, "step"), X, y)
