"""Issue #15: nn.to_torch / nn.from_torch. The same network in PyTorch, with the same
weights: outputs and gradients agree to 1e-12 in float64 and 1e-6 in float32, for every
supported layer and for whole models; what cannot be converted is refused by name."""

from __future__ import annotations

import numpy as np
import pytest

import nn
from autograd import Tensor, Value

torch = pytest.importorskip("torch")
TOL = {np.float64: 1e-12, np.float32: 1e-6}
ACTIVATIONS = ["relu", "sigmoid", "tanh", "leaky_relu", "elu", "softplus", "arctan", None]


def _close(a, b, dtype) -> None:
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    assert a.shape == b.shape
    scale = max(1.0, float(np.abs(b).max(initial=0.0)))
    assert np.abs(a - b).max(initial=0.0) <= TOL[dtype] * scale, np.abs(a - b).max()


def _ours_grads(model) -> list[np.ndarray]:
    """Every parameter's gradient, in PyTorch's layout and order (weight nout×nin, bias)."""
    if isinstance(model, nn.MLP | nn.Layer | nn.Neuron):
        layers = model.layers if isinstance(model, nn.MLP) else [model]
        out = []
        for layer in layers:
            neurons = layer.neurons if isinstance(layer, nn.Layer) else [layer]
            out.append(np.array([[w.grad for w in n.w] for n in neurons]))
            out.append(np.array([n.b.grad for n in neurons]))
        return out
    return [p.grad.T if p.ndim == 2 else p.grad for p in model.parameters()]


def check_twin(model, X, dtype=np.float64, seed=0):
    """Outputs, parameter gradients and input gradients of ``model`` and ``to_torch(model)``
    on X, for the loss sum(output · R) with a random R."""
    twin = nn.to_torch(model)
    X = X.astype(dtype)
    values = isinstance(model, nn.MLP | nn.Layer | nn.Neuron)
    if values:
        inputs = [[Value(float(v)) for v in row] for row in X]
        outs = [model(row) for row in inputs]
        outs = [o if isinstance(o, list) else [o] for o in outs]
        ours = np.array([[o.data for o in row] for row in outs])
    else:
        x = Tensor(X, requires_grad=True)
        out = model(x)
        ours = out.data
    R = np.random.default_rng(seed).normal(size=ours.shape).astype(dtype)
    tx = torch.tensor(X, requires_grad=True)
    theirs = twin(tx)
    _close(ours, theirs.detach().numpy(), dtype)
    (theirs * torch.from_numpy(R)).sum().backward()
    if values:
        loss = sum(o * float(r) for row, rrow in zip(outs, R) for o, r in zip(row, rrow))
        loss.backward()
        x_grad = np.array([[v.grad for v in row] for row in inputs])
    else:
        (out * R).sum().backward()
        x_grad = x.grad
    _close(x_grad, tx.grad.numpy(), dtype)
    theirs_grads = [p.grad.numpy() for p in twin.parameters()]
    ours_grads = _ours_grads(model)
    assert len(ours_grads) == len(theirs_grads)
    for a, b in zip(ours_grads, theirs_grads):
        _close(a, b, dtype)
    return twin


X3 = np.random.default_rng(1).normal(size=(6, 3))


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_a_neuron_of_values(activation):
    check_twin(nn.Neuron(3, activation, seed=2), X3)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_a_layer_of_values(activation):
    check_twin(nn.Layer(3, 4, activation, seed=3), X3)


def test_an_mlp_of_values_whole():
    model = nn.MLP(3, [4, 4, 2], activation="tanh", output_activation="sigmoid", seed=4)
    twin = check_twin(model, X3)
    assert [type(m).__name__ for m in twin] == ["Linear", "Tanh", "Linear", "Tanh", "Linear",
                                                "Sigmoid"]
    assert all(p.dtype == torch.float64 for p in twin.parameters())


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_a_dense_layer_of_tensors(activation, dtype):
    twin = check_twin(nn.Dense(5, activation, input_dim=3, seed=5, dtype=dtype), X3, dtype)
    assert next(twin.parameters()).dtype == {np.float64: torch.float64,
                                            np.float32: torch.float32}[dtype]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("module", [nn.ReLU(), nn.Sigmoid(), nn.Tanh(), nn.LeakyReLU(0.2),
                                    nn.ELU(0.5), nn.Softplus(), nn.Softmax(), nn.Identity()],
                         ids=lambda m: type(m).__name__)
def test_each_activation_module(module, dtype):
    model = nn.Sequential(nn.Dense(4, input_dim=3, seed=6, dtype=dtype), module)
    check_twin(model, X3, dtype)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_a_whole_model_with_concatenate(dtype):
    model = nn.Sequential(
        nn.Dense(4, "relu", input_dim=3, seed=7, dtype=dtype),
        nn.Concatenate(nn.Dense(2, "tanh", input_dim=4, seed=8, dtype=dtype), nn.Identity()),
        nn.Dense(3, seed=9, dtype=dtype), nn.Softmax())
    check_twin(model, X3, dtype)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_from_torch_gives_the_same_network_back(dtype):
    torch_dtype = {np.float64: torch.float64, np.float32: torch.float32}[dtype]
    torch.manual_seed(0)
    theirs = torch.nn.Sequential(torch.nn.Linear(3, 5), torch.nn.ReLU(), torch.nn.Linear(5, 4),
                                 torch.nn.LeakyReLU(0.2), torch.nn.Linear(4, 2),
                                 torch.nn.Sigmoid()).to(torch_dtype)
    ours = nn.from_torch(theirs)
    assert [type(m).__name__ for m in ours.layers] == ["Linear", "Linear", "LeakyReLU",
                                                       "Linear"]
    assert [m.activation for m in ours.layers if isinstance(m, nn.Linear)] == \
        ["relu", None, "sigmoid"]
    assert ours.layers[0].W.dtype == dtype
    twin = check_twin(ours, X3, dtype)  # ours against its own conversion back to torch
    for a, b in zip(twin.parameters(), theirs.parameters()):
        assert torch.equal(a, b)  # the round trip changes no weight, not even a bit


def test_the_copies_are_independent():
    model = nn.Sequential(nn.Dense(2, "tanh", input_dim=3, seed=0))
    before = model.layers[0].W.data.copy()
    twin = nn.to_torch(model)
    with torch.no_grad():
        for p in twin.parameters():
            p.add_(1.0)
    assert np.array_equal(model.layers[0].W.data, before)


@pytest.mark.parametrize(("model", "message"), [
    (nn.Sequential(nn.Dense(2, "step", input_dim=3)),
     "to_torch: Sequential.layers.0 uses the step activation, whose gradient is 0"),
    (nn.Neuron(2, "sign"), "to_torch: Neuron uses the sign activation"),
    (nn.Sequential(nn.Dense(2, lambda x: x * 2, input_dim=3)),
     "to_torch: Sequential.layers.0 uses a custom activation function"),
    (nn.Sequential(nn.Dense(2, input_dim=3), nn.Concatenate(nn.Dense(2))),
     r"to_torch: Sequential.layers.1.branches.0 \(Dense, units=2\) has no weights yet"),
    (nn.Sequential(nn.Dense(2, input_dim=3), nn.Step()),
     r"to_torch: Sequential.layers.1 \(Step\) cannot be converted"),
])
def test_to_torch_names_what_it_cannot_convert(model, message):
    with pytest.raises(ValueError, match=message):
        nn.to_torch(model)


@pytest.mark.parametrize(("module", "message"), [
    (torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.BatchNorm1d(2)),
     r"from_torch: Sequential.1 \(BatchNorm1d\) cannot be converted; supported: Sequential, "
     r"Linear, Conv2d"),
    (torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.Conv2d(1, 1, 3)),
     r"Conv2D needs images of shape \(channels, height, width\), got 2 \(a flat width"),
    (torch.nn.Linear(3, 2, bias=False), r"Linear without a bias\) cannot be converted"),
    (torch.nn.Linear(3, 2).half(), "has weights of dtype torch.float16"),
    (torch.nn.Softplus(beta=2), r"Softplus with beta=2\) cannot be converted"),
])
def test_from_torch_names_what_it_cannot_convert(module, message):
    with pytest.raises(ValueError, match=message):
        nn.from_torch(module)
    with pytest.raises(TypeError, match="from_torch needs a torch.nn.Module, got list"):
        nn.from_torch([])


def test_the_guides_example_trains_here_then_in_pytorch():
    import re
    from pathlib import Path

    guide = (Path(__file__).resolve().parent.parent / "docs" / "guides" / "pytorch.md")
    code = re.search(r"```\{code-cell\} python\n(.*?)```", guide.read_text(), re.S).group(1)
    ns: dict = {}
    exec(compile(code, str(guide), "exec"), ns)
    X, y = ns["X"], ns["y"]
    here = nn.evaluate(ns["model"], X, y, loss=nn.losses.binary_cross_entropy_with_logits)
    assert abs(ns["before"] - here["loss"]) < 1e-12  # converted: the same loss exactly
    assert ns["after"] < ns["before"]  # PyTorch trained it on
    out = ns["net"](torch.tensor(X)).detach().numpy()
    assert np.abs(nn.predict(ns["back"], X) - out).max() < 1e-12  # and it came back whole
