"""Grade a class's lab notebooks: each student's notebook runs apart, under limits; its
answers are read out as data and checked against the solution with the exercise mode's
diagnosis; the teacher gets a gradebook, one feedback page per student and a class report.

``grade(...)`` and ``python -m viz grade``. Needs the ``grade`` extra (nbformat,
jupyter_client, ipykernel) and a POSIX system (Linux or macOS).
"""

from .exercises import Exercise, NotANotebook, exercises
from .grade import grade
from .results import STATUSES, Grades, StudentGrade, Verdict

__all__ = ["STATUSES", "Exercise", "Grades", "NotANotebook", "StudentGrade", "Verdict",
           "exercises", "grade"]
