"""End to end in a real headless Chromium: the report of every run kind and the explorer load
with no broken image and no console error, every explorer control changes the picture, uploads
translate; screenshots of each page go to the test's temporary directory."""
import importlib.util
from pathlib import Path

import pytest

import ganforge

SCREENS = Path(__file__).resolve().parents[2] / "benchmarks" / "screens.py"
_spec = importlib.util.spec_from_file_location("screens", SCREENS)
screens = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(screens)

pytestmark = pytest.mark.skipif(screens.chromium() is None, reason="chromium and chromedriver are not installed")

# A picture's content (not its blob URL, which changes on every load): its pixels as a data URL.
DIGEST = ("const i = document.getElementById(arguments[0]); if (!i || !i.complete || !i.naturalWidth) return null;"
          "const c = document.createElement('canvas'); c.width = i.naturalWidth; c.height = i.naturalHeight;"
          "c.getContext('2d').drawImage(i, 0, 0); return c.toDataURL();")


@pytest.fixture(scope="module")
def conditional_run(_runs_root):
    recipe, overrides = screens.TINY_RUNS["conditional"]
    return ganforge.train(recipe, out=_runs_root / "conditional", overrides=overrides + screens.QUIET)


@pytest.fixture(scope="module")
def table_run(_runs_root):
    recipe, overrides = screens.TINY_RUNS["table"]
    return ganforge.train(recipe, out=_runs_root / "table", overrides=overrides + screens.QUIET)


@pytest.fixture
def browser():
    pytest.importorskip("selenium")
    with screens.browser() as driver:
        yield driver


def digest(driver, img_id):
    return driver.execute_script(DIGEST, img_id)


def wait_for(driver, condition, timeout=60):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout, poll_frequency=0.2).until(lambda d: condition(d))


def changes(driver, img_id, act, timeout=60):
    """Do ``act()`` and wait until the picture ``img_id`` shows something else."""
    before = wait_for(driver, lambda d: digest(d, img_id))
    act()
    return wait_for(driver, lambda d: (lambda now: now if now and now != before else False)(digest(d, img_id)),
                    timeout)


def set_value(driver, element_id, value, event="change"):
    driver.execute_script("const e = document.getElementById(arguments[0]); e.value = arguments[1];"
                          "e.dispatchEvent(new Event(arguments[2], {bubbles: true}));", element_id, str(value), event)


@pytest.mark.parametrize("kind", ["noise", "conditional", "points", "table", "translation", "superres", "cyclegan"])
def test_report_of_every_run_kind(kind, request, tmp_path):
    run = request.getfixturevalue({"noise": "mnist_run", "conditional": "conditional_run", "points": "ring_run",
                                   "table": "table_run", "translation": "pix2pix_run", "superres": "superres_run",
                                   "cyclegan": "cyclegan_run"}[kind])
    from ganforge.report.html import report_for_run

    page = report_for_run(run, ganforge.load, out=tmp_path / "report.html", memorization=2, examples=2)
    for dark in (False, True):
        with screens.browser(dark=dark) as driver:
            driver.get(page.as_uri())
            screens.settle(driver)
            assert screens.problems(driver) == []
            # the first screen answers "what did it make, is it healthy": summary pictures and verdict
            top = driver.execute_script(
                "const r = e => e.getBoundingClientRect();"
                "const s = document.getElementById('summary'); const v = s.querySelector('.verdict');"
                "const p = s.querySelector('figure');"
                "return [r(v).bottom, p ? r(p).top : null, window.innerHeight];")
            assert top[0] < top[2] and top[1] is not None and top[1] < top[2]
            background = driver.execute_script("return getComputedStyle(document.body).backgroundColor")
            dark_page = sum(int(c) for c in background[background.index("(") + 1:-1].split(",")[:3]) < 150
            assert dark_page == dark
            screens.screenshot(driver, tmp_path / f"report-{kind}{'-dark' if dark else ''}.png", full=not dark)
            assert "Could not build" not in driver.page_source


def test_explorer_controls_all_change_the_picture(mnist_run, browser, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    with screens.serving(ganforge.load(mnist_run)) as url:
        browser.get(url)
        assert mnist_run.name in browser.title and "step 6" in browser.title
        wait_for(browser, lambda d: digest(d, "grid") and digest(d, "single") and digest(d, "interp"))
        changes(browser, "grid", lambda: set_value(browser, "seed", 7))
        assert "seed=7" in browser.find_element(By.ID, "download").get_attribute("href")
        changes(browser, "grid", lambda: browser.find_element(By.ID, "next").click())
        changes(browser, "grid", lambda: browser.find_element(By.ID, "prev").click())
        changes(browser, "grid", lambda: browser.find_element(By.ID, "random").click())
        changes(browser, "grid", lambda: set_value(browser, "n", 4))
        width = browser.execute_script("return document.getElementById('grid').style.width")
        set_value(browser, "zoom", 1)
        wait_for(browser, lambda d: d.execute_script("return document.getElementById('grid').style.width") != width)
        set_value(browser, "zoom", 0)
        wait_for(browser, lambda d: d.execute_script("return document.getElementById('grid').style.width") == width)
        # a click on a cell, then the arrow keys, pick the sample shown large with its neighbours
        grid = browser.find_element(By.ID, "grid")
        changes(browser, "single", lambda: browser.execute_script(
            "const g = arguments[0], r = g.getBoundingClientRect();"
            "document.getElementById('gridbox').dispatchEvent(new MouseEvent('click', {bubbles: true, "
            "clientX: r.right - 4, clientY: r.bottom - 4}));", grid))
        changes(browser, "single", lambda: browser.find_element(By.ID, "gridbox").send_keys(Keys.ARROW_LEFT))
        wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#neighbours img"))
        assert "typical spacing" in browser.find_element(By.ID, "nn-caption").text
        changes(browser, "interp", lambda: set_value(browser, "t", 0.1, "input"))
        changes(browser, "end-b", lambda: set_value(browser, "seed-b", 5))
        changes(browser, "end-a", lambda: set_value(browser, "seed-a", 9))
        changes(browser, "grid", lambda: browser.find_element(By.TAG_NAME, "body").send_keys("]"))
        # the download links answer with PNG files
        for link in ("download", "download-one"):
            href = browser.find_element(By.ID, link).get_attribute("href")
            kind = browser.execute_script("return fetch(arguments[0]).then(r => r.headers.get('content-type'))", href)
            assert kind == "image/png"
        assert "has no truncation trick" in browser.find_element(By.ID, "truncation-note").text
        screens.settle(browser)
        assert browser.find_element(By.ID, "error").get_attribute("hidden") is not None
        assert screens.problems(browser) == []
        screens.screenshot(browser, tmp_path / "explorer-noise.png", full=True)


def test_explorer_class_picker_and_family_truncation(conditional_run, tmp_path, browser):
    from selenium.webdriver.common.by import By

    with screens.serving(ganforge.load(conditional_run)) as url:
        browser.get(url)
        names = [o.text for o in browser.find_elements(By.CSS_SELECTOR, "#class option")]
        assert names[0].startswith("all classes") and names[1:] == [str(i) for i in range(10)]
        wait_for(browser, lambda d: digest(d, "grid"))
        assert len(browser.find_elements(By.CSS_SELECTOR, "#columns span")) == 10  # one labelled column per class
        changes(browser, "grid", lambda: set_value(browser, "class", 3))
        assert "class 3" in browser.find_element(By.ID, "one-caption").text
        assert screens.problems(browser) == []
    tiny = ["image_size=16", "steps=2", "batch_size=8", "generator.width=8", "discriminator.width=8", "log_every=1",
            "sample_every=2", "checkpoint_every=2", "num_samples=4", "metrics=[]", "n_critic=1"] + screens.QUIET
    for recipe, toggle in (("stylegan2-mnist", None), ("biggan-mnist", "truncation-on")):
        gen = ganforge.load(ganforge.train(recipe, out=tmp_path / recipe, overrides=tiny))
        with screens.serving(gen) as url:
            browser.get(url)
            wait_for(browser, lambda d: digest(d, "grid"))
            if toggle:
                changes(browser, "grid", lambda: browser.find_element(By.ID, toggle).click())
            changes(browser, "grid", lambda: set_value(browser, "truncation", 0.3))
            assert browser.find_element(By.ID, "truncation-value").text == "0.30"
            assert screens.problems(browser) == []
            screens.screenshot(browser, tmp_path / f"explorer-{recipe}.png")


def test_explorer_of_a_two_d_run_shows_the_scatter(ring_run, browser):
    with screens.serving(ganforge.load(ring_run)) as url:
        browser.get(url)
        wait_for(browser, lambda d: digest(d, "grid") and digest(d, "interp"))
        changes(browser, "grid", lambda: set_value(browser, "seed", 3))
        assert screens.problems(browser) == []


@pytest.mark.parametrize("name,size", [("pix2pix_run", [37, 23]), ("superres_run", [148, 92]),
                                       ("cyclegan_run", [37, 23])])
def test_uploading_an_image_shows_the_output(name, size, request, browser, tmp_path):
    import numpy as np
    from PIL import Image
    from selenium.webdriver.common.by import By

    picture = tmp_path / "in.png"
    Image.fromarray(np.random.default_rng(0).integers(0, 255, (23, 37), dtype=np.uint8)).save(picture)
    with screens.serving(ganforge.load(request.getfixturevalue(name))) as url:
        browser.get(url)
        wait_for(browser, lambda d: d.find_element(By.ID, "upload").is_displayed())
        browser.find_element(By.ID, "file").send_keys(str(picture))
        got = wait_for(browser, lambda d: d.execute_script(
            "const i = document.getElementById('output'); return i.complete && i.naturalWidth > 0 ? "
            "[i.naturalWidth, i.naturalHeight] : null;"))
        assert got == size
        if name == "cyclegan_run":
            changes(browser, "output", lambda: set_value(browser, "direction", "BtoA"))
        assert browser.find_element(By.ID, "upload-download").get_attribute("href").startswith("blob:")
        assert screens.problems(browser) == []
        screens.screenshot(browser, tmp_path / f"explorer-{name}.png")
