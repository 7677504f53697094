"""Modules: parameters and their order, scalar/tensor agreement, saving, errors."""

import numpy as np
import pytest

import nn
from autograd import Tensor, Value, gradcheck


def test_hand_set_neurons_compute_the_logic_gates():
    # Seed 000: w1 = w2 = 1, b = -1.5 with a step activation is AND.
    gates = {"AND": ([1, 1], -1.5), "OR": ([1, 1], -0.5), "NAND": ([-1, -1], 1.5)}
    for gate, (w, b) in gates.items():
        neuron = nn.Neuron(2, "step", weights=w, bias=b)
        X, y = nn.data.logic_gate(gate)
        assert [neuron(x).data for x in X] == y.tolist(), gate
    NOT = nn.Neuron(1, "step", weights=[-1], bias=0.5)
    assert [NOT([x]).data for x in (0, 1)] == [1.0, 0.0]


def test_neuron_computes_its_weighted_sum_and_activation():
    n = nn.Neuron(3, "tanh", weights=[0.5, -1.0, 2.0], bias=0.25)
    out = n([1.0, 2.0, -0.5])
    assert out.data == pytest.approx(np.tanh(0.5 - 2.0 - 1.0 + 0.25))
    assert [p.label for p in n.parameters()] == ["w₁", "w₂", "w₃", "b"]  # as the labs write


def test_parameters_neuron_by_neuron_layer_by_layer_weights_then_bias():
    mlp = nn.MLP(2, [3, 1], seed=0)
    names = [name for name, _ in mlp.named_parameters()]
    assert names[:4] == ["layers.0.neurons.0.w.0", "layers.0.neurons.0.w.1",
                         "layers.0.neurons.0.b", "layers.0.neurons.1.w.0"]
    assert names[-4:] == ["layers.1.neurons.0.w.0", "layers.1.neurons.0.w.1",
                          "layers.1.neurons.0.w.2", "layers.1.neurons.0.b"]
    assert len(names) == 3 * 3 + 4
    assert mlp.parameters() == [p for layer in mlp.layers for n in layer.neurons
                                for p in [*n.w, n.b]]


def test_seed_001_network_has_25_parameters():
    assert nn.MLP(3, [2, 4, 1]).num_parameters() == 3 * 2 + 2 + 2 * 4 + 4 + 4 * 1 + 1
    summary = nn.MLP(3, [2, 4, 1]).summary()
    assert "total: 25 parameters" in summary and "layers.1  Layer  12 scalars" in summary
    dense = nn.Sequential(nn.Dense(100, "sigmoid", input_dim=3072), nn.Dense(10))
    assert dense.num_parameters() == 3072 * 100 + 100 + 100 * 10 + 10
    assert "W (3072, 100), b (100,)" in dense.summary()


def test_linear_lists_W_then_b_and_computes_x_W_plus_b():
    layer = nn.Linear(3, 2, seed=0)
    assert [name for name, _ in layer.named_parameters()] == ["W", "b"]
    assert layer.W.shape == (3, 2) and layer.b.shape == (2,)
    x = np.array([[1.0, 2.0, 3.0]])
    np.testing.assert_allclose(layer(x).data, x @ layer.W.data + layer.b.data)


def copy_mlp_to_sequential(mlp: nn.MLP, activation, output_activation) -> nn.Sequential:
    layers = []
    for i, layer in enumerate(mlp.layers):
        last = i == len(mlp.layers) - 1
        lin = nn.Linear(len(layer.neurons[0].w), len(layer.neurons),
                        output_activation if last else activation)
        lin.W.data = np.array([[n.w[k].data for n in layer.neurons]
                               for k in range(len(layer.neurons[0].w))])
        lin.b.data = np.array([n.b.data for n in layer.neurons])
        layers.append(lin)
    return nn.Sequential(*layers)


@pytest.mark.parametrize(("activation", "output"), [("tanh", "sigmoid"), ("relu", None),
                                                     ("elu", "tanh"), ("leaky_relu", None)])
def test_same_mlp_on_values_and_on_tensors(activation, output):
    mlp = nn.MLP(3, [4, 3, 2], activation=activation,
                 output_activation=output or "linear", seed=1)
    seq = copy_mlp_to_sequential(mlp, activation, output)
    X = np.random.default_rng(2).standard_normal((5, 3))
    y = np.random.default_rng(3).standard_normal((5, 2))
    v_loss = nn.losses.mse([mlp(x) for x in X], y)
    t_loss = nn.losses.mse(seq(X), y)
    v_loss.backward()
    t_loss.backward()
    assert abs(v_loss.data - t_loss.item()) < 1e-12
    for layer, lin in zip(mlp.layers, seq.layers):
        W_grad = [[n.w[k].grad for n in layer.neurons] for k in range(len(layer.neurons[0].w))]
        np.testing.assert_allclose(lin.W.grad, W_grad, atol=1e-12)
        np.testing.assert_allclose(lin.b.grad, [n.b.grad for n in layer.neurons], atol=1e-12)


def test_gradients_of_a_sequential_pass_gradcheck():
    model = nn.Sequential(nn.Dense(4, "tanh", input_dim=3, seed=0), nn.Dense(2, "sigmoid"))
    X = np.random.default_rng(0).standard_normal((6, 3))
    W1, b1, W2, b2 = model.parameters()
    assert gradcheck(lambda *ps: nn.losses.mse(model(X), np.ones((6, 2))), [W1, b1, W2, b2])


def test_keras_style_sequential_and_the_concatenate_architecture():
    # Seed 004, exercise 6, second architecture: the output reads hidden and input together.
    model = nn.Sequential()
    model.add(nn.Concatenate(nn.Dense(units=2, activation="tanh", input_dim=2, seed=0),
                             nn.Identity()))
    model.add(nn.Dense(units=1, activation="tanh", seed=1))
    assert model[1].W.shape == (4, 1)
    X, _ = nn.data.logic_gate("XOR", "bipolar")
    hidden = np.tanh(X @ model[0].branches[0].W.data + model[0].branches[0].b.data)
    expected = np.tanh(np.hstack([hidden, X]) @ model[1].W.data + model[1].b.data)
    np.testing.assert_allclose(model(X).data, expected)
    params = model.parameters()
    assert gradcheck(lambda *ps: nn.losses.mse(model(X), np.zeros((4, 1))), params)


def test_dense_without_input_dim_is_built_by_sequential_or_first_call():
    first = nn.Dense(3)
    assert not first.built and first.parameters() == []
    with pytest.raises(ValueError, match="the first Dense layer needs input_dim"):
        nn.Sequential(first)
    lone = nn.Dense(3, "relu")
    assert lone(np.ones((2, 5))).shape == (2, 3) and lone.W.shape == (5, 3)


def test_state_dict_round_trip_and_npz_files(tmp_path):
    model = nn.Sequential(nn.Dense(3, "relu", input_dim=2, seed=0), nn.Dense(1))
    other = nn.Sequential(nn.Dense(3, "relu", input_dim=2, seed=5), nn.Dense(1, seed=6))
    state = model.state_dict()
    assert list(state) == ["layers.0.W", "layers.0.b", "layers.1.W", "layers.1.b"]
    state["layers.0.W"][0, 0] = 99.0  # a copy: the model is not changed through it
    assert model[0].W.data[0, 0] != 99.0
    model.save(tmp_path / "weights.npz")
    other.load(tmp_path / "weights.npz")
    X = np.random.default_rng(0).standard_normal((4, 2))
    np.testing.assert_array_equal(other(X).data, model(X).data)

    mlp, twin = nn.MLP(2, [2, 1], seed=0), nn.MLP(2, [2, 1], seed=9)
    mlp.save(tmp_path / "mlp.npz")
    twin.load(tmp_path / "mlp.npz")
    assert [p.data for p in twin.parameters()] == [p.data for p in mlp.parameters()]


def test_load_refuses_pickled_files(tmp_path):
    np.savez(tmp_path / "evil.npz", **{"layers.0.W": np.array([object()], dtype=object)})
    with pytest.raises(ValueError, match="evil.npz: layers.0.W holds Python objects, not "
                                         "numbers; this reader does not load them"):
        nn.Sequential(nn.Dense(1, input_dim=1)).load(tmp_path / "evil.npz")


def test_load_state_dict_reports_every_problem_and_changes_nothing():
    model = nn.Sequential(nn.Dense(3, input_dim=2, seed=0), nn.Dense(1, seed=0))
    before = model.state_dict()
    bad = dict(before)
    del bad["layers.1.b"]
    bad["layers.0.W"] = np.zeros((3, 2))
    bad["layers.9.W"] = np.zeros(1)
    bad["layers.0.b"] = "zeros"
    with pytest.raises(ValueError) as error:
        model.load_state_dict(bad)
    message = str(error.value)
    assert "missing: layers.1.b" in message and "unexpected: layers.9.W" in message
    assert "layers.0.W: expected shape (2, 3), got (3, 2)" in message
    assert "layers.0.b: not numbers (dtype <U5)" in message
    for name, value in model.state_dict().items():
        np.testing.assert_array_equal(value, before[name])


def test_zero_grad_train_eval_and_repr():
    mlp = nn.MLP(2, [2, 1], seed=0)
    mlp([1.0, 2.0]).backward()
    assert any(p.grad != 0 for p in mlp.parameters())
    mlp.zero_grad()
    assert all(p.grad == 0 for p in mlp.parameters())
    mlp.eval()
    assert not mlp.training and not mlp.layers[0].neurons[0].training
    mlp.train()
    assert mlp.layers[1].training
    assert "Layer(2 -> 2, activation='relu')" in repr(mlp)
    seq = nn.Sequential(nn.Linear(2, 3, "relu"), nn.LeakyReLU(0.2))
    assert "LeakyReLU(alpha=0.2)" in repr(seq) and "Linear(2 -> 3, activation='relu')" in repr(seq)


def test_activation_modules_and_names():
    x = Tensor([-2.0, 0.5])
    for module, method in [(nn.ReLU(), "relu"), (nn.Sigmoid(), "sigmoid"), (nn.Tanh(), "tanh"),
                           (nn.Softplus(), "softplus"), (nn.Step(), "step"),
                           (nn.Sign(), "sign")]:
        np.testing.assert_array_equal(module(x).data, getattr(x, method)().data)
    np.testing.assert_array_equal(nn.ELU(0.5)(x).data, x.elu(0.5).data)
    np.testing.assert_allclose(nn.Softmax()(x).data.sum(), 1.0)
    assert nn.Neuron(1, "linear", weights=[2.0])([3.0]).data == 6.0
    with pytest.raises(ValueError, match="unknown activation 'swish'"):
        nn.Neuron(2, "swish")


def test_wrong_input_width_names_both_sizes():
    with pytest.raises(ValueError, match="Neuron expects 2 inputs, got 3"):
        nn.Neuron(2)([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="Layer expects 3 inputs, got 2"):
        nn.Layer(3, 2)([1.0, 2.0])
    with pytest.raises(ValueError, match=r"Linear\(3 -> 2\) expects inputs with 3 features on "
                                         r"the last axis, got shape \(4, 5\)"):
        nn.Linear(3, 2)(np.ones((4, 5)))
    with pytest.raises(ValueError, match=r"takes one example .* got an array of shape \(4, 2\)"):
        nn.Neuron(2)(np.ones((4, 2)))
    with pytest.raises(ValueError, match="needs 2 weights, got 3"):
        nn.Neuron(2, weights=[1, 2, 3])


def test_value_models_take_values_as_inputs():
    n = nn.Neuron(2, "linear", weights=[2.0, 3.0], bias=1.0)
    x1, x2 = Value(1.0, label="x1"), Value(-1.0, label="x2")
    out = n([x1, x2])
    out.backward()
    assert out.data == 0.0 and (x1.grad, x2.grad) == (2.0, 3.0)


# ---------------------------------------------------------------- one shape protocol (#28)

def _layer_cases():
    from nn import (
        ELU,
        MLP,
        AvgPool2D,
        Concatenate,
        Conv2D,
        Dense,
        Flatten,
        Identity,
        Layer,
        LeakyReLU,
        Linear,
        MaxPool2D,
        Neuron,
        ReLU,
        Sequential,
        Sigmoid,
        Sign,
        Softmax,
        Softplus,
        Step,
        Tanh,
    )

    images = (2, 6, 7)
    return [
        (Dense(3, "relu", input_dim=4), 4), (Linear(4, 5), 4), (Flatten(), images),
        (Conv2D(3, 3, padding=1, input_shape=images), images),
        (Conv2D(3, (2, 3), stride=2, input_shape=images), images),
        (MaxPool2D(2), images), (AvgPool2D(3, strides=2), images),
        (Concatenate(Dense(2, input_dim=4), Identity()), 4),
        (Sequential(Conv2D(4, 3, input_shape=images), MaxPool2D(2), Flatten(), Dense(3)), images),
        *[(cls(), 5) for cls in (ELU, LeakyReLU, ReLU, Sigmoid, Sign, Softmax, Softplus, Step,
                                 Tanh, Identity)],
        (Neuron(3), 3), (Layer(3, 2), 3), (MLP(3, [4, 2]), 3),
    ]


@pytest.mark.parametrize("case", range(len(_layer_cases())))
def test_every_layer_says_the_output_shape_it_then_gives(case):
    layer, shape = _layer_cases()[case]
    said = layer.output_shape(shape)
    if isinstance(layer, (nn.Neuron, nn.Layer, nn.MLP)):  # Values: one example, a list
        out = layer([0.5] * shape)
        got = 1 if not isinstance(out, list) else len(out)
    else:
        x = np.random.default_rng(0).standard_normal((2, *np.atleast_1d(shape)))
        got = layer(Tensor(x)).shape[1:]
        got = got[0] if len(got) == 1 else got
    assert said == got, (layer, said, got)


def test_sequential_applies_one_rule_to_a_layer_of_ones_own():
    class Halve(nn.Module):  # a user's layer: says its output shape, and what it refuses
        def output_shape(self, input_shape):
            if input_shape is not None and input_shape % 2:
                raise ValueError(f"Halve needs an even width, got {input_shape}")
            return None if input_shape is None else input_shape // 2

        def forward(self, x):
            return x[..., ::2]

    model = nn.Sequential(nn.Dense(4, input_dim=3), Halve(), nn.Dense(1))
    assert model.layers[2].nin == 2 and model.output_shape(None) == 1
    before = list(model.layers)
    with pytest.raises(ValueError,
                       match=r"^Sequential: layer 3: Halve needs an even width, got 1$"):
        model.add(Halve())
    assert model.layers == before
