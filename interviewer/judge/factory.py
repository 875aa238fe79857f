"""``make_judge``: the one place a judge is built from configuration.

Providers are imported only when chosen, so the offline default never imports an HTTP SDK or
loads a model it will not use.
"""

from __future__ import annotations

from interviewer.errors import ConfigError
from interviewer.judge.base import Judge
from interviewer.judge.config import API_KEY_ENV, JudgeConfig


def make_judge(config: JudgeConfig | None = None) -> Judge:
    """The judge ``config`` describes (the offline rubric judge when None).

    Raises ConfigError for settings that cannot work, before any grade is attempted.
    """
    config = config or JudgeConfig()
    if config.provider == "rubric":
        from interviewer.judge.rubric_judge import RubricJudge

        return RubricJudge()

    if config.provider == "llamacpp":
        from interviewer.judge.providers.llamacpp_judge import LlamaCppJudge

        if config.model_path is not None and not config.model_path.is_file():
            raise ConfigError(f"judge model_path not found: {config.model_path}")
        return LlamaCppJudge(
            model_path=config.model_path,
            n_gpu_layers=config.n_gpu_layers,
            n_ctx=config.n_ctx,
            temperature=config.temperature,
            max_retries=config.max_retries,
        )

    api_key = config.resolved_api_key()
    if config.provider == "openai":
        from interviewer.judge.providers.openai_judge import OpenAIJudge

        if api_key is None and config.base_url is None:
            raise ConfigError(
                f"the openai judge needs an API key: set {API_KEY_ENV['openai']} (or the judge's api_key), "
                "or set base_url to an OpenAI-compatible server"
            )
        return OpenAIJudge(
            model=config.model,
            api_key=api_key,
            base_url=config.base_url,
            timeout_s=config.timeout_s,
            max_retries=config.max_retries,
            backoff_s=config.backoff_s,
            temperature=config.temperature,
        )

    if config.provider == "anthropic":
        from interviewer.judge.providers.anthropic_judge import AnthropicJudge

        if api_key is None and config.base_url is None:
            raise ConfigError(
                f"the anthropic judge needs an API key: set {API_KEY_ENV['anthropic']} (or the judge's api_key)"
            )
        return AnthropicJudge(
            model=config.model,
            api_key=api_key,
            base_url=config.base_url,
            timeout_s=config.timeout_s,
            max_retries=config.max_retries,
            backoff_s=config.backoff_s,
        )

    raise ConfigError(f"unknown judge provider '{config.provider}'")  # pragma: no cover - Literal-checked
