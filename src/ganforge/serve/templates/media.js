"use strict";
// ganforge explorer for video, audio and text runs: the seed and count redraw everything; an error
// answer (JSON) shows as a message instead of a broken picture or a silent player.
const info = JSON.parse(document.getElementById("info").textContent);
const $ = (id) => document.getElementById(id);
let ticket = 0;  // a slow old answer never replaces a newer one

function showError(message) {
  $("error").textContent = message || "";
  $("error").hidden = !message;
}

async function get(url) {
  const r = await fetch(url);
  if (!r.ok) {
    const e = await r.json().catch(() => ({error: r.status + " " + r.statusText}));
    throw new Error(e.error);
  }
  return r;
}

function query() {
  return "seed=" + Number($("seed").value || 0) + "&n=" + Number($("n").value);
}

async function showPicture(img, url) {
  const blob = await (await get(url)).blob();
  if (img.dataset.url) URL.revokeObjectURL(img.dataset.url);
  img.dataset.url = URL.createObjectURL(blob);
  await new Promise((resolve) => { img.onload = resolve; img.onerror = resolve; img.src = img.dataset.url; });
  const chosen = $("zoom") ? Number($("zoom").value) : 0;
  const z = chosen > 0 ? chosen : Math.max(1, Math.min(8, Math.floor(720 / Math.max(img.naturalWidth, 1))));
  img.style.width = img.naturalWidth * z + "px";
  img.style.height = img.naturalHeight * z + "px";
}

async function drawVideo(q, mine) {
  await showPicture($("grid"), "/api/grid?" + q);
  if (mine !== ticket) return;
  $("download").href = "/api/grid?" + q + "&download=1";
  $("download").setAttribute("download", "ganforge-seed" + $("seed").value + ".png");
}

async function drawAudio(q, mine) {
  const facts = await (await get("/api/clips?" + q)).json();
  if (mine !== ticket) return;
  const box = $("players");
  box.replaceChildren();
  for (let i = 0; i < facts.clips; i++) {
    const fig = document.createElement("figure");
    const player = document.createElement("audio");
    player.controls = true;
    player.preload = "none";
    player.src = "/api/clip?seed=" + Number($("seed").value || 0) + "&index=" + i;
    const cap = document.createElement("figcaption");
    cap.textContent = "clip " + i + (facts.labels ? ": " + facts.labels[i] : "") + " · " + facts.seconds.toFixed(3) + " s";
    fig.append(player, cap);
    box.append(fig);
  }
  await showPicture($("grid"), "/api/grid?" + q);
}

async function drawText(q, mine) {
  const data = await (await get("/api/strings?" + q)).json();
  if (mine !== ticket) return;
  const list = $("words");
  list.replaceChildren(...data.strings.map((s) => {
    const li = document.createElement("li");
    li.textContent = s.text;
    if (s.tag) li.className = s.tag;
    return li;
  }));
  const real = data.strings.filter((s) => s.tag !== "").length;
  $("grid-caption").textContent = real + " of " + data.strings.length + " are dictionary words";
  if (data.tags_note) $("words-note").textContent = data.tags_note;
}

async function draw() {
  const mine = ++ticket;
  const q = query();
  try {
    await ({video: drawVideo, audio: drawAudio, text: drawText})[info.kind](q, mine);
    if (mine === ticket) showError("");
  } catch (err) {
    if (mine === ticket) showError(err.message);
  }
}

function setSeed(s) {
  $("seed").value = Math.max(0, Math.min(info.max_seed, s));
  draw();
}

$("seed").addEventListener("change", draw);
$("n").addEventListener("change", draw);
if ($("zoom")) $("zoom").addEventListener("change", draw);
$("prev").addEventListener("click", () => setSeed(Number($("seed").value) - 1));
$("next").addEventListener("click", () => setSeed(Number($("seed").value) + 1));
$("random").addEventListener("click", () => setSeed(Math.floor(Math.random() * 100000)));
document.addEventListener("keydown", (e) => {
  if (e.target.tagName === "INPUT" || e.target.tagName === "SELECT") return;
  if (e.key === "[") setSeed(Number($("seed").value) - 1);
  else if (e.key === "]") setSeed(Number($("seed").value) + 1);
  else if (e.key === "r") setSeed(Math.floor(Math.random() * 100000));
});
draw();
