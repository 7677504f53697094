"""Reverse-mode automatic differentiation you can read, draw and check.

- :class:`Value`: a scalar node; every operation is recorded into a graph.
- :class:`Tensor`: an array node on numpy, recorded into the same kind of graph.
- ``backward()`` fills ``.grad`` by the chain rule; :func:`grad` returns gradients
  without touching ``.grad``; :func:`no_grad` turns recording off.
- :func:`gradcheck` and :func:`numerical_grad` check gradients by central differences;
  :func:`gradgradcheck` checks second derivatives.
- ``backward(create_graph=True)`` and ``grad(..., create_graph=True)`` record the backward
  pass as a graph, so gradients can be differentiated again: :func:`hessian`, :func:`hvp`.
"""

__backprop_lens__ = True  # nn and viz check this: another package may be called autograd too

from . import (
    graph_vjps,  # noqa: F401  (attaches each op's derivative as recorded ops)
    ops,
)
from .anomaly import detect_anomaly
from .gradcheck import (
    GradcheckError,
    GradcheckReport,
    GradRow,
    gradcheck,
    gradgradcheck,
    numerical_grad,
)
from .graph import (
    Backward,
    Node,
    backward_pass,
    consumers,
    derivative_order,
    edge_grad,
    enable_grad,
    forward_order,
    grad,
    is_grad_enabled,
    local_derivative,
    no_grad,
    topological_order,
    zero_grad,
)
from .higher import MAX_HESSIAN, hessian, hvp
from .language import get_language, set_language
from .opcheck import OpCheckReport, OpCheckRow, check_ops
from .select import maximum, minimum, where
from .spatial import avg_pool2d, conv2d, max_pool2d, pad
from .tensor import Tensor, concatenate, stack, tensor_op
from .value import Constant, Value, replay, value_op

__all__ = [
    "MAX_HESSIAN",
    "Backward",
    "Constant",
    "GradRow",
    "GradcheckError",
    "GradcheckReport",
    "Node",
    "OpCheckReport",
    "OpCheckRow",
    "Tensor",
    "Value",
    "avg_pool2d",
    "backward_pass",
    "check_ops",
    "concatenate",
    "consumers",
    "conv2d",
    "derivative_order",
    "detect_anomaly",
    "edge_grad",
    "enable_grad",
    "forward_order",
    "get_language",
    "grad",
    "gradcheck",
    "gradgradcheck",
    "hessian",
    "hvp",
    "is_grad_enabled",
    "local_derivative",
    "max_pool2d",
    "maximum",
    "minimum",
    "no_grad",
    "numerical_grad",
    "ops",
    "pad",
    "replay",
    "set_language",
    "stack",
    "tensor_op",
    "topological_order",
    "value_op",
    "where",
    "zero_grad",
]
