// glassnet playground: canvas drawings (heat map with points, network, curves, gradient bars).
"use strict";

const COLORS = { c0: [232, 131, 58], c1: [47, 126, 193] };

/** Blend class 0 (orange) and class 1 (blue) by the probability p of class 1. */
function blend(p, alpha) {
  const q = Math.min(1, Math.max(0, p));
  const c = COLORS.c0.map((v, i) => Math.round(v * (1 - q) + COLORS.c1[i] * q));
  return `rgba(${c[0]},${c[1]},${c[2]},${alpha})`;
}

/** Paint an R x R grid of values in [0, 1] (row 0 at the top) over a w x h box. */
function paintGrid(ctx, values, R, x0, y0, w, h, alpha) {
  const cw = w / R, ch = h / R;
  for (let r = 0; r < R; r++) {
    for (let c = 0; c < R; c++) {
      ctx.fillStyle = blend(values[r * R + c], alpha);
      ctx.fillRect(x0 + c * cw, y0 + r * ch, Math.ceil(cw), Math.ceil(ch));
    }
  }
}

/** The decision heat map, the training (filled) and test (ringed) points. */
function drawBoundary(canvas, points, boundary, extra) {
  const ctx = canvas.getContext("2d");
  const W = canvas.width, H = canvas.height;
  ctx.clearRect(0, 0, W, H);
  if (!points) return;
  if (!points.plane) return drawDigits(ctx, W, points, extra && extra.predictions);
  if (boundary) paintGrid(ctx, boundary, points.resolution, 0, 0, W, H, 0.45);
  const e = points.extent;
  const px = (x) => ((x + e) / (2 * e)) * W;
  const py = (y) => ((e - y) / (2 * e)) * H;
  const dot = (p, label, filled) => {
    ctx.beginPath();
    ctx.arc(px(p[0]), py(p[1]), 3.2, 0, 2 * Math.PI);
    ctx.strokeStyle = label ? "rgb(20,70,120)" : "rgb(140,70,20)";
    ctx.fillStyle = blend(label, 1);
    if (filled) ctx.fill();
    ctx.lineWidth = filled ? 0.6 : 1.6;
    ctx.stroke();
  };
  points.train.forEach((p, i) => dot(p, points.train_y[i], true));
  points.test.forEach((p, i) => dot(p, points.test_y[i], false));
  if (extra && extra.highlight) {
    ctx.beginPath();
    ctx.arc(px(extra.highlight[0]), py(extra.highlight[1]), 8, 0, 2 * Math.PI);
    ctx.strokeStyle = "#000";
    ctx.lineWidth = 2;
    ctx.stroke();
  }
}

/** Digits: test images with the model's prediction (red when wrong). */
function drawDigits(ctx, W, points, predictions) {
  const cols = 6, cell = W / cols, px = (cell - 14) / 8;
  ctx.font = "12px system-ui";
  points.images.forEach((img, n) => {
    const x0 = (n % cols) * cell + 7, y0 = Math.floor(n / cols) * (cell + 10) + 4;
    img.forEach((v, k) => {
      const g = Math.round(255 * (1 - Math.min(1, v)));
      ctx.fillStyle = `rgb(${g},${g},${g})`;
      ctx.fillRect(x0 + (k % 8) * px, y0 + Math.floor(k / 8) * px, Math.ceil(px), Math.ceil(px));
    });
    if (predictions) {
      const right = predictions[n] === points.labels[n];
      ctx.fillStyle = right ? "#2a7a2a" : "#c0392b";
      ctx.fillText(`${predictions[n]}${right ? "" : ` (is ${points.labels[n]})`}`, x0, y0 + 8 * px + 12);
    }
  });
}

/** Layers as columns: hidden neurons as thumbnails of their output, edges as weights. */
function drawNetwork(canvas, layers, state) {
  const ctx = canvas.getContext("2d");
  const W = canvas.width, H = canvas.height;
  ctx.clearRect(0, 0, W, H);
  ctx.font = "11px system-ui";
  if (!layers) return;
  const maxShown = 16;
  const cols = layers.length;
  const pos = layers.map((n, l) => {
    const shown = Math.min(n, maxShown);
    const x = 30 + (l * (W - 60)) / Math.max(1, cols - 1);
    const gap = Math.min(22, (H - 30) / shown);
    const top = (H - gap * (shown - 1)) / 2;
    return Array.from({ length: shown }, (_, i) => [x, top + i * gap]);
  });
  const weights = state && state.weights;
  if (weights) {
    let maxW = 1e-6;
    weights.forEach((Lw) => Lw.W.forEach((row) => row.forEach((v) => (maxW = Math.max(maxW, Math.abs(v))))));
    weights.forEach((Lw, l) => {
      Lw.W.slice(0, maxShown).forEach((row, j) => {
        row.slice(0, maxShown).forEach((v, i) => {
          ctx.strokeStyle = v >= 0 ? "rgba(47,126,193,0.7)" : "rgba(232,131,58,0.7)";
          ctx.lineWidth = 0.3 + 3.5 * (Math.abs(v) / maxW);
          ctx.beginPath();
          ctx.moveTo(pos[l][i][0], pos[l][i][1]);
          ctx.lineTo(pos[l + 1][j][0], pos[l + 1][j][1]);
          ctx.stroke();
        });
      });
    });
  }
  const neurons = state && state.neurons;
  const size = 18;
  pos.forEach((column, l) => {
    column.forEach(([x, y], i) => {
      const map = neurons && l > 0 && l < cols - 1 ? neurons[l - 1][i] : null;
      if (map) {
        const R = Math.round(Math.sqrt(map.length));
        const scaled = map.map((v) => 0.5 + 0.5 * Math.tanh(v));
        paintGrid(ctx, scaled, R, x - size / 2, y - size / 2, size, size, 1);
        ctx.strokeStyle = "#555";
        ctx.lineWidth = 0.5;
        ctx.strokeRect(x - size / 2, y - size / 2, size, size);
      } else {
        ctx.beginPath();
        ctx.arc(x, y, 6, 0, 2 * Math.PI);
        ctx.fillStyle = "#fff";
        ctx.fill();
        ctx.strokeStyle = "#555";
        ctx.stroke();
      }
    });
    ctx.fillStyle = "#555";
    const label = layers[l] > maxShown ? `${layers[l]} (${maxShown} shown)` : `${layers[l]}`;
    ctx.fillText(label, column[0][0] - 10, H - 4);
  });
}

/** Train and test curves of `key` (e.g. "train_loss") against the step. */
function drawCurves(canvas, history, keys) {
  const ctx = canvas.getContext("2d");
  const W = canvas.width, H = canvas.height, pad = 30;
  ctx.clearRect(0, 0, W, H);
  if (!history.length) return;
  let hi = 1e-9;
  keys.forEach((k) => history.forEach((p) => { if (p[k] != null) hi = Math.max(hi, p[k]); }));
  const last = history[history.length - 1].step || 1;
  ctx.strokeStyle = "#bbb";
  ctx.strokeRect(pad, 5, W - pad - 5, H - pad);
  ctx.fillStyle = "#555";
  ctx.font = "11px system-ui";
  ctx.fillText(hi.toPrecision(2), 2, 14);
  ctx.fillText("0", 2, H - pad + 4);
  ctx.fillText(`step ${last}`, W - 60, H - 8);
  const colors = ["rgb(47,126,193)", "rgb(232,131,58)"];
  keys.forEach((k, n) => {
    ctx.strokeStyle = colors[n];
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    let started = false;
    history.forEach((p) => {
      if (p[k] == null) return;
      const x = pad + ((W - pad - 5) * p.step) / last;
      const y = 5 + (H - pad) * (1 - p[k] / hi);
      if (started) ctx.lineTo(x, y); else ctx.moveTo(x, y);
      started = true;
    });
    ctx.stroke();
  });
}

/** One bar per layer: ||dL/dW|| on a log scale (vanishing gradients show as short bars). */
function drawGradients(canvas, norms) {
  const ctx = canvas.getContext("2d");
  const W = canvas.width, H = canvas.height;
  ctx.clearRect(0, 0, W, H);
  if (!norms || !norms.length) return;
  const logs = norms.map((v) => Math.log10(Math.max(v, 1e-12)));
  const lo = Math.min(-6, ...logs), hi = Math.max(0, ...logs);
  const bw = (W - 40) / norms.length;
  ctx.font = "11px system-ui";
  norms.forEach((v, i) => {
    const h = ((logs[i] - lo) / (hi - lo)) * (H - 40);
    ctx.fillStyle = "rgb(47,126,193)";
    ctx.fillRect(30 + i * bw + 4, H - 22 - h, bw - 8, h);
    ctx.fillStyle = "#333";
    ctx.fillText(`layer ${i + 1}`, 30 + i * bw + 4, H - 8);
    ctx.fillText(v.toExponential(1), 30 + i * bw + 4, H - 26 - h);
  });
  ctx.fillText(`1e${Math.round(hi)}`, 0, 14);
  ctx.fillText(`1e${Math.round(lo)}`, 0, H - 22);
}
