"""What the teacher gets from :func:`~.grade.grade`: a gradebook (CSV, one row per
student), the same by exercise in a long CSV, one feedback page per student, and a class
report, in the notebook's language. Every text from a submission is escaped; a CSV cell
that a spreadsheet would run as a formula is quoted as text."""

from __future__ import annotations

import base64
import csv
import html
import io
import re
from importlib import resources
from pathlib import Path
from string import Template
from typing import TYPE_CHECKING

from autograd.language import get_language, speaking, tr

from ..check import MISTAKE_WORDS, UNANSWERED

if TYPE_CHECKING:  # (results imports this module to show itself; nothing the other way)
    from .results import Grades, StudentGrade, Verdict

STATUSES = ("right", "wrong", "blank", "error")  # an answer is one of these
MARKS = {"right": "✓", "wrong": "✗", "blank": "—", "error": "!"}
WORDS = {**MISTAKE_WORDS, UNANSWERED: "not answered",
         "unusable": "an answer the check cannot use"}
COLOURS = {"right": "#005a9c", "wrong": "#b34000", "blank": "#b8b8b8", "error": "#7a2c8f"}


def write_reports(grades: Grades, out: str | Path) -> dict[str, Path]:
    """Write ``gradebook.csv``, ``exercises.csv``, ``class_report.html`` and
    ``feedback/STUDENT.html`` into ``out``; returns their paths by kind. Nothing else in
    ``out`` is touched."""
    out = Path(out)
    (out / "feedback").mkdir(parents=True, exist_ok=True)
    with speaking(grades.language):
        files = feedback_files(grades)
        written = {"gradebook": out / "gradebook.csv", "exercises": out / "exercises.csv",
                   "class_report": out / "class_report.html"}
        written["gradebook"].write_text(gradebook_csv(grades), encoding="utf-8")
        written["exercises"].write_text(exercises_csv(grades), encoding="utf-8")
        written["class_report"].write_text(class_report(grades, files), encoding="utf-8")
        for student in grades.students:
            path = out / "feedback" / files[student.student]
            path.write_text(feedback(grades, student), encoding="utf-8")
        return written


def gradebook_csv(grades: Grades) -> str:
    """One row per student: the points of each exercise, then the total."""
    rows = [["student", *(e.id for e in grades.exercises), "total"]]
    for s in grades.students:
        rows.append([s.student, *(_number(s.verdicts[e.id].points) for e in grades.exercises),
                     _number(s.total)])
    return _csv(rows)


def exercises_csv(grades: Grades) -> str:
    """One row per student and exercise: status, points, mistakes (names, ``;``) and why."""
    rows = [["student", "exercise", "status", "points", "mistakes", "reason"]]
    for s in grades.students:
        for e in grades.exercises:
            v = s.verdicts[e.id]
            rows.append([s.student, e.id, v.status, _number(v.points), ";".join(v.mistakes),
                         v.reason])
    return _csv(rows)


def feedback_files(grades: Grades) -> dict[str, str]:
    """Each student's feedback file name: their name made safe for any file system."""
    names: dict[str, str] = {}
    for s in grades.students:
        base = re.sub(r"[^\w.-]+", "_", s.student).strip("._")[:80] or "student"
        name, k = f"{base}.html", 2
        while name in names.values():
            name, k = f"{base}_{k}.html", k + 1
        names[s.student] = name
    return names


def feedback(grades: Grades, student: StudentGrade) -> str:
    """One student's page: each exercise's verdict, the mistake in words, the answers as
    the check read them and, for a graph exercise answered wrong, the marked diagram."""
    title = tr("Lab {lab} · feedback for {student}", lab=grades.lab, student=student.student)
    lead = tr("{points} of {total} points", points=_number(student.total),
              total=_number(grades.max_points))
    problem = (f'<p class="problem">{html.escape(student.problem)}</p>'
               if student.problem else "")
    parts = [_exercise_feedback(e, student.verdicts[e.id]) for e in grades.exercises]
    return _page("feedback.html", title=title, lead=lead, problem=problem,
                 exercises="\n".join(parts))


def _exercise_feedback(exercise, verdict: Verdict) -> str:
    parts = [f'<section class="exercise"><h3>{html.escape(exercise.id)} '
             f"{_badge(verdict.status)} <small>({_number(verdict.points)}/"
             f"{_number(exercise.points)})</small></h3>",
             f'<p class="question">{html.escape(exercise.question)}</p>']
    if verdict.mistakes:
        words = ", ".join(tr(WORDS.get(m, m)) for m in verdict.mistakes)
        parts.append(f"<p><b>{html.escape(tr('Mistake'))}:</b> {html.escape(words)}</p>")
    if verdict.reason:
        parts.append(f"<p>{html.escape(verdict.reason)}</p>")
    if verdict.status != "right":
        for report in verdict.reports:
            parts.append(f"<p>{html.escape(report['summary'])}</p>")
            if all(r["ok"] for r in report["rows"]) or verdict.status == "blank":
                continue  # a report with nothing wrong: its summary says it all
            parts.append(_rows_table(report["rows"]))
    for svg in verdict.diagrams:
        parts.append(f'<div class="scroll"><img class="diagram" alt="'
                     f'{html.escape(tr("the graph, answers marked"))}" src="{_svg_data(svg)}">'
                     "</div>")
    if verdict.printed.strip():
        parts.append(f"<details><summary>{html.escape(tr('what the check printed'))}</summary>"
                     f"<pre>{html.escape(verdict.printed)}</pre></details>")
    parts.append("</section>")
    return "\n".join(parts)


def _rows_table(rows: list[dict]) -> str:
    head = "".join(f"<th>{html.escape(tr(h))}</th>" for h in
                   ("answer", "given", "expected", "verdict", "explanation"))
    body = "".join(
        f'<tr class="{"right" if r["ok"] else "wrong"}"><td>{html.escape(r["label"])}</td>'
        f"<td>{html.escape(r['given'])}</td><td>{html.escape(r['expected'])}</td>"
        f"<td>{html.escape(r['verdict'])}</td><td>{html.escape(r['explanation'])}</td></tr>"
        for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def class_report(grades: Grades, files: dict[str, str] | None = None) -> str:
    """The class at a glance: per exercise how many right, wrong, blank, error (a chart and a
    table); the commonest mistakes with counts and an example; every student's row."""
    files = files or feedback_files(grades)
    n = len(grades.students)
    mean = sum(s.total for s in grades.students) / n if n else 0.0
    title = tr("Lab {lab} · class report", lab=grades.lab)
    lead = tr("{n} notebooks graded in {seconds:.0f} s; mean {mean} of {total} points",
              n=n, seconds=grades.seconds, mean=_number(round(mean, 2)),
              total=_number(grades.max_points))
    heads = "".join(f"<th>{html.escape(tr(h))}</th>" for h in ("exercise", *STATUSES))
    body = []
    for e in grades.exercises:
        counts = grades.counts(e.id)
        body.append(f"<tr><td>{html.escape(e.id)}</td>" + "".join(
            f'<td class="num {s}">{counts[s]}</td>' for s in STATUSES) + "</tr>")
    counts_table = f"<table><thead><tr>{heads}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    mistakes = []
    for e in grades.exercises:
        found = grades.mistakes(e.id)
        if not found:
            continue
        mistakes.append(f"<h3>{html.escape(e.id)}: {html.escape(tr('the commonest mistakes'))}"
                        f"</h3><p class=\"question\">{html.escape(e.question)}</p><table><thead>"
                        f"<tr><th>{html.escape(tr('mistake'))}</th><th>{html.escape(tr('students'))}"
                        f"</th><th>{html.escape(tr('example'))}</th></tr></thead><tbody>")
        for mistake, count, who in found:
            example = _example(grades, e.id, mistake, who[0], files)
            mistakes.append(f"<tr><td>{html.escape(tr(WORDS.get(mistake, mistake)))} "
                            f"<small>({html.escape(mistake)})</small></td>"
                            f'<td class="num">{count}</td><td class="example">{example}</td></tr>')
        mistakes.append("</tbody></table>")
    heads = "".join(f"<th>{html.escape(h)}</th>" for h in
                    (tr("student"), *(e.id for e in grades.exercises), tr("total")))
    rows = []
    for s in grades.students:
        cells = "".join(f'<td class="{s.verdicts[e.id].status}" title="'
                        f'{html.escape(tr(s.verdicts[e.id].status))}">'
                        f"{MARKS[s.verdicts[e.id].status]}</td>" for e in grades.exercises)
        rows.append(f'<tr><td><a href="feedback/{html.escape(files[s.student])}">'
                    f"{html.escape(s.student)}</a></td>{cells}"
                    f'<td class="num">{_number(s.total)}</td></tr>')
    students = f"<table><thead><tr>{heads}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    stopped = [s for s in grades.students if s.problem]
    problems = ""
    if stopped:
        problems = (f"<h2>{html.escape(tr('Notebooks that did not run to the end'))}</h2><ul>"
                    + "".join(f"<li><b>{html.escape(s.student)}</b>: {html.escape(s.problem)}"
                              "</li>" for s in stopped) + "</ul>")
    return _page("class_report.html", title=title, lead=lead, chart=_chart(grades),
                 by_exercise=tr("By exercise"), counts=counts_table,
                 mistakes="\n".join(mistakes), by_student=tr("By student"),
                 students=students, problems=problems)


def _example(grades: Grades, exercise: str, mistake: str, student: str,
             files: dict[str, str]) -> str:
    """One student's wrong answer with this mistake, as the check explained it."""
    verdict = next(s for s in grades.students if s.student == student).verdicts[exercise]
    row = next((r for r in verdict.rows if r["mistake"] == mistake), None)
    link = f'<a href="feedback/{html.escape(files[student])}">{html.escape(student)}</a>'
    if row is None:
        return f"{link}: {html.escape(verdict.reason)}"
    said = f"{row['label']} = {row['given']} ({tr('expected')} {row['expected']})"
    if row["explanation"]:
        said += f": {row['explanation']}"
    return f"{link}: {html.escape(said)}"


def _chart(grades: Grades) -> str:
    """A stacked bar per exercise (right, wrong, blank, error), as an SVG image."""
    from matplotlib.figure import Figure  # no pyplot: a notebook's backend stays as it was
    from matplotlib.ticker import MaxNLocator

    ids = [e.id for e in grades.exercises]
    fig = Figure(figsize=(7.5, 0.45 * len(ids) + 1.2))
    ax = fig.add_subplot()
    left = [0] * len(ids)
    for status in STATUSES:
        values = [grades.counts(i)[status] for i in ids]
        ax.barh(ids, values, left=left, color=COLOURS[status], label=tr(status),
                edgecolor="white", hatch="//" if status == "error" else None)
        left = [a + b for a, b in zip(left, values)]
    ax.invert_yaxis()
    ax.set_xlabel(tr("students"))
    ax.set_xlim(0, max(1, len(grades.students)))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(ncols=4, loc="lower center", bbox_to_anchor=(0.5, 1.0), frameon=False)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.tight_layout()
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg")
    alt = html.escape(tr("right, wrong, blank and error answers per exercise"))
    return f'<img class="chart" alt="{alt}" src="{_svg_data(buffer.getvalue())}">'


def _badge(status: str) -> str:
    return f'<span class="badge {status}">{MARKS[status]} {html.escape(tr(status))}</span>'


def _svg_data(svg: str) -> str:
    """An SVG as a data URL for an <img>: scripts in it never run, text in it stays text."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _page(name: str, **fields: str) -> str:
    template = resources.files("viz").joinpath("pages", name).read_text(encoding="utf-8")
    css = resources.files("viz").joinpath("pages", "grading.css").read_text(encoding="utf-8")
    title = fields.pop("title")
    return Template(template).substitute(lang=get_language(), css=css,
                                         title=html.escape(title),
                                         **{k: v if k in _HTML else html.escape(v)
                                            for k, v in fields.items()})


_HTML = {"problem", "exercises", "chart", "counts", "mistakes", "students", "problems"}


def _csv(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerows([[_cell(c) for c in row] for row in rows])
    return buffer.getvalue()


def _cell(value: object) -> str:
    """A CSV cell a spreadsheet shows as text: one starting with = + - @ (a formula to
    Excel or LibreOffice) gets a leading apostrophe, unless it is a number."""
    text = str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        try:
            float(text)
        except ValueError:
            return "'" + text
    return text


def _number(x: float) -> str:
    return f"{x:g}"
