"""The explorer page: plain HTML with inline CSS and JS, nothing fetched from elsewhere."""

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>ganforge explorer</title>
<style>
body{font-family:system-ui,sans-serif;margin:1.5em auto;max-width:960px;padding:0 1em;color:#222}
fieldset{margin:0 0 1em 0}label{margin-right:1em}input[type=number]{width:7em}
img{image-rendering:pixelated;max-width:100%;min-width:256px;border:1px solid #ccc}
#error{color:#b00}#pair{display:flex;gap:1em;flex-wrap:wrap}#pair figure{margin:0;max-width:100%}
</style></head><body>
<h1 id="title">ganforge explorer</h1>
<p id="error" role="alert"></p>
<div id="upload" hidden>
<fieldset><legend id="upload-legend">Translate an image</legend>
<label>image <input id="file" type="file" accept="image/*"></label>
<label id="direction-label" hidden>direction <select id="direction"><option value="AtoB">A to B</option>
<option value="BtoA">B to A</option></select></label>
<a id="upload-download" href="#" download="ganforge-output.png" hidden>download PNG</a>
</fieldset>
<div id="pair"><figure><img id="input" alt="uploaded image"><figcaption>input</figcaption></figure>
<figure><img id="output" alt="model output"><figcaption id="output-caption">output</figcaption></figure></div>
<p><small id="upload-note"></small></p>
</div>
<div id="noise">
<fieldset><legend>Samples</legend>
<label>seed <input id="seed" type="number" min="0" value="0"></label>
<label>count <input id="n" type="number" min="1" max="64" value="16"></label>
<label id="class-label" hidden>class <select id="class"><option value="-1">all (cycling)</option></select></label>
<label>truncation <input id="truncation" type="range" min="0" max="2" step="0.05" value="1">
<span id="truncation-value">1.00</span></label>
<button id="random">random seed</button>
<a id="download" href="#" download="ganforge-samples.png">download PNG</a>
</fieldset>
<img id="grid" alt="generated samples">
<fieldset><legend>Interpolate (slerp in z)</legend>
<label>seed A <input id="seed-a" type="number" min="0" value="0"></label>
<label>seed B <input id="seed-b" type="number" min="0" value="1"></label>
<label>t <input id="t" type="range" min="0" max="1" step="0.02" value="0.5"></label>
</fieldset>
<img id="interp" alt="interpolated sample">
<p><small>Truncation scales the latent z by the chosen value (these generators have no mapping
network); below 1 trades variety for typical-looking samples.</small></p>
</div>
<script>
const $ = (id) => document.getElementById(id);
function common() {
  const p = new URLSearchParams({truncation: $("truncation").value});
  if (!$("class-label").hidden) p.set("class", $("class").value);
  return p;
}
function setBlob(img, blob) {
  if (img.dataset.url) URL.revokeObjectURL(img.dataset.url);
  img.dataset.url = URL.createObjectURL(blob);
  img.src = img.dataset.url;
}
async function show(img, url, options) {
  $("error").textContent = "";
  const r = await fetch(url, options);
  if (!r.ok) {
    const e = await r.json().catch(() => ({error: r.status + " " + r.statusText}));
    $("error").textContent = e.error; return false;
  }
  setBlob(img, await r.blob());
  return true;
}
function grid() {
  const p = common(); p.set("seed", $("seed").value); p.set("n", $("n").value);
  $("truncation-value").textContent = Number($("truncation").value).toFixed(2);
  $("download").href = "api/grid?" + p + "&download=1";
  return show($("grid"), "api/grid?" + p);
}
function interp() {
  const p = common(); p.set("seed_a", $("seed-a").value); p.set("seed_b", $("seed-b").value); p.set("t", $("t").value);
  return show($("interp"), "api/interpolate?" + p);
}
async function translate(info) {
  const file = $("file").files[0];
  if (!file) return;
  $("upload-download").hidden = true;
  if (file.size > info.max_upload_bytes) {
    $("error").textContent = `the file is ${(file.size / 2 ** 20).toFixed(1)} MiB; this server takes at most ` +
      `${(info.max_upload_bytes / 2 ** 20).toFixed(1)} MiB`;
    return;
  }
  // show the input at the output's scale, so the two line up
  $("input").onload = () => { $("input").style.width = $("input").naturalWidth * info.scale + "px"; };
  setBlob($("input"), file);
  const body = new FormData();
  body.append("image", file);
  body.append("direction", $("direction").value);
  $("output-caption").textContent = "working...";
  const ok = await show($("output"), "api/translate", {method: "POST", body});
  $("output-caption").textContent = "output";
  if (ok) { $("upload-download").href = $("output").dataset.url; $("upload-download").hidden = false; }
}
function initUpload(info) {
  $("noise").hidden = true;
  $("upload").hidden = false;
  const side = Math.floor(Math.sqrt(info.max_input_pixels));
  const upscale = info.run_kind === "superres";
  $("upload-legend").textContent = upscale ? `Upscale an image (x${info.scale})` : "Translate an image";
  $("upload-note").textContent = `Any size up to ${side}x${side} pixels, applied in overlapping tiles; PNG out.`;
  if (info.directions.length > 1) $("direction-label").hidden = false;
  $("file").addEventListener("change", () => translate(info));
  $("direction").addEventListener("change", () => translate(info));
}
async function init() {
  const info = await (await fetch("api/info")).json();
  $("title").textContent = "ganforge explorer: " + info.name;
  if (info.run_kind !== "noise") return initUpload(info);
  $("n").max = info.max_n;
  if (info.num_classes > 0) {
    $("class-label").hidden = false;
    for (let i = 0; i < info.num_classes; i++) {
      const o = document.createElement("option"); o.value = i; o.textContent = info.class_names[i] || i;
      $("class").appendChild(o);
    }
  }
  for (const id of ["seed", "n", "class", "truncation"]) $(id).addEventListener("change", () => { grid(); interp(); });
  for (const id of ["seed-a", "seed-b", "t"]) $(id).addEventListener("input", interp);
  $("random").addEventListener("click", () => { $("seed").value = Math.floor(Math.random() * 1e6); grid(); });
  await grid(); await interp();
}
init();
</script></body></html>
"""
