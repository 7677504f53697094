"""Data sets of the labs: logic gates, majority, parity, two moons, circles, spirals,
handwritten digits, and CIFAR-10 from its files. Nothing is downloaded."""

from __future__ import annotations

import codecs
import itertools
import pickle
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from .checks import number, positive_int

GATES = {
    "AND": lambda a, b: a & b,
    "OR": lambda a, b: a | b,
    "NAND": lambda a, b: 1 - (a & b),
    "XOR": lambda a, b: a ^ b,
}


def logic_gate(name: str, encoding: str = "binary") -> tuple[np.ndarray, np.ndarray]:
    """The truth table of AND, OR, NAND, XOR (2 inputs) or NOT (1 input) as (X, y).

    ``encoding="binary"`` uses 0/1; ``"bipolar"`` uses -1/+1 (seed 004's XOR).
    """
    if not isinstance(name, str):
        raise TypeError("logic_gate: name must be one of AND, OR, NAND, XOR or NOT (a str), "
                        f"got {type(name).__name__} {name!r}")
    key = name.upper()
    if key == "NOT":
        X = np.array([[0], [1]])
        y = 1 - X[:, 0]
    elif key in GATES:
        X = np.array(list(itertools.product((0, 1), repeat=2)))
        y = GATES[key](X[:, 0], X[:, 1])
    else:
        raise ValueError(f"logic_gate: unknown gate {name!r}; choose AND, OR, NAND, XOR or "
                         "NOT")
    return _encode(X, encoding), _encode(y, encoding)


def majority3() -> tuple[np.ndarray, np.ndarray]:
    """Seed 001's 8 examples of 3 bits, in its order; y = 1 where ones are the majority.

    (The seed's text says the opposite, "1 if there are more zeros", but its y column, which
    its network is trained on, is the majority of ones: that is what is returned.)
    """
    X = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1], [0, 0, 0],
                  [0, 1, 1], [1, 0, 1], [1, 1, 0], [1, 1, 1]], dtype=np.float64)
    return X, (X.sum(axis=1) >= 2).astype(np.float64)


def parity(n_bits: int) -> tuple[np.ndarray, np.ndarray]:
    """Every ±1 input of ``n_bits`` bits, with y = their product (seed 004, exercise 7).

    ``parity(2)`` is seed 004's ±1 "XOR" table, y = [1, -1, -1, 1]: the product rule, which
    is the negation of ``logic_gate("XOR", "bipolar")`` (the usual XOR with 0 → -1).
    """
    if isinstance(n_bits, bool) or not isinstance(n_bits, int | np.integer) \
            or not 1 <= n_bits <= 20:
        raise ValueError(f"parity: n_bits must be an integer from 1 to 20, got {n_bits!r}")
    X = np.array(list(itertools.product((-1.0, 1.0), repeat=n_bits)))
    return X, X.prod(axis=1)


def two_moons(n: int = 100, noise: float = 0.1, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles (as scikit-learn's make_moons), labels 0 and 1."""
    _count_and_noise(n, noise, "two_moons")
    rng = np.random.default_rng(seed)
    n_out = n // 2
    t_out, t_in = np.linspace(0, np.pi, n_out), np.linspace(0, np.pi, n - n_out)
    X = np.concatenate([np.stack([np.cos(t_out), np.sin(t_out)], 1),
                        np.stack([1 - np.cos(t_in), 1 - np.sin(t_in) - 0.5], 1)])
    X += rng.normal(scale=noise, size=X.shape)
    return X, np.concatenate([np.zeros(n_out), np.ones(n - n_out)])


def circles(n: int = 100, noise: float = 0.05, factor: float = 0.5,
            seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A circle inside another (as scikit-learn's make_circles): outer 0, inner 1."""
    _count_and_noise(n, noise, "circles")
    number(factor, "factor", "circles", 0.0, 1.0, low_open=True, high_open=True)
    rng = np.random.default_rng(seed)
    n_out = n // 2
    t_out = np.linspace(0, 2 * np.pi, n_out, endpoint=False)
    t_in = np.linspace(0, 2 * np.pi, n - n_out, endpoint=False)
    X = np.concatenate([np.stack([np.cos(t_out), np.sin(t_out)], 1),
                        factor * np.stack([np.cos(t_in), np.sin(t_in)], 1)])
    X += rng.normal(scale=noise, size=X.shape)
    return X, np.concatenate([np.zeros(n_out), np.ones(n - n_out)])


def spirals(n: int = 300, classes: int = 3, noise: float = 0.2,
            seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``classes`` interleaved spiral arms (cs231n's example), labels 0 … classes-1."""
    classes = positive_int(classes, "classes", "spirals")
    n = positive_int(n, "n", "spirals")
    number(noise, "noise", "spirals", low=0.0)
    per = n // classes
    if per == 0:
        raise ValueError(f"spirals: n={n} gives no example to each of {classes} classes; "
                         f"use n >= {classes}")
    rng = np.random.default_rng(seed)
    X, y = [], []
    for k in range(classes):
        r = np.linspace(0.0, 1.0, per)
        t = np.linspace(k * 4.0, (k + 1) * 4.0, per) + rng.normal(scale=noise, size=per)
        X.append(np.stack([r * np.sin(t), r * np.cos(t)], 1))
        y.append(np.full(per, k))
    return np.concatenate(X), np.concatenate(y)


def load_digits() -> tuple[np.ndarray, np.ndarray]:
    """The 1,797 handwritten digits of 8x8 pixels (values 0-16) shipped with scikit-learn,
    as X (1797, 64) and y (1797,). Needs the ``datasets`` extra."""
    try:
        from sklearn.datasets import load_digits as sklearn_digits
    except ImportError:
        raise ImportError("load_digits needs scikit-learn, which ships the digits: "
                          "pip install 'backprop-lens[datasets]'") from None
    digits = sklearn_digits()
    return digits.data.astype(np.float64), digits.target.astype(np.int64)


CIFAR10_CLASSES = ("airplane", "automobile", "bird", "cat", "deer",
                   "dog", "frog", "horse", "ship", "truck")
_RECORD = 1 + 3072  # one label byte, then 1024 red, 1024 green, 1024 blue pixels


def load_cifar10(folder: str | Path) -> tuple[tuple[np.ndarray, np.ndarray],
                                               tuple[np.ndarray, np.ndarray]]:
    """CIFAR-10 from the official binary files in ``folder`` (``data_batch_1.bin`` …
    ``data_batch_5.bin`` and ``test_batch.bin``), as ((X_train, y_train), (X_test, y_test)).

    X is uint8 of shape (examples, 3072), channel by channel as in the files (reshape to
    (-1, 3, 32, 32) for images); y holds class indices 0-9 (see ``CIFAR10_CLASSES``).
    """
    folder = Path(folder)
    train_files = [folder / f"data_batch_{i}.bin" for i in range(1, 6)]
    test_file = folder / "test_batch.bin"
    missing = [p.name for p in [*train_files, test_file] if not p.is_file()]
    if missing:
        raise FileNotFoundError(f"load_cifar10: {folder} lacks {', '.join(missing)} (the "
                                "binary version of CIFAR-10; nothing is downloaded)")
    train = [_read_cifar_bin(p) for p in train_files]
    return ((np.concatenate([x for x, _ in train]), np.concatenate([y for _, y in train])),
            _read_cifar_bin(test_file))


def _read_cifar_bin(path: Path) -> tuple[np.ndarray, np.ndarray]:
    raw = np.fromfile(path, dtype=np.uint8)
    if raw.size == 0 or raw.size % _RECORD:
        raise ValueError(f"{path.name}: {raw.size} bytes is not a whole number of CIFAR-10 "
                         f"records of {_RECORD} bytes")
    records = raw.reshape(-1, _RECORD)
    labels = records[:, 0].astype(np.int64)
    if labels.max() > 9:
        raise ValueError(f"{path.name}: label {labels.max()} outside 0-9: not a CIFAR-10 file")
    return records[:, 1:].copy(), labels


_BATCH_ELEMENTS = 10_000 * 3072  # one CIFAR-10 batch: the largest array a reader may make
_BATCH_FILE_LIMIT = 64 * 2**20  # bytes; a batch's pickle is about 31 MB


def read_cifar10_pickle(path: str | Path) -> tuple[np.ndarray, np.ndarray]:
    """One batch of the Python version of CIFAR-10 (``data_batch_1`` …), read by an unpickler
    that builds only numpy arrays of numbers, lists, bytes and numbers, and refuses anything
    else; the result must be the expected arrays (uint8 data of 3072 columns, labels 0-9).

    Bounded in time and memory whatever the file holds: a file over 64 MB is refused before
    reading, no array larger than one batch is ever made, and the labels are checked to be a
    flat list of numbers before anything is built from them.
    """
    path = Path(path)
    name = path.name
    size = path.stat().st_size
    if size > _BATCH_FILE_LIMIT:
        raise ValueError(f"{name} is {size / 2**20:.1f} MB: a CIFAR-10 batch is about 31 MB; "
                         "this is not one")
    with open(path, "rb") as f:
        try:
            batch = _ArraysOnly(f, encoding="bytes").load()
        except pickle.UnpicklingError as error:
            raise pickle.UnpicklingError(f"{name}: {error}") from None
        except (EOFError, ValueError, TypeError, IndexError, KeyError) as error:
            raise ValueError(f"{name}: not a readable CIFAR-10 batch ({error})") from None
    if not isinstance(batch, dict) or b"data" not in batch or b"labels" not in batch:
        raise ValueError(f"{name}: not a CIFAR-10 batch (no data and labels)")
    data, labels = batch[b"data"], batch[b"labels"]
    if not isinstance(data, np.ndarray) or data.dtype != np.uint8 or data.ndim != 2 \
            or data.shape[1] != 3072:
        raise ValueError(f"{name}: data is not a uint8 array of 3072 columns")
    if not isinstance(labels, list) or len(labels) != len(data) \
            or not all(type(k) is int and 0 <= k <= 9 for k in labels):
        raise ValueError(f"{name}: labels must be a list of class numbers 0-9, one per row of "
                         "data")
    return data, np.array(labels, dtype=np.int64)


_reconstruct = np.zeros(1).__reduce__()[0]  # numpy's own array rebuilder


def _sized(shape: Any) -> tuple[int, ...]:
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    if not all(isinstance(n, int) and n >= 0 for n in shape):
        raise pickle.UnpicklingError(f"an array shape must be whole numbers, got {shape!r}")
    count = int(np.prod(shape, dtype=object))
    if count > _BATCH_ELEMENTS:
        raise pickle.UnpicklingError(f"an array of {count:,} elements is refused: a CIFAR-10 "
                                     f"batch holds {_BATCH_ELEMENTS:,}")
    return shape


class _Ndarray:
    """Stands for numpy.ndarray in a pickle: makes arrays no larger than one batch."""

    def __call__(self, shape: Any, dtype: Any = float, *args: Any) -> np.ndarray:
        return np.zeros(_sized(shape), dtype=_dtype(dtype))


def _safe_reconstruct(cls: Any, shape: Any, dtype: Any) -> np.ndarray:
    if not isinstance(cls, _Ndarray):
        raise pickle.UnpicklingError("only plain numpy arrays are rebuilt")
    return _reconstruct(np.ndarray, _sized(shape), _dtype(dtype))


def _dtype(*args: Any) -> np.dtype:
    try:
        dtype = np.dtype(*args)
    except TypeError as error:
        raise pickle.UnpicklingError(f"not a numeric dtype ({error})") from None
    if dtype.hasobject or dtype.kind not in "biuf":
        raise pickle.UnpicklingError(f"arrays of {dtype} are refused: a CIFAR-10 batch holds "
                                     "numbers")
    return dtype


class _ArraysOnly(pickle.Unpickler):
    """Resolves only what rebuilding a numpy array of numbers needs, each through a checked
    stand-in; every other global is refused, so a crafted file cannot make the reader call
    anything else, nor allocate more than one batch."""

    ALLOWED: ClassVar[dict] = {("numpy.core.multiarray", "_reconstruct"): _safe_reconstruct,
        ("numpy._core.multiarray", "_reconstruct"): _safe_reconstruct,
        ("numpy", "ndarray"): _Ndarray(), ("numpy", "dtype"): _dtype,
        ("_codecs", "encode"): codecs.encode}  # how Python 3 writes bytes at protocol 2

    def find_class(self, module: str, name: str):
        found = self.ALLOWED.get((module, name))
        if found is None:
            raise pickle.UnpicklingError(f"refused {module}.{name}: a CIFAR-10 batch holds "
                                         "only arrays")
        return found


def train_test_split(X: np.ndarray, y: np.ndarray, test_size: float = 0.25, seed: int = 0,
                     stratify: bool = True) -> tuple[np.ndarray, ...]:
    """Shuffle and split into (X_train, X_test, y_train, y_test), keeping each class's share
    in both parts when ``stratify``."""
    X, y = np.asarray(X), np.asarray(y)
    if X.ndim == 0 or y.ndim == 0 or len(X) != len(y):
        raise ValueError(f"train_test_split: X has {len(np.atleast_1d(X))} examples but y has "
                         f"{len(np.atleast_1d(y))}")
    number(test_size, "test_size", "train_test_split", 0.0, 1.0, low_open=True,
           high_open=True)
    rng = np.random.default_rng(seed)
    if stratify:
        test = np.concatenate([
            rng.permutation(idx)[:round(len(idx) * test_size)]
            for idx in (np.flatnonzero(y == c) for c in np.unique(y))]).astype(np.int64)
    else:
        test = rng.permutation(len(X))[:round(len(X) * test_size)]
    if len(test) == 0 or len(test) == len(X):
        part = "test" if len(test) == 0 else "training"
        raise ValueError(f"train_test_split: test_size={test_size:g} of {len(X)} examples "
                         f"leaves the {part} set empty")
    mask = np.zeros(len(X), dtype=bool)
    mask[test] = True
    train_idx, test_idx = rng.permutation(np.flatnonzero(~mask)), rng.permutation(test)
    return X[train_idx], X[test_idx], y[train_idx], y[test_idx]


def standardize(X_train: np.ndarray, *others: np.ndarray) -> tuple[np.ndarray, ...]:
    """Scale each feature to mean 0 and std 1 using the training set's statistics."""
    X_train = np.asarray(X_train)
    if X_train.ndim == 0 or len(X_train) == 0:
        raise ValueError("standardize: X_train has no examples to take statistics from")
    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    std = np.where(std > 0, std, 1.0)
    return tuple((x - mean) / std for x in (X_train, *others))


def one_hot(y: np.ndarray, classes: int | None = None) -> np.ndarray:
    """Class indices as rows of 0s with a 1 at the class (seed 004's label encoding)."""
    values = np.asarray(y).reshape(-1)
    if values.dtype.kind not in "iuf" or (values.dtype.kind == "f" and not np.all(
            values == np.round(values))):
        raise ValueError(f"one_hot: classes must be whole numbers, got {values[:5]!r}")
    y = values.astype(np.int64)
    if y.size and y.min() < 0:
        raise ValueError(f"one_hot: class {int(y.min())} is negative; classes are 0, 1, 2 …")
    if classes is not None:
        classes = positive_int(classes, "classes", "one_hot")
        if y.size and y.max() >= classes:
            raise ValueError(f"one_hot: class {int(y.max())} is outside the {classes} classes "
                             f"0..{classes - 1}")
    k = (int(y.max()) + 1 if y.size else 0) if classes is None else classes
    out = np.zeros((len(y), k))
    out[np.arange(len(y)), y] = 1.0
    return out


def _count_and_noise(n: Any, noise: Any, who: str) -> None:
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 2:
        raise ValueError(f"{who}: n must be an integer >= 2, got {n!r}")
    number(noise, "noise", who, low=0.0)


def _encode(values: np.ndarray, encoding: str) -> np.ndarray:
    if encoding == "binary":
        return values.astype(np.float64)
    if encoding == "bipolar":
        return 2.0 * values - 1.0
    raise ValueError(f"unknown encoding {encoding!r}; choose 'binary' (0/1) or 'bipolar' (±1)")
