"""Build a graph of Values from an expression typed as text, without ever evaluating it as
Python: the text is parsed with ``ast`` and only numbers, variable names, + - * / **,
unary minus and calls of the known functions are accepted."""

from __future__ import annotations

import ast
from collections.abc import Mapping

from autograd import Value, ops

_FUNCTIONS = {op.name: op for op in ops.functions() if op.value}  # from the op table
FUNCTIONS = tuple(_FUNCTIONS)
_BINARY = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b,
           ast.Mult: lambda a, b: a * b, ast.Div: lambda a, b: a / b,
           ast.Pow: lambda a, b: a**b}


class ExpressionError(ValueError):
    """The text is not an expression this tool accepts; the message says why."""


def build(text: str, variables: Mapping[str, float]) -> tuple[Value, dict[str, Value]]:
    """The expression's root Value, and the input Values by name (labelled with it)."""
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as error:
        raise ExpressionError(f"cannot parse {text!r}: {error.msg}") from None
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
            return _BINARY[type(node.op)](visit(node.left), visit(node.right))
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


def parse_assignment(text: str) -> tuple[str, float]:
    """``name=number`` as (name, number), with a clear error for anything else."""
    name, sep, value = text.partition("=")
    name = name.strip()
    if not sep or not name.isidentifier():
        raise ExpressionError(f"expected NAME=NUMBER, got {text!r}")
    try:
        return name, float(value)
    except ValueError:
        raise ExpressionError(f"{name}: {value.strip()!r} is not a number") from None
