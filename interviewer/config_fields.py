"""Validation pieces shared by the typed config sections (judge, speech)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from interviewer.errors import ConfigError

M = TypeVar("M", bound=BaseModel)


def http_url(value: str | None) -> str | None:
    """An http(s) URL without its trailing slash; anything else is a validation error."""
    if value is not None and not value.startswith(("http://", "https://")):
        raise ValueError("must start with http:// or https://")
    return value.rstrip("/") if value else value


def blank_is_none(value: Any) -> Any:
    """An empty environment variable or form field means "not set", not "the empty string"."""
    if isinstance(value, str) and not value.strip():
        return None
    return value


def validate_section(model: type[M], values: Mapping[str, Any], section: str, label: str) -> M:
    """Validate one config section; ConfigError names every bad field (values are never echoed)."""
    try:
        return model.model_validate(dict(values))
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in err['loc']) or section}: {err['msg']}" for err in exc.errors())
        raise ConfigError(f"invalid {label} configuration: {problems}") from None
