"""Where the shipped data folders live, in a checkout and in an installed wheel."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from interviewer.errors import BankError

_PACKAGE_ROOT = Path(__file__).resolve().parent


def shipped_data_dir(name: str) -> Path:
    """Return the shipped ``question_bank`` or ``rubrics`` folder.

    The wheel carries them under ``interviewer/_data/``; a checkout (and an
    editable install, which points back at it) has them at the repository root.
    """
    packaged = Path(str(resources.files("interviewer") / "_data" / name))
    if packaged.is_dir():
        return packaged
    checkout = _PACKAGE_ROOT.parent / name
    if checkout.is_dir():
        return checkout
    raise BankError(f"the shipped '{name}' folder is missing: looked in {packaged} and {checkout}")
