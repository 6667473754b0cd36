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
