"""Issue #10, nn: every entry point checks its input up front, names the argument, and
leaves the model, the optimizer and the files exactly as they were.

Each case is a row: what to call, the exception type, words of the message that name the
problem; where there is state, a snapshot before and after proves nothing changed.
"""

from __future__ import annotations

import pickle
import signal
import struct

import numpy as np
import pytest

import nn
from autograd import Tensor, Value
from nn import losses, optim
from nn.data import read_cifar10_pickle

# ---------------------------------------------------------------- snapshots of state


def snapshot(model=None, optimizer=None):
    """Every number a model and an optimizer hold, copied."""
    params = [] if model is None else [np.array(p.data, copy=True) for p in
                                       model.parameters()]
    state = None
    if optimizer is not None:
        state = (optimizer.lr, optimizer.steps,
                 [{k: np.array(v, copy=True) for k, v in s.items()} for s in optimizer.state])
    return params, state


def assert_same(before, after):
    (p0, s0), (p1, s1) = before, after
    assert len(p0) == len(p1)
    for a, b in zip(p0, p1):
        np.testing.assert_array_equal(a, b)
    if s0 is not None:
        assert s0[:2] == s1[:2]
        assert [sorted(d) for d in s0[2]] == [sorted(d) for d in s1[2]]
        for d0, d1 in zip(s0[2], s1[2]):
            for k in d0:
                np.testing.assert_array_equal(d0[k], d1[k])


def tensor_model(seed=0):
    model = nn.Sequential()
    model.add(nn.Dense(3, "relu", input_dim=2, seed=seed))
    model.add(nn.Dense(1, "sigmoid", seed=seed + 1))
    return model


XOR_X, XOR_Y = nn.data.logic_gate("XOR")

# ---------------------------------------------------------------- fit


FIT_CASES = [
    ({"batch_size": -2}, ValueError, r"fit: batch_size must be a positive integer .*got -2"),
    ({"batch_size": 0}, ValueError, r"fit: batch_size must be a positive integer .*got 0"),
    ({"batch_size": 2.5}, ValueError, r"fit: batch_size must be a positive integer .*got 2\.5"),
    ({"epochs": -5}, ValueError, r"fit: epochs must be a positive integer, got -5"),
    ({"epochs": 2.5}, ValueError, r"fit: epochs must be a positive integer, got 2\.5"),
    ({"epochs": 0}, ValueError, r"fit: epochs must be a positive integer, got 0"),
    ({"loss": None}, TypeError, r"fit: loss must be a function .*nn\.losses\.mse.*got None"),
    ({"validation_data": (np.zeros((3, 2)), np.zeros(2))}, ValueError,
     r"fit: validation_data has 3 examples in X but 2 in y"),
    ({"validation_data": np.zeros((3, 2))}, TypeError,
     r"fit: validation_data must be a pair \(X_val, y_val\)"),
    ({"validation_data": (np.zeros((3, 5)), np.zeros(3))}, ValueError,
     r"fit: validation_data's X has 5 features, X has 2"),
    ({"metrics": ("precision",)}, ValueError, r"fit: unknown metrics \['precision'\]"),
    ({"l2": -1.0}, ValueError, r"fit: l2 must be a finite number >= 0, got -1\.0"),
    ({"l2": float("nan")}, ValueError, r"fit: l2 must be a finite number >= 0, got nan"),
    ({"optimizer": "adam"}, TypeError, r"fit: optimizer must be an nn\.optim optimizer, got str"),
    ({"schedule": 0.5}, TypeError, r"fit: schedule must be an nn\.optim schedule"),
]


@pytest.mark.parametrize(("kwargs", "error", "message"), FIT_CASES,
                         ids=[str(sorted(c[0])) for c in FIT_CASES])
@pytest.mark.parametrize("kind", ["tensor", "value"])
def test_fit_checks_every_argument_before_the_first_step(kind, kwargs, error, message):
    model = tensor_model() if kind == "tensor" else nn.MLP(2, [3, 1], seed=0)
    opt = optim.SGD(model.parameters(), lr=0.1)
    options = {"loss": losses.mse, "optimizer": opt, "epochs": 2, "verbose": False, **kwargs}
    before = snapshot(model, opt)
    with pytest.raises(error, match=message):
        nn.fit(model, XOR_X, XOR_Y, **options)
    assert_same(before, snapshot(model, opt))


@pytest.mark.parametrize(("X", "y", "message"), [
    (np.zeros((0, 2)), np.zeros(0), r"fit: X has no examples"),
    (XOR_X, XOR_Y[:3], r"fit: X has 4 examples but y has 3"),
    (np.array([[0, 0], [0, np.nan], [1, 0], [1, 1.0]]), XOR_Y,
     r"fit: X has nan at row 1, column 1 \(1 value\(s\) not finite\)"),
    (XOR_X, np.array([0, 1, np.inf, 0.0]), r"fit: y has inf at row 2 \(1 value\(s\) not finite\)"),
    (np.array([["a", "b"]] * 4), XOR_Y, r"fit: X must hold numbers, got dtype <U1"),
])
@pytest.mark.parametrize("kind", ["tensor", "value"])
def test_fit_checks_the_data_and_names_rows_and_columns(kind, X, y, message):
    model = tensor_model() if kind == "tensor" else nn.MLP(2, [3, 1], seed=0)
    opt = optim.Adam(model.parameters(), lr=0.1)
    before = snapshot(model, opt)
    with pytest.raises((ValueError, TypeError), match=message):
        nn.fit(model, X, y, loss=losses.mse, optimizer=opt, verbose=False)
    assert_same(before, snapshot(model, opt))


def test_evaluate_and_predict_check_their_data():
    model = tensor_model()
    with pytest.raises(ValueError, match=r"evaluate: X has 4 examples but y has 3"):
        nn.evaluate(model, XOR_X, XOR_Y[:3])
    with pytest.raises(ValueError, match=r"predict: X has nan at row 0, column 0"):
        nn.predict(model, np.array([[np.nan, 0.0]]))
    with pytest.raises(ValueError, match=r"predict: X has no examples"):
        nn.predict(model, np.zeros((0, 2)))


# ---------------------------------------------------------------- optimizers and schedules


def _params():
    return [Tensor(np.ones(2), requires_grad=True)]


OPTIMIZER_CASES = [
    (optim.SGD, {"lr": float("nan")}, r"SGD: lr must be a finite number >= 0, got nan"),
    (optim.SGD, {"lr": float("inf")}, r"SGD: lr must be a finite number >= 0, got inf"),
    (optim.SGD, {"lr": -0.1}, r"SGD: lr must be a finite number >= 0, got -0\.1"),
    (optim.SGD, {"lr": "0.1"}, r"SGD: lr must be a finite number >= 0, got '0\.1'"),
    (optim.SGD, {"momentum": float("nan")}, r"SGD: momentum must be a finite number in "
                                            r"\[0, 1\], got nan"),
    (optim.SGD, {"momentum": -0.5}, r"SGD: momentum must be .* got -0\.5"),
    (optim.SGD, {"weight_decay": -1.0}, r"SGD: weight_decay must be a finite number >= 0"),
    (optim.Adam, {"betas": (1.0, 0.999)}, r"Adam: betas\[0\] must be a finite number in \[0, 1\), "
                                          r"got 1\.0"),
    (optim.Adam, {"betas": (0.9, 1.5)}, r"Adam: betas\[1\] must be a finite number in \[0, 1\)"),
    (optim.Adam, {"betas": 0.9}, r"Adam: betas must be a pair"),
    (optim.Adam, {"eps": -1e-8}, r"Adam: eps must be a finite number >= 0"),
    (optim.Nadam, {"betas": (0.9, 1.0)}, r"Nadam: betas\[1\] must be a finite number in \[0, 1\)"),
    (optim.RMSprop, {"alpha": 1.5}, r"RMSprop: alpha must be a finite number in \[0, 1\]"),
    (optim.Adadelta, {"rho": float("nan")}, r"Adadelta: rho must be a finite number in \[0, 1\]"),
    (optim.Adagrad, {"lr_decay": -1.0}, r"Adagrad: lr_decay must be a finite number >= 0"),
]


@pytest.mark.parametrize(("cls", "kwargs", "message"), OPTIMIZER_CASES,
                         ids=[f"{c[0].__name__}-{sorted(c[1])}" for c in OPTIMIZER_CASES])
def test_optimizers_validate_at_construction(cls, kwargs, message):
    with pytest.raises((ValueError, TypeError), match=message):
        cls(_params(), **kwargs)


@pytest.mark.parametrize(("make", "message"), [
    (lambda o: optim.ExponentialLR(o, gamma=-1), r"ExponentialLR: gamma must be a finite number "
                                                 r"> 0, got -1"),
    (lambda o: optim.ExponentialLR(o, gamma=float("nan")), r"gamma must be a finite number > 0"),
    (lambda o: optim.StepLR(o, step_size=0), r"StepLR: step_size must be a positive integer, "
                                             r"got 0"),
    (lambda o: optim.StepLR(o, step_size=2, gamma=0), r"StepLR: gamma must be a finite number > 0"),
    (lambda o: optim.InverseTimeDecay(o, decay_rate=-1), r"InverseTimeDecay: decay_rate must be "
                                                         r"a finite number >= 0"),
    (lambda o: optim.InverseTimeDecay(o, 0.5, decay_steps=0), r"decay_steps must be a positive "
                                                              r"integer"),
    (lambda o: optim.StepLR("not an optimizer", 2), r"StepLR: optimizer must be an nn\.optim "
                                                    r"optimizer, got str"),
])
def test_schedules_validate_at_construction(make, message):
    with pytest.raises((ValueError, TypeError), match=message):
        make(optim.SGD(_params(), lr=0.1))


@pytest.mark.parametrize("cls", [optim.SGD, optim.Adam, optim.RMSprop, optim.Adagrad,
                                 optim.Adadelta, optim.Nadam])
def test_step_is_all_or_nothing(cls):
    a = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    b = Tensor(np.array([[1.0, 2.0], [3.0, 4.0]]), requires_grad=True)
    opt = cls([a, b], lr=0.1)
    a.grad, b.grad = np.array([0.5, -0.5]), np.ones((2, 2))
    opt.step()  # one good step, so there is state to keep
    a.grad, b.grad = np.array([0.5, -0.5]), np.ones(4)  # b's gradient has the wrong shape
    before = snapshot(None, opt)
    data = (a.data.copy(), b.data.copy())
    with pytest.raises(ValueError, match=rf"{cls.__name__}\.step: parameter 1's gradient has "
                                         r"shape \(4,\), the parameter has shape \(2, 2\)"):
        opt.step()
    np.testing.assert_array_equal(a.data, data[0])
    np.testing.assert_array_equal(b.data, data[1])
    assert_same(before, snapshot(None, opt))


@pytest.mark.parametrize("cls", [optim.SGD, optim.Adam, optim.RMSprop, optim.Adagrad,
                                 optim.Adadelta, optim.Nadam])
def test_load_state_dict_resumes_exactly(cls):
    rng = np.random.default_rng(0)
    kwargs = {"lr": 0.05, "momentum": 0.9} if cls is optim.SGD else {"lr": 0.05}

    def run(opt, params, steps, start):
        for k in range(steps):
            for p in params:
                g = np.random.default_rng(start + k).standard_normal(np.shape(p.data))
                p.grad = float(g) if isinstance(p, Value) else g
            opt.step()

    init = [rng.standard_normal((2, 3)), rng.standard_normal(3)]
    params = [Tensor(init[0].copy(), requires_grad=True), Value(0.3)]
    opt = cls(params, **kwargs)
    run(opt, params, 3, 0)
    saved_state = opt.state_dict()
    saved_params = [np.array(p.data, copy=True) for p in params]
    run(opt, params, 2, 100)
    reference = [np.array(p.data, copy=True) for p in params]

    fresh = [Tensor(saved_params[0].copy(), requires_grad=True), Value(float(saved_params[1]))]
    again = cls(fresh, **{**kwargs, "lr": 1.0})  # lr comes back from the state too
    again.load_state_dict(saved_state)
    run(again, fresh, 2, 100)
    for p, expected in zip(fresh, reference):
        assert np.array_equal(np.asarray(p.data), expected)  # to the last bit


def test_load_state_dict_refuses_what_does_not_fit_and_changes_nothing():
    opt = optim.Adam(_params(), lr=0.1)
    other = optim.Adam([Tensor(np.ones(3), requires_grad=True)], lr=0.2)
    other.params[0].grad = np.ones(3)
    other.step()
    before = snapshot(None, opt)
    with pytest.raises(ValueError, match=r"Adam\.load_state_dict: parameter 0's state m has "
                                         r"shape \(3,\), the parameter has shape \(2,\)"):
        opt.load_state_dict(other.state_dict())
    with pytest.raises(ValueError, match=r"load_state_dict: the state is for SGD, not Adam"):
        opt.load_state_dict(optim.SGD(_params()).state_dict())
    assert_same(before, snapshot(None, opt))


def test_an_optimizer_given_a_model_says_to_pass_its_parameters():
    model = nn.MLP(2, [3, 1], seed=0)
    with pytest.raises(TypeError, match=r"SGD: got a MLP model; pass model\.parameters\(\)"):
        optim.SGD(model)


def test_an_unbuilt_dense_layer_gets_a_hint_about_input_dim():
    with pytest.raises(ValueError, match=r"Adam got no parameters to optimize.*input_dim"):
        optim.Adam(nn.Dense(4).parameters())


# ---------------------------------------------------------------- models and files


class Frozen(nn.Module):
    def __init__(self):
        self.W = Tensor(np.arange(4.0).reshape(2, 2), requires_grad=True)
        self.mask = Tensor(np.array([1.0, 0.0]))  # a buffer: saved, never trained

    def forward(self, x):
        return x @ self.W * self.mask


def test_state_dict_saves_frozen_tensors_and_buffers():
    m = Frozen()
    m.W.requires_grad = False
    state = m.state_dict()
    assert sorted(state) == ["W", "mask"]
    m2 = Frozen()
    m2.W.data = np.zeros((2, 2))
    m2.load_state_dict(state)
    np.testing.assert_array_equal(m2.W.data, np.arange(4.0).reshape(2, 2))
    assert [name for name, _ in m.named_parameters()] == []  # frozen: not trained


class Branches(nn.Module):
    def __init__(self):
        self.heads = {"left": nn.Linear(2, 1, seed=0), "right": nn.Linear(2, 1, seed=1)}

    def forward(self, x):
        return self.heads["left"](x) + self.heads["right"](x)


def test_a_dict_of_modules_is_found():
    m = Branches()
    assert [n for n, _ in m.named_parameters()] == ["heads.left.W", "heads.left.b",
                                                    "heads.right.W", "heads.right.b"]
    assert sorted(m.state_dict()) == ["heads.left.W", "heads.left.b", "heads.right.W",
                                      "heads.right.b"]
    with pytest.raises(TypeError, match=r"dict keys must be strings"):
        class Bad(nn.Module):
            def __init__(self):
                self.heads = {1: nn.Linear(2, 1)}
        list(Bad().named_parameters())


def test_l2_decides_what_is_a_bias_by_role_not_by_name():
    class Odd(nn.Module):
        def __init__(self):
            self.b = Tensor(np.ones((2, 1)), requires_grad=True)  # a weight matrix named b
            self.bias = Tensor(np.zeros(1), requires_grad=True)

        biases = ("bias",)

        def forward(self, x):
            return x @ self.b + self.bias

    m = Odd()
    assert [w is m.b for w in m.weights()] == [True]
    dense = nn.Dense(1, input_dim=2)
    assert dense.weights() == [dense.W]
    mlp = nn.MLP(2, [2, 1], seed=0)
    assert len(mlp.weights()) == 6 and all(w.label.startswith("w") for w in mlp.weights())


@pytest.mark.parametrize("suffix", ["", ".npz"])
def test_save_and_load_agree_on_the_file_name(tmp_path, suffix):
    m = tensor_model()
    m.save(tmp_path / f"w{suffix}")
    assert (tmp_path / "w.npz").is_file()
    m2 = tensor_model(seed=5)
    m2.load(tmp_path / f"w{suffix}")
    for a, b in zip(m.parameters(), m2.parameters()):
        np.testing.assert_array_equal(a.data, b.data)


def _bad_files(tmp_path):
    text = tmp_path / "text.npz"
    text.write_text("not a zip at all")
    npy = tmp_path / "one.npy"
    np.save(npy, np.ones(3))
    truncated = tmp_path / "cut.npz"
    tensor_model().save(tmp_path / "whole.npz")
    truncated.write_bytes((tmp_path / "whole.npz").read_bytes()[:200])
    objects = tmp_path / "objects.npz"
    np.savez(objects, W=np.array([{"a": 1}], dtype=object))
    return [(text, r"text\.npz is not a \.npz archive"), (npy, r"one\.npy holds one array"),
            (truncated, r"cut\.npz is damaged or truncated"),
            (objects, r"objects\.npz: W holds Python objects"),
            (tmp_path / "missing.npz", r"missing\.npz does not exist")]


def test_load_names_the_file_and_what_is_wrong_and_never_suggests_unpickling(tmp_path):
    for path, message in _bad_files(tmp_path):
        m = tensor_model()
        before = snapshot(m)
        with pytest.raises((ValueError, FileNotFoundError)) as info:
            m.load(path)
        assert info.match(message), (path, str(info.value))
        assert "pickle" not in str(info.value).lower()  # never the advice to unpickle
        assert_same(before, snapshot(m))


def test_save_into_a_missing_folder_names_it_and_writes_nothing(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"save: the folder .*nope does not exist"):
        tensor_model().save(tmp_path / "nope" / "w.npz")
    assert not (tmp_path / "nope").exists()


# ---------------------------------------------------------------- data


DATA_CASES = [
    (lambda: nn.data.one_hot([0, -1, 2]), ValueError, r"one_hot: class -1 is negative"),
    (lambda: nn.data.one_hot([0, 5], classes=3), ValueError,
     r"one_hot: class 5 is outside the 3 classes 0\.\.2"),
    (lambda: nn.data.one_hot([0, 1.5]), ValueError, r"one_hot: classes must be whole numbers"),
    (lambda: nn.data.one_hot([0, 1], classes=0), ValueError, r"one_hot: classes must be"),
    (lambda: nn.data.train_test_split(XOR_X, XOR_Y, test_size=-0.5), ValueError,
     r"train_test_split: test_size must be a finite number in \(0, 1\)"),
    (lambda: nn.data.train_test_split(XOR_X, XOR_Y, test_size=1.5), ValueError,
     r"train_test_split: test_size must be a finite number in \(0, 1\)"),
    (lambda: nn.data.train_test_split(XOR_X, XOR_Y[:3]), ValueError,
     r"train_test_split: X has 4 examples but y has 3"),
    (lambda: nn.data.train_test_split(XOR_X, XOR_Y, test_size=0.01), ValueError,
     r"train_test_split: test_size=0\.01 of 4 examples leaves the test set empty"),
    (lambda: nn.data.spirals(classes=0), ValueError,
     r"spirals: classes must be a positive integer, got 0"),
    (lambda: nn.data.spirals(n=2, classes=3), ValueError, r"spirals: n=2 gives no example"),
    (lambda: nn.data.two_moons(n=-5), ValueError, r"two_moons: n must be an integer >= 2, "
                                                  r"got -5"),
    (lambda: nn.data.circles(noise=-1), ValueError, r"circles: noise must be a finite number "
                                                    r">= 0"),
    (lambda: nn.data.parity(2.5), ValueError, r"parity: n_bits must be an integer from 1 to "
                                              r"20"),
    (lambda: Tensor(None), TypeError, r"Tensor\(\) takes numbers.*got NoneType"),
    (lambda: Tensor([1.0, None]), TypeError, r"Tensor\(\) takes numbers: element \[1\] is "
                                             r"None"),
    (lambda: Tensor(["1.0"]), TypeError, r"Tensor\(\) takes numbers"),
    (lambda: nn.accuracy(np.array([[0.9], [0.1], [0.8], [0.2]]), np.array([1.0])), ValueError,
     r"accuracy: 4 predictions but 1 target"),
    (lambda: nn.data.standardize(np.zeros((0, 2))), ValueError,
     r"standardize: X_train has no examples"),
]


@pytest.mark.parametrize(("call", "error", "message"), DATA_CASES,
                         ids=[str(i) for i in range(len(DATA_CASES))])
def test_data_functions_check_their_arguments(call, error, message):
    with pytest.raises(error, match=message):
        call()


# ---------------------------------------------------------------- CIFAR-10 pickles, bounded


class _Alarm:
    """Fail the test, rather than hang, if a reader runs for more than ``seconds``."""

    def __init__(self, seconds):
        self.seconds = seconds

    def __enter__(self):
        def fail(*_):
            raise TimeoutError(f"still running after {self.seconds} s")
        self.old = signal.signal(signal.SIGALRM, fail)
        signal.alarm(self.seconds)

    def __exit__(self, *exc):
        signal.alarm(0)
        signal.signal(signal.SIGALRM, self.old)


def _nested_shared_lists(levels):
    """A small pickle whose labels are lists that share one another: 2**levels leaves."""
    inner = [0]
    for _ in range(levels):
        inner = [inner, inner]
    return pickle.dumps({b"data": np.zeros((2, 3072), np.uint8), b"labels": inner}, protocol=2)


def _ndarray_call(shape):
    """A pickle that calls numpy.ndarray(shape): an uninitialised array of that size."""
    shape_ops = b"(" + b"".join(b"J" + struct.pack("<i", n) for n in shape) + b"t"
    return (b"\x80\x02cnumpy\nndarray\n(" + shape_ops + b"tR.")


def test_cifar_pickle_of_nested_shared_lists_is_refused_at_once(tmp_path):
    path = tmp_path / "data_batch_1"
    path.write_bytes(_nested_shared_lists(40))
    assert path.stat().st_size < 7000
    with _Alarm(10), pytest.raises(ValueError, match=r"data_batch_1: labels must be a list of "
                                                     r"class numbers"):
        read_cifar10_pickle(path)


def test_cifar_pickle_cannot_allocate_a_huge_array(tmp_path):
    path = tmp_path / "data_batch_1"
    path.write_bytes(_ndarray_call((30000, 30000)))
    assert path.stat().st_size < 300
    with _Alarm(10), pytest.raises(pickle.UnpicklingError, match=r"data_batch_1: an array of "
                                                                 r"900,000,000 elements"):
        read_cifar10_pickle(path)


def test_cifar_pickle_file_too_big_to_be_a_batch(tmp_path):
    path = tmp_path / "data_batch_1"
    with open(path, "wb") as f:
        f.seek(200 * 2**20)
        f.write(b"\0")
    with pytest.raises(ValueError, match=r"data_batch_1 is 200\.0 MB: a CIFAR-10 batch is about "
                                         r"31 MB"):
        read_cifar10_pickle(path)


def test_a_real_shaped_cifar_pickle_still_reads(tmp_path):
    path = tmp_path / "data_batch_1"
    data = np.arange(3 * 3072, dtype=np.uint8).reshape(3, 3072)
    with open(path, "wb") as f:
        pickle.dump({b"data": data, b"labels": [1, 2, 9]}, f, protocol=2)
    X, y = read_cifar10_pickle(path)
    np.testing.assert_array_equal(X, data)
    np.testing.assert_array_equal(y, [1, 2, 9])
