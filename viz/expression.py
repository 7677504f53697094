"""Build a graph of Values from an expression typed as text, without ever evaluating it as
Python: the text is parsed with ``ast`` and only numbers, variable names, + - * / **,
unary minus and calls of the known functions are accepted."""

from __future__ import annotations

import ast
import math
from collections.abc import Mapping

from autograd import Value, ops

_FUNCTIONS = {op.name: op for op in ops.functions() if op.value}  # from the op table
FUNCTIONS = tuple(_FUNCTIONS)
_BINARY = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b,
           ast.Mult: lambda a, b: a * b, ast.Div: lambda a, b: a / b,
           ast.Pow: lambda a, b: a**b}


class ExpressionError(ValueError):
    """The text is not an expression this tool accepts; the message says why."""


MAX_CHARACTERS = 2000  # an expression's text
MAX_OPERATIONS = 300  # operators and function calls: a diagram anyone can read
MAX_DEPTH = 100  # operations nested inside one another
MAX_USES = 40  # uses of one variable: dot takes minutes to lay out many more


def build(text: str, variables: Mapping[str, float]) -> tuple[Value, dict[str, Value]]:
    """The expression's root Value, and the input Values by name (labelled with it).

    Within documented limits, checked before anything is built: at most 2,000 characters,
    300 operations, 100 levels of nesting, and 40 uses of one variable.
    """
    if not isinstance(text, str):
        raise ExpressionError(f"the expression must be text, got {type(text).__name__}")
    if len(text) > MAX_CHARACTERS:
        raise ExpressionError(f"the expression is {len(text):,} characters long; the limit is "
                              f"{MAX_CHARACTERS:,}")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as error:
        shown = text if len(text) <= 60 else text[:57] + "..."
        raise ExpressionError(f"cannot parse {shown!r}: {error.msg}") from None
    except (RecursionError, MemoryError):
        raise ExpressionError("the expression is nested too deeply to parse") from None
    _check_size(tree)
    inputs = {name: Value(float(v), label=name) for name, v in variables.items()}
    used: set[str] = set()

    def visit(node: ast.AST) -> Value | float:
        if isinstance(node, ast.Constant):
            if isinstance(node.value, bool) or not isinstance(node.value, int | float):
                raise ExpressionError(f"only numbers are allowed as constants, got "
                                      f"{node.value!r}")
            return float(node.value)
        if isinstance(node, ast.Name):
            if node.id not in inputs:
                raise ExpressionError(f"unknown variable {node.id!r}: give it a value as "
                                      f"{node.id}=NUMBER")
            used.add(node.id)
            return inputs[node.id]
        if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
            left, right = visit(node.left), visit(node.right)
            try:
                return _BINARY[type(node.op)](left, right)
            except OverflowError:
                raise ExpressionError(f"{ast.get_source_segment(text.strip(), node)} overflows "
                                      "a float") from None
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
            operand = visit(node.operand)
            return -operand if isinstance(node.op, ast.USub) else operand
        if isinstance(node, ast.Call):
            return call(node)
        raise ExpressionError(f"{type(node).__name__} is not allowed here: use numbers, "
                              f"variables, + - * / **, and the functions {', '.join(FUNCTIONS)}")

    def call(node: ast.Call) -> Value:
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
            what = ast.unparse(node.func)
            raise ExpressionError(f"unknown function {what!r}; the functions are "
                                  f"{', '.join(FUNCTIONS)}")
        name = node.func.id
        if node.keywords:
            raise ExpressionError(f"{name}() takes no keyword arguments")
        params = list(_FUNCTIONS[name].params)  # numbers after the first argument
        if not 1 <= len(node.args) <= 1 + len(params):
            takes = "1 argument" if not params else \
                f"1 to {1 + len(params)} arguments (x, {', '.join(params)})"
            raise ExpressionError(f"{name}() takes {takes}, got {len(node.args)}")
        argument = visit(node.args[0])
        argument = argument if isinstance(argument, Value) else Value(argument)
        extra = []
        for param, arg in zip(params, node.args[1:]):
            number = visit(arg)
            if isinstance(number, Value):
                raise ExpressionError(f"{name}()'s argument {param} must be a number")
            extra.append(number)
        return getattr(argument, name)(*extra)

    root = visit(tree.body)
    if not isinstance(root, Value):
        raise ExpressionError("the expression has no variables: nothing to differentiate")
    unused = sorted(set(inputs) - used)
    if unused:
        raise ExpressionError(f"variable(s) {', '.join(unused)} do not appear in the expression")
    return root, inputs


def _check_size(tree: ast.AST) -> None:
    """The limits, counted without recursion (the tree may be deep)."""
    operations, deepest, uses = 0, 0, {}
    stack = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, ast.BinOp | ast.UnaryOp | ast.Call):
            operations += 1
            depth += 1
            deepest = max(deepest, depth)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            uses[node.id] = uses.get(node.id, 0) + 1
        stack.extend((child, depth) for child in ast.iter_child_nodes(node))
    if operations > MAX_OPERATIONS:
        raise ExpressionError(f"the expression has {operations:,} operations; the limit is "
                              f"{MAX_OPERATIONS}")
    if deepest > MAX_DEPTH:
        raise ExpressionError(f"the expression is nested {deepest} deep; the limit is "
                              f"{MAX_DEPTH}")
    for name, count in uses.items():
        if count > MAX_USES:
            raise ExpressionError(f"{name} is used {count} times; the limit is {MAX_USES}")


def parse_assignment(text: str) -> tuple[str, float]:
    """``name=number`` as (name, number), with a clear error for anything else."""
    name, sep, value = text.partition("=")
    name = name.strip()
    if not sep or not name.isidentifier():
        raise ExpressionError(f"expected NAME=NUMBER, got {text!r}")
    try:
        number = float(value)
    except ValueError:
        hint = ""
        if "," in value:  # a decimal comma, as written in Spanish: say so rather than guess
            hint = (f" (write the decimal point as '.': {name}="
                    f"{value.strip().replace(',', '.', 1)})")
        raise ExpressionError(f"{name}: {value.strip()!r} is not a number{hint}") from None
    if not math.isfinite(number):
        raise ExpressionError(f"{name}: {value.strip()!r} is not a finite number")
    return name, number
