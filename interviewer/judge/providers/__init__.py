"""The LLM judges, one module per provider, all built on :class:`~interviewer.judge.providers.llm_judge.LLMJudge`.

Import a provider's module only when it is used (``interviewer.judge.factory.make_judge`` does):
each pulls in its own SDK or model runtime.
"""
