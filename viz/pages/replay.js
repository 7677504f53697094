function bplrStart(root) {
  if (!root || root.dataset.started) return;
  root.dataset.started = "1";
  var data = JSON.parse(root.querySelector("script.bplr-data").textContent);
  function w(text) { return (data.words && data.words[text]) || text; }
  var frames = data.frames, last = frames.length - 1;
  var slider = root.querySelector(".bplr-slider"), caption = root.querySelector(".bplr-caption");
  var play = root.querySelector(".bplr-play");
  slider.max = String(last);
  var NS = "http://www.w3.org/2000/svg";
  function el(parent, name, attrs) {
    var e = document.createElementNS(NS, name);
    Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    parent.appendChild(e);
    return e;
  }
  // the network: one column per layer of units, one line per weight
  var net = root.querySelector(".bplr-net"), sizes = data.sizes, columns = [];
  sizes.forEach(function (n, c) {
    var x = 30 + c * (340 / Math.max(sizes.length - 1, 1)), ys = [];
    for (var k = 0; k < n; k++) ys.push(20 + (k + 0.5) * (220 / n));
    columns.push({x: x, ys: ys});
  });
  var largest = 1e-12;
  frames.forEach(function (f) { f.W.forEach(function (W) { W.forEach(function (row) {
    row.forEach(function (v) { largest = Math.max(largest, Math.abs(v)); }); }); }); });
  var wires = [];
  frames[0].W.forEach(function (W, l) {
    W.forEach(function (row, i) { row.forEach(function (v, j) {
      wires.push({l: l, i: i, j: j, line: el(net, "line", {
        x1: columns[l].x, y1: columns[l].ys[i], x2: columns[l + 1].x, y2: columns[l + 1].ys[j]})});
    }); });
  });
  columns.forEach(function (col) { col.ys.forEach(function (y) {
    el(net, "circle", {cx: col.x, cy: y, r: 7, fill: "white", stroke: "#333"});
  }); });
  // the loss curve, and its marker
  var lossSvg = root.querySelector(".bplr-loss"), loss = data.loss;
  var top = Math.max.apply(null, loss), bottom = Math.min.apply(null, loss);
  function lx(e) { return 30 + (e / Math.max(loss.length, 1)) * 260; }
  function ly(v) { return 240 - ((v - bottom) / ((top - bottom) || 1)) * 220; }
  el(lossSvg, "polyline", {fill: "none", stroke: "#333", "stroke-width": 1.5,
    points: loss.map(function (v, k) { return lx(k + 1) + "," + ly(v); }).join(" ")});
  var marker = el(lossSvg, "line", {y1: 10, y2: 245, stroke: "#b34000", "stroke-width": 1.5});
  el(lossSvg, "text", {x: 32, y: 16, "font-size": 12}).textContent = w("loss");
  // the boundary: the grid's outputs as colours, the data on top
  var canvas = root.querySelector(".bplr-field"), ctx = canvas.getContext("2d");
  var LEVELS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";
  var PALETTE = ["#9ecae1", "#fdae6b", "#a1d99b", "#bcbddc", "#fc9272", "#d9d9d9"];
  var DOTS = ["#08519c", "#a63603", "#006d2c", "#54278f", "#a50f15", "#252525"];
  function mix(a, b, t) {
    var pa = [1, 3, 5].map(function (i) { return parseInt(a.substr(i, 2), 16); });
    var pb = [1, 3, 5].map(function (i) { return parseInt(b.substr(i, 2), 16); });
    return "rgb(" + pa.map(function (v, i) { return Math.round(v + (pb[i] - v) * t); }) + ")";
  }
  function field(f) {
    if (!data.grid) { canvas.hidden = true; return; }
    var n = data.grid, cell = canvas.width / n;
    for (var k = 0; k < n * n; k++) {
      var level = LEVELS.indexOf(f.field[k]);
      ctx.fillStyle = data.classes > 1 ? PALETTE[level % PALETTE.length]
                                       : mix(PALETTE[0], PALETTE[1], level / 63);
      ctx.fillRect((k % n) * cell, Math.floor(k / n) * cell, cell + 1, cell + 1);
    }
    data.points.forEach(function (p) {
      ctx.beginPath();
      ctx.arc(p[0] * canvas.width, p[1] * canvas.height, 3.5, 0, 2 * Math.PI);
      ctx.fillStyle = DOTS[p[2] % DOTS.length];
      ctx.fill();
    });
  }
  function show(k) {
    k = Math.max(0, Math.min(last, k));
    var f = frames[k];
    slider.value = String(k);
    wires.forEach(function (wire) {
      var v = f.W[wire.l][wire.i][wire.j];
      wire.line.setAttribute("stroke", v >= 0 ? data.colours.positive : data.colours.negative);
      wire.line.setAttribute("stroke-width", (0.4 + 5 * Math.abs(v) / largest).toFixed(2));
    });
    field(f);
    marker.setAttribute("x1", lx(f.epoch)); marker.setAttribute("x2", lx(f.epoch));
    var text = w("epoch") + " " + f.epoch;
    if (f.loss !== null) text += ": " + w("loss") + " " + (+f.loss.toPrecision(4));
    if (f.accuracy !== null) text += ", " + w("accuracy") + " " + (+f.accuracy.toPrecision(3));
    caption.textContent = text;
    root.dataset.epoch = String(f.epoch);
  }
  var timer = null;
  function stop() { clearInterval(timer); timer = null; play.textContent = w("play"); }
  play.addEventListener("click", function () {
    if (timer) { stop(); return; }
    if (+slider.value >= last) show(0);
    play.textContent = w("pause");
    timer = setInterval(function () {
      if (+slider.value >= last) { stop(); return; }
      show(+slider.value + 1);
    }, 100);
  });
  root.querySelector(".bplr-prev").addEventListener("click", function () { stop(); show(+slider.value - 1); });
  root.querySelector(".bplr-next").addEventListener("click", function () { stop(); show(+slider.value + 1); });
  slider.addEventListener("input", function () { stop(); show(+slider.value); });
  root.addEventListener("keydown", function (event) {
    if (event.key === "ArrowRight") show(+slider.value + 1);
    else if (event.key === "ArrowLeft") show(+slider.value - 1);
    else return;
    event.preventDefault(); event.stopPropagation();
  });
  root.dataset.ready = String(performance.now());
  show(0);
}
