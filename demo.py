"""The demo behind `./dev demo`: backprop drawn, checked, and used to train a network.

1. Seed 004's neuron (x = [2.8, -1.8], W = [1.45, -0.35], b = -4, sigmoid), drawn in the
   labs' style with forward values in black and gradients in red.
2. Seed 000's gradient example, checked by finite differences beside the lab's own numbers.
3. A small network of Values learns XOR; its gradients are checked before training; the
   loss curve, the decision boundary and the trained network's graph are written.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt

import nn
import viz
from autograd import Value, gradcheck

OUT = Path("out")


def seed_000_loss(w1: Value, w2: Value, b: Value) -> Value:
    x1, x2, y = 0.0, 1.0, 0.0  # input [0, 1], AND target 0
    p = (w1 * x1 + w2 * x2 + b).sigmoid()
    return -(y * p.log() + (1 - y) * (1 - p).log())


def main() -> None:
    OUT.mkdir(exist_ok=True)

    print("1. Seed 004's neuron, drawn in the labs' style")
    x1, x2 = Value(2.8, label="x1"), Value(-1.8, label="x2")
    w1, w2, b = Value(1.45, label="w1"), Value(-0.35, label="w2"), Value(-4.0, label="b")
    y = (w1 * x1 + w2 * x2 + b).sigmoid()
    y.label = "y"
    y.backward()
    print(f"   y = {y.data:.4f}; dy/dw1 = {w1.grad:.4f}, dy/dw2 = {w2.grad:.4f}, "
          f"dy/db = {b.grad:.4f}")
    print(f"   wrote {viz.save(viz.draw_graph(y), OUT / 'neuron.svg')}")
    print(f"   wrote {viz.save_gif(y, OUT / 'neuron_backward.gif')} (the backward pass, "
          "step by step)")

    print("\n2. Seed 000's gradient example, three ways")
    w1, w2, b = Value(1.0, label="w1"), Value(1.0, label="w2"), Value(1.0, label="b")
    lab = [0.0, 0.09247804, 0.09247804]  # what the lab's compute_gradients prints
    report = gradcheck(seed_000_loss, [w1, w2, b], by_hand=lab)
    print("   " + str(report).replace("\n", "\n   "))
    print("   The lab multiplies by σ'(z) once too often: for sigmoid with cross-entropy,")
    print("   dL/dz = σ(z) - y already includes it.")

    print("\n3. A 2-4-1 network of Values learns XOR")
    X, t = nn.data.logic_gate("XOR")
    model = nn.MLP(2, [4, 1], activation="tanh", output_activation="sigmoid", seed=0)
    params = model.parameters()
    check = gradcheck(lambda *ps: nn.losses.binary_cross_entropy([model(x) for x in X], t),
                      params)
    print(f"   before training: {check.summary()}")
    history = nn.fit(model, X, t, loss=nn.losses.binary_cross_entropy,
                     optimizer=nn.optim.Adam(params, lr=0.05), epochs=300, verbose=False)
    print(f"   after 300 epochs: loss {history['loss'][-1]:.4f}, accuracy "
          f"{history['accuracy'][-1]:.0%}; outputs "
          + ", ".join(f"{x.astype(int).tolist()} -> {model(x).data:.3f}" for x in X))
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.8))
    viz.plot_history(history, ax=axes[0])
    viz.plot_decision_boundary(model, X, t, ax=axes[1])
    fig.tight_layout()
    fig.savefig(OUT / "xor_training.png", dpi=110)
    print(f"   wrote {OUT / 'xor_training.png'} (loss curve and decision boundary)")
    out = model([1.0, 0.0])
    out.backward()
    print(f"   wrote {viz.save(viz.draw_graph(out, model=model), OUT / 'xor_network.svg')} "
          "(the trained network on input [1, 0], layer by layer)")


if __name__ == "__main__":
    main()
