import io

import pytest

pytest.importorskip("flask")
from PIL import Image  # noqa: E402

import ganforge  # noqa: E402
from ganforge.serve import create_app  # noqa: E402
from ganforge.serve.latent import slerp  # noqa: E402


def app_for(run):
    return create_app(ganforge.load(run))


@pytest.fixture(scope="module")
def client(mnist_run):
    return app_for(mnist_run).test_client()


def _image(resp):
    assert resp.status_code == 200, resp.get_json()
    assert resp.mimetype == "image/png"
    return Image.open(io.BytesIO(resp.data))


def test_page_has_no_external_assets(client, mnist_run):
    page = client.get("/").get_data(as_text=True)
    assert "<script>" in page and 'id="grid"' in page
    assert "http://" not in page and "https://" not in page and "src=\"/" not in page
    # the run's name, step and checkpoint are in the title
    assert f"<title>{mnist_run.name} · step 6 · latest checkpoint, EMA weights — ganforge explorer</title>" in page


def test_info(client, mnist_run):
    info = client.get("/api/info").get_json()
    assert info["kind"] == "image" and info["max_n"] == 64 and info["num_classes"] == 0
    assert info["name"] == mnist_run.name and info["step"] == 6 and info["recipe"] == "dcgan-mnist"
    assert info["truncation"]["kind"] == "none" and "has no truncation trick" in info["truncation"]["note"]


def test_grid_is_deterministic_per_seed(client):
    a = client.get("/api/grid?seed=3&n=4").data
    assert client.get("/api/grid?seed=3&n=4").data == a
    assert client.get("/api/grid?seed=4&n=4").data != a
    img = _image(client.get("/api/grid?seed=3&n=4"))
    assert img.size == (2 + 2 * 18, 2 + 2 * 18)  # 2 x 2 grid of 16 px images, 2 px padding
    assert _image(client.get("/api/grid?seed=3&n=4&scale=3")).size == (3 * 38, 3 * 38)  # square pixels


def test_single_sample_is_the_grid_cell(client):
    import numpy as np

    grid = np.asarray(_image(client.get("/api/grid?seed=3&n=9")))
    one = np.asarray(_image(client.get("/api/sample?seed=3&index=4")))
    assert one.shape[:2] == (16, 16)
    assert (grid[2 + 18:2 + 18 + 16, 2 + 18:2 + 18 + 16] == one).all()  # row 1, column 1 of a 3 x 3 grid


def test_nearest_training_items_of_a_sample(client):
    nb = client.get("/api/neighbours?seed=3&index=1&k=3").get_json()
    assert nb["extractor"] == "mnist" and len(nb["images"]) == len(nb["distances"]) == 3
    assert nb["distances"] == sorted(nb["distances"]) and nb["typical"] > 0
    assert all(uri.startswith("data:image/png;base64,") for uri in nb["images"])


def test_download_header(client):
    resp = client.get("/api/grid?seed=1&n=1&download=1")
    assert "attachment" in resp.headers["Content-Disposition"]


def test_interpolation_endpoints_match_the_seeds(client):
    start = client.get("/api/interpolate?seed_a=5&seed_b=6&t=0").data
    assert start == client.get("/api/sample?seed=5&index=0").data
    _image(client.get("/api/interpolate?seed_a=5&seed_b=6&t=0.3"))


@pytest.mark.parametrize("query", ["n=0", "n=65", "n=abc", "seed=-1", "seed=99999999999", "truncation=nan",
                                   "truncation=0.5", "class=3", "scale=0", "scale=17"])
def test_bad_grid_requests_are_400_json(client, query):
    resp = client.get("/api/grid?" + query)
    assert resp.status_code == 400
    assert "error" in resp.get_json()


@pytest.mark.parametrize("query", ["t=2", "t=x", "seed_a=1.5"])
def test_bad_interpolation_requests(client, query):
    assert client.get("/api/interpolate?" + query).status_code == 400


def test_unknown_route_method_and_big_body_are_json_4xx(client):
    assert client.get("/nope").status_code == 404
    assert client.get("/nope").get_json()["error"]
    resp = client.post("/api/grid", data=b"x" * 10)
    assert resp.status_code == 405 and resp.get_json()["error"]
    resp = client.post("/", data=b"x" * (200 * 1024))
    assert resp.status_code in (405, 413) and resp.get_json()["error"]


def test_slerp_endpoints():
    import torch

    a, b = torch.randn(8), torch.randn(8)
    assert torch.allclose(slerp(a, b, 0.0), a, atol=1e-5)
    assert torch.allclose(slerp(a, b, 1.0), b, atol=1e-5)


def test_two_d_run_serves_scatter(ring_run):
    client = app_for(ring_run).test_client()
    _image(client.get("/api/grid?seed=0&n=64"))
    assert client.get("/api/neighbours?seed=0").status_code == 400


def test_family_truncation(tmp_path):
    """StyleGAN2: psi toward w_avg (1 is off, 0 the mean image); BigGAN: the truncated normal;
    ProGAN pixel-normalizes z, so the page says it has none instead of scaling z."""
    from ganforge.serve.truncation import truncation_for

    tiny = ["image_size=16", "steps=2", "batch_size=8", "generator.width=8", "discriminator.width=8", "log_every=1",
            "sample_every=2", "checkpoint_every=2", "progress=false", "num_samples=4", "metrics=[]", "n_critic=1",
            "monitor=false", "report=false", "tensorboard=false"]
    kinds = {}
    for recipe in ("stylegan2-mnist", "biggan-mnist", "progan-mnist"):
        gen = ganforge.load(ganforge.train(recipe, out=tmp_path / recipe, overrides=tiny))
        kinds[recipe] = spec = truncation_for(gen)
        client = create_app(gen).test_client()
        if spec.kind == "none":
            assert client.get("/api/grid?n=2&truncation=0.5").status_code == 400
            continue
        off, on = client.get("/api/grid?n=2").data, client.get(f"/api/grid?n=2&truncation={spec.minimum}").data
        assert off != on
        assert client.get(f"/api/grid?n=2&truncation={spec.maximum + 1}").status_code == 400
    assert kinds["stylegan2-mnist"].kind == "psi" and kinds["stylegan2-mnist"].default == 1.0
    assert kinds["biggan-mnist"].kind == "threshold" and kinds["biggan-mnist"].default is None
    assert kinds["progan-mnist"].kind == "none" and "pixel-normalizes z" in kinds["progan-mnist"].note
