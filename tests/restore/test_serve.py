"""The explorer's restoration endpoints: holes filled with the known pixels kept, masks like the
training ones, held-out examples, noise for denoising runs, and one-line errors for bad requests."""
import io

import numpy as np
import pytest
from PIL import Image

import ganforge
from ganforge.serve import create_app

from .test_objective import TINY


@pytest.fixture(scope="module")
def clients(tmp_path_factory):
    root = tmp_path_factory.mktemp("runs")
    quiet = TINY + ["steps=2", "tensorboard=false"]
    runs = [ganforge.train(r, out=root / r, overrides=quiet) for r in ("inpaint-faces", "denoise-faces")]
    return [create_app(ganforge.load(r)).test_client() for r in runs]


def png(array) -> io.BytesIO:
    buf = io.BytesIO()
    Image.fromarray(array).save(buf, "PNG")
    buf.seek(0)
    return buf


def post(client, url, **files):
    return client.post(url, data={k: (v, f"{k}.png") for k, v in files.items()}, content_type="multipart/form-data")


PHOTO = np.random.default_rng(0).integers(0, 255, (23, 37), dtype=np.uint8)


def test_page_and_info_describe_a_restoration_run(clients):
    inpaint, denoise = (c.get("/api/info").json for c in clients)
    assert inpaint["run_kind"] == denoise["run_kind"] == "restore"
    assert inpaint["fills_holes"] and inpaint["mask_kind"] == "both" and inpaint["examples"] == 20
    assert not denoise["fills_holes"] and denoise["noise_sigma"] == 25
    page = clients[0].get("/").get_data(as_text=True)
    assert 'id="canvas"' in page and 'id="brush"' in page and "Fill holes" in page
    assert 'id="brush"' not in clients[1].get("/").get_data(as_text=True)


def test_holes_are_filled_and_known_pixels_kept(clients):
    mask = np.zeros_like(PHOTO)
    mask[4:12, 10:30] = 255
    r = post(clients[0], "/api/inpaint", image=png(PHOTO), mask=png(mask))
    assert r.status_code == 200 and r.mimetype == "image/png"
    out = np.asarray(Image.open(io.BytesIO(r.data)))
    assert out.shape == PHOTO.shape
    assert np.array_equal(out[mask == 0], PHOTO[mask == 0])
    # strokes painted white on a transparent layer count as holes, as the page sends them (over black)
    layer = np.zeros(PHOTO.shape + (4,), np.uint8)
    layer[4:12, 10:30] = 255
    r = post(clients[0], "/api/inpaint", image=png(PHOTO), mask=png(layer))
    assert np.array_equal(np.asarray(Image.open(io.BytesIO(r.data))), out)


def test_random_masks_and_examples(clients):
    r = clients[0].get("/api/inpaint/mask?width=40&height=30&seed=2")
    holes = np.asarray(Image.open(io.BytesIO(r.data)))
    assert holes.shape == (30, 40, 4) and 0 < (holes[..., 3] > 0).mean() < 1
    assert r.data == clients[0].get("/api/inpaint/mask?width=40&height=30&seed=2").data  # seeded
    assert r.data != clients[0].get("/api/inpaint/mask?width=40&height=30&seed=3").data
    example = Image.open(io.BytesIO(clients[0].get("/api/inpaint/example?index=19").data))
    assert example.size == (16, 16)
    assert clients[0].get("/api/inpaint/example?index=20").status_code == 400


def test_denoising_adds_the_runs_noise_and_needs_no_mask(clients):
    flat = np.full((20, 20), 128, np.uint8)
    r = clients[1].post("/api/inpaint/noise", data={"image": (png(flat), "f.png"), "seed": "1"},
                        content_type="multipart/form-data")
    noisy = np.asarray(Image.open(io.BytesIO(r.data))).astype(float)
    assert 20 < noisy.std() < 30  # sigma 25 levels, a few pixels clipped
    r = post(clients[1], "/api/inpaint", image=png(flat))
    assert r.status_code == 200 and Image.open(io.BytesIO(r.data)).size == (20, 20)


@pytest.mark.parametrize("which,url,files,message", [
    (0, "/api/inpaint", {"image": PHOTO}, "this run fills holes"),
    (0, "/api/inpaint", {"image": PHOTO, "mask": np.zeros((10, 10), np.uint8)}, "draw the mask at the image's size"),
    (0, "/api/inpaint", {"mask": PHOTO}, "no image uploaded"),
    (0, "/api/inpaint/noise", {"image": PHOTO}, "fills holes rather than removing noise"),
    (0, "/api/translate", {"image": PHOTO}, "POST the image and its mask to /api/inpaint"),
])
def test_bad_requests_are_one_line(clients, which, url, files, message):
    r = post(clients[which], url, **{k: png(v) for k, v in files.items()})
    assert r.status_code == 400 and message in r.json["error"]


def test_noise_endpoints_point_to_inpaint(clients):
    r = clients[0].get("/api/grid")
    assert r.status_code == 400 and "/api/inpaint" in r.json["error"]
