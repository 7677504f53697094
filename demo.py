"""The demo behind `./dev demo`: one neuron from the labs, backpropagated and checked.

Seed 000 trains a sigmoid neuron with binary cross-entropy and prints hand-derived
gradients. Here the engine derives them, finite differences confirm them, and the lab's
own numbers are shown beside both.
"""

from autograd import Value, gradcheck


def loss(w1: Value, w2: Value, b: Value) -> Value:
    x1, x2, y = 0.0, 1.0, 0.0  # input [0, 1], AND target 0
    p = (w1 * x1 + w2 * x2 + b).sigmoid()
    return -(y * p.log() + (1 - y) * (1 - p).log())


def main() -> None:
    w1, w2, b = Value(1.0, label="w1"), Value(1.0, label="w2"), Value(1.0, label="b")
    L = loss(w1, w2, b)
    L.backward()
    print(f"seed 000 neuron, w=[1, 1], b=1, input [0, 1], target 0: loss = {L.data:.8f}")
    print(f"autograd: dL/dw1 = {w1.grad:.8f}, dL/dw2 = {w2.grad:.8f}, dL/db = {b.grad:.8f}\n")
    lab = [0.0, 0.09247804, 0.09247804]  # what the lab's compute_gradients prints
    print(gradcheck(loss, [w1, w2, b], by_hand=lab))
    print("\nThe lab's hand-written gradient multiplies by σ'(z) once too often: for sigmoid")
    print("with cross-entropy, dL/dz = σ(z) - y, which already includes σ'(z).")


if __name__ == "__main__":
    main()
