"""MATRIX_PROBE turns the permission matrix's assertions off (it records outcomes to fill the
table); under CI that would pass every row unchecked, so there it is an error."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.security.test_permission_matrix import probe_path

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("ci", ["true", "1", "TRUE", "yes"])
def test_matrix_probe_under_ci_is_an_error(ci):
    with pytest.raises(RuntimeError, match=r"^MATRIX_PROBE=/tmp/probe is set under CI .*assertions off"):
        probe_path({"MATRIX_PROBE": "/tmp/probe", "CI": ci})


@pytest.mark.parametrize("environ", [{"MATRIX_PROBE": "/tmp/probe"}, {"MATRIX_PROBE": "/tmp/probe", "CI": ""},
                                     {"MATRIX_PROBE": "/tmp/probe", "CI": "false"}])
def test_matrix_probe_on_a_workstation_is_the_path(environ):
    assert probe_path(environ) == "/tmp/probe"


def test_matrix_without_probe_asserts_under_ci_and_off_it():
    assert probe_path({"CI": "true"}) is None
    assert probe_path({"MATRIX_PROBE": ""}) is None


def test_matrix_module_with_probe_under_ci_fails_to_collect(tmp_path):
    env = {**os.environ, "MATRIX_PROBE": str(tmp_path / "probe"), "CI": "true"}
    result = subprocess.run([sys.executable, "-m", "pytest", "tests/security/test_permission_matrix.py",
                             "--collect-only", "-q", "-p", "no:cacheprovider"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert f"MATRIX_PROBE={tmp_path / 'probe'} is set under CI (CI=true)" in result.stdout
    assert list(tmp_path.iterdir()) == []  # nothing recorded
