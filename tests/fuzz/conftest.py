"""Fixtures of the fuzz suite: two finished seconds-long runs and a working folder holding the
files the bad invocations name (built once per session)."""
import pytest

from .cases import make_files
from .table import trained_runs


@pytest.fixture(scope="session")
def runs(tmp_path_factory):
    return trained_runs(tmp_path_factory.mktemp("fuzz-runs"))


@pytest.fixture(scope="session")
def work(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzz-work")
    make_files(folder)
    return folder
