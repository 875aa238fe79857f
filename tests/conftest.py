from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"
#: The seed documents sit beside the repository (shared/seeds) in every checkout and in CI.
SEEDS = REPO.parent / "shared" / "seeds"


@pytest.fixture(scope="session")
def shipped_bank():
    from interviewer.bank import load_bank

    return load_bank()
