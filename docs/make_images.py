"""Draw every figure of the README with the library itself: python docs/make_images.py"""

from __future__ import annotations

from pathlib import Path

import nn
import viz
from autograd import Tensor, Value
from nn import losses

HERE = Path(__file__).resolve().parent / "images"


def lab_neuron() -> Value:
    """Seed 004, exercise 1: x = [2.8, -1.8], w = [1.45, -0.35], b = -4, sigmoid."""
    x1, x2 = Value(2.8, label="x1"), Value(-1.8, label="x2")
    w1, w2, b = Value(1.45, label="w1"), Value(-0.35, label="w2"), Value(-4.0, label="b")
    z = w1 * x1 + w2 * x2 + b
    z.label = "z"
    y = z.sigmoid()
    y.label = "ŷ"
    return y


def main() -> None:
    HERE.mkdir(exist_ok=True)
    y = lab_neuron()
    y.backward()
    viz.save(viz.draw_graph(y), HERE / "neuron_sigmoid.svg")
    viz.save(viz.draw_graph(y, theme="projector"), HERE / "neuron_projector.png")
    viz.save_gif(lab_neuron(), HERE / "neuron_backward.gif", seconds_per_step=1.5)

    model = nn.MLP(2, [2, 1], activation="tanh", seed=0)
    out = model([1.0, -2.0])
    out.backward()
    viz.save(viz.draw_graph(out, model=model), HERE / "mlp_clusters.svg")

    cnn = nn.Sequential(nn.Conv2D(8, 3, padding=1, activation="relu", input_shape=(1, 8, 8),
                                  seed=0), nn.MaxPool2D(2), nn.Flatten(), nn.Dense(10, seed=1))
    images, labels = nn.data.load_digits()
    batch = Tensor(images[:2].reshape(2, 1, 8, 8) / 16, label="x")
    ce = losses.cross_entropy(cnn(batch), labels[:2])
    ce.backward()
    viz.save(viz.draw_graph(ce), HERE / "cnn_graph.svg")

    w = Value(0.8, label="w")
    p = (w * 1.5).sigmoid()
    p.label = "ŷ"
    loss = losses.binary_cross_entropy([p], [1.0])
    loss.backward()
    viz.save(viz.draw_graph(loss), HERE / "loss_gate.svg")

    net = nn.MLP(3, [2, 4, 1], activation="sigmoid", output_activation="sigmoid", seed=0)
    X, t = nn.data.majority3()
    losses.half_squared_error([net(x) for x in X], t).backward()
    viz.save(viz.draw_network(net), HERE / "network_3241.png")
    sheet = viz.worksheet(viz.random_exercise(3), hide="grads")
    sheet.save(HERE / "worksheet.png")

    w1, w2, b = Value(1.0, label="w1"), Value(1.0, label="w2"), Value(1.0, label="b")
    z = w1 * 0.0 + w2 * 1.0 + b
    z.label = "z"
    p = z.sigmoid()
    p.label = "p"
    loss = -(1 - p).log()  # seed 000's example: BCE for target 0
    loss.label = "L"
    report = viz.check(loss, grads={"w2": 0.09247804, "b": 0.8808, "p": 1 / (1 - p.data)})
    viz.save(viz.draw_graph(loss, check=report), HERE / "checked.png")
    training_health()
    double_backward()
    # (live.png is a screenshot of fit(live=True)'s HTML view in headless Chromium)
    for path in sorted(HERE.iterdir()):
        print(f"wrote {path}")


def double_backward() -> None:
    """The graph of a gradient recorded with create_graph=True (#26): backward gates red."""
    from autograd import grad

    x, w = Value(0.5, label="x"), Value(2.0, label="w")
    y = (w * x).sigmoid()
    (dy_dw,) = grad(y, [w], create_graph=True)
    dy_dw.label = "dy/dw"
    viz.save(viz.draw_graph(dy_dw), HERE / "double_backward.png")


def training_health() -> None:
    """Five sigmoid layers on the moons: the gradient vanishes toward the input (#23)."""
    import matplotlib.pyplot as plt

    X, y = nn.data.two_moons(200, noise=0.1, seed=0)
    model = nn.Sequential(nn.Dense(16, "sigmoid", input_dim=2, seed=0),
                          *[nn.Dense(16, "sigmoid", seed=k) for k in range(1, 5)],
                          nn.Dense(1, "sigmoid", seed=9))
    history = nn.fit(model, X, y, loss=losses.binary_cross_entropy, epochs=30, batch_size=20,
                     optimizer=nn.optim.SGD(model.parameters(), lr=0.5), watch=5,
                     verbose=False, validation_data=(X, y))
    for language in ("en", "es"):
        viz.set_language(language)
        viz.save(viz.plot_training(history)[0], HERE / f"training_{language}.png")
        plt.close("all")
    viz.set_language("en")
    x = Value(0.5, label="x")
    h = x
    for k in range(6):
        h = (h * Value(3.0, label=f"w{k + 1}") + Value(-1.0, label=f"b{k + 1}")).sigmoid()
    h.label = "y"
    h.backward()
    for language, name in (("en", "grad_shades.png"), ("es", "grad_shades_es.png")):
        viz.set_language(language)
        viz.save(viz.draw_graph(h, color_by="grad"), HERE / name)
    viz.set_language("en")




def class_reports() -> None:
    """The class report of examples/make_class.py's 30 students (#25), in both languages,
    as headless Chromium shows it: python docs/make_images.py --class-report."""
    import importlib.util
    import tempfile
    import time

    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options

    spec = importlib.util.spec_from_file_location(
        "make_class", HERE.parent.parent / "examples" / "make_class.py")
    make_class = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_class)
    options = Options()
    for argument in ("--headless=new", "--no-sandbox", "--window-size=1000,1200"):
        options.add_argument(argument)
    driver = webdriver.Chrome(options=options)
    try:
        for language, name in (("en", "class_report.png"), ("es", "class_report_es.png")):
            with tempfile.TemporaryDirectory() as folder:
                paths = make_class.make_class(Path(folder) / "class", 30, language)
                viz.grade(make_class.SOLUTIONS[language], paths, Path(folder) / "out",
                          timeout=10, progress=False)
                driver.get((Path(folder) / "out" / "class_report.html").as_uri())
                time.sleep(0.5)
                driver.save_screenshot(str(HERE / name))
                print(f"wrote {HERE / name}")
    finally:
        driver.quit()


if __name__ == "__main__":
    import sys

    class_reports() if "--class-report" in sys.argv else main()
