"""The documentation site builds offline with ``mkdocs build --strict`` (skipped when the docs
extra is not installed: ``pip install -e '.[docs]'``), API reference included."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_site_builds_strictly(tmp_path):
    for module in ("mkdocs", "mkdocstrings", "mkdocstrings_handlers.python", "material"):
        pytest.importorskip(module)
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    api = (tmp_path / "site" / "api" / "index.html").read_text()
    for documented in ("from_pretrained", "save_pretrained", "register_module", "fid_from_features"):
        assert documented in api
    assert "pytest" in (tmp_path / "site" / "contributing" / "index.html").read_text()
