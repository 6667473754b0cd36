"""The best recipes on the 2-D mixtures by the PacGAN protocol (2,500 samples; high quality
within 3 standard deviations of the nearest mean), and the benchmark that compares them."""
import importlib.util
from pathlib import Path

import pytest

import ganforge
from ganforge.config import resolve_config
from ganforge.metrics import GRID25_MEANS, GRID25_STD, RING8_MEANS, RING8_STD, mode_coverage

QUIET = ["progress=false", "report=false", "sample_every=100000", "metrics=[]"]
BENCHMARK = Path(__file__).resolve().parents[1] / "benchmarks" / "mode_coverage.py"


def benchmark_module():
    spec = importlib.util.spec_from_file_location("mode_coverage", BENCHMARK)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
@pytest.mark.parametrize("recipe, means, std, modes, high_quality", [
    ("ring8-best", RING8_MEANS, RING8_STD, 8, 0.97),   # measured 97.5-98.4% over 10 seeds
    ("grid25-best", GRID25_MEANS, GRID25_STD, 25, 0.96),  # measured 96.4-97.6% over 10 seeds
])
def test_best_recipe_reaches_its_measured_quality(recipe, means, std, modes, high_quality, tmp_path, one_thread):
    run = ganforge.train(recipe, out=tmp_path / recipe, overrides=QUIET)
    r = mode_coverage(ganforge.load(run).sample(2500, seed=0), means, std)
    assert r["modes_covered"] == modes, r
    assert r["high_quality_fraction"] >= high_quality, r
    assert r["reverse_kl"] <= 0.02, r


def test_benchmark_gives_every_configuration_the_best_recipes_discriminator_updates():
    bench = benchmark_module()
    best = resolve_config("ring8-best")
    plain = dict(o.split("=") for o in bench.budget("ring8", "gan", 1.0))
    wgan = dict(o.split("=") for o in bench.budget("ring8", "wgan-gp", 1.0))
    assert int(plain["steps"]) == best.steps and int(plain["batch_size"]) == best.batch_size
    assert int(wgan["steps"]) == round(best.steps / 5)


def test_benchmark_prints_a_table_per_dataset(capsys, tmp_path):
    bench = benchmark_module()
    assert bench.main(["--datasets", "ring8", "--configs", "gan,best", "--seeds", "1", "--steps-scale", "0.005",
                       "--results", str(tmp_path / "r.jsonl")]) == 0
    out = capsys.readouterr().out
    assert "machine: " in out and "| GAN (non-saturating) | 1 |" in out and "| best recipe | 1 |" in out
    assert "PacGAN4 (published)" in out
    assert "| best recipe + DRS" in out
    assert len((tmp_path / "r.jsonl").read_text().splitlines()) == 3
