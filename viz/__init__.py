"""Pictures of backpropagation: graph diagrams in the labs' style, the backward pass step
by step, the chain rule written out, and training plots."""

# isort: off
import nn.engine_check  # noqa: F401  (first: checks that autograd is this project's engine)
# isort: on
from autograd.language import get_language, set_language

from . import phrases  # noqa: F401  (what viz says, in Spanish)
from .check import CheckReport, CheckRow, check, check_answer
from .diagram import draw_graph
from .explain import Explanation, explain
from .explore import Explorer, explore
from .grading import grade
from .live import LiveView
from .network import draw_network
from .plots import (
    plot_activation,
    plot_confusion_matrix,
    plot_decision_boundary,
    plot_history,
    plot_images,
    plot_neuron_response,
    plot_runs,
    plot_weights,
)
from .render import GraphvizMissing
from .replay import Replay, training_replay
from .saving import save
from .steps import backward_steps, save_gif, save_steps
from .theme import THEMES, Theme, get_theme, set_theme
from .training_plots import plot_training
from .update_check import check_step
from .worksheet import Blank, Worksheet, random_exercise, worksheet

__all__ = [
    "THEMES",
    "Blank",
    "CheckReport",
    "CheckRow",
    "Explanation",
    "Explorer",
    "GraphvizMissing",
    "LiveView",
    "Replay",
    "Theme",
    "Worksheet",
    "backward_steps",
    "check",
    "check_answer",
    "check_step",
    "draw_graph",
    "draw_network",
    "explain",
    "explore",
    "get_language",
    "get_theme",
    "grade",
    "plot_activation",
    "plot_confusion_matrix",
    "plot_decision_boundary",
    "plot_history",
    "plot_images",
    "plot_neuron_response",
    "plot_runs",
    "plot_training",
    "plot_weights",
    "random_exercise",
    "save",
    "save_gif",
    "save_steps",
    "set_language",
    "set_theme",
    "training_replay",
    "worksheet",
]
