"""Each lab's own mistake, entered where a student makes it, is named there (issue #30,
item 4): in the Spanish student version of every lab, an exercise is answered with the
mistake its seed makes (or the classic one for that exercise), the notebook runs up to
that exercise's check, and the check's output names the mistake in Spanish.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1] / "notebooks" / "es" / "student"

# lab, the exercise's question (a piece of it), the mistaken answer, the diagnosis's words
CASES = [
    ("01_la_neurona", "Ejercicio 1.1.2",  # seed 000: σ′ applied twice to every row
     "z = X @ np.array([5.0, 3.0]) - 7.0\n"
     "y_hat = 1 / (1 + np.exp(-z))\n"
     "loss = -(y * np.log(y_hat) + (1 - y) * np.log(1 - y_hat))\n"
     "dL_dz = (y_hat - y) * y_hat * (1 - y_hat)\n"
     "table = np.column_stack([y_hat, loss, dL_dz * X[:, 0], dL_dz * X[:, 1], dL_dz])",
     "un factor de más"),
    ("02_red_y_regresion", "para la casa",  # seed 001: w_out updated before backprop
     "d = 10.24 - 300\n"
     "w_out_new = 0.4 - 1e-5 * d * 25.1\n"
     "house_grads = {'w1': d * w_out_new * 50, 'b1': d * w_out_new, 'w_out': d * 25.1, "
     "'b_out': d}", "un peso ya actualizado"),
    ("03_perceptron_y_xor", "la fórmula de los apuntes",  # the minus sign dropped
     "dL_dth11 = x1 * T1.data * z1.data * (1 - z1.data) * (y - y_hat.data)", "el signo"),
    ("04_mlp_entropia_cruzada_optimizadores", "df/dq, df/dz",
     "df_dq, df_dz = -4.0, 3.0\ndf_dx = df_dy = 4.0", "el signo"),
    ("05_grafos_computacionales", "Ejercicio 1.2",  # seed 004's tanh, written as −tanh
     "t = np.tanh(0.69)\ntanh_answers = {'out': t, 'b': -(1 - t * t), 'w2': (1 - t * t) * -1.8}",
     "el signo"),
    ("06_redes_densas_en_imagenes", "las formas (tuplas) de X",
     "shapes = {'X': (64, n_in), 'W1': (100, n_in), 'b1': (100,), 'A1': (64, 100), "
     "'W2': (100, 10), 'b2': (10,), 'salida': (64, 10)}", "traspuesta"),
    ("07_xor_y_paridad", "W1 (2×2",  # the output unit's bias with the wrong sign
     "W1 = np.array([[10.0, 10.0], [10.0, 10.0]])\nb1 = np.array([10.0, -10.0])\n"
     "W2 = np.array([[-10.0], [10.0]])\nb2 = np.array([-10.0])", "algunas filas"),
    ("08_redes_convolucionales", "la forma de salida",  # channels last, as Keras writes them
     "layer_shapes = [(8, 8, 8), (4, 4, 8), (16, 4, 4), (16, 2, 2), (64,), (10,)]",
     "traspuesta"),
]


def _output(cell) -> str:
    text = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream":
            text.append(out["text"])
        elif out.get("output_type") == "error":
            text.append(f"{out['ename']}: {out['evalue']}")
        data = out.get("data", {})
        text.append(html.unescape(re.sub(r"<[^>]+>", " ",
                                         data.get("text/html", data.get("text/plain", "")))))
    return "\n".join(text)


@pytest.mark.parametrize(("lab", "question", "answer", "words"), CASES,
                         ids=[case[0][:2] for case in CASES])
def test_the_labs_mistake_is_named_in_its_exercises_check(lab, question, answer, words):
    path = ROOT / f"{lab}.ipynb"
    notebook = nbformat.read(path, as_version=4)
    todo = next(k for k, c in enumerate(notebook.cells)
                if "todo" in c.metadata.get("tags", []) and question in c.source)
    check = next(k for k in range(todo + 1, len(notebook.cells))
                 if notebook.cells[k].cell_type == "code")
    notebook.cells[todo].source += "\n" + answer  # the student's answer, after the blanks
    notebook.cells = notebook.cells[:check + 1]
    NotebookClient(notebook, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    shown = _output(notebook.cells[check])
    assert words in shown, shown[-3000:]


def test_lab_9_asks_for_each_problem_by_name_and_checks_each_fix():
    """The student version of lab 9: a wrong name is marked wrong, a fix that does not fix is
    shown with the diagnosis's findings."""
    path = ROOT / "09_por_que_no_aprende.ipynb"
    notebook = nbformat.read(path, as_version=4)
    todos = [k for k, c in enumerate(notebook.cells) if "todo" in c.metadata.get("tags", [])]
    names, fixes = todos
    notebook.cells[names].source += ('\nproblems = {"1": "divergence", "2": "saturation", '
                                     '"3": "dead_relu", "4": "plateau", '
                                     '"5": "no_nonlinearity", "6": "loss_output_mismatch"}')
    notebook.cells[fixes].source += ('\nlr_case1 = 20.0\nactivation_case2 = "relu"\n'
                                     'activation_case3 = "leaky_relu"')
    check = next(k for k in range(fixes + 1, len(notebook.cells))
                 if notebook.cells[k].cell_type == "code")
    notebook.cells = notebook.cells[:check + 1]
    NotebookClient(notebook, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    named = _output(notebook.cells[names + 1])
    assert "5 de 6 respuestas correctas" in named and "la respuesta es 'vanishing_gradients'" in \
        named
    fixed = _output(notebook.cells[check])
    assert "2 de 3 respuestas correctas" in fixed and "divergence" in fixed
