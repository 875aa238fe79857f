"""The composition root: settings in, a ready InterviewService out."""

from __future__ import annotations

from interviewer.bank import Bank, load_bank
from interviewer.errors import StorageError
from interviewer.judge.base import Judge
from interviewer.service import InterviewService, open_checkpointer
from interviewer.settings import Settings
from interviewer.storage import SessionStore


def build_bank(settings: Settings) -> Bank:
    return load_bank(settings.bank).raise_for_errors()


def build_judge(settings: Settings) -> Judge:
    """The configured judge; the offline rubric judge when none is configured."""
    from interviewer.judge.config import JudgeConfig
    from interviewer.judge.factory import make_judge

    config = JudgeConfig.from_mapping(settings.judge)
    judge = make_judge(config)
    if config.provider == "rubric":
        return judge
    from interviewer.judge.fallback import FallbackJudge

    return FallbackJudge(judge, make_judge(JudgeConfig(provider="rubric")))


def build_store(settings: Settings) -> SessionStore:
    if settings.db_url is None:
        try:
            settings.data_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageError(f"cannot create the data folder {settings.data_dir}: {exc.strerror}") from None
    return SessionStore(settings.database_url())


def build_service(settings: Settings, judge: Judge | None = None) -> InterviewService:
    store = build_store(settings)
    try:
        checkpointer = open_checkpointer(settings.checkpoints())
    except StorageError:
        raise  # already names the problem (a full disk, a read-only file)
    except Exception as exc:  # sqlite3/psycopg raise their own types; the user needs the reason
        raise StorageError(f"cannot open the checkpoint store {settings.checkpoints()}: {exc}") from None
    return InterviewService(
        build_bank(settings),
        judge or build_judge(settings),
        store,
        checkpointer,
        max_follow_ups=settings.max_follow_ups,
    )
