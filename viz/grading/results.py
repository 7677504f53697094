"""What grading a class found, as data: each student's verdict on each exercise, and the
class's counts. :func:`~.grade.grade` makes it; :mod:`.reports` writes it out."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from autograd.language import speaking, tr

from .exercises import Exercise
from .reports import STATUSES, class_report


@dataclass
class Verdict:
    """One student's result on one exercise. ``status`` is one of :data:`STATUSES`;
    ``mistakes`` are the exercise mode's names (``extra_factor``, ``sign``...), ``reason``
    says why an answer is blank or could not be graded; ``reports`` are what the check's
    ``viz.check`` calls said (each a ``summary`` and its ``rows``: label, given, expected,
    verdict, mistake, explanation), ``diagrams`` the graphs with the answers marked (SVG),
    ``printed`` what the check printed."""

    status: str
    points: float = 0.0
    mistakes: list[str] = field(default_factory=list)
    reason: str = ""
    reports: list[dict] = field(default_factory=list)
    diagrams: list[str] = field(default_factory=list)
    printed: str = ""

    @property
    def rows(self) -> list[dict]:
        """Every answer the check read, all reports together."""
        return [row for report in self.reports for row in report["rows"]]


@dataclass
class StudentGrade:
    """One submission: who (its file's name), each exercise's verdict by id, and the
    problem that stopped its notebook, if one did."""

    student: str
    path: str
    verdicts: dict[str, Verdict]
    problem: str = ""
    seconds: float = 0.0

    @property
    def total(self) -> float:
        return sum(v.points for v in self.verdicts.values())


@dataclass(repr=False)
class Grades:
    """A class's grades: the result of :func:`grade`, the data behind every file it writes."""

    lab: str
    language: str
    exercises: list[Exercise]
    students: list[StudentGrade]
    seconds: float = 0.0

    def __repr__(self) -> str:
        n = len(self.students)
        mean = sum(s.total for s in self.students) / n if n else 0.0
        return (f"<Grades of lab {self.lab}: {n} students, {len(self.exercises)} exercises, "
                f"mean {mean:.2f} of {self.max_points:g} points>")

    def summary(self) -> str:
        """One line: how many notebooks, how long, the mean, how many stopped early."""
        n = len(self.students)
        mean = sum(s.total for s in self.students) / n if n else 0.0
        stopped = sum(bool(s.problem) for s in self.students)
        with speaking(self.language):
            return tr("graded {n} notebooks of lab {lab} in {seconds} s: mean {mean} of "
                      "{total} points; {stopped} did not run to the end", n=n, lab=self.lab,
                      seconds=f"{self.seconds:.0f}", mean=f"{mean:.2f}",
                      total=f"{self.max_points:g}", stopped=stopped)

    @property
    def max_points(self) -> float:
        return sum(e.points for e in self.exercises)

    def counts(self, exercise: str) -> dict[str, int]:
        """How many students' answers to ``exercise`` are right, wrong, blank, error."""
        found = Counter(s.verdicts[exercise].status for s in self.students)
        return {status: found.get(status, 0) for status in STATUSES}

    def _repr_html_(self) -> str:
        """The class report, inline in Jupyter (in a frame: its styles stay its own)."""
        import html

        with speaking(self.language):
            page = class_report(self)
        return (f'<iframe srcdoc="{html.escape(page)}" style="width: 100%; height: 42em; '
                'border: 1px solid #ddd" title="class report"></iframe>')

    def mistakes(self, exercise: str) -> list[tuple[str, int, list[str]]]:
        """The mistakes made in ``exercise``, most common first: (name, how many students,
        who, in the class list's order)."""
        who: dict[str, list[str]] = {}
        for student in self.students:
            for mistake in student.verdicts[exercise].mistakes:
                who.setdefault(mistake, []).append(student.student)
        return sorted(((m, len(names), names) for m, names in who.items()),
                      key=lambda item: -item[1])
