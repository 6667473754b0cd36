"""A short real training run that must reach a measured quality: the ring8 recipe by the PacGAN
protocol (2,500 samples; high quality within 3 std of the nearest mean)."""
import torch

import ganforge
from ganforge.metrics import RING8_MEANS, RING8_STD, mode_coverage


def test_ring8_recipe_covers_the_ring_with_high_quality_samples(tmp_path):
    # One thread: the same arithmetic order on every machine, so the run is reproducible.
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        run = ganforge.train("ring8", out=tmp_path / "run", overrides=["progress=false", "report=false",
                                                                        "sample_every=100000", "metrics=[]"])
    finally:
        torch.set_num_threads(threads)
    result = mode_coverage(ganforge.load(run).sample(2500, seed=0), RING8_MEANS, RING8_STD)
    assert result["modes_covered"] >= 7, result
    # seeds 0-2 of the recipe, with the health monitor's held-out split, reach 0.857, 0.938 and 0.954
    assert result["high_quality_fraction"] >= 0.85, result
