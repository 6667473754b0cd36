"""Screenshots of ganforge's pages in headless Chromium, for a person to look at.

    python benchmarks/screens.py --out screens/                    # tiny runs of every kind (seconds each)
    python benchmarks/screens.py --out screens/ --report runs/dcgan-mnist-20260101-120000 --explorer pretrained:mnist
    python benchmarks/screens.py --readme --report runs/showcase   # docs/report.png and docs/explorer.png

For every run it writes ``report-KIND.png`` (the first screen), ``report-KIND-full.png`` (the whole
page) and ``report-KIND-dark.png`` (the first screen in the dark theme), and for the explorer
``explorer-NAME.png``. It needs Debian's ``chromium`` and ``chromium-driver`` and the ``selenium``
package (``pip install -e ".[test]"``). The browser tests (tests/report/test_browser.py) use the
same helpers.
"""
from __future__ import annotations

import argparse
import contextlib
import shutil
import tempfile
import threading
import time
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Sequence, Tuple

WIDTH, HEIGHT = 1280, 900
# Seconds-long runs of every run kind: (recipe, overrides).
TINY_RUNS: Dict[str, Tuple[str, List[str]]] = {
    "noise": ("dcgan-mnist", ["image_size=16", "steps=30", "batch_size=16", "generator.width=8",
                              "discriminator.width=8", "log_every=5", "sample_every=10", "checkpoint_every=10",
                              "num_samples=16", "eval_n=200", "metrics=[fid,kid]", "eval_every=10"]),
    "conditional": ("mnist-cgan", ["image_size=16", "steps=20", "batch_size=16", "generator.width=8",
                                   "discriminator.width=8", "log_every=5", "sample_every=10", "checkpoint_every=10",
                                   "num_samples=20", "metrics=[]"]),
    "points": ("ring8", ["steps=200", "batch_size=128", "log_every=20", "sample_every=100", "checkpoint_every=100",
                         "metrics=[modes]", "eval_every=100", "eval_n=500"]),
    "table": ("tabular", ["steps=40", "batch_size=100", "log_every=10", "sample_every=40", "checkpoint_every=40"]),
    "translation": ("pix2pix-edges", ["image_size=16", "generator.width=4", "discriminator.width=4", "batch_size=4",
                                      "steps=8", "log_every=2", "num_samples=4"]),
    "superres": ("esrgan-photos", ["image_size=16", "generator.width=4", "generator.growth=4", "generator.blocks=1",
                                   "discriminator.width=4", "batch_size=4", "steps=8", "log_every=2", "num_samples=4",
                                   "objective.pretrain_steps=2"]),
}
QUIET = ["progress=false", "report=false", "tensorboard=false"]


def chromium() -> Optional[Tuple[str, str]]:
    """(browser, driver) paths, or None when Chromium or chromedriver is not installed."""
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    return (binary, driver) if binary and driver else None


@contextlib.contextmanager
def browser(width: int = WIDTH, height: int = HEIGHT, dark: bool = False) -> Iterator[object]:
    """A headless Chromium (selenium) that records console messages; ``dark``: the reader's
    system prefers a dark theme."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    paths = chromium()
    if paths is None:
        raise RuntimeError("chromium and chromedriver are not installed (apt-get install chromium chromium-driver)")
    opts = webdriver.ChromeOptions()
    opts.binary_location = paths[0]
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run", f"--window-size={width},{height}", "--force-device-scale-factor=1"):
        opts.add_argument(flag)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(paths[1]), options=opts)
    driver.set_page_load_timeout(60)
    if dark:
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia",
                               {"features": [{"name": "prefers-color-scheme", "value": "dark"}]})
    try:
        yield driver
    finally:
        driver.quit()


@contextlib.contextmanager
def serving(gen) -> Iterator[str]:
    """The explorer of a loaded generator on a free port of 127.0.0.1, served by waitress as
    ``ganforge serve`` does; yields its URL."""
    import waitress

    from ganforge.serve import create_app

    server = waitress.create_server(create_app(gen), host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}/"
    finally:
        server.close()
        thread.join(5)


def problems(driver) -> List[str]:
    """Broken images and console errors of the page now open (an empty list: none)."""
    broken = driver.execute_script(
        "return Array.from(document.images).filter(i => i.getAttribute('src') && i.complete && "
        "i.naturalWidth === 0).map(i => i.alt || i.id || i.src.slice(0, 60));")
    errors = [e["message"] for e in driver.get_log("browser") if e.get("level") == "SEVERE"]
    return [f"broken image: {b}" for b in broken] + [f"console error: {e}" for e in errors]


def settle(driver, timeout: float = 30.0) -> None:
    """Wait until every image with a source has decoded and no request of the page is pending."""
    end = time.time() + timeout
    script = ("return Array.from(document.images).every(i => !i.getAttribute('src') || i.complete) && "
              "!document.querySelector('[aria-busy=true]');")
    while time.time() < end and not driver.execute_script(script):
        time.sleep(0.2)
    time.sleep(0.3)


def screenshot(driver, path: Path, full: bool = False) -> Path:
    """The first screen (or the whole page, ``full``) as a PNG."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if full:
        size = driver.get_window_size()
        height = driver.execute_script("return document.documentElement.scrollHeight")
        driver.set_window_size(size["width"], min(int(height) + 20, 16000))
        time.sleep(0.3)
        driver.save_screenshot(str(path))
        driver.set_window_size(size["width"], size["height"])
    else:
        driver.save_screenshot(str(path))
    return path


def train_tiny(kind: str, root: Path) -> Path:
    import ganforge

    recipe, overrides = TINY_RUNS[kind]
    return ganforge.train(recipe, out=root / kind, overrides=overrides + QUIET)


def report_screens(run: Path, name: str, out: Path) -> List[Path]:
    """Build the run's report and screenshot it: first screen, whole page, dark first screen."""
    import ganforge
    from ganforge.report.html import report_for_run

    page = report_for_run(run, ganforge.load, out=out / f"report-{name}.html")
    shots = []
    for dark in (False, True):
        with browser(dark=dark) as driver:
            driver.get(page.resolve().as_uri())
            settle(driver)
            shots.append(screenshot(driver, out / f"report-{name}{'-dark' if dark else ''}.png"))
            if not dark:
                shots.append(screenshot(driver, out / f"report-{name}-full.png", full=True))
            for problem in problems(driver):
                print(f"{name}: {problem}")
    return shots


def explorer_screens(run: str, name: str, out: Path) -> Path:
    import ganforge

    with serving(ganforge.load(run)) as url, browser(height=1000) as driver:
        driver.get(url)
        time.sleep(1.0)
        settle(driver, 60)
        for problem in problems(driver):
            print(f"explorer {name}: {problem}")
        return screenshot(driver, out / f"explorer-{name}.png")


def small_png(source: Path, target: Path, width: int = 960) -> Path:
    """A README-sized copy: ``width`` pixels wide, 256-colour palette."""
    from PIL import Image

    with Image.open(source) as img:
        img = img.convert("RGB")
        img = img.resize((width, round(img.height * width / img.width)), Image.LANCZOS)
        img.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(target, optimize=True)
    return target


def main(argv: Optional[Sequence[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path("screens"), help="folder for the screenshots")
    parser.add_argument("--report", action="append", default=[], help="run directory to screenshot the report of")
    parser.add_argument("--explorer", action="append", default=[], help="run (or pretrained:mnist) to serve")
    parser.add_argument("--kinds", default=",".join(TINY_RUNS), help="tiny runs to train when no --report is given")
    parser.add_argument("--readme", action="store_true", help="also write docs/report.png and docs/explorer.png")
    args = parser.parse_args(argv)
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    written: List[Path] = []
    with tempfile.TemporaryDirectory() as tmp:
        reports = [(Path(r), Path(r).name) for r in args.report]
        if not reports:
            reports = [(train_tiny(kind, Path(tmp)), kind) for kind in args.kinds.split(",") if kind]
        for run, name in reports:
            written += report_screens(run, name, out)
        explorers = [explorer_screens(run, run.replace(":", "-").replace("/", "_").strip("_"), out)
                     for run in args.explorer or ["pretrained:mnist"]]
        written += explorers
    if args.readme:
        docs = Path(__file__).resolve().parents[1] / "docs"
        written.append(small_png(out / f"report-{reports[0][1]}.png", docs / "report.png"))
        written.append(small_png(explorers[0], docs / "explorer.png"))
    for path in written:
        print(path)


if __name__ == "__main__":
    main()
