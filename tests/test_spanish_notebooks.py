"""The Spanish labs are in Spanish throughout (issue #22, item 11): what a student sees in
``notebooks/es/`` (markdown, comments, docstrings and strings in the code, printed output,
tables, the explorer's words, plot labels) holds no English sentence.

English words are found by a list of common English words that are not Spanish words; code
identifiers (anything with ``_``, ``.``, a digit or inside backticks) are left out.
"""

from __future__ import annotations

import io
import json
import re
import tokenize
from pathlib import Path

import numpy as np
import pytest

import viz

ROOT = Path(__file__).resolve().parents[1] / "notebooks" / "es"
ENGLISH = set("""the and of is to with for this that from are be it on by an which when where
what has have its each into than then only every these those their there here was were will
would should could does how why our your you we they them been being after before while
because about between through over under again same other more most less both either such
very just also if but or all any some one two three first last next new old gives given
returns shows draws means steps train training loss weights weight gradient gradients
output input inputs outputs wire hover click start""".split())  # noqa: SIM905
ALLOWED = {"one-hot", "backprop-lens", "softmax", "fit", "batch"}


def _visible(notebook: dict):
    """(where, text) for everything a student reads in a notebook."""
    for k, cell in enumerate(notebook["cells"]):
        source = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            text = re.sub(r"`[^`]*`", " ", source)
            text = re.sub(r"\$[^$]*\$", " ", text)
            yield f"cell {k} (markdown)", re.sub(r"\]\([^)]*\)", "]", text)
            continue
        try:
            tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
        except (tokenize.TokenError, IndentationError):  # IPython magics
            tokens = []
        for t in tokens:
            if t.type == tokenize.STRING and re.fullmatch(r"[rbfRBF]*(['\"])\w*\1", t.string):
                continue  # one word: a key or a name the library takes ("loss", "relu")
            if t.type in (tokenize.COMMENT, tokenize.STRING):
                yield f"cell {k} (code)", re.sub(r"\{[^{}]*\}", " ", t.string)
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream":
                yield f"cell {k} (output)", "".join(out["text"])
            if out.get("output_type") == "error":
                yield f"cell {k} (error)", out.get("evalue", "")
            data = out.get("data", {})
            if "text/html" in data:
                page = "".join(data["text/html"])
                page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
                yield f"cell {k} (html)", re.sub(r"<[^>]+>", " ", page)
            elif "text/plain" in data and not ({"image/png", "image/svg+xml"} & set(data)):
                yield f"cell {k} (output)", "".join(data["text/plain"])


def english_in(text: str) -> list[str]:
    text = re.sub(r"\S*[_.\d/\\=\[\]()]\S*", " ", text)  # identifiers, paths, numbers, calls
    for word in ALLOWED:
        text = re.sub(rf"(?i)\b{re.escape(word)}\b", " ", text)
    return [w for w in re.findall(r"[A-Za-z]+", text)
            if w.lower() in ENGLISH and not w.isupper()]  # (AND, OR: the gates' names)


NOTEBOOKS = sorted(ROOT.rglob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[str(p.relative_to(ROOT)) for p in NOTEBOOKS])
def test_no_english_in_a_spanish_notebook(path):
    found = []
    for where, text in _visible(json.loads(path.read_text(encoding="utf-8"))):
        for line in text.splitlines():
            words = english_in(line)
            if words:
                found.append(f"{where}: {', '.join(words)}: {line.strip()[:100]}")
    assert not found, "\n".join(found)


def test_the_detector_finds_english_and_passes_spanish():
    assert english_in("The lab's neuron and loss as a graph") == ["The", "and", "loss"]
    assert english_in("La neurona del TP y su pérdida, como grafo; etiquetas one-hot") == []
    assert english_in("print(w2_new, x.data)  # valor de val_accuracy") == []


def test_plot_labels_from_history_keys_are_spanish():
    history = {"loss": [1.0, 0.5], "accuracy": [0.5, 0.9], "val_loss": [1.1, 0.6],
               "val_accuracy": [0.4, 0.8]}
    viz.set_language("es")
    try:
        axes = viz.plot_history(history)
        runs = viz.plot_runs({"a": history}, key="val_accuracy")
        texts = [t.get_text() for ax in [*np.atleast_1d(axes), runs]
                 for t in [ax.xaxis.label, ax.yaxis.label, *ax.get_legend().get_texts()]]
    finally:
        viz.set_language("en")
        import matplotlib.pyplot as plt

        plt.close("all")
    assert not any("val_" in t or english_in(t) for t in texts), texts
    assert "exactitud (validación)" in texts
