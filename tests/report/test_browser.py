"""End to end in a real headless Chromium: load the explorer, change the seed, see a new image;
upload an image to a translation run and see its output."""
import contextlib
import shutil
import threading

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(not (CHROMIUM and DRIVER), reason="chromium and chromedriver are not installed")


@contextlib.contextmanager
def serving(run):
    pytest.importorskip("flask")
    from werkzeug.serving import make_server

    from ganforge.serve import create_app

    srv = make_server("127.0.0.1", 0, create_app(run), threaded=True)  # port 0: a free port
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{srv.server_port}/"
    finally:
        srv.shutdown()
        thread.join(5)


@pytest.fixture
def server(mnist_run):
    with serving(mnist_run) as url:
        yield url


@pytest.fixture
def browser():
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run"):
        opts.add_argument(flag)
    driver = webdriver.Chrome(service=Service(DRIVER), options=opts)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


def _loaded_src(driver, wait, previous=None):
    # a src set and the image decoded (naturalWidth > 0), different from ``previous``
    def ready(d):
        src = d.execute_script("const i = document.getElementById('grid'); "
                               "return i.complete && i.naturalWidth > 0 ? i.src : null;")
        return src if src and src != previous else False

    return wait.until(ready)


def test_changing_the_seed_shows_a_new_image(server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(browser, 20)
    browser.get(server)
    first = _loaded_src(browser, wait)
    seed = browser.find_element(By.ID, "seed")
    seed.clear()
    seed.send_keys("7")
    browser.execute_script("document.getElementById('seed').dispatchEvent(new Event('change'))")
    second = _loaded_src(browser, wait, previous=first)
    assert second != first
    assert browser.find_element(By.ID, "error").text == ""
    assert "seed=7" in browser.find_element(By.ID, "download").get_attribute("href")


def test_uploading_an_image_shows_the_translation(pix2pix_run, browser, tmp_path):
    import numpy as np
    from PIL import Image
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    picture = tmp_path / "edges.png"
    Image.fromarray(np.random.default_rng(0).integers(0, 255, (23, 37), dtype=np.uint8)).save(picture)
    with serving(pix2pix_run) as url:
        browser.get(url)
        wait = WebDriverWait(browser, 20)
        wait.until(lambda d: d.find_element(By.ID, "upload").is_displayed())
        assert not browser.find_element(By.ID, "noise").is_displayed()
        browser.find_element(By.ID, "file").send_keys(str(picture))
        size = wait.until(lambda d: d.execute_script(
            "const i = document.getElementById('output'); return i.complete && i.naturalWidth > 0 ? "
            "[i.naturalWidth, i.naturalHeight] : null;"))
        assert size == [37, 23]
        assert browser.find_element(By.ID, "error").text == ""
        assert browser.find_element(By.ID, "upload-download").get_attribute("href").startswith("blob:")
