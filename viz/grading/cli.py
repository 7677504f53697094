"""``python -m viz grade SOLUTION.ipynb SUBMISSION.ipynb... --out DIR``: grade a class."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

DEFAULTS = {"timeout": 60.0, "memory": 1000, "notebook_timeout": 600.0}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m viz grade",
        description="Grade students' copies of a lab's student notebook: each runs in its "
                    "own kernel under limits; its answers are checked against the solution "
                    "with the exercise mode's diagnosis. Writes gradebook.csv, "
                    "exercises.csv, class_report.html and feedback/STUDENT.html.",
        epilog="example: python -m viz grade notebooks/en/01_the_neuron.ipynb "
               "submissions/*.ipynb --out graded")
    parser.add_argument("solution", help="the lab's solution notebook (or its student version)")
    parser.add_argument("submissions", nargs="+", metavar="SUBMISSION",
                        help="the students' notebooks (each file's name is the student's)")
    parser.add_argument("--out", required=True, help="the folder to write the reports into")
    parser.add_argument("--timeout", type=float, default=DEFAULTS["timeout"],
                        help="seconds of wall time per cell (default %(default)g)")
    parser.add_argument("--memory", type=int, default=DEFAULTS["memory"],
                        help="MB each kernel may allocate (default %(default)d; 0: no limit)")
    parser.add_argument("--notebook-timeout", type=float, default=DEFAULTS["notebook_timeout"],
                        help="seconds for a whole notebook (default %(default)g)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                        help="notebooks run at once (default: the number of cores, "
                             "%(default)d here)")
    parser.add_argument("--quiet", action="store_true",
                        help="print only the summary line (on standard output)")
    args = parser.parse_args(argv)
    for name in ("solution", *args.submissions):
        path = Path(args.solution if name == "solution" else name)
        if not path.is_file():
            parser.exit(2, f"python -m viz grade: error: no file {path}\n")
    from .grade import grade

    said: list[str] = []

    def progress(text: str) -> None:  # each step, then the summary line, on stderr
        said.append(text)
        if not args.quiet:
            print(text, file=sys.stderr, flush=True)

    try:
        grade(args.solution, args.submissions, args.out, timeout=args.timeout,
              memory=args.memory or None, notebook_timeout=args.notebook_timeout,
              jobs=args.jobs, progress=progress)
    except (ValueError, RuntimeError, ImportError, OSError) as error:
        parser.exit(2, f"python -m viz grade: error: {error}\n")
    if args.quiet:
        print(said[-1])  # the summary line alone, on stdout
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
