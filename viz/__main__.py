import sys

if sys.argv[1:2] == ["grade"]:  # python -m viz grade SOLUTION SUBMISSION... --out DIR
    from .grading.cli import main as grade

    sys.exit(grade(sys.argv[2:]))
from .cli import main

sys.exit(main())
