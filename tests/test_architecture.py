"""The worked example of docs/architecture.md works as written: a net file and a recipe add a
family, with typed options, without an edit anywhere else."""
import re
import subprocess
import sys
from pathlib import Path

DOC = Path(__file__).resolve().parents[1] / "docs" / "architecture.md"


def blocks(language: str):
    return re.findall(rf"```{language}\n(.*?)```", DOC.read_text(), re.S)


def test_the_worked_example_adds_a_family(tmp_path):
    (tmp_path / "tinymlp.py").write_text(blocks("python")[0])
    recipe = tmp_path / "tinymlp-ring8.yaml"
    recipe.write_text(blocks("yaml")[0])
    script = f"""
import tinymlp, ganforge
from ganforge.config import describe_config, resolve_config
from ganforge.errors import ConfigError
keys = {{r.name: r for r in describe_config(resolve_config({str(recipe)!r}))}}
assert keys["generator.hidden"].description and keys["generator.slope"].type == "float", keys
try:
    resolve_config({str(recipe)!r}, ["generator.hidden=0"])
    raise SystemExit("hidden=0 was accepted")
except ConfigError as err:
    assert "generator.hidden" in str(err), err
run = ganforge.train({str(recipe)!r}, out={str(tmp_path / 'run')!r},
                     overrides=["steps=3", "log_every=1", "sample_every=3", "checkpoint_every=3", "progress=false",
                                "report=false", "tensorboard=false", "batch_size=32"])
print(ganforge.load(run).sample(5).shape)
"""
    result = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=600,
                            env={"PYTHONPATH": f"{tmp_path}:{Path(__file__).resolve().parents[1] / 'src'}",
                                 "PATH": "", "OMP_NUM_THREADS": "1"})
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    assert "torch.Size([5, 2])" in result.stdout


def test_the_worked_example_adds_a_loss_term(tmp_path):
    (tmp_path / "tinymlp.py").write_text(blocks("python")[0])
    (tmp_path / "featmatch.py").write_text(blocks("python")[1])
    recipe = tmp_path / "tinymlp-ring8.yaml"
    recipe.write_text(blocks("yaml")[0])
    script = f"""
import json, torch
import tinymlp, featmatch, ganforge
from ganforge.config import resolve_config
from ganforge.errors import ConfigError
from ganforge.nets import DOutput
from ganforge.objectives.base import StepContext
from ganforge.objectives.terms import TermInputs

# the value is the paper's ||E f(x) - E f(G(z))||^2, whatever D's pipeline does to the reals
term = featmatch.FeatureMatching(weight=1.0)
real, fake = torch.randn(6, 3), torch.randn(6, 3, requires_grad=True)
inputs = TermInputs(StepContext(0, 0, 0.0), real, fake, None, fake_out=DOutput(fake.sum(1), features=fake),
                    judge=lambda x, y: DOutput(x.sum(1), features=x))
value = term.g_value(None, inputs, {{}})
assert torch.allclose(value, (real.mean(0) - fake.mean(0)).square().sum()) and value.requires_grad
for refused in (["objective=tabular", "data=penguins", "generator=ctgan", "discriminator=mlp",
                 "objective.terms.feature_matching=1"], ["objective.terms.feature_matching.weight=-1"]):
    try:
        resolve_config({str(recipe)!r}, refused)
        raise SystemExit(f"{{refused}} was accepted")
    except ConfigError as err:
        assert "feature_matching" in str(err), err
run = ganforge.train({str(recipe)!r}, out={str(tmp_path / 'run')!r},
                     overrides=["steps=4", "log_every=1", "sample_every=4", "checkpoint_every=4", "progress=false",
                                "report=false", "tensorboard=false", "batch_size=32", "monitor=false", "metrics=[]",
                                "objective.terms.feature_matching.weight=0.1",
                                "objective.terms.feature_matching.every=2"])
rows = [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines() if "loss_g" in line]
print(["feature_matching" in r for r in rows])
"""
    result = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=600,
                            env={"PYTHONPATH": f"{tmp_path}:{Path(__file__).resolve().parents[1] / 'src'}",
                                 "PATH": "", "OMP_NUM_THREADS": "1"})
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    assert "[True, False, True, False]" in result.stdout  # every second G step (steps 0 and 2)
