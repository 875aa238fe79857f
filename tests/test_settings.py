"""Settings come from flags, environment and a config file, in that order, with clear errors."""

from __future__ import annotations

import pytest

from interviewer.errors import ConfigError
from interviewer.settings import load_settings


@pytest.fixture(autouse=True)
def clean_env(monkeypatch, tmp_path):
    for var in [v for v in __import__("os").environ if v.startswith("INTERVIEWER_")]:
        monkeypatch.delenv(var)
    monkeypatch.setenv("INTERVIEWER_CONFIG", str(tmp_path / "absent.toml"))


def test_defaults_use_a_sqlite_file_in_the_data_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("INTERVIEWER_DATA_DIR", str(tmp_path))
    settings = load_settings()
    assert settings.database_url() == f"sqlite:///{tmp_path / 'interviewer.db'}"
    assert settings.checkpoints() == str(tmp_path / "checkpoints.db")
    assert settings.judge == {}


def test_flags_beat_environment_beat_config_file(monkeypatch, tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('max_follow_ups = 1\n[judge]\nprovider = "anthropic"\nmodel = "from-file"\n')
    monkeypatch.setenv("INTERVIEWER_JUDGE", "openai")
    settings = load_settings({"judge_model": "from-flag"}, config_file=config)
    assert settings.max_follow_ups == 1
    assert settings.judge == {"provider": "openai", "model": "from-flag"}


def test_postgres_url_is_used_for_checkpoints_too(monkeypatch):
    monkeypatch.setenv("INTERVIEWER_DB_URL", "postgresql+psycopg://u@localhost/db")
    assert load_settings().checkpoints() == "postgresql://u@localhost/db"


def test_bad_values_name_their_source(monkeypatch, tmp_path):
    monkeypatch.setenv("INTERVIEWER_MAX_FOLLOW_UPS", "lots")
    with pytest.raises(ConfigError, match=r"max_follow_ups.*\$INTERVIEWER_MAX_FOLLOW_UPS"):
        load_settings()
    monkeypatch.delenv("INTERVIEWER_MAX_FOLLOW_UPS")
    broken = tmp_path / "broken.toml"
    broken.write_text("judge = [\n")
    with pytest.raises(ConfigError, match="cannot read config file"):
        load_settings(config_file=broken)
    with pytest.raises(ConfigError, match="config file not found"):
        load_settings(config_file=tmp_path / "missing.toml")
    unknown = tmp_path / "unknown.toml"
    unknown.write_text("colour = 'blue'\n")
    with pytest.raises(ConfigError, match="invalid setting 'colour'"):
        load_settings(config_file=unknown)
