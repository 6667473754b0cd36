"""The video, audio and text pages in a real headless Chromium: each report kind and the
explorer of an audio run load with no broken image and no console error, animations decode,
players load their clips, words are listed, and a new seed redraws the explorer. Tiny runs are
trained once for the module and one browser serves every test."""
import importlib.util
from pathlib import Path

import pytest

import ganforge

SCREENS = Path(__file__).resolve().parents[2] / "benchmarks" / "screens.py"
_spec = importlib.util.spec_from_file_location("screens", SCREENS)
screens = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(screens)

pytestmark = pytest.mark.skipif(screens.chromium() is None, reason="chromium and chromedriver are not installed")

QUICK = ["steps=4", "log_every=2", "sample_every=2", "checkpoint_every=2", "metrics=[]"] + screens.QUIET
TINY = {
    "video": ("video-mnist", ["data_options.frames=4", "data_options.size=64", "z_dim=40", "generator.content_dim=10",
                              "generator.motion_dim=6", "generator.width=8", "discriminator.width=8",
                              "objective.image_width=8", "batch_size=4", "num_samples=4"]),
    "audio": ("wavegan-notes", ["data_options.length=1024", "data_options.size=64", "generator.width=4",
                                "discriminator.width=4", "batch_size=4", "n_critic=1", "num_samples=4"]),
    "text": ("textgan-words", ["generator.width=16", "discriminator.width=16", "objective.pretrain_steps=2",
                               "discriminator.blocks=1", "batch_size=8", "n_critic=1", "num_samples=8"]),
}
# the audio elements whose clip decoded (readyState >= HAVE_METADATA) after asking each to load
LOADED_PLAYERS = ("const a = Array.from(document.querySelectorAll('audio')); a.forEach(p => { if (!p.readyState) p.load(); });"
                  "return [a.length, a.filter(p => p.readyState >= 1 && p.duration > 0).length];")


@pytest.fixture(scope="module")
def media_runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("media-runs")
    return {kind: ganforge.train(recipe, out=root / kind, overrides=overrides + QUICK)
            for kind, (recipe, overrides) in TINY.items()}


@pytest.fixture(scope="module")
def driver():
    pytest.importorskip("selenium")
    with screens.browser() as d:
        yield d


def wait_for(driver, condition, timeout=60):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout, poll_frequency=0.2).until(lambda d: condition(d))


def players_loaded(driver):
    total, ready = driver.execute_script(LOADED_PLAYERS)
    return total > 0 and ready == total and total


@pytest.mark.parametrize("kind", list(TINY))
def test_media_report_kind(kind, media_runs, driver, tmp_path):
    from selenium.webdriver.common.by import By

    from ganforge.report.html import report_for_run

    page = report_for_run(media_runs[kind], ganforge.load, out=tmp_path / "report.html")
    driver.get_log("browser")  # drop what earlier pages logged
    driver.get(page.as_uri())
    screens.settle(driver)
    assert screens.problems(driver) == [] and "Could not build" not in driver.page_source
    section = driver.find_element(By.ID, "samples")
    if kind == "video":  # animated PNG data URIs, decoded at their frame size
        sizes = driver.execute_script("return Array.from(arguments[0].querySelectorAll('img')).map(i => "
                                      "[i.src.slice(0, 22), i.naturalWidth]);", section)
        assert len(sizes) >= 3 and all(src == "data:image/png;base64," and w > 0 for src, w in sizes)
    elif kind == "audio":  # 8 generated + 4 training players, self-contained WAV data URIs that decode
        srcs = [a.get_attribute("src")[:20] for a in section.find_elements(By.TAG_NAME, "audio")]
        assert srcs == ["data:audio/wav;base6"] * 12
        assert wait_for(driver, players_loaded) == 12
    else:
        assert len(section.find_elements(By.CSS_SELECTOR, "ul.words li")) == 64 + 32
    screens.screenshot(driver, tmp_path / f"report-{kind}.png", full=True)


def test_audio_explorer_plays_and_redraws(media_runs, driver, tmp_path):
    from selenium.webdriver.common.by import By

    with screens.serving(ganforge.load(media_runs["audio"])) as url:
        driver.get_log("browser")
        driver.get(url)
        assert wait_for(driver, players_loaded) == 8
        first = driver.find_element(By.CSS_SELECTOR, "#players figcaption").text
        assert first.startswith("clip 0: ") and " s" in first
        src = driver.find_element(By.ID, "grid").get_attribute("src")
        driver.find_element(By.ID, "next").click()
        wait_for(driver, lambda d: d.find_element(By.ID, "grid").get_attribute("src") != src)
        assert "seed=1&" in driver.find_element(By.CSS_SELECTOR, "#players audio").get_attribute("src")
        driver.execute_script("const e = document.getElementById('n'); e.value = '4';"
                              "e.dispatchEvent(new Event('change'));")
        assert wait_for(driver, lambda d: players_loaded(d) == 4 and 4)
        screens.settle(driver)
        assert driver.find_element(By.ID, "error").get_attribute("hidden") is not None
        assert screens.problems(driver) == []
        screens.screenshot(driver, tmp_path / "explorer-audio.png", full=True)


@pytest.mark.parametrize("kind", ["video", "text"])
def test_video_and_text_explorers_load(kind, media_runs, driver):
    from selenium.webdriver.common.by import By

    with screens.serving(ganforge.load(media_runs[kind])) as url:
        driver.get_log("browser")
        driver.get(url)
        if kind == "video":
            wait_for(driver, lambda d: d.execute_script("return document.getElementById('grid').naturalWidth > 0"))
        else:
            wait_for(driver, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#words li")) == 64)
            assert "dictionary words" in driver.find_element(By.ID, "grid-caption").text
        screens.settle(driver)
        assert screens.problems(driver) == []
