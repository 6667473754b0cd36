"use strict";
// Inpainting and denoising runs (after explorer.js, whose info, $, showError, fetchBlob, setBlob and
// zoomFor it uses): the image is drawn on a canvas at its own resolution; holes are painted white on
// a transparent layer of the same size, shown tinted over the image and sent as a black-and-white PNG.
(function () {
  const canvas = $("canvas"), ctx = canvas.getContext("2d");
  const layer = document.createElement("canvas"), lctx = layer.getContext("2d");  // the holes
  const tint = document.createElement("canvas"), tctx = tint.getContext("2d");
  const fills = info.fills_holes;
  const undo = [];  // earlier states of the hole layer
  const st = {image: null, blob: null, name: "image", pen: false, cursor: null, keyboard: false, drawing: false,
              last: null, example: 0, seed: 0};

  const brush = () => (fills ? Number($("brush").value) : 0);
  const status = (text) => { $("canvas-status").textContent = text; };

  function holeShare() {
    const a = lctx.getImageData(0, 0, layer.width, layer.height).data;
    let n = 0;
    for (let i = 3; i < a.length; i += 4) if (a[i] > 127) n++;
    return n / (layer.width * layer.height);
  }

  function describe() {
    if (!st.image) return status("choose an image");
    const size = `${canvas.width}×${canvas.height} px`;
    if (!fills) return status(`${st.name}, ${size}`);
    const where = st.cursor ? ` · brush at ${Math.round(st.cursor[0])}, ${Math.round(st.cursor[1])}` +
      (st.pen ? " (down, painting)" : " (up)") : "";
    status(`${st.name}, ${size} · ${Math.round(holeShare() * 100)}% marked to fill · brush ${brush()} px${where}`);
  }

  function redraw() {
    if (!st.image) return;
    ctx.globalCompositeOperation = "source-over";
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(st.image, 0, 0);
    if (!fills) return;
    tctx.globalCompositeOperation = "source-over";
    tctx.clearRect(0, 0, tint.width, tint.height);
    tctx.drawImage(layer, 0, 0);
    tctx.globalCompositeOperation = "source-in";  // the holes' shape in a colour that stands out on any image
    tctx.fillStyle = "#ff2d6f";
    tctx.fillRect(0, 0, tint.width, tint.height);
    ctx.globalAlpha = 0.75;
    ctx.drawImage(tint, 0, 0);
    ctx.globalAlpha = 1;
    if (st.cursor && st.keyboard) {  // where the keyboard brush is
      ctx.strokeStyle = "#ffffff";
      ctx.lineWidth = Math.max(0.5, canvas.width / 200);
      ctx.beginPath();
      ctx.arc(st.cursor[0], st.cursor[1], Math.max(brush() / 2, 0.5), 0, 2 * Math.PI);
      ctx.stroke();
    }
  }

  function fit() {
    const z = zoomFor(canvas.width, 460);
    canvas.style.width = canvas.width * z + "px";
    canvas.style.height = canvas.height * z + "px";
    const out = $("output");
    if (out.naturalWidth) { out.style.width = canvas.style.width; out.style.height = canvas.style.height; }
  }

  async function setImage(blob, name) {
    const img = new Image();
    const url = URL.createObjectURL(blob);
    await new Promise((resolve, reject) => { img.onload = resolve; img.onerror = reject; img.src = url; })
      .catch(() => { throw new Error(`${name} is not an image the browser can show; choose a PNG or JPEG file`); });
    st.image = img; st.blob = blob; st.name = name;
    for (const c of [canvas, layer, tint]) { c.width = img.naturalWidth; c.height = img.naturalHeight; }
    undo.length = 0;
    st.cursor = [img.naturalWidth / 2, img.naturalHeight / 2];
    if (fills) {
      const side = Math.min(img.naturalWidth, img.naturalHeight);
      $("brush").max = String(Math.max(4, Math.round(side / 3)));
      $("brush").value = String(Math.max(1, Math.round(side / 12)));
      $("brush-value").textContent = $("brush").value + " px";
    }
    $("output").removeAttribute("src");
    $("output-caption").textContent = "result";
    $("restore-download").hidden = true;
    $("keep").hidden = true;
    fit(); redraw(); describe();
    showError("");
  }

  function remember() {
    undo.push(lctx.getImageData(0, 0, layer.width, layer.height));
    if (undo.length > 30) undo.shift();
  }

  function paint(from, to) {
    lctx.strokeStyle = lctx.fillStyle = "#ffffff";
    lctx.lineCap = lctx.lineJoin = "round";
    lctx.lineWidth = brush();
    lctx.beginPath();
    if (from && (from[0] !== to[0] || from[1] !== to[1])) {
      lctx.moveTo(from[0], from[1]); lctx.lineTo(to[0], to[1]); lctx.stroke();
    } else {
      lctx.arc(to[0], to[1], brush() / 2, 0, 2 * Math.PI); lctx.fill();
    }
    redraw();
  }

  function at(e) {
    const r = canvas.getBoundingClientRect();
    return [(e.clientX - r.left) * canvas.width / r.width, (e.clientY - r.top) * canvas.height / r.height];
  }

  async function send(url, form) {
    const r = await fetchBlob(url, {method: "POST", body: form});
    return r.blob();
  }

  async function maskBlob() {
    const out = document.createElement("canvas");
    out.width = layer.width; out.height = layer.height;
    const o = out.getContext("2d");
    o.fillStyle = "#000000";
    o.fillRect(0, 0, out.width, out.height);
    o.drawImage(layer, 0, 0);
    return new Promise((resolve) => out.toBlob(resolve, "image/png"));
  }

  async function run() {
    if (!st.image) return showError("choose an image first");
    if (fills && holeShare() === 0) return showError("paint over what should be filled in first (or press random holes)");
    const form = new FormData();
    form.append("image", st.blob, "image.png");
    if (fills) form.append("mask", await maskBlob(), "mask.png");
    $("output-caption").textContent = "working…";
    try {
      const blob = await send("/api/inpaint", form);
      const out = $("output");
      await setBlob(out, blob);
      fit();
      $("output-caption").textContent = fills ? "filled" : "denoised";
      $("restore-download").href = out.dataset.url;
      $("restore-download").hidden = false;
      $("keep").hidden = false;
      showError("");
    } catch (err) {
      $("output-caption").textContent = "result";
      showError(err.message);
    }
  }

  async function example(step) {
    st.example = (st.example + step + info.examples) % info.examples;
    try {
      const r = await fetchBlob(`/api/inpaint/example?index=${st.example}`);
      await setImage(await r.blob(), `held-out image ${st.example + 1}`);
      $("example-index").textContent = String(st.example + 1);
    } catch (err) { showError(err.message); }
  }

  async function randomHoles() {
    if (!st.image) return showError("choose an image first");
    try {
      const r = await fetchBlob(`/api/inpaint/mask?width=${layer.width}&height=${layer.height}&seed=${st.seed++}`);
      const img = new Image();
      img.src = URL.createObjectURL(await r.blob());
      await img.decode();
      remember();
      lctx.drawImage(img, 0, 0);
      redraw(); describe();
    } catch (err) { showError(err.message); }
  }

  async function addNoise() {
    if (!st.image) return showError("choose an image first");
    const form = new FormData();
    form.append("image", st.blob, "image.png");
    form.append("seed", String(st.seed++));
    try {
      await setImage(await send("/api/inpaint/noise", form), `${st.name} + noise`);
    } catch (err) { showError(err.message); }
  }

  function step(dx, dy, big) {
    const d = Math.max(1, Math.round(brush() / 2)) * (big ? 4 : 1);
    const c = st.cursor || [canvas.width / 2, canvas.height / 2];
    const next = [Math.min(canvas.width - 1, Math.max(0, c[0] + dx * d)),
                  Math.min(canvas.height - 1, Math.max(0, c[1] + dy * d))];
    st.cursor = next;
    if (st.pen) paint(c, next); else redraw();
    describe();
  }

  function resize(by) {
    const b = $("brush");
    b.value = String(Math.min(Number(b.max), Math.max(1, Number(b.value) + by)));
    $("brush-value").textContent = b.value + " px";
    redraw(); describe();
  }

  $("file").addEventListener("change", () => {
    const file = $("file").files[0];
    if (!file) return;
    if (file.size > info.max_upload_bytes) {
      return showError(`the file is ${(file.size / 2 ** 20).toFixed(1)} MiB; this server takes at most ` +
        `${(info.max_upload_bytes / 2 ** 20).toFixed(1)} MiB`);
    }
    setImage(file, file.name).catch((err) => showError(err.message));
  });
  if (info.examples) {
    $("example").addEventListener("click", () => example(1));
    $("example-next").addEventListener("click", () => example(1));
    $("example-prev").addEventListener("click", () => example(-1));
  }
  $("restore-run").addEventListener("click", run);
  $("zoom").addEventListener("change", fit);
  $("keep").addEventListener("click", async () => {
    const r = await fetch($("output").src);
    await setImage(await r.blob(), `${st.name}, ${fills ? "filled" : "denoised"}`);
  });
  if (fills) {
    $("brush").addEventListener("input", () => resize(0));
    $("undo").addEventListener("click", () => { if (undo.length) { lctx.putImageData(undo.pop(), 0, 0); redraw(); describe(); } });
    $("clear").addEventListener("click", () => { remember(); lctx.clearRect(0, 0, layer.width, layer.height); redraw(); describe(); });
    $("random-mask").addEventListener("click", randomHoles);
    canvas.addEventListener("pointerdown", (e) => {
      if (!st.image) return;
      canvas.setPointerCapture(e.pointerId);
      remember();
      st.drawing = true; st.keyboard = false;
      st.last = at(e);
      paint(null, st.last);
      e.preventDefault();
    });
    canvas.addEventListener("pointermove", (e) => {
      if (!st.drawing) return;
      const p = at(e);
      paint(st.last, p);
      st.last = p;
    });
    const end = () => { if (st.drawing) { st.drawing = false; describe(); } };
    canvas.addEventListener("pointerup", end);
    canvas.addEventListener("pointercancel", end);
  } else {
    $("add-noise").addEventListener("click", addNoise);
  }
  canvas.addEventListener("keydown", (e) => {
    if (!st.image) return;
    const moves = {ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1]};
    let handled = true;
    if (fills && moves[e.key]) { st.keyboard = true; step(...moves[e.key], e.shiftKey); }
    else if (fills && e.key === " ") {
      st.keyboard = true;
      st.pen = !st.pen;
      if (st.pen) { remember(); paint(null, st.cursor); }
      describe();
    } else if (fills && (e.key === "+" || e.key === "=")) resize(1);
    else if (fills && (e.key === "-" || e.key === "_")) resize(-1);
    else handled = false;
    if (handled) e.preventDefault();
  });
  canvas.addEventListener("blur", () => { st.keyboard = false; st.pen = false; redraw(); });
  document.addEventListener("keydown", (e) => {
    const tag = (e.target.tagName || "").toLowerCase();
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || tag === "input" || tag === "select") return;
    if (e.key === "Enter" && (e.target === canvas || e.target === document.body)) run();
    else if (fills && e.key === "u") $("undo").click();
    else if (fills && (e.key === "Delete" || e.key === "Backspace")) $("clear").click();
    else if (fills && e.key === "m") randomHoles();
    else if (!fills && e.key === "n") addNoise();
    else return;
    e.preventDefault();
  });
  const side = Math.round(Math.sqrt(info.max_input_pixels));
  $("upload-note").textContent = `Any image up to ${side}×${side} pixels, restored in overlapping tiles; PNG out.`;
  if (info.examples) example(0); else describe();
})();
