// glassnet playground: the "explain a step" panel (one traced backward pass, layer by layer).
"use strict";

/** A small table of numbers; each cell keeps the exact value in data-value. */
function matrixTable(id, caption, rows) {
  const table = document.createElement("table");
  table.className = "matrix";
  table.id = id;
  table.createCaption().textContent = caption;
  rows.forEach((row) => {
    const tr = table.insertRow();
    row.forEach((v) => {
      const td = tr.insertCell();
      td.dataset.value = String(v);
      td.textContent = Number(v).toPrecision(4);
    });
  });
  return table;
}

function textBlock(title, text) {
  const div = document.createElement("div");
  const h = document.createElement("h3");
  h.textContent = title;
  const pre = document.createElement("pre");
  pre.textContent = text;
  div.append(h, pre);
  return div;
}

/** Fill the explain panel from the server's "explain" message. */
function showExplanation(msg) {
  const body = document.getElementById("explain-body");
  body.replaceChildren();
  const intro = document.createElement("p");
  intro.id = "explain-loss";
  intro.dataset.value = String(msg.loss);
  intro.textContent =
    `Batch: training points ${msg.indices.join(", ")} (dropout off). ` +
    `Loss L = ${Number(msg.loss).toPrecision(6)}.`;
  const formulas = document.createElement("ul");
  msg.formulas.forEach((f) => {
    const li = document.createElement("li");
    li.className = "formula";
    li.textContent = f;
    formulas.append(li);
  });
  body.append(intro, formulas);
  msg.layers.forEach((layer, k) => {
    const div = document.createElement("div");
    div.className = "layer";
    const h = document.createElement("h3");
    h.textContent = `${layer.name}: W is ${layer.shape.join(" x ")};  ${layer.rule}`;
    const norms = document.createElement("p");
    norms.textContent =
      `||delta|| = ${layer.delta_norm.toPrecision(4)},  ||dL/dW|| = ${layer.grad_W_norm.toPrecision(4)}`;
    div.append(
      h,
      norms,
      matrixTable(`delta-${k + 1}`, "delta = dL/dz (rows: batch points)", layer.delta),
      matrixTable(`grad-W-${k + 1}`, "dL/dW = delta^T h_prev", layer.grad_W),
      matrixTable(`grad-b-${k + 1}`, "dL/db", [layer.grad_b]),
      matrixTable(`update-W-${k + 1}`, "the optimizer's next change of W", layer.update_W),
    );
    body.append(div);
  });
  body.append(
    textBlock("Activation (glassnet explain)", msg.activation_text),
    textBlock("Loss (glassnet explain)", msg.loss_text),
    textBlock("Optimizer (glassnet explain)", msg.optimizer_text),
    textBlock("The backward pass op by op (glassnet.autograd.trace)", msg.trace),
  );
  const panel = document.getElementById("explain");
  panel.hidden = false;
  panel.scrollIntoView({ behavior: "instant", block: "start" });
}
