// glassnet playground: settings, the session WebSocket, and what each message changes on the page.
"use strict";

const $ = (id) => document.getElementById(id);
const page = { options: null, ws: null, points: null, layers: null, history: [], playing: false,
  updates: 0, rate: 0, rateStart: performance.now(), rateCount: 0, state: null };
window.playground = page; // for tests and the curious: the page's current state

function showError(message) {
  const box = $("error");
  box.textContent = message;
  box.hidden = !message;
}

function setStatus(text, state) {
  $("status").textContent = text;
  $("status").dataset.state = state;
}

function fillSelect(select, values, chosen) {
  select.replaceChildren(...values.map((v) => new Option(v, v, false, v === chosen)));
  select.value = chosen;
}

/** One input per hyper-parameter of the chosen optimizer (numbers, pairs, flags). */
function optimizerInputs(name, given) {
  const box = $("optimizer-params");
  box.replaceChildren();
  const defaults = $("mode").value === "perceptron" ? { lr: 1.0 } : page.options.optimizers[name];
  Object.entries(defaults).forEach(([key, def]) => {
    const label = document.createElement("label");
    label.textContent = key + " ";
    const input = document.createElement("input");
    input.dataset.param = key;
    const value = given && key in given ? given[key] : def;
    if (typeof def === "boolean") {
      input.type = "checkbox";
      input.checked = value;
    } else {
      input.type = "text";
      input.value = Array.isArray(value) ? value.join(",") : String(value);
      input.dataset.kind = Array.isArray(def) ? "list" : Number.isInteger(def) ? "int" : "float";
    }
    input.addEventListener("change", configure);
    label.append(input);
    box.append(label);
  });
}

const asNumber = (text) => (text.trim() === "" ? text : Number(text));

/** The settings object the server checks (the server, not the page, says what is wrong). */
function readSettings() {
  const params = {};
  $("optimizer-params").querySelectorAll("input").forEach((input) => {
    const key = input.dataset.param;
    if (input.type === "checkbox") params[key] = input.checked;
    else if (input.dataset.kind === "list") params[key] = input.value.split(",").map(asNumber);
    else params[key] = asNumber(input.value);
  });
  const hidden = $("hidden_sizes").value.trim();
  return {
    mode: $("mode").value,
    dataset: $("dataset").value,
    noise: Number($("noise").value),
    test_fraction: Number($("test_fraction").value),
    n_samples: asNumber($("n_samples").value),
    seed: asNumber($("seed").value),
    hidden_sizes: hidden ? hidden.split(",").map(asNumber) : [],
    activation: $("activation").value,
    dropout: asNumber($("dropout").value),
    l2: asNumber($("l2").value),
    loss: $("loss").value,
    optimizer: $("optimizer").value,
    optimizer_params: params,
    scheduler: $("scheduler").value,
    batch_size: asNumber($("batch_size").value),
    steps_per_update: asNumber($("steps_per_update").value),
  };
}

function send(message) {
  if (page.ws && page.ws.readyState === WebSocket.OPEN) page.ws.send(JSON.stringify(message));
}

/** Send the settings: the server builds a fresh session (this is also Reset). */
function configure() {
  send({ type: "configure", settings: readSettings() });
}

function setMode() {
  const perceptron = $("mode").value === "perceptron";
  document.body.classList.toggle("perceptron", perceptron);
  const sets = perceptron ? page.options.perceptron_datasets : page.options.datasets;
  fillSelect($("dataset"), sets, sets.includes($("dataset").value) ? $("dataset").value : sets[0]);
  optimizerInputs($("optimizer").value);
}

function initControls(o) {
  const d = o.defaults;
  fillSelect($("mode"), o.modes, d.mode);
  fillSelect($("dataset"), o.datasets, d.dataset);
  fillSelect($("activation"), o.activations, d.activation);
  fillSelect($("loss"), o.losses, d.loss);
  fillSelect($("optimizer"), Object.keys(o.optimizers), d.optimizer);
  fillSelect($("scheduler"), o.schedulers, d.scheduler);
  for (const key of ["noise", "test_fraction", "n_samples", "seed", "dropout", "l2", "batch_size",
    "steps_per_update"]) $(key).value = d[key];
  $("hidden_sizes").value = d.hidden_sizes.join(",");
  optimizerInputs(d.optimizer, d.optimizer_params);
  document.querySelectorAll("input[type=range]").forEach((r) => {
    const out = document.querySelector(`output[for=${r.id}]`);
    const show = () => (out.textContent = r.value);
    r.addEventListener("input", show);
    show();
  });
  document.querySelectorAll("#controls select, #controls input").forEach((el) => {
    if (!el.dataset.param) el.addEventListener("change", configure);
  });
  $("mode").addEventListener("change", setMode, { capture: true });
  $("optimizer").addEventListener("change", () => optimizerInputs($("optimizer").value), { capture: true });
  $("dataset").addEventListener("change", () => {
    if ($("dataset").value === "digits") $("loss").value = "cross_entropy";
  }, { capture: true });
  $("play").onclick = () => {
    page.playing = !page.playing; // at once: a second click before the next update must pause
    $("play").textContent = page.playing ? "Pause" : "Play";
    send({ type: page.playing ? "play" : "pause" });
  };
  $("step").onclick = () => send({ type: "step" });
  $("reset").onclick = configure;
  $("explain-btn").onclick = () => send({ type: "explain" });
  $("save").onclick = () => { $("saved").hidden = true; send({ type: "save" }); };
  $("explain-close").onclick = () => ($("explain").hidden = true);
}

const fmt = (v, digits) => (v == null ? "-" : Number(v).toFixed(digits));

function setNumber(id, v, digits) {
  $(id).textContent = fmt(v, digits);
  $(id).dataset.value = v == null ? "" : String(v);
}

/** One update from the server: numbers, curves, boundary, network, gradients. */
function showState(msg) {
  page.state = msg;
  page.updates += 1;
  page.playing = msg.playing;
  const p = msg.point;
  page.history.push(p);
  if (page.history.length > 2000) page.history = page.history.filter((_, i) => i % 2 === 0);
  setNumber("step-count", p.step, 0);
  setNumber("epoch", p.epoch, 2);
  setNumber("train-loss", p.train_loss, 4);
  setNumber("test-loss", p.test_loss, 4);
  setNumber("train-acc", p.train_accuracy, 3);
  setNumber("test-acc", p.test_accuracy, 3);
  setNumber("lr", p.lr, 5);
  const now = performance.now();
  page.rateCount += 1;
  if (now - page.rateStart > 1000) {
    page.rate = (1000 * page.rateCount) / (now - page.rateStart);
    page.rateStart = now;
    page.rateCount = 0;
  }
  $("play").textContent = msg.playing ? "Pause" : "Play";
  const tag = msg.diverged ? " · diverged (lower the learning rate)" : "";
  setStatus(msg.playing ? `playing · ${page.rate.toFixed(0)} updates/s${tag}` : `paused${tag}`,
    msg.playing ? "playing" : "paused");
  const highlight = msg.last ? msg.last.x : null;
  drawBoundary($("boundary"), page.points, msg.boundary, { highlight, predictions: msg.predictions });
  drawNetwork($("network"), page.layers, msg);
  drawCurves($("loss-chart"), page.history, ["train_loss", "test_loss"]);
  if (msg.kind === "network") drawGradients($("grad-chart"), msg.grad_norms);
  else showPerceptron(msg);
  if (msg.playing) send({ type: "drawn" }); // flow control: now the next update may come
}

function showPerceptron(msg) {
  const last = msg.last;
  $("perceptron-last").textContent = last
    ? `point (${last.x.map((v) => v.toFixed(2)).join(", ")}), y = ${last.y}, score w·x + b = ` +
      `${last.score.toFixed(3)}, y\u0302 = ${last.y_hat}: ` +
      (last.step ? `mistake, w \u2190 w ${last.step > 0 ? "+" : "\u2212"} ${Math.abs(last.step)} x` : "right, no change") +
      ` → w = (${last.w.map((v) => v.toFixed(2)).join(", ")}), b = ${last.b.toFixed(2)}`
    : "press Step to feed the first point";
  $("perceptron-mistakes").textContent = `mistakes per epoch: ${msg.epoch_mistakes.join(", ") || "-"}`;
  const epochs = msg.epoch_mistakes.length;
  $("perceptron-verdict").textContent = msg.converged_epoch
    ? `converged: epoch ${msg.converged_epoch} made no mistake (the classes are linearly separable)`
    : epochs ? `not converged after ${epochs} epochs` + (epochs >= 5 ? " — no line separates these classes" : "") : "";
}

function onMessage(event) {
  const msg = JSON.parse(event.data);
  if (msg.type === "state") return showState(msg);
  if (msg.type === "ready") {
    showError("");
    page.points = msg.points;
    page.layers = msg.layers;
    page.history = [];
    ["play", "step", "reset", "explain-btn", "save"].forEach((id) => ($(id).disabled = false));
    return;
  }
  if (msg.type === "explain") return showExplanation(msg);
  if (msg.type === "saved") {
    $("saved").textContent = `saved: ${msg.run_dir}  (glassnet evaluate ${msg.run_dir})`;
    $("saved").hidden = false;
    return;
  }
  if (msg.type === "error") showError(msg.message);
}

function connect() {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  page.ws = new WebSocket(`${scheme}://${location.host}/ws`);
  page.ws.onopen = () => { setStatus("connected", "paused"); configure(); };
  page.ws.onmessage = onMessage;
  page.ws.onclose = (e) => {
    setStatus(e.code === 1013 ? "refused: too many sessions" : "disconnected (reload the page)", "closed");
    ["play", "step", "reset", "explain-btn", "save"].forEach((id) => ($(id).disabled = true));
  };
}

fetch("/api/options")
  .then((r) => r.json())
  .then((o) => { page.options = o; initControls(o); connect(); })
  .catch((e) => showError(`could not load the options: ${e}`));
