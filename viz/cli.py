"""``python -m viz "EXPRESSION" NAME=VALUE … -o graph.svg``: draw an expression's graph."""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

from autograd.language import LANGUAGES, set_language, tr

from .diagram import draw_graph, save
from .expression import FUNCTIONS, ExpressionError, build, parse_assignment
from .theme import THEMES

DOT_TIME_LIMIT = 30.0  # seconds for dot to lay out the diagram; past it, a clear error


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m viz",
        description="Build an expression from Values, backpropagate, and draw its graph.",
        epilog='example: python -m viz "sigmoid(w1*x1 + w2*x2 + b)" x1=2.8 x2=-1.8 '
               "w1=1.45 w2=-0.35 b=-4 -o graph.svg   functions: " + ", ".join(FUNCTIONS))
    parser.add_argument("expression", help="numbers, variables, + - * / **, and functions")
    parser.add_argument("values", nargs="*", metavar="NAME=VALUE", help="each variable's value")
    parser.add_argument("-o", "--output", default="graph.svg",
                        help="where to write the diagram (default graph.svg)")
    parser.add_argument("--format", choices=["svg", "png", "pdf", "dot"],
                        help="the diagram's format (default: from the output's extension)")
    parser.add_argument("--style", choices=["circuit", "record"], default="circuit")
    parser.add_argument("--no-grad", action="store_true", help="draw forward values only")
    parser.add_argument("--rankdir", choices=["LR", "TB", "RL", "BT"], default="LR")
    parser.add_argument("--theme", choices=sorted(THEMES), default=None,
                        help="sizes for a notebook, a projector or paper (default: notebook)")
    parser.add_argument("--lang", choices=list(LANGUAGES), default=None,
                        help="the language of what is printed (default: en)")
    args = parser.parse_args(argv)
    if args.lang:
        set_language(args.lang)

    def fail(message: object) -> None:
        parser.exit(2, f"python -m viz: error: {message}\n")

    try:
        variables: dict[str, float] = {}
        for text in args.values:
            name, value = parse_assignment(text)
            if name in variables:
                fail(f"{name} is given twice ({name}={variables[name]:g} and {name}={value:g})")
            variables[name] = value
        root, inputs = build(args.expression, variables)
    except (ExpressionError, ArithmeticError, ValueError) as error:  # log(-1), 1/0 …
        fail(error)
    if not math.isfinite(root.data):
        given = " ".join(f"{k}={v:g}" for k, v in variables.items())
        fail(f"the value is {root.data} at these inputs ({given}): nothing to draw")
    output = Path(args.output)
    if args.format:
        output = output.with_suffix("." + args.format)
    elif output.suffix.lower() not in (".svg", ".png", ".pdf", ".dot", ".gv"):
        fail(f"cannot tell the format of {output.name}; give --format or an extension .svg, "
             ".png, .pdf, .dot")
    if not output.parent.is_dir():
        fail(f"the folder {output.parent} does not exist")
    if not args.no_grad:
        root.backward()
    try:
        graph = draw_graph(root, style=args.style, rankdir=args.rankdir,
                           show_grad=not args.no_grad, theme=args.theme)
        save(graph, output, timeout=DOT_TIME_LIMIT)
    except (ValueError, TimeoutError, RuntimeError, OSError) as error:
        fail(error)
    grads = "" if args.no_grad else "  " + "  ".join(
        f"d/d{name} = {v.grad:.6g}" for name, v in inputs.items())
    print(f"{tr('value')} = {root.data:.6g}{grads}")
    print(tr("wrote {path}", path=output))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
