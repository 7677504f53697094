"""Refusals that name the function, the argument and the value, up front (issue #22, items 3
and 4): constructors check every argument when called, not at the first forward pass, and
no message comes from numpy's or Python's internals."""

from __future__ import annotations

import numpy as np
import pytest

import nn
from autograd import Tensor

UNKNOWN = r"unknown activation 'nope'; choose one of linear, tanh, sigmoid"

CONSTRUCTORS = [
    (lambda: nn.Dense(0), r"Dense: units must be a positive integer, got 0"),
    (lambda: nn.Dense(-2), r"Dense: units must be a positive integer, got -2"),
    (lambda: nn.Dense(2.5), r"Dense: units must be a positive integer, got 2\.5"),
    (lambda: nn.Dense(True), r"Dense: units must be a positive integer, got True"),
    (lambda: nn.Dense(3, activation="nope"), "Dense: " + UNKNOWN),
    (lambda: nn.Dense(3, activation=7), r"Dense: activation must be a name or a function, "
                                        r"got int 7"),
    (lambda: nn.Dense(3, input_dim=0), r"Dense: input_dim must be a positive integer, got 0"),
    (lambda: nn.Dense(3, dtype=np.int64), r"Dense: dtype must be a floating-point type "
                                          r"\(float32 or float64\), got int64"),
    (lambda: nn.Dense(3, dtype="banana"), r"Dense: dtype must be a floating-point type "
                                          r"\(float32 or float64\), got 'banana'"),
    (lambda: nn.Dense(3, seed="x"), r"Dense: seed must be None, an integer >= 0 or a "
                                    r"numpy Generator, got 'x'"),
    (lambda: nn.Dense(3, seed=-1), r"Dense: seed must be None, an integer >= 0"),
    (lambda: nn.Linear(2, 3, seed="x"), r"Linear: seed must be None, an integer >= 0"),
    (lambda: nn.Linear(2, 3, dtype="banana"), r"Linear: dtype must be a floating-point type"),
    (lambda: nn.Linear(0, 3), r"Linear: nin must be a positive integer, got 0"),
    (lambda: nn.Linear(2, 3, activation="nope"), "Linear: " + UNKNOWN),
    (lambda: nn.Conv2D(2, 3, seed="x"), r"Conv2D: seed must be None, an integer >= 0"),
    (lambda: nn.Conv2D(2, 3, dtype=np.int32), r"Conv2D: dtype must be a floating-point type "
                                              r"\(float32 or float64\), got int32"),
    (lambda: nn.Conv2D(2, 3, activation="nope"), "Conv2D: " + UNKNOWN),
    (lambda: nn.LeakyReLU("a"), r"LeakyReLU: alpha must be a finite number, got 'a'"),
    (lambda: nn.LeakyReLU(float("nan")), r"LeakyReLU: alpha must be a finite number, got nan"),
    (lambda: nn.ELU(None), r"ELU: alpha must be a finite number, got None"),
    (lambda: nn.Softmax("x"), r"Softmax: axis must be an integer, got 'x'"),
    (lambda: nn.Softmax(1.5), r"Softmax: axis must be an integer, got 1\.5"),
    (lambda: nn.Neuron(2, "nope"), "Neuron: " + UNKNOWN),
    (lambda: nn.Neuron(0), r"Neuron: nin must be a positive integer, got 0"),
    (lambda: nn.Neuron(2, weights=[1, float("nan")]), r"Neuron: weights\[1\] must be a finite "
                                                      r"number, got nan"),
    (lambda: nn.Neuron(2, weights=[1, "a"]), r"Neuron: weights\[1\] must be a finite number, "
                                             r"got 'a'"),
    (lambda: nn.Neuron(2, weights=3), r"Neuron: weights must be a list of 2 numbers, got int"),
    (lambda: nn.Neuron(2, bias="x"), r"Neuron: bias must be a finite number, got 'x'"),
    (lambda: nn.Neuron(2, seed="x"), r"Neuron: seed must be None, an integer >= 0"),
    (lambda: nn.Layer(2, 0), r"Layer: nout must be a positive integer, got 0"),
    (lambda: nn.Layer(0, 2), r"Layer: nin must be a positive integer, got 0"),
    (lambda: nn.Layer(2, 2, "nope"), "Layer: " + UNKNOWN),
    (lambda: nn.MLP(2, []), r"MLP: sizes must be a non-empty list of positive integers \(one "
                            r"width per layer\), got \[\]"),
    (lambda: nn.MLP(2, [3, 0]), r"MLP: sizes must be a non-empty list of positive integers "
                                r"\(one width per layer\), got \[3, 0\]"),
    (lambda: nn.MLP(2, 3), r"MLP: sizes must be a non-empty list of positive integers \(one "
                           r"width per layer\), got 3"),
    (lambda: nn.MLP(2, [3], activation="nope"), "MLP: " + UNKNOWN),
    (lambda: nn.MLP(2, [3], output_activation="nope"), "MLP: " + UNKNOWN),
    (lambda: nn.Concatenate(3), r"Concatenate: branch 0 must be a Module \(a layer\), got int"),
]


@pytest.mark.parametrize(("make", "message"), CONSTRUCTORS,
                         ids=[str(i) for i in range(len(CONSTRUCTORS))])
def test_layer_constructors_refuse_bad_arguments_at_once(make, message):
    with pytest.raises((ValueError, TypeError), match=message):
        make()


def test_valid_constructor_arguments_still_work():
    assert nn.Dense(3, "relu", seed=np.random.default_rng(0), dtype="float32").units == 3
    assert nn.Dense(np.int64(3), seed=np.uint8(4)).units == 3
    assert nn.Neuron(2, weights=np.array([1.0, 2.0]), bias=np.float32(0.5)).b.data == 0.5
    assert nn.LeakyReLU(0.2).alpha == 0.2 and nn.Softmax(np.int64(0)).axis == 0
    assert nn.MLP(2, (3, np.int32(1))).layers[1].neurons[0].nin == 3


def _gate():
    return nn.Neuron(2, "step", weights=[1.0, 1.0], bias=-1.5)


PERCEPTRON = [
    (dict(X=[[0, float("nan")], [1, 1]], y=[0, 1]),
     r"perceptron_train: X has nan at row 0, column 1"),
    (dict(X=[[0, 1], [float("inf"), 1]], y=[0, 1]),
     r"perceptron_train: X has inf at row 1, column 0"),
    (dict(X=[[0, 1], [1, 1]], y=[0, float("nan")]), r"perceptron_train: y has nan at row 1"),
    (dict(X=[[0, 1], [1, 1]], y=[0, 1], lr=float("nan")),
     r"perceptron_train: lr must be a finite number > 0, got nan"),
    (dict(X=[[0, 1], [1, 1]], y=[0, 1], lr=0), r"perceptron_train: lr must be a finite number "
                                               r"> 0, got 0"),
    (dict(X=[[0, 1], [1, 1]], y=[0, 1], max_epochs=0),
     r"perceptron_train: max_epochs must be a positive integer, got 0"),
]


@pytest.mark.parametrize(("kwargs", "message"), PERCEPTRON,
                         ids=[str(i) for i in range(len(PERCEPTRON))])
def test_the_perceptron_rule_refuses_non_finite_data_and_leaves_the_neuron(kwargs, message):
    neuron = _gate()
    before = [w.data for w in neuron.parameters()]
    with pytest.raises(ValueError, match=message):
        nn.perceptron_train(neuron, **kwargs)
    assert [w.data for w in neuron.parameters()] == before


# ---------------------------------------------------------------- messages of our own


def test_softmax_over_a_0d_tensor_is_one_and_log_softmax_zero_as_in_pytorch():
    for dtype in (np.float64, np.float32):
        x = Tensor(np.array(2.5, dtype), requires_grad=True)
        s, ls = x.softmax(), x.log_softmax()
        assert s.shape == () and s.data == 1.0 and s.dtype == dtype
        assert ls.shape == () and ls.data == 0.0 and ls.dtype == dtype
        (s + ls * 3.0).backward()
        assert x.grad.shape == () and x.grad == 0.0  # constants: nothing flows back
    with pytest.raises(ValueError, match=r"softmax: axis 1 is out of range for a Tensor of "
                                         r"shape \(\)"):
        Tensor(1.0).softmax(axis=1)


def test_softmax_over_an_empty_axis_is_empty_as_in_pytorch():
    x = Tensor(np.zeros((2, 0)), requires_grad=True)
    for op in ("softmax", "log_softmax"):
        out = getattr(x, op)(axis=-1)
        assert out.shape == (2, 0)
        out.sum().backward()
        assert x.grad.shape == (2, 0)
    assert Tensor(np.zeros((0, 3))).softmax(axis=0).shape == (0, 3)


def test_a_none_in_tensor_data_is_named_with_where_it_is():
    with pytest.raises(TypeError, match=r"Tensor\(\) takes numbers: element \[1\] is None"):
        Tensor([1.0, None])
    with pytest.raises(TypeError, match=r"Tensor\(\) takes numbers: element \[1, 0\] is None"):
        Tensor([[1.0, 2.0], [None, 3.0]])
    with pytest.raises(TypeError, match=r"Tensor\(\) takes numbers: element \[0\] is the str "
                                        r"'1\.0'"):
        Tensor(["1.0"])


def test_logic_gate_names_its_argument():
    with pytest.raises(TypeError, match=r"logic_gate: name must be one of AND, OR, NAND, XOR "
                                        r"or NOT \(a str\), got int 3"):
        nn.data.logic_gate(3)
    with pytest.raises(ValueError, match=r"logic_gate: unknown gate 'XNOR'; choose AND, OR, "
                                         r"NAND, XOR or NOT"):
        nn.data.logic_gate("XNOR")


def test_an_optimizer_given_the_parameters_method_says_to_call_it():
    model = nn.MLP(2, [3, 1], seed=0)
    for cls in (nn.optim.SGD, nn.optim.Adam):
        with pytest.raises(TypeError, match=rf"{cls.__name__}: got the method "
                                            r"model\.parameters itself; call it: "
                                            r"model\.parameters\(\)"):
            cls(model.parameters, lr=0.1)


def test_loading_an_archive_of_text_names_the_file_and_the_array(tmp_path):
    model = nn.Sequential(nn.Dense(2, input_dim=2, seed=0))
    path = tmp_path / "words.npz"
    np.savez(path, **{k: np.array(["a"] * v.size).reshape(v.shape)
                      for k, v in model.state_dict().items()})
    before = {k: v.copy() for k, v in model.state_dict().items()}
    with pytest.raises(ValueError, match=r"load: words\.npz: .* holds text \(dtype <U1\), not "
                                         r"numbers"):
        model.load(path)
    after = model.state_dict()
    assert all(np.array_equal(before[k], after[k]) for k in before)
