"""The data folders ship inside the wheel and are found from an installed copy."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile

import pytest

from .conftest import REPO


@pytest.mark.slow
def test_bank_loads_from_an_installed_wheel(tmp_path, shipped_bank):
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(wheels), str(REPO)],
        check=True,
        timeout=300,
    )
    (wheel,) = wheels.glob("*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "interviewer/_data/rubrics/shared.yaml" in names
    assert any(n.startswith("interviewer/_data/question_bank/") for n in names)

    site = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site), str(wheel)],
        check=True,
        timeout=300,
    )
    probe = (
        "import interviewer.paths as p, interviewer.bank as b;"
        "bank = b.load_bank();"
        "print(p.shipped_data_dir('question_bank'));"
        "print(len(bank.questions), len(bank.errors))"
    )
    env = {**os.environ, "PYTHONPATH": str(site)}
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, env=env, capture_output=True, text=True, check=True, timeout=120
    ).stdout.split()
    assert out[0].startswith(str(site))
    assert int(out[1]) == len(shipped_bank.questions)
    assert out[2] == "0"
