"""Configuration: defaults, then a TOML config file, then INTERVIEWER_* environment, then flags."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from platformdirs import user_config_dir, user_data_dir
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from interviewer.errors import ConfigError

APP_NAME = "mock-interviewer"

#: Environment variable -> (section, key) in the settings.
ENV_VARS: dict[str, tuple[str | None, str]] = {
    "INTERVIEWER_DATA_DIR": (None, "data_dir"),
    "INTERVIEWER_DB_URL": (None, "db_url"),
    "INTERVIEWER_CHECKPOINT_URL": (None, "checkpoint_url"),
    "INTERVIEWER_BANK": (None, "bank"),
    "INTERVIEWER_MAX_FOLLOW_UPS": (None, "max_follow_ups"),
    "INTERVIEWER_JUDGE": ("judge", "provider"),
    "INTERVIEWER_JUDGE_MODEL": ("judge", "model"),
    "INTERVIEWER_JUDGE_BASE_URL": ("judge", "base_url"),
    "INTERVIEWER_JUDGE_MODEL_PATH": ("judge", "model_path"),
    "INTERVIEWER_JUDGE_TIMEOUT_S": ("judge", "timeout_s"),
    "INTERVIEWER_STT_ENGINE": ("stt", "engine"),
    "INTERVIEWER_STT_MODEL": ("stt", "model"),
    "INTERVIEWER_STT_DEVICE": ("stt", "device"),
    "INTERVIEWER_STT_COMPUTE_TYPE": ("stt", "compute_type"),
    "INTERVIEWER_STT_BASE_URL": ("stt", "base_url"),
}
#: Settings that are tables of their own ([judge], [stt]); flags reach them as judge_*, stt_*.
SECTIONS = ("judge", "stt")


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    data_dir: Path = Field(default_factory=lambda: Path(user_data_dir(APP_NAME)))
    #: SQLAlchemy URL of the sessions database; default: a SQLite file in data_dir.
    db_url: str | None = None
    #: LangGraph checkpoints: a SQLite file path or a Postgres URL; default: beside the database.
    checkpoint_url: str | None = None
    #: A folder with the user's own questions and rubrics instead of the shipped bank.
    bank: Path | None = None
    max_follow_ups: int = Field(default=2, ge=0, le=5)
    #: Judge settings, validated by interviewer.judge.config.JudgeConfig when a judge is built.
    judge: dict[str, Any] = Field(default_factory=dict)
    #: Speech-to-text settings, validated by interviewer.speech.config.SttConfig when used.
    stt: dict[str, Any] = Field(default_factory=dict)

    def database_url(self) -> str:
        return self.db_url or f"sqlite:///{self.data_dir / 'interviewer.db'}"

    def checkpoints(self) -> str:
        if self.checkpoint_url:
            return self.checkpoint_url
        if self.db_url and self.db_url.startswith(("postgresql", "postgres")):
            return self.db_url.replace("postgresql+psycopg://", "postgresql://", 1)
        return str(self.data_dir / "checkpoints.db")


def default_config_file() -> Path:
    return Path(os.environ.get("INTERVIEWER_CONFIG") or Path(user_config_dir(APP_NAME)) / "config.toml")


def load_settings(flags: dict[str, Any] | None = None, config_file: Path | None = None) -> Settings:
    """Merge the layers; bad values raise ConfigError naming where the value came from."""
    merged: dict[str, Any] = {section: {} for section in SECTIONS}
    path = config_file or default_config_file()
    if config_file is not None and not path.is_file():
        raise ConfigError(f"config file not found: {path}")
    if path.is_file():
        try:
            from_file = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"cannot read config file {path}: {exc}") from None
        _merge(merged, from_file, f"config file {path}")
    for var, (section, key) in ENV_VARS.items():
        value = os.environ.get(var)
        if value:
            (merged[section] if section else merged)[key] = value
    for key, value in (flags or {}).items():
        if value is None:
            continue
        section = next((s for s in SECTIONS if key.startswith(f"{s}_")), None)
        if section is not None:
            merged[section][key.removeprefix(f"{section}_")] = value
        else:
            merged[key] = value
    try:
        return Settings.model_validate(merged)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        source = _source_of(field, config_file=path)
        raise ConfigError(f"invalid setting '{field}' ({source}): {first['msg']}") from None


def _merge(target: dict[str, Any], layer: dict[str, Any], origin: str) -> None:
    for key, value in layer.items():
        if key in SECTIONS:
            if not isinstance(value, dict):
                raise ConfigError(f"{origin}: [{key}] must be a table")
            target[key].update(value)
        else:
            target[key] = value


def _source_of(field: str, config_file: Path) -> str:
    for var, (section, key) in ENV_VARS.items():
        if field in (key, f"{section}.{key}") and os.environ.get(var):
            return f"from ${var}"
    return f"from a flag or {config_file}"
