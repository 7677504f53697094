"""Issue #13 (first part): the explorer, driven in a real headless Chromium.

./dev test installs Chromium and its driver (Debian's chromium, chromium-driver) when they
are missing; without them these tests are skipped with the reason.
"""

from __future__ import annotations

import re
import shutil

import numpy as np
import pytest

import viz
from autograd import Tensor, Value

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is in the dev extra")
pytestmark = pytest.mark.skipif(not (shutil.which("chromium") and shutil.which("chromedriver")),
                                reason="Chromium and chromedriver are not installed "
                                       "(./dev test installs them)")


def lab_neuron():
    x1, x2 = Value(2.8, label="x1"), Value(-1.8, label="x2")
    w1, w2, b = Value(1.45, label="w1"), Value(-0.35, label="w2"), Value(-4.0, label="b")
    z = w1 * x1 + w2 * x2 + b
    z.label = "z"
    y = z.sigmoid()
    y.label = "ŷ"
    return y, (x1, x2, w1, w2, b, z)


@pytest.fixture(scope="module")
def browser():
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = shutil.which("chromium")
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--window-size=1400,900"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    yield driver
    driver.quit()


@pytest.fixture
def page(browser, tmp_path):
    y, nodes = lab_neuron()
    explorer = viz.explore(y)
    path = explorer.save(tmp_path / "graph.html")
    browser.get(path.as_uri())
    browser.get_log("browser")  # start each test with an empty log
    return browser, explorer, y, nodes


def _panel(browser):
    return browser.find_element("css selector", ".bpl-panel").text


def _edge(browser, key):
    for g in browser.find_elements("css selector", "g.edge"):
        if g.find_element("css selector", "title").get_attribute("textContent") == key:
            return g
    raise AssertionError(f"no edge {key}")


def test_the_page_is_self_contained_and_logs_no_error(page):
    browser, explorer, *_ = page
    assert browser.execute_script("return performance.getEntriesByType('resource').length") == 0
    assert not re.search(r"(src|href)=\"https?:", explorer.fragment)
    assert browser.execute_script("return document.querySelector('.bpl').dataset.started") == "1"
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == []


def test_hovering_a_wire_shows_its_value_gradient_and_the_product(page):
    from selenium.webdriver.common.action_chains import ActionChains

    browser, explorer, *_ = page
    data = explorer.data
    key = next(k for k, e in data["edges"].items() if e["name"] == "z")
    ActionChains(browser).move_to_element(_edge(browser, key)).perform()
    text = _panel(browser)
    assert "value: 0.69" in text and "gradient: 0.2225" in text
    assert "1 · 0.2225 = 0.2225" in text  # ∂out/∂ŷ · σ′(z)


def test_stepping_backward_shows_exactly_the_first_gradients(page):
    from selenium.webdriver.common.keys import Keys

    browser, explorer, *_ = page
    data = explorer.data
    root = browser.find_element("css selector", ".bpl")
    root.send_keys(Keys.HOME)
    assert browser.execute_script("return document.querySelector('.bpl').dataset.step") == "0"
    hidden_values = browser.execute_script(
        "return document.querySelectorAll('g.edge.bpl-hidden-value').length")
    assert hidden_values == len([e for e in data["edges"].values()
                                 if not data["nodes"].get(e["tail"], {}).get("leaf")])
    forward = len(data["forward"])
    for _ in range(forward + 2):  # the forward pass, then two backward steps
        root.send_keys(Keys.ARROW_RIGHT)
    shown = browser.execute_script(
        "return Array.from(document.querySelectorAll('g.edge:not(.bpl-hidden-grad) title'))"
        ".map(t => t.textContent)")
    first_two = set(data["backward"][:2])
    expected = {k for k, e in data["edges"].items()
                if (data["root"] if e["head"] == data["out"] else e["head"]) in first_two}
    assert set(shown) == expected
    root.send_keys(Keys.END)
    assert browser.execute_script("return document.querySelectorAll('g.bpl-hidden-grad')"
                                  ".length") == 0


def test_clicking_a_node_highlights_its_paths_and_writes_the_chain_rule(page):
    browser, explorer, *_ = page
    data = explorer.data
    key = next(k for k, n in data["nodes"].items() if n["name"] == "w1")
    node = next(g for g in browser.find_elements("css selector", "g.node")
                if g.find_element("css selector", "title").get_attribute("textContent") == key)
    node.click()
    lit = browser.execute_script(
        "return Array.from(document.querySelectorAll('g.edge.bpl-on title'))"
        ".map(t => t.textContent)")
    on_path, at = set(), key  # w1 → × → + → + → σ → out: one path, five wires
    while at != data["out"]:
        wire = next(k for k, e in data["edges"].items() if e["tail"] == at)
        on_path.add(wire)
        at = data["edges"][wire]["head"]
    assert set(lit) == on_path and len(lit) == 5
    text = _panel(browser)
    assert "one path to the output" in text and "sum over paths = 0.62287394" in text
    assert "(backprop gives 0.6229)" in text
    browser.find_element("css selector", "button.bpl-nudge[data-eps='0.1']").click()
    nudged = browser.find_element("css selector", ".bpl-nudged").text
    assert "predicts Δout ≈ 0.06229" in nudged and "Δout = 0.0" in nudged


def test_two_explorers_on_one_page_do_not_interfere(browser, tmp_path):
    y, _ = lab_neuron()
    t = Tensor(np.array([1.0, 2.0]), requires_grad=True, label="t")
    first, second = viz.explore(y), viz.explore((t * t).sum())
    page = tmp_path / "two.html"
    page.write_text("<!DOCTYPE html><html><body>" + first.fragment + second.fragment +
                    "</body></html>", encoding="utf-8")
    browser.get(page.as_uri())
    steps = browser.execute_script(
        "return Array.from(document.querySelectorAll('.bpl')).map(e => e.dataset.step)")
    assert len(steps) == 2 and steps[0] != steps[1]
    browser.execute_script("document.querySelectorAll('.bpl')[0]"
                           ".querySelector('.bpl-home').click()")
    steps = browser.execute_script(
        "return Array.from(document.querySelectorAll('.bpl')).map(e => e.dataset.step)")
    assert steps[0] == "0" and steps[1] != "0"


def test_a_worksheet_explorer_checks_typed_answers_with_a_decimal_comma(browser, tmp_path):
    y, _ = lab_neuron()
    sheet = viz.worksheet(y, hide="grads")
    path = viz.explore(y, check=sheet).save(tmp_path / "sheet.html")
    browser.get(path.as_uri())
    blank = sheet.blanks[0]
    box = browser.find_element("css selector", f"input.bpl-answer[data-id='{blank.id}']")
    box.send_keys(f"{blank.answer:.6f}".replace(".", ","))
    box.send_keys("\t")
    assert browser.execute_script(
        f"return document.querySelector('.bpl').dataset.blank{blank.id[1:]}") == "right"
    box.clear()
    box.send_keys(str(blank.answer * 2 + 1))
    box.send_keys("\t")
    assert browser.execute_script(
        f"return document.querySelector('.bpl').dataset.blank{blank.id[1:]}") == "wrong"
    assert all(e["level"] != "SEVERE" for e in browser.get_log("browser"))


def test_a_model_has_a_collapsed_view_and_check_colours(browser, tmp_path):
    import nn

    model = nn.MLP(2, [2, 1], activation="tanh", seed=0)
    out = model([1.0, -2.0])
    report = viz.check(out, grads={"w¹₁₁": 0.0})
    path = viz.explore(out, model=model, check=report).save(tmp_path / "model.html")
    browser.get(path.as_uri())
    hidden = browser.execute_script(
        "return Array.from(document.querySelectorAll('.bpl-graph')).map(v => v.hidden)")
    assert hidden == [False, True]
    browser.find_element("css selector", "button.bpl-views").click()
    hidden = browser.execute_script(
        "return Array.from(document.querySelectorAll('.bpl-graph')).map(v => v.hidden)")
    assert hidden == [True, False]
    collapsed = browser.execute_script(
        "return document.querySelectorAll('.bpl-graph')[1].textContent")
    assert "layers.0" in collapsed and "layers.1" in collapsed and " nodes" in collapsed
    assert "a¹₁ = " in collapsed  # a module's outputs, with their values (and gradients)
    module = next(g for g in browser.find_elements("css selector", ".bpl-collapsed g.node")
                  if g.find_element("css selector", "title").get_attribute("textContent")
                  == "m_layers.1")
    module.click()  # clicking a module's node expands the modules again
    hidden = browser.execute_script(
        "return Array.from(document.querySelectorAll('.bpl-graph')).map(v => v.hidden)")
    assert hidden == [False, True]
    browser.execute_script("document.querySelector('.bpl-graph g.cluster')"
                           ".dispatchEvent(new MouseEvent('click', {bubbles: true}))")
    hidden = browser.execute_script(
        "return Array.from(document.querySelectorAll('.bpl-graph')).map(v => v.hidden)")
    assert hidden == [True, False]  # and clicking a module's box collapses them
    assert "✗</text>" in path.read_text() and "∂ 0 →" in path.read_text()  # marked wrong


def test_export_downloads_the_current_view_as_svg(page):
    browser, *_ = page
    browser.execute_script(
        "window.exported = null;"
        "HTMLAnchorElement.prototype.click = function () { window.exported = this.href; };")
    browser.find_element("css selector", "button.bpl-export").click()
    href = browser.execute_script("return window.exported")
    assert href.startswith("data:image/svg+xml") and "%3Csvg" in href


def test_inline_in_a_notebook_trusted_and_untrusted(browser, tmp_path):
    """As Jupyter inserts an output: the HTML as markup (untrusted: its scripts do not run),
    and, when trusted, each script re-created so that it runs."""
    y, _ = lab_neuron()
    fragment = viz.explore(y)._repr_html_()
    page = tmp_path / "cell.html"
    page.write_text("<!DOCTYPE html><html><body><div id='out'></div></body></html>",
                    encoding="utf-8")
    browser.get(page.as_uri())
    browser.execute_script("document.getElementById('out').innerHTML = arguments[0];", fragment)
    state = browser.execute_script(
        "var e = document.querySelector('.bpl'); return [!!e.dataset.started, "
        "e.querySelector('.bpl-controls').hidden, !!e.querySelector('svg g.edge')];")
    assert state == [False, True, True]  # untrusted: the static diagram, no dead controls
    browser.execute_script(
        "document.querySelectorAll('#out script:not([type])').forEach(function (old) {"
        "  var s = document.createElement('script'); s.textContent = old.textContent;"
        "  old.replaceWith(s); });")
    state = browser.execute_script(
        "var e = document.querySelector('.bpl'); return [e.dataset.started, "
        "e.querySelector('.bpl-controls').hidden];")
    assert state == ["1", False]  # trusted: the explorer runs inline


def _numbers_shown(browser) -> str:
    """Everything a student can read on the page: caption, panel, diagram, exported SVG."""
    browser.execute_script(
        "window.exported = '';"
        "HTMLAnchorElement.prototype.click = function () {"
        "  window.exported = decodeURIComponent(this.href); };")
    browser.find_element("css selector", "button.bpl-export").click()
    return browser.execute_script(
        "var r = document.querySelector('.bpl');"
        "return r.querySelector('.bpl-caption').textContent + '\\n' +"
        "  r.querySelector('.bpl-panel').textContent + '\\n' +"
        "  r.querySelector('.bpl-graph').textContent + '\\n' +"
        "  new DOMParser().parseFromString(window.exported.slice(window.exported.indexOf('<')),"
        "                                 'image/svg+xml').documentElement.textContent;")


def test_the_practice_page_shows_no_hidden_number_until_it_is_answered(browser, tmp_path):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    from viz.diagram import fmt

    ex = viz.random_exercise(3)
    sheet = viz.worksheet(ex, hide="grads", seed=7)
    on_sheet = set(re.findall(r"-?\d+(?:\.\d+)?", sheet.graph.source))  # numbers it shows
    hidden = {b.id: fmt(b.answer, 4) for b in sheet.blanks if fmt(b.answer, 4) not in on_sheet}
    assert len(hidden) >= 3  # the blanks whose number would be news to the student
    path = viz.explore(ex, check=sheet).save(tmp_path / "practice.html")
    assert not any(f">{n}<" in path.read_text() for n in hidden.values() if len(n) > 2)
    browser.get(path.as_uri())
    root = browser.find_element("css selector", ".bpl")
    assert root.get_attribute("data-step") == "0"  # it opens at the start, not the end

    def leaks(text: str) -> list[str]:
        return [k for k, n in hidden.items() if re.search(rf"(?<![\d.]){re.escape(n)}(?!\d)",
                                                          text)]

    steps = int(browser.find_element("css selector", ".bpl-slider").get_attribute("max"))
    for g in browser.find_elements("css selector", ".bpl-graph g.edge, .bpl-graph g.node"):
        ActionChains(browser).move_to_element(g).click().perform()  # hover, click: nothing
        assert not leaks(_numbers_shown(browser))
    for _ in range(steps + 1):  # every caption, forward and backward
        assert not leaks(_numbers_shown(browser)), root.get_attribute("data-step")
        root.send_keys(Keys.ARROW_RIGHT)
    first = next(b for b in sheet.blanks if b.id in hidden)
    box = browser.find_element("css selector", f"input.bpl-answer[data-id='{first.id}']")
    box.send_keys(f"{first.answer:.6f}")
    box.send_keys("\t")
    root.send_keys(Keys.END)
    shown = set()
    for _ in range(steps + 1):
        shown.update(leaks(_numbers_shown(browser)))
        root.send_keys(Keys.ARROW_LEFT)
    assert first.id in shown or hidden[first.id] in {hidden[k] for k in shown}
    assert shown <= {k for k, n in hidden.items() if n == hidden[first.id]}


def test_a_practice_page_with_its_answer_key(tmp_path):
    ex = viz.random_exercise(3)
    sheet = viz.worksheet(ex, hide="grads", seed=7)
    page = viz.explore(ex, check=sheet)
    from viz.diagram import fmt

    key = page.save(tmp_path / "key.html", key=True).read_text()
    assert all(fmt(b.answer, 4) in key for b in sheet.blanks)


@pytest.mark.parametrize("size", [(1280, 800), (1920, 1080)])
def test_the_page_fits_the_window_and_the_graph_uses_its_width(browser, tmp_path, size):
    import nn

    model = nn.MLP(3, [2, 4, 1], activation="tanh", seed=0)
    big = model([1.0, 0.0, 1.0])
    y, _ = lab_neuron()
    pages = {"small": viz.explore(y), "big": viz.explore(big, model=model),
             "projector": viz.explore(y, theme="projector")}
    browser.set_window_size(*size)
    try:
        for name, page in pages.items():
            browser.get(page.save(tmp_path / f"{name}.html").as_uri())
            facts = browser.execute_script(
                "var r = document.querySelector('.bpl'), box = r.querySelector('.bpl-graph');"
                "var right = function (s) { return r.querySelector(s).getBoundingClientRect()"
                "  .right; };"
                "return {page: document.documentElement.scrollWidth, window: innerWidth,"
                "  panel: right('.bpl-panel'), controls: right('.bpl-export'),"
                "  room: box.clientWidth, svg: box.querySelector('svg')"
                "  .getBoundingClientRect().width, scroll: box.scrollWidth,"
                "  natural: parseFloat(box.querySelector('svg').getAttribute('width')) * 4 / 3,"
                "  font: parseFloat(getComputedStyle(r).fontSize)};")
            assert facts["page"] <= facts["window"], (name, facts)  # nothing off the page
            assert facts["panel"] <= facts["window"] and facts["controls"] <= facts["window"]
            if facts["natural"] > facts["room"] / 0.7:  # far wider than its room: full size,
                assert facts["scroll"] > facts["room"] and facts["svg"] >= facts["natural"] - 1
            else:  # scrolled in its box; otherwise it fills the room it has
                assert name != "big" or size[0] > 1280
                assert facts["svg"] >= 0.95 * facts["room"], (name, facts)
            assert facts["font"] == (24 if name == "projector" else 14)
    finally:
        browser.set_window_size(1400, 900)


def test_the_page_speaks_spanish_after_set_language(browser, tmp_path):
    from selenium.webdriver.common.keys import Keys

    viz.set_language("es")
    try:
        y, _ = lab_neuron()
        path = viz.explore(y).save(tmp_path / "es.html")
        ex = viz.random_exercise(3)
        sheet = viz.worksheet(ex, hide="grads", seed=7)
        practice = viz.explore(ex, check=sheet).save(tmp_path / "practica.html")
    finally:
        viz.set_language("en")
    browser.get(path.as_uri())
    root = browser.find_element("css selector", ".bpl")
    assert root.get_attribute("lang") == "es"
    assert browser.find_element("css selector", ".bpl-caption").text.startswith("paso 15 de 15:")
    titles = [b.get_attribute("title") for b in browser.find_elements("css selector",
                                                                     ".bpl-controls button")]
    assert titles[:2] == ["el comienzo (Inicio)", "un paso atrás (←)"]
    assert "Pase el puntero" in browser.find_element("css selector", ".bpl-panel").text
    root.send_keys(Keys.HOME)
    assert "el comienzo: solo se conocen las entradas" in \
        browser.find_element("css selector", ".bpl-caption").text
    x1 = next(g for g in browser.find_elements("css selector", ".bpl-graph g.node")
              if g.find_element("css selector", "title").get_attribute("textContent") == "n0")
    x1.click()
    panel = browser.find_element("css selector", ".bpl-panel").text
    assert "sus caminos hasta la salida" in panel and "suma sobre los caminos" in panel
    browser.get(practice.as_uri())
    assert "práctica: complete los espacios en blanco" in \
        browser.find_element("css selector", ".bpl-panel").text
    box = browser.find_element("css selector", "input.bpl-answer")
    box.send_keys("abc")
    box.send_keys("\t")
    assert browser.find_element("css selector", ".bpl-verdict").text == "✗ todavía no"


# ---------------------------------------------------------------- the training replay (#24)


@pytest.fixture(scope="module")
def replay_page(tmp_path_factory):
    import nn

    X, y = nn.data.two_moons(100, noise=0.15, seed=0)
    model = nn.Sequential(nn.Dense(8, "tanh", input_dim=2, seed=0), nn.Dense(8, "tanh", seed=1),
                          nn.Dense(1, "sigmoid", seed=2))
    history = nn.fit(model, X, y, loss=nn.losses.binary_cross_entropy, epochs=300,
                     optimizer=nn.optim.Adam(model.parameters(), lr=0.02), snapshots=1,
                     verbose=False)
    before = {k: v.copy() for k, v in model.state_dict().items()}
    replay = viz.training_replay(model, history, X, y)
    after = model.state_dict()
    assert all(np.array_equal(before[k], after[k]) for k in before)  # the model untouched
    return replay.save(tmp_path_factory.mktemp("replay") / "replay.html"), history


def test_the_replay_is_small_and_goes_to_any_epoch(browser, replay_page):
    path, history = replay_page
    assert path.stat().st_size <= 2e6  # a 2-8-8-1 network over 300 epochs, every epoch
    browser.get(path.as_uri())
    browser.get_log("browser")
    root = browser.find_element("css selector", ".bplr")
    assert root.get_attribute("data-epoch") == "0"

    def state():
        return browser.execute_script(
            "var r = document.querySelector('.bplr');"
            "var lines = Array.from(r.querySelectorAll('.bplr-net line')).map(function (l) {"
            "  return l.getAttribute('stroke') + l.getAttribute('stroke-width'); });"
            "var c = r.querySelector('.bplr-field');"
            "var px = Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data"
            "  .filter(function (_, i) { return i % 4000 === 0; }));"
            "return [r.dataset.epoch, lines.join(), px.join(), "
            "  r.querySelector('.bplr-caption').textContent];")

    first = state()
    browser.execute_script("var s = document.querySelector('.bplr-slider'); s.value = s.max;"
                           "s.dispatchEvent(new Event('input'));")
    last = state()
    assert last[0] == "300" and last[1] != first[1] and last[2] != first[2]
    loss = float(format(history["loss"][-1], ".4g"))  # as the page writes it: 4 digits
    accuracy = float(format(history["accuracy"][-1], ".3g"))
    assert last[3] == f"epoch 300: loss {loss:g}, accuracy {accuracy:g}"
    browser.find_element("css selector", ".bplr-prev").click()
    assert root.get_attribute("data-epoch") == "299"
    browser.execute_script("var s = document.querySelector('.bplr-slider'); s.value = 0;"
                           "s.dispatchEvent(new Event('input'));")
    browser.find_element("css selector", ".bplr-play").click()
    import time

    time.sleep(0.6)
    assert int(root.get_attribute("data-epoch")) > 0  # playing
    assert browser.execute_script(
        "return performance.getEntriesByType('resource').length") == 0  # nothing fetched
    assert all(e["level"] != "SEVERE" for e in browser.get_log("browser"))


def test_a_replay_needs_snapshots_and_says_how():
    import nn

    X, y = nn.data.two_moons(20, seed=0)
    model = nn.Sequential(nn.Dense(1, "sigmoid", input_dim=2, seed=0))
    history = nn.fit(model, X, y, epochs=2, verbose=False)
    with pytest.raises(ValueError, match=r"training_replay: the history has no snapshots; "
                                         r"train with nn\.fit\(\.\.\., snapshots=1\)"):
        viz.training_replay(model, history, X, y)
