"use strict";
// ganforge explorer: every control redraws what it changes; pictures are fetched as PNG blobs so an
// error answer (JSON) shows as a message instead of a broken image.
const info = JSON.parse(document.getElementById("info").textContent);
const $ = (id) => document.getElementById(id);
const PAD = 2;  // grid padding in pixels, as the server draws it
const latest = {};  // request counters per target: a slow old answer never replaces a newer one

function showError(message) {
  const box = $("error");
  box.textContent = message || "";
  box.hidden = !message;
}

async function fetchBlob(url, options) {
  const r = await fetch(url, options);
  if (!r.ok) {
    const e = await r.json().catch(() => ({error: r.status + " " + r.statusText}));
    throw new Error(e.error);
  }
  return r;
}

function setBlob(img, blob) {
  if (img.dataset.url) URL.revokeObjectURL(img.dataset.url);
  img.dataset.url = URL.createObjectURL(blob);
  img.src = img.dataset.url;
  return new Promise((resolve) => { img.onload = resolve; img.onerror = resolve; });
}

async function load(img, url, key, options) {
  const ticket = (latest[key] = (latest[key] || 0) + 1);
  try {
    const r = await fetchBlob(url, options);
    const blob = await r.blob();
    if (ticket !== latest[key]) return null;
    await setBlob(img, blob);
    showError("");
    return r;
  } catch (err) {
    if (ticket === latest[key]) showError(err.message);
    return null;
  }
}

function zoomFor(width, target) {
  const chosen = Number($("zoom").value);
  if (chosen > 0) return chosen;
  return Math.max(1, Math.min(16, Math.floor(target / Math.max(width, 1))));
}

function scaleImage(img, target) {
  const z = zoomFor(img.naturalWidth, target);
  img.style.width = img.naturalWidth * z + "px";
  img.style.height = img.naturalHeight * z + "px";
  return z;
}

// ---- noise runs -------------------------------------------------------------------------------
const state = {index: 0, cols: 1, zoom: 1};

function truncationParam(p) {
  const t = info.truncation;
  if (!t || t.kind === "none") return;
  const slider = $("truncation");
  if (t.kind === "threshold" && !$("truncation-on").checked) {
    $("truncation-value").textContent = "off";
    slider.disabled = true;
    return;
  }
  slider.disabled = false;
  const v = Number(slider.value);
  $("truncation-value").textContent = t.kind === "psi" && v === 1 ? "1.00 (off)" : v.toFixed(2);
  p.set("truncation", slider.value);
}

function common() {
  const p = new URLSearchParams();
  if ($("class")) p.set("class", $("class").value);
  truncationParam(p);
  return p;
}

function gridParams() {
  const p = common();
  p.set("seed", $("seed").value || "0");
  p.set("n", $("n").value);
  return p;
}

function sampleCount() { return Number($("n").value); }

function columnLabels() {
  const box = $("columns");
  box.innerHTML = "";
  const cls = $("class") ? Number($("class").value) : 0;
  if (!info.num_classes || cls >= 0 || state.cols !== info.num_classes || info.kind !== "image") return;
  const cell = (info.shape[2] + PAD) * state.zoom;
  box.style.paddingLeft = PAD * state.zoom / 2 + "px";
  for (let c = 0; c < state.cols; c++) {
    const s = document.createElement("span");
    s.style.width = cell + "px";
    s.textContent = info.class_names[c] || String(c);
    box.appendChild(s);
  }
}

async function drawGrid() {
  const p = gridParams();
  const img = $("grid");
  const r = await load(img, "api/grid?" + p, "grid");
  if (!r) return;
  state.cols = Number(r.headers.get("X-Grid-Columns") || 1);
  const target = Math.min(640, $("gridbox").parentElement.clientWidth || 640);
  state.zoom = scaleImage(img, target);
  const dl = new URLSearchParams(p);
  dl.set("scale", String(state.zoom));
  dl.set("download", "1");
  $("download").href = "api/grid?" + dl;
  $("download").setAttribute("download", `ganforge-seed${$("seed").value}.png`);
  $("grid-caption").textContent = `seed ${$("seed").value} · ${sampleCount()} sample${sampleCount() > 1 ? "s" : ""}`;
  columnLabels();
  if (state.index >= sampleCount()) state.index = 0;
  if (info.kind === "image") { placeCursor(); await drawOne(); }
}

function placeCursor() {
  const cur = $("cursor");
  const w = info.shape[2], h = info.shape[1];
  const col = state.index % state.cols, row = Math.floor(state.index / state.cols);
  cur.style.left = (PAD + col * (w + PAD)) * state.zoom - 3 + "px";
  cur.style.top = (PAD + row * (h + PAD)) * state.zoom - 3 + "px";
  cur.style.width = w * state.zoom + 6 + "px";
  cur.style.height = h * state.zoom + 6 + "px";
  cur.hidden = false;
}

function ratioTag(ratio) {
  if (ratio === null || ratio === undefined) return ["mid", "no scale"];
  const text = ratio.toFixed(2) + "× typical spacing";
  if (ratio < 0.5) return ["close", text + ": may be a copy"];
  return [ratio < 1 ? "mid" : "far", text];
}

async function drawOne() {
  const p = common();
  p.set("seed", $("seed").value || "0");
  p.set("index", String(state.index));
  const img = $("single");
  const r = await load(img, "api/sample?" + p, "one");
  if (!r) return;
  const z = scaleImage(img, 192);
  const dl = new URLSearchParams(p);
  dl.set("scale", String(z));
  dl.set("download", "1");
  $("download-one").href = "api/sample?" + dl;
  $("download-one").setAttribute("download", `ganforge-seed${$("seed").value}-${state.index}.png`);
  let label = `#${state.index} of seed ${$("seed").value}`;
  if (info.num_classes) {
    const cls = Number($("class").value);
    const k = cls >= 0 ? cls : state.index % info.num_classes;
    label += ` · class ${info.class_names[k] || k}`;
  }
  $("one-caption").textContent = label;
  await drawNeighbours(p);
}

async function drawNeighbours(p) {
  const ticket = (latest.nn = (latest.nn || 0) + 1);
  const box = $("neighbours");
  box.setAttribute("aria-busy", "true");
  try {
    const r = await fetchBlob("api/neighbours?" + p);
    const nb = await r.json();
    if (ticket !== latest.nn) return;
    box.innerHTML = "";
    nb.images.forEach((uri, i) => {
      const f = document.createElement("figure");
      const im = document.createElement("img");
      im.className = "px";
      im.alt = `training item ${i + 1}`;
      im.onload = () => scaleImage(im, 96);
      im.src = uri;
      const c = document.createElement("figcaption");
      c.textContent = "distance " + nb.distances[i].toFixed(2);
      f.append(im, c);
      box.appendChild(f);
    });
    const [tag, text] = ratioTag(nb.ratio);
    $("nn-caption").innerHTML = "";
    const t = document.createElement("span");
    t.className = "tag " + tag;
    t.textContent = text;
    $("nn-caption").appendChild(t);
    $("nn-note").textContent = `${nb.extractor} features, searched over ${nb.reference_size.toLocaleString()} ` +
      `training items; two training items are typically ${nb.typical ? nb.typical.toFixed(2) : "?"} apart.`;
  } catch (err) {
    if (ticket === latest.nn) box.innerHTML = `<p class="hint"></p>`, box.firstChild.textContent = err.message;
  } finally {
    box.removeAttribute("aria-busy");
  }
}

async function drawPath() {
  const p = common();
  p.set("seed_a", $("seed-a").value || "0");
  p.set("seed_b", $("seed-b").value || "0");
  p.set("t", $("t").value);
  $("t-value").textContent = Number($("t").value).toFixed(2);
  $("interp-caption").textContent = "t = " + Number($("t").value).toFixed(2);
  const img = $("interp");
  const r = await load(img, "api/interpolate?" + p, "interp");
  if (r) scaleImage(img, info.kind === "image" ? 192 : 360);
}

async function drawEnds() {
  if (info.kind !== "image") { $("end-a").parentElement.hidden = $("end-b").parentElement.hidden = true; return; }
  for (const [id, seed] of [["end-a", $("seed-a").value], ["end-b", $("seed-b").value]]) {
    const p = common();
    p.set("seed", seed || "0");
    p.set("index", "0");
    const img = $(id);
    if (await load(img, "api/sample?" + p, id)) scaleImage(img, 96);
  }
}

function setSeed(value) {
  const max = info.max_seed;
  $("seed").value = String(Math.min(max, Math.max(0, value)));
  drawGrid();
}

function moveSelection(dx, dy) {
  const n = sampleCount();
  let i = state.index + dx + dy * state.cols;
  if (i < 0 || i >= n) return;
  state.index = i;
  placeCursor();
  drawOne();
}

function initNoise() {
  $("interp-note").textContent = info.truncation && info.truncation.kind === "psi"
    ? "A straight line in w between sample 0 of each seed, as StyleGAN interpolates."
    : "A great circle in z between sample 0 of each seed (spherical interpolation keeps z's norm typical).";
  for (const id of ["seed", "n", "class", "zoom"]) if ($(id)) $(id).addEventListener("change", () => { drawGrid(); drawPath(); drawEnds(); });
  if ($("truncation")) {
    $("truncation").addEventListener("input", () => truncationParam(new URLSearchParams()));
    $("truncation").addEventListener("change", () => { drawGrid(); drawPath(); drawEnds(); });
  }
  if ($("truncation-on")) $("truncation-on").addEventListener("change", () => { drawGrid(); drawPath(); drawEnds(); });
  $("t").addEventListener("input", drawPath);
  for (const id of ["seed-a", "seed-b"]) $(id).addEventListener("change", () => { drawPath(); drawEnds(); });
  $("prev").addEventListener("click", () => setSeed(Number($("seed").value) - 1));
  $("next").addEventListener("click", () => setSeed(Number($("seed").value) + 1));
  $("random").addEventListener("click", () => setSeed(Math.floor(Math.random() * 1e6)));
  if (info.kind === "image") {
    const box = $("gridbox");
    box.addEventListener("click", (e) => {
      const img = $("grid");
      const rect = img.getBoundingClientRect();
      const shown = rect.width / img.naturalWidth;  // the zoom on screen, even mid-redraw
      const x = (e.clientX - rect.left) / shown, y = (e.clientY - rect.top) / shown;
      const col = Math.floor((x - PAD / 2) / (info.shape[2] + PAD));
      const row = Math.floor((y - PAD / 2) / (info.shape[1] + PAD));
      const rows = Math.ceil(sampleCount() / state.cols);  // a click on the outer padding picks the edge cell
      const i = Math.min(Math.max(row, 0), rows - 1) * state.cols + Math.min(Math.max(col, 0), state.cols - 1);
      if (i >= 0 && i < sampleCount()) { state.index = i; placeCursor(); drawOne(); box.focus(); }
    });
    box.addEventListener("keydown", (e) => {
      const moves = {ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1]};
      if (moves[e.key]) { e.preventDefault(); moveSelection(...moves[e.key]); }
    });
  }
  document.addEventListener("keydown", (e) => {
    if (e.target.closest("input, select, textarea") || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === "[") setSeed(Number($("seed").value) - 1);
    else if (e.key === "]") setSeed(Number($("seed").value) + 1);
    else if (e.key === "r") setSeed(Math.floor(Math.random() * 1e6));
  });
  truncationParam(new URLSearchParams());
  drawGrid();
  drawPath();
  drawEnds();
}

// ---- image-to-image runs ----------------------------------------------------------------------
async function translate() {
  const file = $("file").files[0];
  if (!file) return;
  $("upload-download").hidden = true;
  if (file.size > info.max_upload_bytes) {
    showError(`the file is ${(file.size / 2 ** 20).toFixed(1)} MiB; this server takes at most ` +
      `${(info.max_upload_bytes / 2 ** 20).toFixed(1)} MiB`);
    return;
  }
  await setBlob($("input"), file);
  const body = new FormData();
  body.append("image", file);
  if ($("direction")) body.append("direction", $("direction").value);
  $("output-caption").textContent = "working…";
  const r = await load($("output"), "api/translate", "translate", {method: "POST", body});
  $("output-caption").textContent = "output";
  if (!r) return;
  // input and output at one scale, so they line up pixel for pixel
  const out = $("output");
  const z = zoomFor(out.naturalWidth, Math.min(560, ($("pair").clientWidth - 16) / 2));
  out.style.width = out.naturalWidth * z + "px";
  $("input").style.width = $("input").naturalWidth * z * info.scale + "px";
  $("upload-download").href = out.dataset.url;
  $("upload-download").hidden = false;
  $("pair-hint").textContent = `${$("input").naturalWidth}×${$("input").naturalHeight} in, ` +
    `${out.naturalWidth}×${out.naturalHeight} out, shown at ${z}×.`;
}

function initUpload() {
  const side = Math.floor(Math.sqrt(info.max_input_pixels));
  $("upload-note").textContent = `Any size up to ${side}×${side} pixels, applied in overlapping tiles; PNG out.`;
  for (const id of ["file", "direction", "zoom"]) if ($(id)) $(id).addEventListener("change", translate);
}

if (info.run_kind === "noise") initNoise(); else initUpload();
