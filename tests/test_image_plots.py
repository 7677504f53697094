"""Issue #14 (seed 004): a confusion matrix, images with their classes, first-layer weights."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

import nn
import viz


def test_confusion_matrix_counts_true_rows_and_predicted_columns():
    outputs = np.array([[0.9, 0.1, 0.0], [0.2, 0.7, 0.1], [0.1, 0.2, 0.7], [0.6, 0.3, 0.1]])
    truth = [0, 1, 2, 2]  # the last one: class 2 predicted as 0
    m = nn.confusion_matrix(outputs, truth)
    assert m.tolist() == [[1, 0, 0], [0, 1, 0], [1, 0, 1]]
    assert np.trace(m) / m.sum() == nn.accuracy(outputs, truth)
    one_hot = nn.data.one_hot(np.array(truth), 3)
    assert nn.confusion_matrix(outputs.argmax(axis=1), one_hot).tolist() == m.tolist()
    assert nn.confusion_matrix([0], [0], classes=4).shape == (4, 4)


@pytest.mark.parametrize(("prediction", "y", "classes", "message"), [
    ([0, 1], [0], None, "2 predictions but 1 target"),
    ([0.5, 1], [0, 1], None, "predicted classes must be class indices"),
    ([0, 1], [0, -1], None, "targets must be class indices"),
    ([0, 3], [0, 1], 3, "a class index is ≥ classes=3"),
])
def test_confusion_matrix_refuses_what_is_not_classes(prediction, y, classes, message):
    with pytest.raises(ValueError, match=message):
        nn.confusion_matrix(prediction, y, classes)


def test_the_confusion_matrix_plot_writes_every_count_and_the_accuracy():
    m = np.array([[5, 1], [2, 12]])
    ax = viz.plot_confusion_matrix(m, ["cat", "dog"])
    assert sorted(t.get_text() for t in ax.texts) == ["1", "12", "2", "5"]
    assert ax.get_title() == "accuracy: 85.0%"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["cat", "dog"]
    with pytest.raises(ValueError, match="2 class names for 3 classes"):
        viz.plot_confusion_matrix(np.eye(3), ["a", "b"])


def test_images_show_the_true_and_predicted_class_in_green_or_red():
    rows = np.arange(3 * 3 * 4 * 4, dtype=float).reshape(3, 48)  # CIFAR's layout, channels first
    axes = viz.plot_images(rows, labels=[0, 1, 2], predicted=[0, 2, 2],
                           class_names=["plane", "car", "bird"], shape=(3, 4, 4), ncols=3)
    titles = [(ax.get_title(), ax.title.get_color()) for ax in axes.ravel()]
    assert titles == [("plane → plane", "tab:green"), ("car → bird", "tab:red"),
                      ("bird → bird", "tab:green")]
    shown = axes.ravel()[0].images[0].get_array()
    assert shown.shape == (4, 4, 3) and shown.min() == 0.0 and shown.max() == 1.0
    with pytest.raises(ValueError, match="rows of 48 values cannot be images of shape"):
        viz.plot_images(rows, shape=(5, 5))


def test_first_layer_weights_are_drawn_one_unit_per_image():
    W = np.zeros((64, 3))
    W[:, 1] = np.arange(64)
    axes = viz.plot_weights(W, shape=(8, 8))
    assert [ax.get_title() for ax in axes.ravel()] == ["unit 1", "unit 2", "unit 3"]
    image = axes.ravel()[1].images[0].get_array()
    assert image.shape == (8, 8) and image[0, 0] == 0.0 and image[7, 7] == 1.0
    with pytest.raises(ValueError, match="needs a weight matrix"):
        viz.plot_weights(np.ones(5), shape=(5,))
