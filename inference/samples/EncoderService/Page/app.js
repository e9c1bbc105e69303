// The map page: the test set's 2-D codes, a canvas to draw on (each stroke is sent to /encode as a PNG,
// and the code comes back as a point on the map), the decoder's image of that point or of a clicked one,
// and the drawing's nearest test images (/similar, then each image from /rows/{id}).
'use strict';

const palette = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
const mapCanvas = document.getElementById('map');
const drawCanvas = document.getElementById('draw');
const decodedCanvas = document.getElementById('decoded');
const statusLine = document.getElementById('status');
const codeOutput = document.getElementById('code');
const caption = document.getElementById('decoded-caption');
const neighborsStrip = document.getElementById('neighbors');
const neighborCount = 8;

let map = null;      // { points, labels, bounds }
let marker = null;   // the latest code, [x, y]

function report(message, isError) {
  statusLine.textContent = message;
  statusLine.classList.toggle('error', Boolean(isError));
}

async function problemOf(response) {
  try { return (await response.json()).detail || response.statusText; } catch { return response.statusText; }
}

async function postJson(url, body) {
  const response = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`${url}: ${await problemOf(response)}`);
  return response.json();
}

// Axis limits from the 0.5th and 99.5th percentiles, as the training app's plots use: a few far points
// would otherwise squeeze the clusters into the middle.
function robustBounds(points) {
  const limits = axis => {
    const values = points.map(p => p[axis]).sort((a, b) => a - b);
    const low = values[Math.floor(0.005 * (values.length - 1))], high = values[Math.ceil(0.995 * (values.length - 1))];
    const margin = 0.05 * (high - low || 1);
    return [low - margin, high + margin];
  };
  const [xmin, xmax] = limits(0), [ymin, ymax] = limits(1);
  return { xmin, xmax, ymin, ymax };
}

function toPixel([x, y]) {
  const b = map.bounds;
  return [(x - b.xmin) / (b.xmax - b.xmin) * mapCanvas.width, (1 - (y - b.ymin) / (b.ymax - b.ymin)) * mapCanvas.height];
}

function toCode(px, py) {
  const b = map.bounds;
  return [b.xmin + px / mapCanvas.width * (b.xmax - b.xmin), b.ymin + (1 - py / mapCanvas.height) * (b.ymax - b.ymin)];
}

// About five round steps (1, 2 or 5 × a power of ten) across [low, high]: the round step nearest to a fifth
// of the range gives three to nine ticks, where the smallest round step above it could give two (it is up to
// 2.5 times a fifth, as 5 is after 2.1).
function ticks(low, high) {
  const raw = (high - low) / 5, power = 10 ** Math.floor(Math.log10(raw));
  const distance = s => Math.abs(Math.log(s / raw));
  const step = [1, 2, 5, 10].map(m => m * power).reduce((best, s) => (distance(s) < distance(best) ? s : best));
  const values = [];
  for (let v = Math.ceil(low / step) * step; v <= high; v += step) values.push(Number(v.toFixed(10)));
  return values;
}

// Faint grid lines with their values along the bottom and left edges: the codes' own units.
function drawAxes(context) {
  const b = map.bounds, xs = ticks(b.xmin, b.xmax), ys = ticks(b.ymin, b.ymax);
  context.strokeStyle = '#e4e4e4';
  context.fillStyle = '#777';
  context.lineWidth = 1;
  context.font = '11px system-ui, sans-serif';
  for (const x of xs) {
    const [px] = toPixel([x, b.ymin]);
    context.beginPath(); context.moveTo(px, 0); context.lineTo(px, mapCanvas.height); context.stroke();
    context.fillText(x.toLocaleString('en-US'), px + 2, mapCanvas.height - 4);
  }
  for (const y of ys) {
    const [, py] = toPixel([b.xmin, y]);
    context.beginPath(); context.moveTo(0, py); context.lineTo(mapCanvas.width, py); context.stroke();
    context.fillText(y.toLocaleString('en-US'), 3, py - 3);
  }
  mapCanvas.dataset.ticks = JSON.stringify({ x: xs, y: ys });
}

function drawMap() {
  const context = mapCanvas.getContext('2d');
  context.clearRect(0, 0, mapCanvas.width, mapCanvas.height);
  drawAxes(context);
  context.globalAlpha = 0.45;
  map.points.forEach((point, i) => {
    const [px, py] = toPixel(point);
    context.fillStyle = palette[map.labels[i] % palette.length];
    context.fillRect(px - 1, py - 1, 2.5, 2.5);
  });
  context.globalAlpha = 1;
  if (marker) {
    const [px, py] = toPixel(marker);
    context.beginPath();
    context.arc(px, py, 8, 0, 2 * Math.PI);
    context.lineWidth = 3;
    context.strokeStyle = '#000';
    context.stroke();
    context.fillStyle = '#fff';
    context.fill();
  }
}

async function loadMap() {
  const response = await fetch('/map');
  if (!response.ok) { report(`No map: ${await problemOf(response)}`, true); return; }
  const data = await response.json();
  map = { points: data.points, labels: data.labels, bounds: robustBounds(data.points) };
  const classes = [...new Set(map.labels)].sort((a, b) => a - b);
  document.getElementById('legend').innerHTML =
    classes.map(c => `<span><i style="background:${palette[c % palette.length]}"></i>${c}</span>`).join('');
  drawMap();
  report(`${map.points.length.toLocaleString('en-US')} test rows. Draw a digit on the black square.`);
  document.body.dataset.mapReady = 'true';
}

// A map encoder (UMAP) comes without a decoder: then there is nothing to reconstruct, and the panel goes.
let hasDecoder = true;
async function checkDecoder() {
  const response = await fetch('/healthz');
  hasDecoder = response.ok && (await response.json()).decoder === true;
  document.getElementById('decoder-panel').hidden = !hasDecoder;
  if (!hasDecoder) document.getElementById('map-hint').textContent = '(point at a dot to name it)';
  document.body.dataset.decoder = String(hasDecoder);
}

async function showDecoded(code, title) {
  if (!hasDecoder) return;
  const { rows } = await postJson('/decode', { embeddings: [code] });
  drawGrey(decodedCanvas, rows[0], 255);
  caption.textContent = title;
  decodedCanvas.dataset.source = title;
}

// Values × scale as grey levels 0–255 (bytes with scale 1, decoder floats in [0, 1] with 255), drawn as a square filling canvas.
function drawGrey(canvas, values, scale) {
  const side = Math.round(Math.sqrt(values.length));
  const image = new ImageData(side, side);
  values.forEach((value, i) => {
    const level = Math.max(0, Math.min(255, Math.round(value * scale)));
    image.data.set([level, level, level, 255], 4 * i);
  });
  const scratch = new OffscreenCanvas(side, side);
  scratch.getContext('2d').putImageData(image, 0, 0);
  const context = canvas.getContext('2d');
  context.imageSmoothingEnabled = false;
  context.drawImage(scratch, 0, 0, canvas.width, canvas.height);
}

async function showNeighbors(png) {
  const response = await fetch(`/similar?k=${neighborCount}`, { method: 'POST', headers: { 'Content-Type': 'image/png' }, body: png });
  if (!response.ok) throw new Error(`/similar: ${await problemOf(response)}`);
  const neighbors = (await response.json()).neighbors[0];
  const rows = await Promise.all(neighbors.map(async n => {
    const answer = await fetch(`/rows/${n.id}`);
    if (!answer.ok) throw new Error(`/rows/${n.id}: ${await problemOf(answer)}`);
    return answer.json();
  }));
  neighborsStrip.replaceChildren(...rows.map((row, i) => {
    const figure = document.createElement('figure');
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = 56;
    drawGrey(canvas, row.pixels, 1);
    canvas.dataset.id = row.id;
    canvas.dataset.label = row.label;
    const label = document.createElement('figcaption');
    label.textContent = `${row.label} (${neighbors[i].distance.toFixed(2)})`;
    figure.append(canvas, label);
    return figure;
  }));
  neighborsStrip.dataset.ids = JSON.stringify(neighbors.map(n => n.id));
}

function formatCode(code) { return `(${code.map(v => v.toFixed(3)).join(', ')})`; }

// One request at a time: strokes that arrive meanwhile are folded into the next request.
let busy = false, pending = false;
async function encodeDrawing() {
  if (busy) { pending = true; return; }
  busy = true;
  try {
    const png = await new Promise(resolve => drawCanvas.toBlob(resolve, 'image/png'));
    const response = await fetch('/encode', { method: 'POST', headers: { 'Content-Type': 'image/png' }, body: png });
    if (!response.ok) throw new Error(`/encode: ${await problemOf(response)}`);
    const code = (await response.json()).embeddings[0];
    marker = code;
    codeOutput.textContent = `code ${formatCode(code)}`;
    codeOutput.dataset.code = JSON.stringify(code);
    if (map) drawMap();
    await showDecoded(code, 'Reconstruction of the drawing');
    await showNeighbors(png);
  } catch (error) {
    report(error.message, true);
  } finally {
    busy = false;
    if (pending) { pending = false; encodeDrawing(); }
  }
}

function clearDrawing() {
  const context = drawCanvas.getContext('2d');
  context.fillStyle = '#000';
  context.fillRect(0, 0, drawCanvas.width, drawCanvas.height);
  codeOutput.textContent = '';
}

let last = null;
drawCanvas.addEventListener('pointerdown', event => {
  drawCanvas.setPointerCapture(event.pointerId);
  last = [event.offsetX, event.offsetY];
});
drawCanvas.addEventListener('pointermove', event => {
  if (!last) return;
  const context = drawCanvas.getContext('2d');
  context.strokeStyle = '#fff';
  context.lineWidth = 18;
  context.lineCap = 'round';
  context.beginPath();
  context.moveTo(...last);
  context.lineTo(event.offsetX, event.offsetY);
  context.stroke();
  last = [event.offsetX, event.offsetY];
  encodeDrawing();
});
drawCanvas.addEventListener('pointerup', () => { last = null; encodeDrawing(); });
document.getElementById('clear').addEventListener('click', clearDrawing);

// The test row under the pointer (the nearest point within 6 pixels), named below the map.
const hoverOutput = document.getElementById('hover');
mapCanvas.addEventListener('mousemove', event => {
  if (!map) return;
  let nearest = -1, best = 36;
  map.points.forEach((point, i) => {
    const [px, py] = toPixel(point), d = (px - event.offsetX) ** 2 + (py - event.offsetY) ** 2;
    if (d < best) { best = d; nearest = i; }
  });
  hoverOutput.textContent = nearest < 0 ? '' : `test row ${nearest.toLocaleString('en-US')}: label ${map.labels[nearest]} at ${formatCode(map.points[nearest])}`;
  hoverOutput.dataset.row = nearest < 0 ? '' : String(nearest);
});
mapCanvas.addEventListener('mouseleave', () => { hoverOutput.textContent = ''; hoverOutput.dataset.row = ''; });

mapCanvas.addEventListener('click', event => {
  if (!map) return;
  const code = toCode(event.offsetX, event.offsetY);
  marker = code;
  drawMap();
  showDecoded(code, `Decoder output at ${formatCode(code)}`).catch(error => report(error.message, true));
});

clearDrawing();
checkDecoder().then(loadMap).catch(error => report(error.message, true));
