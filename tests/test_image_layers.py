"""Issue #16: Conv2D, MaxPool2D, AvgPool2D and Flatten in a Sequential, Keras style: shapes
flow from layer to layer, summary() shows them, the model trains, saves, converts to
PyTorch and back (outputs and gradients equal), and is drawn with its hyperparameters."""

from __future__ import annotations

import numpy as np
import pytest

import nn
import viz
from autograd import Tensor


def cnn(dtype=np.float64, channels=3, size=8):
    model = nn.Sequential()
    model.add(nn.Conv2D(4, 3, padding=1, activation="relu", input_shape=(channels, size, size),
                        seed=0, dtype=dtype))
    model.add(nn.MaxPool2D(2))
    model.add(nn.Conv2D(6, (3, 2), stride=(1, 2), activation="tanh", seed=1, dtype=dtype))
    model.add(nn.AvgPool2D(2, strides=1))
    model.add(nn.Flatten())
    model.add(nn.Dense(5, seed=2, dtype=dtype))
    return model


def test_shapes_flow_and_the_summary_shows_them_with_the_counts():
    model = cnn()
    summary = model.summary()
    assert [row[2] for row in summary.rows] == ["(4, 8, 8)", "(4, 4, 4)", "(6, 2, 2)",
                                                "(6, 1, 1)", "(6,)", "(5,)"]
    assert [row[4] for row in summary.rows] == [str(4 * 3 * 9 + 4), "0", str(6 * 4 * 6 + 6),
                                                "0", "0", str(6 * 5 + 5)]
    assert model.num_parameters() == 112 + 150 + 35
    out = model(Tensor(np.zeros((2, 3, 8, 8))))
    assert out.shape == (2, 5)
    assert [m.W.label for m in model.layers if "W" in vars(m)] == ["W¹", "W²", "W³"]


def test_a_cnn_trains_and_saves(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 1, 6, 6))
    y = (X[:, 0, :3].mean(axis=(1, 2)) > X[:, 0, 3:].mean(axis=(1, 2))).astype(int)  # top/bottom
    model = nn.Sequential(nn.Conv2D(3, 3, activation="relu", input_shape=(1, 6, 6), seed=0),
                          nn.MaxPool2D(2), nn.Flatten(), nn.Dense(2, seed=1))
    history = nn.fit(model, X, y, loss=nn.losses.cross_entropy, epochs=60, batch_size=10,
                     optimizer=nn.optim.Adam(model.parameters(), lr=0.05), verbose=False)
    assert history["loss"][-1] < 0.5 * history["loss"][0] and history["accuracy"][-1] >= 0.9
    model.save(tmp_path / "cnn.npz")
    again = nn.Sequential(nn.Conv2D(3, 3, activation="relu", input_shape=(1, 6, 6), seed=5),
                          nn.MaxPool2D(2), nn.Flatten(), nn.Dense(2, seed=6))
    again.load(tmp_path / "cnn.npz")
    assert np.array_equal(nn.predict(again, X), nn.predict(model, X))


def test_the_graph_shows_each_gate_with_its_hyperparameters():
    model = cnn()
    out = model(Tensor(np.ones((2, 3, 8, 8)), label="x")).sum()
    out.backward()
    source = viz.draw_graph(out).source
    for gate in ("conv 3×3, 4, s1, p1", "max pool 2×2, s2", "conv 3×2, 6, s1×2",
                 "avg pool 2×2, s1"):
        assert gate in source, gate
    assert "2×4×8×8" in source  # the wires carry the shapes


@pytest.mark.parametrize(("build", "message"), [
    (lambda: nn.Sequential(nn.Conv2D(4, 3, input_shape=(1, 8, 8)), nn.Dense(2)),
     r"Dense needs flat inputs, but the layer before gives images of shape \(4, 6, 6\): add "
     r"nn.Flatten\(\) before it"),
    (lambda: nn.Sequential(nn.Conv2D(4, 3)),
     r"the first Conv2D layer needs input_shape=\(channels, height, width\)"),
    (lambda: nn.Sequential(nn.Conv2D(4, 5, input_shape=(1, 4, 4))),
     r"Conv2D\(4, \(5, 5\)\): the 5×5 kernel is larger than the 4×4 image it would get"),
    (lambda: nn.Sequential(nn.Conv2D(4, 3, input_shape=(1, 4, 4)), nn.MaxPool2D(3)),
     r"MaxPool2D: the 3×3 kernel is larger than the 2×2 image it would get"),
    (lambda: nn.Conv2D(0, 3), "Conv2D needs a positive number of filters, got 0"),
    (lambda: nn.Conv2D(2, 3, input_shape=(8, 8)),
     r"Conv2D needs images of shape \(channels, height, width\), got \(8, 8\)"),
    (lambda: nn.MaxPool2D(0), "MaxPool2D: pool_size must be an int ≥ 1"),
])
def test_what_does_not_fit_is_named(build, message):
    with pytest.raises(ValueError, match=message):
        build()


def test_a_model_that_failed_to_take_a_layer_is_unchanged():
    model = nn.Sequential(nn.Conv2D(4, 3, input_shape=(1, 8, 8), seed=0))
    before = model.state_dict()
    with pytest.raises(ValueError, match="Dense needs flat inputs"):
        model.add(nn.Dense(2))
    with pytest.raises(ValueError, match="MaxPool2D: the 7×7 kernel is larger"):
        model.add(nn.MaxPool2D(7))
    assert len(model.layers) == 1
    assert all(np.array_equal(before[k], v) for k, v in model.state_dict().items())


def test_images_in_the_wrong_layout_are_refused():
    with pytest.raises(ValueError, match=r"Conv2D expects a batch of images \(examples, "
                                         r"channels, height, width\), got shape \(3, 8, 8\)"):
        cnn()(np.zeros((3, 8, 8)))





@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_a_cnn_and_its_pytorch_twin_agree(dtype):
    pytest.importorskip("torch")
    from tests.test_pytorch_bridge import check_twin

    model = cnn(dtype)
    X = np.random.default_rng(3).normal(size=(3, 3, 8, 8))
    twin = check_twin(model, X, dtype)
    assert [type(m).__name__ for m in twin] == ["Conv2d", "ReLU", "MaxPool2d", "Conv2d",
                                                "Tanh", "AvgPool2d", "Flatten", "Linear"]
    back = nn.from_torch(twin)
    assert [type(m).__name__ for m in back.layers] == ["Conv2D", "MaxPool2D", "Conv2D",
                                                       "AvgPool2D", "Flatten", "Linear"]
    np.testing.assert_array_equal(nn.predict(back, X), nn.predict(model, X))


def test_from_torch_refuses_what_conv2d_cannot_be():
    torch = pytest.importorskip("torch")
    with pytest.raises(ValueError, match=r"Conv2d with groups=2.*cannot be converted"):
        nn.from_torch(torch.nn.Conv2d(4, 4, 3, groups=2))
    with pytest.raises(ValueError, match=r"MaxPool2d with padding.*cannot be converted"):
        nn.from_torch(torch.nn.MaxPool2d(2, padding=1))


def test_draw_network_refuses_a_convolution_by_name():
    model = nn.Sequential(nn.Conv2D(2, 3, input_shape=(1, 5, 5)), nn.Flatten(), nn.Dense(2))
    with pytest.raises(TypeError, match=r"cannot draw a Conv2D layer; .*viz.draw_graph draws"):
        viz.draw_network(model)


def test_fit_feeds_batches_to_a_model_that_makes_its_weights_at_the_first_call():
    X = np.random.default_rng(0).normal(size=(8, 1, 5, 5))
    y = np.arange(8) % 2
    conv = nn.Sequential(nn.Conv2D(2, 3, input_shape=(1, 5, 5), seed=0), nn.Flatten(),
                         nn.Dense(2, seed=1))
    frozen = nn.Sequential(nn.Conv2D(2, 3, input_shape=(1, 5, 5), seed=0), nn.Flatten(),
                           nn.Dense(2, seed=1))
    for p in frozen.parameters()[:2]:
        p.requires_grad = False  # a frozen convolution is still fed batches, as Tensors
    for model in (conv, frozen):
        history = nn.fit(model, X, y, loss=nn.losses.cross_entropy, epochs=2, verbose=False)
        assert len(history["loss"]) == 2
    lazy = nn.Conv2D(2, 3, seed=0)  # no input_shape: weights made at the first call
    assert nn.predict(lazy, X).shape == (8, 2, 3, 3)
