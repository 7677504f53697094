"""A synthetic class for lab 1 (the neuron): students' notebooks to try the grader on.

    python examples/make_class.py FOLDER [--students 30] [--lang en|es]

Each file is the lab's student version with the exercise cells filled in as a student
would: one right, one with each classic mistake the exercise mode names, a blank one, and
the ones a grader must survive (an exercise cell that raises, one that loops, one that
allocates without bound, one that prints megabytes, one that kills its kernel, one that
fakes its checks, one with cells deleted, one reordered, a file that is not a notebook, and
another lab's notebook). Beyond those, students mix right answers and classic mistakes at
random (seeded), so that the class report has counts to show.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = {"en": ROOT / "notebooks" / "en" / "01_the_neuron.ipynb",
             "es": ROOT / "notebooks" / "es" / "01_la_neurona.ipynb"}
OTHER_LAB = {"en": ROOT / "notebooks" / "en" / "student" / "03_perceptron_and_xor.ipynb",
             "es": ROOT / "notebooks" / "es" / "student" / "03_perceptron_y_xor.ipynb"}

# Each classic mistake as an edit of the solution's cell: (exercise, the mistake's name in
# the exercise mode, the text replaced, its replacement).
MISTAKES = [
    ("01-gates", "wrong_rows", "or_bias = [1, 1], -0.5", "or_bias = [1, 1], -1.5"),
    ("01-table", "extra_factor", "dL_dz = y_hat - y", "dL_dz = (y_hat - y) * y_hat * (1 - y_hat)"),
    ("01-table", "sign", "dL_dz = y_hat - y", "dL_dz = y - y_hat"),
    ("01-gradient", "extra_factor", '"w2": (s - 0) * 1.0, "b": s - 0',
     '"w2": (s - 0) * s * (1 - s) * 1.0, "b": (s - 0) * s * (1 - s)'),
    ("01-gradient", "sign", '"w2": (s - 0) * 1.0, "b": s - 0',
     '"w2": -(s - 0) * 1.0, "b": -(s - 0)'),
    ("01-update", "uphill", "w2_new = 1.0 - 1.0 * s\nb_new = 1.0 - 1.0 * s",
     "w2_new = 1.0 + 1.0 * s\nb_new = 1.0 + 1.0 * s"),
    ("01-update", "step_only", "w2_new = 1.0 - 1.0 * s\nb_new = 1.0 - 1.0 * s",
     "w2_new = -1.0 * s\nb_new = -1.0 * s"),
    ("01-train", "other", "lr = rng.random(2), rng.random(), 5.0",
     "lr = rng.random(2), rng.random(), 0.05"),
]


# the named cases' file names (the students' names in the reports) in a Spanish class
SPANISH = {"right": "correcto", "blank": "en-blanco", "raises": "con-error", "loops": "sin-fin",
           "allocates": "memoria-sin-fin", "prints": "imprime-megabytes", "crashes": "se-cae",
           "fakes-its-checks": "falsea-verificaciones", "deleted-checks": "celdas-borradas",
           "reordered": "reordenado", "not-a-notebook": "no-es-un-notebook",
           "another-lab": "otro-tp"}


def solution_cells(language: str) -> dict[str, str]:
    """The solution's exercise cells by exercise id."""
    notebook = nbformat.read(SOLUTIONS[language], as_version=4)
    return {c.metadata["backprop_lens"]["exercise"]: c.source for c in notebook.cells
            if "exercise" in c.metadata.get("backprop_lens", {})}


def student_version(language: str) -> nbformat.NotebookNode:
    path = SOLUTIONS[language].parent / "student" / SOLUTIONS[language].name
    return nbformat.read(path, as_version=4)


def filled(language: str, answers: dict[str, str]) -> nbformat.NotebookNode:
    """The student version with these exercise cells' sources (the others left blank)."""
    notebook = student_version(language)
    for cell in notebook.cells:
        exercise = cell.metadata.get("backprop_lens", {}).get("exercise")
        if exercise in answers:
            cell.source = answers[exercise]
    return notebook


def with_mistake(cells: dict[str, str], exercise: str, old: str, new: str) -> dict[str, str]:
    if old not in cells[exercise]:
        raise ValueError(f"make_class: the solution of {exercise!r} no longer contains {old!r}")
    return {**cells, exercise: cells[exercise].replace(old, new)}


def make_class(folder: str | Path, students: int | None = None, language: str = "en",
               seed: int = 0) -> list[Path]:
    """Write the class into ``folder``; returns the files written (named cases first)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    right = solution_cells(language)
    cases: dict[str, nbformat.NotebookNode | str] = {"right": filled(language, right),
                                                     "blank": student_version(language)}
    for exercise, mistake, old, new in MISTAKES:
        cases[f"{exercise}-{mistake}"] = filled(language, with_mistake(right, exercise, old, new))
    broken = dict(right, **{"01-gradient": "my_grads = {'w1': 0, 'w2': undefined_name, 'b': 0}"})
    cases["raises"] = filled(language, broken)
    cases["loops"] = filled(language, dict(right, **{"01-update": "while True:\n    pass"}))
    cases["allocates"] = filled(language, dict(right, **{
        "01-table": right["01-table"] + "\nhoard = []\nwhile True:\n"
                                        "    hoard.append(bytearray(50_000_000))"}))
    cases["prints"] = filled(language, dict(right, **{
        "01-gates": right["01-gates"] + "\nfor _ in range(200):\n    print('x' * 50_000)"}))
    cases["crashes"] = filled(language, dict(right, **{"01-train": "import os\nos._exit(1)"}))
    # Tampering: wrong answers, a replaced check that always says right, a printed verdict,
    # and more points claimed in the metadata. The grader believes none of it.
    sigma_twice = next(m for m in MISTAKES if m[:2] == ("01-gradient", "extra_factor"))
    fake = filled(language, with_mistake(right, "01-gradient", *sigma_twice[2:]))
    for cell in fake.cells:
        meta = cell.metadata.get("backprop_lens", {})
        if meta.get("exercise") == "01-gradient":
            cell.source = ("import viz\nviz.check = lambda *a, **k: True\n"
                           "viz.check_answer = lambda *a, **k: True\n" + cell.source +
                           "\nprint('✓ all right: 5 of 5 points')")
            meta["points"] = 100
    cases["fakes-its-checks"] = fake
    deleted = filled(language, right)
    deleted.cells = [c for c in deleted.cells
                     if "check" not in c.metadata.get("backprop_lens", {})]
    cases["deleted-checks"] = deleted
    reordered = filled(language, right)
    first, second = (next(k for k, c in enumerate(reordered.cells)
                          if c.metadata.get("backprop_lens", {}).get("exercise") == e)
                     for e in ("01-gradient", "01-update"))
    reordered.cells[first], reordered.cells[second] = (reordered.cells[second],
                                                       reordered.cells[first])
    cases["reordered"] = reordered
    cases["not-a-notebook"] = "This is my homework, I wrote it in a text file.\n"
    cases["another-lab"] = nbformat.read(OTHER_LAB[language], as_version=4)
    rng = random.Random(seed)
    k = 1
    while students is not None and len(cases) < students:
        cells = dict(right)
        for exercise in right:
            roll = rng.random()
            choices = [m for m in MISTAKES if m[0] == exercise]
            if roll < 0.35 and choices:
                _, _, old, new = rng.choice(choices)
                cells = with_mistake(cells, exercise, old, new)
            elif roll < 0.45:
                cells.pop(exercise)  # left blank
        cases[f"student{k:02d}"] = filled(language, cells)
        k += 1
    written = []
    for name, notebook in list(cases.items())[:students or None]:
        if language == "es":
            name = SPANISH.get(name, name.replace("student", "estudiante"))
        path = folder / f"{name}.ipynb"
        if isinstance(notebook, str):
            path.write_text(notebook, encoding="utf-8")
        else:
            nbformat.write(notebook, path)
        written.append(path)
    return written


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder")
    parser.add_argument("--students", type=int, default=None,
                        help="how many (default: only the named cases)")
    parser.add_argument("--lang", choices=["en", "es"], default="en")
    args = parser.parse_args(argv)
    for path in make_class(args.folder, args.students, args.lang):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
