"""Inpainting and denoising runs in a real headless Chromium: holes drawn on the explorer's canvas
with the mouse and with the keyboard are filled, uploads of any size work, every control is
labelled; the report's restoration section renders without a broken picture or console error."""
import numpy as np
import pytest
from PIL import Image

import ganforge

from report.test_browser import screens, wait_for  # the shared browser helpers (benchmarks/screens.py)

from .test_objective import TINY

pytestmark = pytest.mark.skipif(screens.chromium() is None, reason="chromium and chromedriver are not installed")

# Every control of the page has a name a screen reader can say: a <label for>, aria-label(ledby) or text.
UNLABELLED = ("return Array.from(document.querySelectorAll('#restore input, #restore select, #restore button, "
              "#restore canvas')).filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && "
              "!e.getAttribute('aria-labelledby') && !e.textContent.trim()).map(e => e.id);")
STATUS = "return document.getElementById('canvas-status').textContent"
OUTPUT = ("const i = document.getElementById('output'); return i.complete && i.naturalWidth > 0 ? "
          "[i.naturalWidth, i.naturalHeight] : null;")


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("runs")
    quiet = TINY + ["steps=2", "tensorboard=false"]
    return (ganforge.train("inpaint-faces", out=root / "inpaint", overrides=quiet),
            ganforge.train("denoise-faces", out=root / "denoise", overrides=quiet))


@pytest.fixture
def browser():
    pytest.importorskip("selenium")
    with screens.browser() as driver:
        yield driver


def marked(driver) -> int:
    """The share of the image marked to fill, in percent, as the status line says."""
    text = driver.execute_script(STATUS)
    return int(text.split("% marked")[0].rsplit("· ", 1)[1])


def test_drawing_holes_and_filling_them(runs, browser, tmp_path):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    with screens.serving(ganforge.load(runs[0])) as url:
        browser.get(url)
        wait_for(browser, lambda d: "held-out image 1" in d.execute_script(STATUS))
        assert browser.execute_script(UNLABELLED) == []
        canvas = browser.find_element(By.ID, "canvas")
        assert marked(browser) == 0
        # the mouse: a stroke across the middle
        size = canvas.size
        ActionChains(browser).move_to_element_with_offset(canvas, -size["width"] // 3, 0).click_and_hold() \
            .move_by_offset(size["width"] // 3, 4).move_by_offset(size["width"] // 4, -4).release().perform()
        by_mouse = marked(browser)
        assert by_mouse > 0
        # the keyboard: Space puts the brush down, the arrows paint, u undoes the stroke
        canvas.send_keys(Keys.SPACE)
        for _ in range(4):
            canvas.send_keys(Keys.ARROW_DOWN)
        canvas.send_keys(Keys.SPACE)
        assert "(up)" in browser.execute_script(STATUS)
        by_keys = marked(browser)
        assert by_keys > by_mouse
        canvas.send_keys("u")
        assert marked(browser) == by_mouse
        canvas.send_keys(Keys.DELETE)
        assert marked(browser) == 0
        canvas.send_keys("m")  # holes like the training ones, from the server
        wait_for(browser, lambda d: marked(d) > 0)
        canvas.send_keys(Keys.ENTER)
        assert wait_for(browser, lambda d: d.execute_script(OUTPUT)) == [16, 16]
        assert browser.find_element(By.ID, "restore-download").get_attribute("href").startswith("blob:")
        browser.find_element(By.ID, "example-next").click()
        wait_for(browser, lambda d: "held-out image 2" in d.execute_script(STATUS))
        assert browser.execute_script(OUTPUT) is None  # a new image clears the old result
        screens.settle(browser)
        assert browser.find_element(By.ID, "error").get_attribute("hidden") is not None
        assert screens.problems(browser) == []
        # an upload of another size: its mask is drawn at its own size
        picture = tmp_path / "photo.png"
        Image.fromarray(np.random.default_rng(0).integers(0, 255, (23, 37, 3), dtype=np.uint8)).save(picture)
        browser.find_element(By.ID, "file").send_keys(str(picture))
        wait_for(browser, lambda d: "photo.png, 37×23 px" in d.execute_script(STATUS))
        browser.find_element(By.ID, "restore-run").click()  # nothing drawn yet: a message, no request
        wait_for(browser, lambda d: "paint over" in d.find_element(By.ID, "error").text)
        browser.find_element(By.ID, "random-mask").click()
        wait_for(browser, lambda d: marked(d) > 0)
        browser.find_element(By.ID, "restore-run").click()
        assert wait_for(browser, lambda d: d.execute_script(OUTPUT)) == [37, 23]
        assert screens.problems(browser) == []
        screens.screenshot(browser, tmp_path / "explorer-inpaint.png", full=True)


def test_denoising_page_adds_noise_and_removes_it(runs, browser, tmp_path):
    from selenium.webdriver.common.by import By

    with screens.serving(ganforge.load(runs[1])) as url:
        browser.get(url)
        wait_for(browser, lambda d: "held-out image 1" in d.execute_script(STATUS))
        assert browser.find_elements(By.ID, "brush") == []  # nothing to draw: every pixel is restored
        assert browser.execute_script(UNLABELLED) == []
        browser.find_element(By.ID, "add-noise").click()
        wait_for(browser, lambda d: "+ noise" in d.execute_script(STATUS))
        browser.find_element(By.ID, "restore-run").click()
        assert wait_for(browser, lambda d: d.execute_script(OUTPUT)) == [16, 16]
        assert "denoised" in browser.find_element(By.ID, "output-caption").text
        assert screens.problems(browser) == []
        screens.screenshot(browser, tmp_path / "explorer-denoise.png")


def test_report_of_a_restoration_run(runs, tmp_path):
    from ganforge.report.html import report_for_run

    page = report_for_run(runs[0], ganforge.load, out=tmp_path / "report.html", examples=2)
    with screens.browser() as driver:
        driver.get(page.as_uri())
        screens.settle(driver)
        assert screens.problems(driver) == []
        text = driver.page_source
        assert "Could not build" not in text and "Input / mask / output / target" in text
        assert "biharmonic (scikit-image)" in text and "held-out PSNR" in text
        screens.screenshot(driver, tmp_path / "report-inpaint.png", full=True)
