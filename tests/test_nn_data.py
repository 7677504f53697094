"""Data sets: truth tables, generated sets, and CIFAR-10 readers on files the tests write."""

import os
import pickle

import numpy as np
import pytest

from nn import data


def test_logic_gates():
    X, y = data.logic_gate("AND")
    assert X.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]]
    assert {g: data.logic_gate(g)[1].tolist() for g in ("AND", "OR", "NAND", "XOR")} == {
        "AND": [0, 0, 0, 1], "OR": [0, 1, 1, 1], "NAND": [1, 1, 1, 0], "XOR": [0, 1, 1, 0]}
    X, y = data.logic_gate("xor", "bipolar")
    assert X.tolist() == [[-1, -1], [-1, 1], [1, -1], [1, 1]] and y.tolist() == [-1, 1, 1, -1]
    assert data.logic_gate("NOT")[1].tolist() == [1, 0]
    with pytest.raises(ValueError, match="unknown gate 'XNOR'"):
        data.logic_gate("XNOR")
    with pytest.raises(ValueError, match="unknown encoding 'ternary'"):
        data.logic_gate("AND", "ternary")


def test_majority_and_parity():
    X, y = data.majority3()
    assert X.shape == (8, 3) and y.tolist() == [0, 0, 0, 0, 1, 1, 1, 1]  # seed 001's y column
    for n in (1, 2, 5):
        X, y = data.parity(n)
        assert X.shape == (2**n, n) and len({tuple(r) for r in X}) == 2**n
        np.testing.assert_array_equal(y, np.prod(X, axis=1))
    X, y = data.parity(2)  # seed 004's table: x [[-1,-1],[-1,1],[1,-1],[1,1]], y [1,-1,-1,1]
    assert X.tolist() == [[-1, -1], [-1, 1], [1, -1], [1, 1]] and y.tolist() == [1, -1, -1, 1]
    np.testing.assert_array_equal(y, -data.logic_gate("XOR", "bipolar")[1])


def test_generated_sets():
    X, y = data.two_moons(101, noise=0.0, seed=0)
    assert X.shape == (101, 2) and np.bincount(y.astype(int)).tolist() == [50, 51]
    np.testing.assert_allclose(np.hypot(*X[y == 0].T), 1.0)  # the upper moon: unit circle
    X, y = data.circles(80, noise=0.0, factor=0.3)
    np.testing.assert_allclose(np.hypot(*X[y == 1].T), 0.3)
    X, y = data.spirals(300, classes=3)
    assert X.shape == (300, 2) and np.bincount(y).tolist() == [100, 100, 100]
    assert not np.array_equal(data.two_moons(seed=1)[0], data.two_moons(seed=2)[0])


def test_digits():
    X, y = data.load_digits()
    assert X.shape == (1797, 64) and y.shape == (1797,) and set(y.tolist()) == set(range(10))
    assert X.min() == 0 and X.max() == 16


def test_split_standardize_one_hot():
    X, y = data.load_digits()
    X_train, X_test, y_train, y_test = data.train_test_split(X, y, 0.25, seed=0)
    assert len(X_test) == pytest.approx(0.25 * len(X), abs=10)
    assert len(X_train) + len(X_test) == len(X) and len(y_train) == len(X_train)
    shares = np.bincount(y_test) / np.bincount(y)
    assert np.all(np.abs(shares - 0.25) < 0.02)  # stratified
    A, B = data.standardize(X_train, X_test)
    np.testing.assert_allclose(A.mean(axis=0), 0, atol=1e-12)
    assert A.shape == X_train.shape and B.shape == X_test.shape
    assert data.one_hot([2, 0], 3).tolist() == [[0, 0, 1], [1, 0, 0]]


def write_cifar_bin(path, n, seed):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 10, n).astype(np.uint8)
    pixels = rng.integers(0, 256, (n, 3072)).astype(np.uint8)
    np.hstack([labels[:, None], pixels]).tofile(path)
    return pixels, labels


def test_cifar10_binary_files(tmp_path):
    written = [write_cifar_bin(tmp_path / f"data_batch_{i}.bin", 3, i) for i in range(1, 6)]
    test_pixels, test_labels = write_cifar_bin(tmp_path / "test_batch.bin", 2, 9)
    (X, y), (X_test, y_test) = data.load_cifar10(tmp_path)
    assert X.shape == (15, 3072) and X.dtype == np.uint8 and y.shape == (15,)
    np.testing.assert_array_equal(X[3:6], written[1][0])
    np.testing.assert_array_equal(y[:3], written[0][1])
    np.testing.assert_array_equal(X_test, test_pixels)
    np.testing.assert_array_equal(y_test, test_labels)


def test_cifar10_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="lacks data_batch_1.bin, .*test_batch.bin"):
        data.load_cifar10(tmp_path)
    for i in range(1, 6):
        write_cifar_bin(tmp_path / f"data_batch_{i}.bin", 1, i)
    (tmp_path / "test_batch.bin").write_bytes(b"\x00" * 100)
    with pytest.raises(ValueError, match="100 bytes is not a whole number of CIFAR-10 records"):
        data.load_cifar10(tmp_path)


def test_cifar10_pickle_batches_are_read_safely(tmp_path):
    pixels = np.arange(2 * 3072, dtype=np.uint8).reshape(2, 3072)
    good = {b"batch_label": b"training batch 1 of 5", b"labels": [3, 7], b"data": pixels,
            b"filenames": [b"a.png", b"b.png"]}
    (tmp_path / "data_batch_1").write_bytes(pickle.dumps(good, protocol=2))
    X, y = data.read_cifar10_pickle(tmp_path / "data_batch_1")
    np.testing.assert_array_equal(X, pixels)
    assert y.tolist() == [3, 7]

    marker = tmp_path / "pwned"

    class Evil:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    (tmp_path / "evil").write_bytes(pickle.dumps({b"data": Evil(), b"labels": [1]}))
    with pytest.raises(pickle.UnpicklingError, match="refused posix.system|refused os.system"):
        data.read_cifar10_pickle(tmp_path / "evil")
    assert not marker.exists()

    (tmp_path / "wrong").write_bytes(pickle.dumps({b"data": np.zeros((2, 5)), b"labels": [1, 2]}))
    with pytest.raises(ValueError, match="data is not a uint8 array of 3072 columns"):
        data.read_cifar10_pickle(tmp_path / "wrong")


def test_unstratified_split_keeps_every_example_once():
    X = np.arange(20).reshape(10, 2)
    y = np.arange(10)
    A, B, ya, yb = data.train_test_split(X, y, 0.3, seed=1, stratify=False)
    assert len(B) == 3 and sorted(np.concatenate([ya, yb]).tolist()) == list(range(10))
    np.testing.assert_array_equal(A[:, 0] // 2, ya)  # rows stay with their labels


def test_digits_without_scikit_learn_says_which_extra_to_install(monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "sklearn.datasets", None)
    with pytest.raises(ImportError, match=r"pip install 'backprop-lens\[datasets\]'"):
        data.load_digits()
