"""Training health recorded (issue #23, items 1 and 2): every statistic against numbers the
test computes itself, recordings every k steps, nothing left behind when off, callbacks."""

from __future__ import annotations

import math

import numpy as np
import pytest

import nn
from autograd import Tensor

RNG = np.random.default_rng(0)
X = RNG.normal(size=(8, 3))
Y = (X.sum(axis=1) > 0).astype(float).reshape(-1, 1)


def tensor_model():
    return nn.Sequential(nn.Dense(4, "tanh", input_dim=3, seed=0), nn.Dense(3, "relu", seed=1),
                         nn.Dense(1, "sigmoid", seed=2))


def _copy(model):
    return {k: np.array(v) for k, v in model.state_dict().items()}


def test_each_statistic_of_a_tensor_model_against_numpy():
    model = tensor_model()
    opt = nn.optim.SGD(model.parameters(), lr=0.5)
    W = [(layer.W.numpy().copy(), layer.b.numpy().copy()) for layer in model.layers]
    h1 = np.tanh(X @ W[0][0] + W[0][1])  # the forward pass, in numpy
    h2 = np.maximum(h1 @ W[1][0] + W[1][1], 0)
    out = 1 / (1 + np.exp(-(h2 @ W[2][0] + W[2][1])))
    with nn.Recorder(model, opt) as recorder:
        opt.zero_grad()
        nn.losses.mse(model(Tensor(X)), Y).backward()
        grads = [(layer.W.grad.copy(), layer.b.grad.copy()) for layer in model.layers]
        recorder.step()
    health = recorder.health
    assert list(health) == ["layers.0", "layers.1", "layers.2"]
    for name, a, kind, (gW, gb), (W0, _), layer in zip(
            health, (h1, h2, out), ("tanh", "relu", "sigmoid"), grads, W, model.layers):
        stats = {k: v[0] for k, v in health[name].items()}
        assert stats["act_mean"] == pytest.approx(a.mean()) and \
            stats["act_std"] == pytest.approx(a.std())
        saturated = {"tanh": np.mean(np.abs(a) > 0.9487), "relu": math.nan,
                     "sigmoid": np.mean((a < 0.0263) | (a > 0.9737))}[kind]
        assert stats["saturated"] == pytest.approx(saturated, abs=1e-12, nan_ok=True)
        dead = np.mean(np.all(a == 0, axis=0)) if kind == "relu" else math.nan
        assert stats["dead"] == pytest.approx(dead, nan_ok=True)
        assert stats["grad_norm"] == pytest.approx(np.sqrt((gW ** 2).sum() + (gb ** 2).sum()))
        assert stats["grad_std"] == pytest.approx(gW.std())
        step = layer.W.numpy() - W0
        assert stats["update_ratio"] == pytest.approx(np.linalg.norm(step) / np.linalg.norm(W0))
        assert stats["update_ratio"] == pytest.approx(0.5 * np.linalg.norm(gW) /
                                                      np.linalg.norm(W0))  # SGD: lr·|g|/|W|
    assert all("_forward_hooks" not in vars(m) for _, m in model.named_modules())  # closed


def test_dead_relus_and_saturated_sigmoids_are_counted():
    model = nn.Sequential(nn.Dense(5, "relu", input_dim=3, seed=0), nn.Dense(2, "sigmoid",
                                                                         seed=1))
    model.layers[0].b.data[:3] = -100.0  # three units that no example can wake
    model.layers[1].W.data *= 1000.0  # the sigmoid driven into its tails
    W1, b1 = model.layers[0].W.numpy().copy(), model.layers[0].b.numpy().copy()
    W2, b2 = model.layers[1].W.numpy().copy(), model.layers[1].b.numpy().copy()
    hidden = np.maximum(X @ W1 + b1, 0)  # before the step, in numpy
    with np.errstate(over="ignore"):
        out = 1 / (1 + np.exp(-(hidden @ W2 + b2)))
    opt = nn.optim.SGD(model.parameters(), lr=0.1)
    history = nn.fit(model, X, np.ones((8, 2)), optimizer=opt, epochs=1, watch=True,
                     verbose=False, metrics=())
    dead = history.health["layers.0"]["dead"][0]
    assert dead == np.mean(np.all(hidden == 0, axis=0)) and dead >= 3 / 5
    saturated = history.health["layers.1"]["saturated"][0]
    assert saturated == pytest.approx(np.mean((out < 0.0263) | (out > 0.9737)))
    assert saturated > 0.5


def test_a_separate_activation_module_is_the_layers_output_and_names_follow_the_model():
    model = nn.Sequential(nn.Linear(3, 4, seed=0), nn.ReLU(), nn.Linear(4, 1, seed=1))
    opt = nn.optim.SGD(model.parameters(), lr=0.1)
    with nn.Recorder(model, opt) as recorder:
        opt.zero_grad()
        nn.losses.mse(model(Tensor(X)), Y).backward()
        recorder.step()
    assert list(recorder.health) == ["layers.0", "layers.2"]
    assert recorder.layers[0].kind == "relu" and recorder.layers[1].kind == "linear"
    assert np.isnan(recorder.health["layers.2"]["dead"][0])  # a linear output


def test_a_model_of_values_one_example_at_a_time():
    model = nn.MLP(3, [4, 1], activation="tanh", seed=0)
    opt = nn.optim.SGD(model.parameters(), lr=0.1)
    first = np.array([[v.data for v in model.layers[0]([float(a) for a in x])] for x in X[:4]])
    history = nn.fit(model, X[:4], Y[:4].ravel(), optimizer=opt, epochs=1, watch=True,
                     verbose=False, metrics=(), shuffle=False)
    assert list(history.health) == ["layers.0", "layers.1"]
    assert history.health["layers.0"]["act_mean"][0] == pytest.approx(first.mean())
    assert history.health["layers.0"]["saturated"][0] == pytest.approx(
        np.mean(np.abs(first) > 0.9487))


def test_watch_every_k_steps_and_nothing_when_off():
    model = tensor_model()
    history = nn.fit(model, X, Y, optimizer=nn.optim.SGD(model.parameters(), lr=0.1),
                     epochs=4, batch_size=2, watch=3, verbose=False)  # 16 steps
    assert history.health_steps == [0, 3, 6, 9, 12, 15]
    assert all(len(values) == 6 for stats in history.health.values()
               for values in stats.values())
    plain = nn.fit(model, X, Y, epochs=1, verbose=False)
    assert plain.health == {} and plain.health_steps == []
    assert all("_forward_hooks" not in vars(m) for _, m in model.named_modules())


def test_the_health_is_saved_and_loaded_with_the_history(tmp_path):
    model = tensor_model()
    history = nn.fit(model, X, Y, epochs=2, watch=True, verbose=False)
    loaded = nn.History.load(history.save(tmp_path / "h.json"))
    assert loaded.history == history.history and loaded.epoch == history.epoch
    assert loaded.health_steps == history.health_steps
    for layer, stats in history.health.items():
        for stat, values in stats.items():
            np.testing.assert_array_equal(loaded.health[layer][stat], values)  # nan too
    (tmp_path / "bad.json").write_text("[1, 2]")
    with pytest.raises(ValueError, match=r"History\.load: bad\.json is not a saved history"):
        nn.History.load(tmp_path / "bad.json")


# ---------------------------------------------------------------- callbacks


class Count(nn.Callback):
    def __init__(self):
        self.calls = []

    def on_train_begin(self, logs):
        self.calls.append(("begin", tuple(logs["keys"])))

    def on_epoch_begin(self, epoch, logs):
        self.calls.append(("epoch", epoch))

    def on_batch_end(self, batch, logs):
        self.calls.append(("batch", batch, round(logs["loss"], 12)))

    def on_epoch_end(self, epoch, logs):
        self.calls.append(("end", epoch, tuple(logs)))
        self.snapshot = getattr(self, "snapshot", {})
        self.snapshot[epoch] = _copy(self.model)

    def on_train_end(self, logs):
        self.calls.append(("done",))


def test_callbacks_hear_every_epoch_and_batch():
    count = Count()
    model = tensor_model()
    nn.fit(model, X, Y, epochs=2, batch_size=4, callbacks=[count], verbose=False,
           validation_data=(X, Y))
    kinds = [c[0] for c in count.calls]
    assert kinds == ["begin", "epoch", "batch", "batch", "end", "epoch", "batch", "batch",
                     "end", "done"]
    assert count.calls[0] == ("begin", ("loss", "accuracy", "val_loss", "val_accuracy"))
    assert count.calls[4] == ("end", 1, ("loss", "accuracy", "val_loss", "val_accuracy"))


def test_early_stopping_stops_and_restores_the_best_epoch():
    count = Count()
    stop = nn.EarlyStopping(monitor="loss", patience=1, min_delta=1e9, restore_best=True)
    model = tensor_model()
    history = nn.fit(model, X, Y, epochs=10, callbacks=[count, stop], verbose=False)
    assert stop.best_epoch == 1 and stop.stopped_epoch == 3
    assert history.epoch == [1, 2, 3] and len(history["loss"]) == 3
    best = count.snapshot[1]
    now = model.state_dict()
    assert all(np.array_equal(best[k], now[k]) for k in best)  # the weights of epoch 1
    assert not all(np.array_equal(count.snapshot[3][k], now[k]) for k in best)


def test_a_monitor_fit_does_not_log_is_refused_before_anything_changes():
    model = tensor_model()
    before = _copy(model)
    with pytest.raises(ValueError, match=r"EarlyStopping: monitor 'val_loss' is not logged by "
                                         r"this fit; it logs loss, accuracy \(give fit "
                                         r"validation_data= for val_\*\)"):
        nn.fit(model, X, Y, epochs=3, callbacks=[nn.EarlyStopping()], verbose=False)
    assert all(np.array_equal(before[k], v) for k, v in model.state_dict().items())
    assert all("_forward_hooks" not in vars(m) for _, m in model.named_modules())


@pytest.mark.parametrize(("kwargs", "error", "message"), [
    (dict(callbacks=[object()]), TypeError, r"fit: callbacks must be nn\.callbacks objects"),
    (dict(watch=0), ValueError, r"fit: watch must be True, False or a positive integer"),
    (dict(watch=-2), ValueError, r"fit: watch must be True, False or a positive integer"),
    (dict(watch=1.5), ValueError, r"fit: watch must be True, False or a positive integer"),
])
def test_fit_refuses_bad_callbacks_and_watch(kwargs, error, message):
    with pytest.raises(error, match=message):
        nn.fit(tensor_model(), X, Y, verbose=False, **kwargs)


def test_early_stopping_checks_its_arguments():
    with pytest.raises(ValueError, match=r"EarlyStopping: patience must be a positive integer "
                                         r"\(or 0\), got -1"):
        nn.EarlyStopping(patience=-1)
    with pytest.raises(ValueError, match=r"EarlyStopping: mode must be 'auto', 'min' or "
                                         r"'max', got 'up'"):
        nn.EarlyStopping(mode="up")
    assert nn.EarlyStopping(monitor="val_accuracy").mode == "max"


def test_watch_true_records_once_an_epoch_at_its_first_step():
    model = tensor_model()
    history = nn.fit(model, X, Y, epochs=3, batch_size=3, watch=True, verbose=False)  # 3/epoch
    assert history.health_steps == [0, 3, 6]
    assert len(history.health["layers.0"]["grad_norm"]) == 3


OPTIMIZERS = sorted({c.__name__ for c in vars(nn.optim).values() if isinstance(c, type)
                     and issubclass(c, nn.optim.Optimizer) and c is not nn.optim.Optimizer})


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_every_optimizer_records_its_own_step(name):
    model = tensor_model()
    opt = getattr(nn.optim, name)(model.parameters())
    before = [layer.W.numpy().copy() for layer in model.layers]
    with nn.Recorder(model, opt) as recorder:
        opt.zero_grad()
        nn.losses.mse(model(Tensor(X)), Y).backward()
        recorder.step()
    for layer, W0, name_ in zip(model.layers, before, recorder.health):
        expected = np.linalg.norm(layer.W.numpy() - W0) / np.linalg.norm(W0)
        assert recorder.health[name_]["update_ratio"][0] == pytest.approx(expected)
        assert expected > 0


def test_snapshots_keep_the_parameters_every_k_epochs_and_the_last(tmp_path):
    count = Count()  # copies the weights at each epoch's end, independently
    model = tensor_model()
    start = _copy(model)
    history = nn.fit(model, X, Y, epochs=5, snapshots=2, callbacks=[count], verbose=False)
    assert sorted(history.snapshots) == [0, 2, 4, 5]
    for epoch, saved in history.snapshots.items():
        expected = start if epoch == 0 else count.snapshot[epoch]
        assert all(np.array_equal(saved[k], expected[k]) for k in expected)
    loaded = nn.History.load(history.save(tmp_path / "h.json"))
    assert sorted(loaded.snapshots) == [0, 2, 4, 5]
    assert all(np.array_equal(loaded.snapshots[4][k], history.snapshots[4][k])
               for k in history.snapshots[4])
    with pytest.raises(ValueError, match=r"fit: snapshots must be a positive integer \(every k "
                                         r"epochs\), or None, got 0"):
        nn.fit(tensor_model(), X, Y, snapshots=0, verbose=False)
    stopped = nn.fit(tensor_model(), X, Y, epochs=10, snapshots=4, verbose=False,
                     callbacks=[nn.EarlyStopping(monitor="loss", patience=1, min_delta=1e9)])
    assert sorted(stopped.snapshots) == [0, 3]  # the start and the epoch it stopped at


def test_register_forward_hook_as_pytorch():
    from nn import Dense, Sequential

    model = Sequential(Dense(3, "relu", input_dim=2), Dense(1))
    seen = []
    handle = model.layers[0].register_forward_hook(
        lambda module, args, output: seen.append((module, args[0].shape, output.shape)))
    x = Tensor(np.ones((4, 2)))
    model(x)
    assert seen == [(model.layers[0], (4, 2), (4, 3))]
    handle.remove()
    handle.remove()  # a second remove does nothing
    model(x)
    assert len(seen) == 1 and "_forward_hooks" not in vars(model.layers[0])
    with pytest.raises(TypeError, match=r"register_forward_hook: hook must be a function of "
                                        r"\(module, args, output\), got int"):
        model.layers[0].register_forward_hook(3)
