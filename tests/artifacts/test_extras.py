"""Optional dependencies: a feature whose extra is missing says which one to install, in one
line and exit code 2, before anything is written; the light commands never import torch."""
import subprocess
import sys

import pytest
from click.testing import CliRunner

from ganforge.cli import cli
from ganforge.data import load_dataset
from ganforge.errors import ConfigError
from ganforge.extras import require


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def block(monkeypatch, *modules):
    """Make ``import MODULE`` fail as it does when the package is not installed."""
    for name in list(sys.modules):
        if any(name == m or name.startswith(m + ".") for m in modules):
            monkeypatch.delitem(sys.modules, name)
    for m in modules:
        monkeypatch.setitem(sys.modules, m, None)


def test_tables_extra(monkeypatch, tmp_path):
    block(monkeypatch, "palmerpenguins")
    result = invoke("train", "tabular", "steps=1", "progress=false", "--out", tmp_path / "run")
    assert result.exit_code == 2
    assert result.output.strip().splitlines()[-1] == ("ganforge: error: data=penguins needs palmerpenguins, which is "
                                                      "not installed; pip install 'ganforge[tables]'")
    assert not (tmp_path / "run").exists()


def test_images_extra(monkeypatch):
    block(monkeypatch, "skimage")
    with pytest.raises(ConfigError, match=r"data=faces needs skimage, .*pip install 'ganforge\[images\]'"):
        load_dataset("faces")
    with pytest.raises(ConfigError, match=r"edges2photo.*pip install 'ganforge\[images\]'"):
        load_dataset("edges2photo")


def test_onnx_extra(monkeypatch, tmp_path):
    block(monkeypatch, "onnxruntime")
    result = invoke("export", "pretrained:mnist", "--format", "onnx", "--out", tmp_path / "m")
    assert result.exit_code == 2 and "--format onnx needs onnxruntime" in result.output
    assert "pip install 'ganforge[onnx]'" in result.output and not (tmp_path / "m").exists()


def test_a_broken_package_keeps_its_own_error(tmp_path, monkeypatch):
    (tmp_path / "halfpkg.py").write_text("import not_there_at_all\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(ModuleNotFoundError, match="not_there_at_all"):
        require("halfpkg", "tables", "this feature")


@pytest.mark.parametrize("args", [["--help"], ["recipes"], ["--version"], ["export", "--help"]])
def test_light_commands_do_not_import_torch(args):
    probe = ("import sys, runpy\nsys.argv = ['ganforge'] + sys.argv[1:]\n"
             "try:\n    runpy.run_module('ganforge', run_name='__main__')\n"
             "except SystemExit as stop:\n    assert stop.code in (0, None), stop.code\n"
             "print('HEAVY', sorted(m for m in ('torch', 'pandas', 'scipy', 'matplotlib') if m in sys.modules))\n")
    result = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "HEAVY []"
