"""Issue #25: the teacher's loop. A class's notebooks graded, each in its own kernel under
limits; answers read out as data and checked in the solution's kernel; each student's
mistake named; gradebook, feedback pages and a class report that say the same numbers."""

from __future__ import annotations

import csv
import hashlib
import html
import importlib.util
import io
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest

pytest.importorskip("jupyter_client")

from viz.grading import (
    Grades,
    exercises,
    grade,
    plain,
)
from viz.grading.exercises import NotANotebook, read_notebook
from viz.grading.reports import _cell

ROOT = Path(__file__).resolve().parent.parent
SOLUTION = ROOT / "notebooks" / "en" / "01_the_neuron.ipynb"
spec = importlib.util.spec_from_file_location("make_class", ROOT / "examples" / "make_class.py")
make_class = importlib.util.module_from_spec(spec)
spec.loader.exec_module(make_class)

NAMED = ["right", "blank", *(f"{e}-{m}" for e, m, _, _ in make_class.MISTAKES), "raises",
         "loops", "allocates", "prints", "crashes", "fakes-its-checks", "deleted-checks",
         "reordered", "not-a-notebook", "another-lab"]
ODD = '=HYPERLINK("x")<i>Ana'  # a file name: a spreadsheet formula, and markup


def _digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The synthetic class of examples/make_class.py, graded once with short limits against
    a copy of the solution that gives the gates exercise 2 points."""
    base = tmp_path_factory.mktemp("class")
    folder = base / "submissions"
    paths = make_class.make_class(folder)
    odd = folder / f"{ODD}.ipynb"  # right answers, a name that must be escaped
    odd.write_bytes((folder / "right.ipynb").read_bytes())
    solution = nbformat.read(SOLUTION, as_version=4)
    for cell in solution.cells:
        if cell.metadata.get("backprop_lens", {}).get("exercise") == "01-gates":
            cell.metadata["backprop_lens"]["points"] = 2
    key = base / "solution.ipynb"
    nbformat.write(solution, key)
    out = base / "out"
    out.mkdir()
    (out / "mine.txt").write_text("the teacher's own file")
    before = _digest(folder), key.read_bytes()
    messages: list[str] = []
    grades = grade(key, [*paths, odd], out, timeout=5, notebook_timeout=90, memory=600,
                   progress=messages.append)
    return grades, out, before, (folder, key), messages


def _by_name(grades: Grades) -> dict:
    return {s.student: s for s in grades.students}


def test_the_right_notebook_gets_every_point_and_the_blank_one_none(graded):
    grades, *_ = graded
    students = _by_name(grades)
    assert [e.id for e in grades.exercises] == ["01-gates", "01-table", "01-gradient",
                                                "01-update", "01-train"]
    assert grades.max_points == 6  # gates: 2 points from the solution's metadata
    assert {k: v.status for k, v in students["right"].verdicts.items()} == dict.fromkeys(
        ["01-gates", "01-table", "01-gradient", "01-update", "01-train"], "right")
    assert students["right"].total == 6
    assert {v.status for v in students["blank"].verdicts.values()} == {"blank"}
    assert students["blank"].total == 0


@pytest.mark.parametrize("exercise, mistake", [(e, m) for e, m, _, _ in make_class.MISTAKES])
def test_each_classic_mistake_is_named_and_nothing_else_is_marked(graded, exercise, mistake):
    grades, *_ = graded
    student = _by_name(grades)[f"{exercise}-{mistake}"]
    for other, verdict in student.verdicts.items():
        if other == exercise:
            assert (verdict.status, verdict.mistakes, verdict.points) == ("wrong", [mistake], 0)
        else:
            assert verdict.status == "right", (other, verdict)
    assert student.total == grades.max_points - (2 if exercise == "01-gates" else 1)


def test_a_faked_check_printed_verdict_and_claimed_points_change_nothing(graded):
    """The submission replaces viz.check and check_answer by functions that say right,
    prints a verdict, and claims 100 points in its metadata; its answer is σ′ twice."""
    grades, *_ = graded
    student = _by_name(grades)["fakes-its-checks"]
    gradient = student.verdicts["01-gradient"]
    assert (gradient.status, gradient.mistakes, gradient.points) == ("wrong", ["extra_factor"], 0)
    assert student.total == grades.max_points - 1
    assert next(e for e in grades.exercises if e.id == "01-gradient").points == 1


def test_a_cell_that_raises_marks_its_exercise_and_the_rest_is_graded(graded):
    grades, *_ = graded
    student = _by_name(grades)["raises"]
    assert student.verdicts["01-gradient"].status == "error"
    assert "NameError" in student.verdicts["01-gradient"].reason
    assert "undefined_name" in student.verdicts["01-gradient"].reason
    assert [v.status for k, v in student.verdicts.items() if k != "01-gradient"] == ["right"] * 4


def test_a_loop_is_stopped_at_the_cell_time_limit_and_later_exercises_are_graded(graded):
    grades, *_ = graded
    student = _by_name(grades)["loops"]
    assert student.verdicts["01-update"].status == "error"
    assert "ran longer than 5 s" in student.verdicts["01-update"].reason
    assert student.verdicts["01-train"].status == "right"  # interrupted, and the kernel went on
    assert student.problem == ""


def test_unbounded_memory_fails_in_its_own_kernel_only(graded):
    grades, *_ = graded
    students = _by_name(grades)
    allocates = students["allocates"].verdicts
    assert allocates["01-table"].status == "error" and "MemoryError" in allocates["01-table"].reason
    assert [v.status for k, v in allocates.items() if k != "01-table"] == ["right"] * 4


def test_megabytes_of_output_are_counted_not_kept(graded):
    grades, *_ = graded
    assert {v.status for v in _by_name(grades)["prints"].verdicts.values()} == {"right"}


def test_a_kernel_that_dies_marks_what_was_not_run(graded):
    grades, *_ = graded
    student = _by_name(grades)["crashes"]
    assert "the kernel died in cell" in student.problem
    assert student.verdicts["01-train"].status == "error"
    assert "kernel died" in student.verdicts["01-train"].reason
    assert [v.status for k, v in student.verdicts.items() if k != "01-train"] == ["right"] * 4


def test_deleted_and_reordered_cells_are_found_by_their_ids(graded):
    grades, *_ = graded
    students = _by_name(grades)
    assert {v.status for v in students["deleted-checks"].verdicts.values()} == {"right"}
    reordered = students["reordered"].verdicts  # update moved above gradient, which defines s
    assert reordered["01-gradient"].status == "right"
    assert reordered["01-update"].status == "error" and "'s' is not defined" in \
        reordered["01-update"].reason


def test_not_a_notebook_and_another_labs_notebook_are_errors_with_the_reason(graded):
    grades, *_ = graded
    students = _by_name(grades)
    text = students["not-a-notebook"]
    assert {v.status for v in text.verdicts.values()} == {"error"}
    assert "is not a Jupyter notebook" in text.problem
    other = students["another-lab"]
    assert other.problem == "this is the notebook of lab 03, not of lab 01"
    assert {v.reason for v in other.verdicts.values()} == {other.problem}


def test_no_submission_the_solution_or_the_teachers_files_are_touched(graded):
    grades, out, before, (folder, key), _ = graded
    assert _digest(folder) == before[0]
    assert key.read_bytes() == before[1]
    names = {p.name for p in out.iterdir()}
    assert names == {"mine.txt", "gradebook.csv", "exercises.csv", "class_report.html",
                     "feedback"}
    assert (out / "mine.txt").read_text() == "the teacher's own file"
    assert len(list((out / "feedback").iterdir())) == len(grades.students)


def test_the_csvs_say_what_the_grades_say(graded):
    grades, out, *_ = graded
    rows = list(csv.DictReader(io.StringIO((out / "exercises.csv").read_text())))
    assert len(rows) == len(grades.students) * len(grades.exercises)
    book = {r["student"]: r for r in csv.DictReader(io.StringIO(
        (out / "gradebook.csv").read_text()))}
    for student in grades.students:
        name = _cell(student.student)
        mine = [r for r in rows if r["student"] == name]
        assert float(book[name]["total"]) == sum(float(r["points"]) for r in mine)
        for r in mine:
            verdict = student.verdicts[r["exercise"]]
            assert (r["status"], r["mistakes"].split(";") if r["mistakes"] else [],
                    float(r["points"])) == (verdict.status, verdict.mistakes, verdict.points)
            assert float(book[name][r["exercise"]]) == verdict.points
    # counted here from the long CSV, independently of Grades.counts
    for exercise in grades.exercises:
        statuses = [r["status"] for r in rows if r["exercise"] == exercise.id]
        assert grades.counts(exercise.id) == {s: statuses.count(s) for s in
                                              ("right", "wrong", "blank", "error")}


def test_the_class_report_counts_every_classic_mistake_with_an_example(graded):
    grades, out, *_ = graded
    page = (out / "class_report.html").read_text()
    rows = list(csv.DictReader(io.StringIO((out / "exercises.csv").read_text())))
    for exercise in grades.exercises:
        statuses = [r["status"] for r in rows if r["exercise"] == exercise.id]
        cells = "".join(f'<td class="num {s}">{statuses.count(s)}</td>'
                        for s in ("right", "wrong", "blank", "error"))
        assert f"<tr><td>{exercise.id}</td>{cells}</tr>" in page
        named = [m for r in rows if r["exercise"] == exercise.id and r["mistakes"]
                 for m in r["mistakes"].split(";")]
        for mistake in set(named):
            section = page.split(f"<h3>{exercise.id}: ")[1].split("</table>")[0]
            assert re.search(rf"<small>\({mistake}\)</small></td><td class=\"num\">"
                             rf"{named.count(mistake)}</td>", section), (exercise.id, mistake)
    # σ′ twice, in words, with the example's explanation
    assert "one factor too many" in page and "σ′ is applied twice" in page
    assert "data:image/svg+xml;base64," in page  # the chart


def test_feedback_shows_the_diagnosis_and_the_marked_diagram(graded):
    _grades, out, *_ = graded
    page = (out / "feedback" / "01-gradient-extra_factor.html").read_text()
    assert "one factor too many" in page and "σ′ is applied twice" in page
    assert page.count('class="diagram"') == 1
    svg = page.split('class="diagram" alt="the graph, answers marked" src="data:image/svg+xml;'
                     'base64,')[1].split('"')[0]
    import base64

    drawn = base64.b64decode(svg).decode()
    assert "✗" in drawn and "0.8808" in drawn  # the wrong answer marked, with the right one
    assert "5 of 6 points" in page


def test_text_from_submissions_is_escaped_everywhere(graded):
    _, out, *_ = graded
    page = (out / "class_report.html").read_text()
    assert "<i>Ana" not in page and html.escape(ODD) in page
    assert _cell(ODD) == "'" + ODD  # a formula to a spreadsheet: quoted as text
    assert _cell("=1+1") == "'=1+1" and _cell("-3") == "-3" and _cell("@SUM(A1)") == "'@SUM(A1)"
    book = (out / "gradebook.csv").read_text()
    assert "\n\"'=HYPERLINK(\"\"x\"\")<i>Ana\"," in book
    feedback = out / "feedback" / "HYPERLINK_x_i_Ana.html"
    assert "<i>Ana" not in feedback.read_text() and html.escape(ODD) in feedback.read_text()


def test_progress_is_reported_for_every_notebook_and_a_summary_ends_it(graded):
    grades, *_, messages = graded
    n = len(grades.students)
    assert messages[0] == f"running {n} notebooks, 2 at a time"
    ran = [m for m in messages if re.fullmatch(rf"\[\d+/{n}\] ran .+ \(\d+\.\d s\)", m)]
    assert len(ran) == n and [int(m[1:m.index("/")]) for m in ran] == list(range(1, n + 1))
    mean = sum(s.total for s in grades.students) / n
    stopped = sum(bool(s.problem) for s in grades.students)
    assert stopped == 3  # crashes, not-a-notebook, another-lab
    assert re.fullmatch(rf"graded {n} notebooks of lab 01 in \d+ s: mean {mean:.2f} of 6 points;"
                        rf" {stopped} did not run to the end; report: .*class_report.html",
                        messages[-1])


def test_the_notebook_time_limit_stops_it_and_marks_what_was_not_run(tmp_path):
    solution, submission = _tiny(tmp_path, {"x": "x = 2.0",
                                            "g": "import time\ntime.sleep(60)\ndg = 6.0"})
    grades = grade(solution, [submission], timeout=120, notebook_timeout=8, progress=False)
    student = grades.students[0]
    assert student.verdicts["x"].status == "right"
    assert student.problem == "stopped at cell 4: the notebook ran longer than 8 s"
    assert student.verdicts["g"].status == "error"
    assert student.verdicts["g"].reason == "not run: " + student.problem
    assert student.seconds < 30


# -- a small solution, for the cases that need no lab ------------------------------------

def _tiny(tmp_path: Path, answers: dict[str, str], *, name: str = "tiny",
          lab: str = "99") -> tuple[Path, Path]:
    """A two-exercise solution and one student's copy with ``answers`` as cell sources."""
    def notebook(sources: dict[str, str]) -> nbformat.NotebookNode:
        nb = nbformat.v4.new_notebook(metadata={"backprop_lens": {"lab": lab,
                                                                  "language": "en"}})
        nb.cells = [
            nbformat.v4.new_code_cell("import viz\nfrom autograd import Value"),
            nbformat.v4.new_code_cell(sources["x"], metadata={"backprop_lens": {
                "exercise": "x", "points": 3}}),
            nbformat.v4.new_code_cell("viz.check_answer(x, 2.0, name='x')",
                                      metadata={"backprop_lens": {"check": "x"}}),
            nbformat.v4.new_code_cell(sources["g"], metadata={"backprop_lens": {
                "exercise": "g"}}),
            nbformat.v4.new_code_cell(
                "a = Value(3.0, label='a'); f = a * a; f.label = 'f'\n"
                "viz.check(f, grads={'a': dg})", metadata={"backprop_lens": {"check": "g"}}),
        ]
        return nb
    solution, submission = tmp_path / "solution.ipynb", tmp_path / f"{name}.ipynb"
    nbformat.write(notebook({"x": "x = 2.0", "g": "dg = 6.0"}), solution)
    nbformat.write(notebook(answers), submission)
    return solution, submission


def test_answers_of_every_plain_kind_reach_the_check(tmp_path):
    solution, submission = _tiny(tmp_path, {"x": "import numpy as np\nx = np.float32(2.0)",
                                            "g": "dg = 3.0"})
    grades = grade(solution, [submission], progress=False)
    verdicts = grades.students[0].verdicts
    assert verdicts["x"].status == "right" and verdicts["x"].points == 3
    # f = a·a: 3 is one of the two paths (∂f/∂a = 2a = 6)
    assert (verdicts["g"].status, verdicts["g"].mistakes) == ("wrong", ["missing_path"])


def test_an_answer_that_is_not_plain_data_is_said_so_and_escaped(tmp_path):
    solution, submission = _tiny(tmp_path, {
        "x": "x = lambda: 2.0", "g": "dg = '<img src=x onerror=alert(1)>'"})
    out = tmp_path / "out"
    grades = grade(solution, [submission], out, progress=False)
    verdicts = grades.students[0].verdicts
    assert verdicts["x"].status == "wrong"
    assert (verdicts["g"].status, verdicts["g"].mistakes) == ("wrong", ["not_a_number"])
    page = (out / "feedback" / "tiny.html").read_text()
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page


def test_the_student_version_serves_as_the_answer_key(tmp_path):
    """No solution at hand: the student version's checks compute the expected numbers."""
    key = SOLUTION.parent / "student" / SOLUTION.name
    folder = tmp_path / "subs"
    make_class.make_class(folder)
    grades = grade(key, [folder / "right.ipynb", folder / "01-gradient-sign.ipynb"],
                   timeout=20, progress=False)
    right, sign = grades.students
    assert {v.status for v in right.verdicts.values()} == {"right"}
    assert sign.verdicts["01-gradient"].mistakes == ["sign"]


@pytest.mark.parametrize("kwargs, message", [
    ({"timeout": 0}, "grade: timeout must be a number of seconds > 0, got 0"),
    ({"notebook_timeout": float("nan")}, "grade: notebook_timeout must be a number of seconds"),
    ({"memory": 50}, "grade: memory must be a whole number of MB ≥ 200"),
    ({"memory": 1.5e3}, "grade: memory must be a whole number of MB ≥ 200"),
    ({"jobs": 0}, "grade: jobs must be a whole number ≥ 1, got 0"),
    ({"jobs": True}, "grade: jobs must be a whole number ≥ 1, got True"),
])
def test_bad_arguments_are_refused_before_anything_runs_or_is_written(tmp_path, kwargs,
                                                                      message):
    solution, submission = _tiny(tmp_path, {"x": "x = 2.0", "g": "dg = 6.0"})
    with pytest.raises(ValueError, match=re.escape(message)):
        grade(solution, [submission], tmp_path / "out", progress=False, **kwargs)
    assert not (tmp_path / "out").exists()


def test_a_solution_without_exercises_or_no_submissions_are_refused(tmp_path):
    solution, submission = _tiny(tmp_path, {"x": "x = 2.0", "g": "dg = 6.0"})
    with pytest.raises(ValueError, match="grade: no submissions to grade"):
        grade(solution, [], progress=False)
    plain_nb = tmp_path / "plain.ipynb"
    nbformat.write(nbformat.v4.new_notebook(), plain_nb)
    with pytest.raises(ValueError, match="grade: plain.ipynb has no exercise"):
        grade(plain_nb, [submission], progress=False)


def test_exercises_refuse_a_broken_answer_key(tmp_path):
    solution, _ = _tiny(tmp_path, {"x": "x = 2.0", "g": "dg = 6.0"})
    nb = read_notebook(solution)
    assert [(e.id, e.points, e.answers) for e in exercises(nb)] == [("x", 3.0, ("x",)),
                                                                    ("g", 1.0, ("dg",))]
    nb.cells[3].metadata["backprop_lens"]["exercise"] = "x"
    with pytest.raises(ValueError, match="exercises: two exercises have the id 'x'"):
        exercises(nb)
    nb = read_notebook(solution)
    nb.cells[1].metadata["backprop_lens"]["points"] = -1
    with pytest.raises(ValueError, match="exercises: the points of 'x' must be a number > 0, "
                                         "got -1"):
        exercises(nb)
    nb = read_notebook(solution)
    del nb.cells[2].metadata["backprop_lens"]
    with pytest.raises(ValueError, match="exercise 'x' has no cell with backprop_lens.check"):
        exercises(nb)


def test_read_notebook_says_why_a_file_is_not_one(tmp_path):
    cases = {"text.ipynb": b"my homework", "binary.ipynb": b"\xff\xfe\x00\x01",
             "list.ipynb": b"[1, 2]"}
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        with pytest.raises(NotANotebook, match=re.escape(name)):
            read_notebook(tmp_path / name)
    big = tmp_path / "big.ipynb"
    with big.open("wb") as file:
        file.truncate(21_000_000)
    with pytest.raises(NotANotebook, match="big.ipynb is 21 MB; a notebook is read up to 20 MB"):
        read_notebook(big)


def test_plain_round_trips_answers_and_refuses_anything_else():
    answers = {"t": (64, 10), "a": np.arange(6.0).reshape(2, 3), "d": {0: "x", "k": [1, None]},
               "n": float("nan"), "b": True, "big": 2 ** 70, "f": print}
    back = plain.loads(plain.dumps(answers))
    assert back["t"] == (64, 10) and isinstance(back["t"], tuple)
    assert back["a"].shape == (2, 3) and np.array_equal(back["a"], answers["a"])
    assert back["d"] == {0: "x", "k": [1, None]}
    assert np.isnan(back["n"]) and back["b"] is True and back["big"] == float(2 ** 70)
    assert isinstance(back["f"], plain.Opaque) and repr(back["f"]) == \
        "<builtins.builtin_function_or_method>"
    for bad in ['{"x": {"__array__": [1, 2], "shape": [-1]}}', '{"x": {"__code__": "1"}}',
                '{"x": NaN}', "[1]", '{"x": {"__dict__": [[{"a": 1}, 2]]}}',
                "x" * (plain.MAX_BYTES + 1)]:
        with pytest.raises(plain.Unreadable):
            plain.loads(bad)


def test_the_command_grades_and_prints_one_summary_line(tmp_path):
    solution, submission = _tiny(tmp_path, {"x": "x = 2.0", "g": "dg = 6.0"})
    done = subprocess.run([sys.executable, "-m", "viz", "grade", str(solution), str(submission),
                           "--out", str(tmp_path / "out"), "--quiet"],
                          capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("graded 1 notebooks of lab 99 in ")
    assert "mean 4.00 of 4 points; 0 did not run to the end" in done.stdout
    assert (tmp_path / "out" / "gradebook.csv").read_text() == "student,x,g,total\ntiny,3,1,4\n"
    missing = subprocess.run([sys.executable, "-m", "viz", "grade", str(solution), "nope.ipynb",
                              "--out", str(tmp_path / "o2")], capture_output=True, text=True,
                             timeout=60, cwd=ROOT)
    assert missing.returncode == 2
    assert "python -m viz grade: error: no file nope.ipynb" in missing.stderr
    assert not (tmp_path / "o2").exists()


def test_feedback_is_written_in_the_notebooks_language(tmp_path):
    key = ROOT / "notebooks" / "es" / "01_la_neurona.ipynb"
    folder = tmp_path / "subs"
    make_class.make_class(folder, language="es")
    out = tmp_path / "out"
    grade(key, [folder / "01-gradient-extra_factor.ipynb"], out, timeout=20, progress=False)
    page = (out / "feedback" / "01-gradient-extra_factor.html").read_text()
    assert '<html lang="es">' in page and "4 de 5 puntos" in page
    assert "un factor de más" in page  # extra_factor in Spanish
    report = (out / "class_report.html").read_text()
    assert "informe de la clase" in report and "los errores más comunes" in report
