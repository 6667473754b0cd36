"""Uploads to the explorer of image-to-image runs: POST /api/translate."""
import io

import numpy as np
import pytest

pytest.importorskip("flask")
from PIL import Image  # noqa: E402

import ganforge  # noqa: E402
from ganforge.serve import create_app as _create_app  # noqa: E402


def create_app(run, **options):
    return _create_app(ganforge.load(run), **options)


def png(width, height, channels=3, noise=True):
    shape = (height, width, channels) if channels == 3 else (height, width)
    rng = np.random.default_rng(0)
    pixels = rng.integers(0, 255, shape, dtype=np.uint8) if noise else np.zeros(shape, np.uint8)
    buf = io.BytesIO()
    Image.fromarray(pixels).save(buf, format="PNG")
    return buf.getvalue()


def upload(client, data=None, name="in.png", **form):
    fields = dict(form)
    if data is not None:
        fields["image"] = (io.BytesIO(data), name)
    return client.post("/api/translate", data=fields, content_type="multipart/form-data")


def output(resp):
    assert resp.status_code == 200, resp.get_json()
    assert resp.mimetype == "image/png"
    return Image.open(io.BytesIO(resp.data))


@pytest.fixture(scope="module")
def pix2pix(pix2pix_run):
    return create_app(pix2pix_run).test_client()


@pytest.fixture(scope="module")
def superres(superres_run):
    return create_app(superres_run).test_client()


@pytest.fixture(scope="module")
def cyclegan(cyclegan_run):
    return create_app(cyclegan_run).test_client()


def test_info_names_the_run_kind(pix2pix, superres, cyclegan, mnist_run):
    info = pix2pix.get("/api/info").get_json()
    assert info["run_kind"] == "translation" and info["directions"] == ["AtoB"] and info["scale"] == 1
    assert info["max_upload_bytes"] == 8 * 2**20 and info["max_input_pixels"] == 4096 * 4096
    info = superres.get("/api/info").get_json()
    assert info["run_kind"] == "superres" and info["scale"] == 4 and info["max_input_pixels"] == 1024 * 1024
    assert cyclegan.get("/api/info").get_json()["directions"] == ["AtoB", "BtoA"]
    assert create_app(mnist_run).test_client().get("/api/info").get_json()["run_kind"] == "noise"


def test_pix2pix_output_has_the_input_size(pix2pix):
    img = output(upload(pix2pix, png(37, 23)))
    assert img.size == (37, 23) and img.mode == "RGB"  # edges (gray) -> photo (RGB); RGB input converted
    assert output(upload(pix2pix, png(5, 3, channels=1))).size == (5, 3)  # smaller than the training crop


def test_superres_output_is_four_times_larger(superres):
    assert output(upload(superres, png(10, 7))).size == (40, 28)


def test_cyclegan_translates_both_ways(cyclegan):
    ab = upload(cyclegan, png(20, 20, channels=1), direction="AtoB")
    ba = upload(cyclegan, png(20, 20, channels=1), direction="BtoA")
    assert output(ab).size == output(ba).size == (20, 20)
    assert ab.data != ba.data
    # smaller than the training crop: padded up to it (its reflection padding needs room)
    assert output(upload(cyclegan, png(5, 3, channels=1), direction="BtoA")).size == (5, 3)


def test_download_header(pix2pix):
    resp = pix2pix.post("/api/translate?download=1", data={"image": (io.BytesIO(png(8, 8)), "a.png")},
                        content_type="multipart/form-data")
    assert "attachment; filename=ganforge-translated.png" == resp.headers["Content-Disposition"]


@pytest.mark.parametrize("data,form,message", [
    (None, {}, "no image uploaded; send the file in the multipart field 'image'"),
    (b"", {}, "the uploaded file is empty"),
    (b"GIF89a? not really", {}, "is not an image Pillow can read; upload a PNG"),
    (png(16, 16)[:80], {}, "cannot decode the image"),
    (png(8, 8), {"direction": "sideways"}, "'direction' must be AtoB or BtoA, got 'sideways'"),
    (png(8, 8), {"direction": "BtoA"}, "this run translates only AtoB; drop 'direction=BtoA'"),
    (png(4097, 4096, noise=False), {}, ("the image is 4097x4096 (16.8 megapixels); this run takes at most 16.8 "
                                        "megapixels (4096x4096); resize or crop the image")),
])
def test_bad_uploads_are_400_json(pix2pix, data, form, message):
    resp = upload(pix2pix, data, **form)
    assert resp.status_code == 400
    assert message in resp.get_json()["error"]


def test_superres_bounds_its_output(superres):
    resp = upload(superres, png(1025, 1024, noise=False))
    assert resp.status_code == 400
    assert "at most 1.05 megapixels (1024x1024) so its x4 output stays within 16.8 megapixels" in resp.get_json()["error"]


def test_too_many_bytes_is_413_json(pix2pix_run):
    client = create_app(pix2pix_run, max_upload_bytes=2048).test_client()
    resp = upload(client, png(64, 64))
    assert resp.status_code == 413
    assert resp.get_json()["error"] == ("the request is larger than 2 KiB; send a smaller image "
                                        "(ganforge serve --max-upload-mb raises the limit)")


def test_noise_runs_do_not_translate_and_translation_runs_do_not_sample(mnist_run, pix2pix):
    resp = upload(create_app(mnist_run).test_client(), png(8, 8))
    assert resp.status_code == 400
    assert "does not translate images; use /api/grid" in resp.get_json()["error"]
    for url in ("/api/grid?seed=1", "/api/interpolate"):
        resp = pix2pix.get(url)
        assert resp.status_code == 400 and "POST an image to /api/translate" in resp.get_json()["error"]


def test_page_offers_the_upload_form(pix2pix):
    page = pix2pix.get("/").get_data(as_text=True)
    assert 'type="file"' in page and "api/translate" in page
    assert "http://" not in page and "https://" not in page
