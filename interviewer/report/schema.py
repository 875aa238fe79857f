"""The published JSON schema of the report record, ``docs/report.schema.json``.

Regenerate it after changing ``interviewer/report/record.py``::

    .venv/bin/python -m interviewer.report.schema            # writes docs/report.schema.json
    .venv/bin/python -m interviewer.report.schema --check    # exit 1 if the file is stale

The test suite runs the check, so a record change without a new schema fails CI.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from interviewer.report.record import REPORT_SCHEMA_VERSION, SessionReport

SCHEMA_ID = f"urn:mock-interviewer:report:v{REPORT_SCHEMA_VERSION}"
SCHEMA_PATH = Path(__file__).resolve().parents[2] / "docs" / "report.schema.json"


def report_schema() -> dict[str, Any]:
    """The JSON schema (draft 2020-12) of a serialised SessionReport."""
    schema = SessionReport.model_json_schema(mode="serialization")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": f"Mock interview session report, version {REPORT_SCHEMA_VERSION}",
        **schema,
    }


def schema_text() -> str:
    return json.dumps(report_schema(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    expected = schema_text()
    if "--check" in args:
        current = SCHEMA_PATH.read_text(encoding="utf-8") if SCHEMA_PATH.is_file() else ""
        if current != expected:
            print(f"{SCHEMA_PATH} is stale: run `python -m interviewer.report.schema`", file=sys.stderr)
            return 1
        return 0
    SCHEMA_PATH.parent.mkdir(parents=True, exist_ok=True)
    SCHEMA_PATH.write_text(expected, encoding="utf-8")
    print(f"wrote {SCHEMA_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
