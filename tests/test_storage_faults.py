"""A full disk or a read-only database, met by the SessionStore, the checkpointer and InterviewService.

Every fault is real (see storage_faults_tools): a tmpfs filled to its last byte, a read-only
remount, immutable files. InterviewService is what the browser UI calls; the UI shows
StorageError's message as it is. After the fault is removed the interview goes on, every answer
saved before it is intact, and both databases pass PRAGMA integrity_check.
The CLI's side is in test_storage_faults_cli.py.
"""

from __future__ import annotations

import pytest

from interviewer.bank import Level, Track
from interviewer.errors import StorageError
from interviewer.service import open_checkpointer
from interviewer.storage import InterviewSession, SessionStore, sqlite_url

from .storage_faults_tools import (
    ANSWERS,
    answers_so_far,
    assert_intact,
    close,
    fill,
    make_service,
    remount,
    set_immutable,
    small_disk,
    store_with_answer,
)

# -- the store and the checkpointer alone (fast) ----------------------------------------------------


def test_store_write_on_full_disk_fails_cleanly_and_recovers(tmp_path):
    with small_disk(tmp_path / "disk") as disk:
        store = store_with_answer(disk)
        filler = fill(disk)
        with pytest.raises(StorageError) as err:
            store.record_answer("s1", 1, ANSWERS[1])
        assert str(err.value) == (
            f"the disk is full: cannot write the database {disk / 'interviewer.db'}. "
            "Free some space, then try again. (nothing already saved was changed)"
        )
        with pytest.raises(StorageError, match="the disk is full"):
            store.create_session(
                InterviewSession(id="s2", track="llm-app", level="mid", n_questions=1, judge_provider="x")
            )
        assert answers_so_far(store, "s1") == ANSWERS[:1]
        assert [s.id for s in store.list_sessions()] == ["s1"]

        filler.unlink()
        store.record_answer("s1", 1, ANSWERS[1])
        assert answers_so_far(store, "s1") == ANSWERS[:2]
        store.engine.dispose()
        assert_intact(disk / "interviewer.db")


@pytest.mark.parametrize("earlier", [False, True], ids=["new-database", "existing-database"])
def test_database_cannot_be_opened_on_a_full_disk(tmp_path, earlier):
    with small_disk(tmp_path / "disk") as disk:
        if earlier:
            store_with_answer(disk).engine.dispose()
        filler = fill(disk)
        with pytest.raises(StorageError, match=f"^the disk is full: cannot write the database {disk}/interviewer.db"):
            SessionStore(sqlite_url(disk / "interviewer.db"))
        with pytest.raises(StorageError, match=f"^the disk is full: cannot write the checkpoint store {disk}/ck.db"):
            open_checkpointer(str(disk / "ck.db"))

        filler.unlink()
        store = SessionStore(sqlite_url(disk / "interviewer.db"))
        if earlier:
            assert answers_so_far(store, "s1") == ANSWERS[:1]
        else:
            assert store.list_sessions() == []
        store.engine.dispose()
        assert_intact(disk / "interviewer.db")


def test_read_only_database_file_is_read_but_not_written(tmp_path):
    with small_disk(tmp_path / "disk") as disk:
        db = disk / "interviewer.db"
        store_with_answer(disk).engine.dispose()
        set_immutable([db], on=True)
        store = SessionStore(sqlite_url(db))
        assert store.get_session("s1").id == "s1"
        with pytest.raises(StorageError) as err:
            store.record_answer("s1", 1, ANSWERS[1])
        assert str(err.value) == (
            f"the database is read-only: cannot write {db}. Make it writable, then try again. "
            "(nothing already saved was changed)"
        )
        assert answers_so_far(store, "s1") == ANSWERS[:1]
        store.engine.dispose()

        set_immutable([db], on=False)
        store = SessionStore(sqlite_url(db))
        store.record_answer("s1", 1, ANSWERS[1])
        assert answers_so_far(store, "s1") == ANSWERS[:2]
        store.engine.dispose()
        assert_intact(db)


def test_read_only_folder_is_named_as_such(tmp_path):
    with small_disk(tmp_path / "disk") as disk:
        store_with_answer(disk).engine.dispose()
        open_checkpointer(str(disk / "checkpoints.db")).conn.close()
        remount(disk, read_only=True)
        # SQLite itself only says "unable to open database file" here.
        with pytest.raises(StorageError, match=f"^the database is read-only: cannot write {disk}/interviewer.db"):
            SessionStore(sqlite_url(disk / "interviewer.db"))
        with pytest.raises(StorageError, match=f"^the checkpoint store is read-only: cannot write {disk}/checkpoints"):
            open_checkpointer(str(disk / "checkpoints.db"))

        remount(disk, read_only=False)
        store = SessionStore(sqlite_url(disk / "interviewer.db"))
        assert answers_so_far(store, "s1") == ANSWERS[:1]
        store.engine.dispose()
        assert_intact(disk / "interviewer.db", disk / "checkpoints.db")


@pytest.fixture(scope="module")
def judge():
    from interviewer.judge.rubric_judge import RubricJudge

    return RubricJudge()


@pytest.mark.slow
def test_service_start_on_full_disk(tmp_path, shipped_bank, judge):
    with small_disk(tmp_path / "disk") as disk:
        service = make_service(shipped_bank, judge, disk)
        filler = fill(disk)
        with pytest.raises(StorageError, match="^the disk is full: cannot write the database"):
            service.start(Track.CLASSICAL_ML, Level.MID, 2)
        assert service.store.list_sessions() == []

        filler.unlink()
        step = service.start(Track.CLASSICAL_ML, Level.MID, 2)
        assert step.prompt is not None and step.prompt["turn"] == 0
        close(service)
        assert_intact(disk / "interviewer.db", disk / "checkpoints.db")


@pytest.mark.slow
def test_service_answer_on_full_disk_is_refused_whole_then_accepted(tmp_path, shipped_bank, judge):
    with small_disk(tmp_path / "disk") as disk:
        service = make_service(shipped_bank, judge, disk)
        step = service.start(Track.CLASSICAL_ML, Level.MID, 3)
        for answer in ANSWERS[:2]:
            step = service.answer(step.session_id, answer)
        asked = step.prompt
        filler = fill(disk)
        with pytest.raises(StorageError) as err:
            service.answer(step.session_id, ANSWERS[2])
        assert str(err.value).startswith(f"the disk is full: cannot write the database {disk}/interviewer.db.")
        assert answers_so_far(service.store, step.session_id) == ANSWERS[:2]
        assert service.current(step.session_id).prompt == asked

        filler.unlink()
        final = service.answer(step.session_id, ANSWERS[2])  # the user submits the same text again
        assert final.finished and final.summary is not None and final.summary["questions"] == 3
        assert answers_so_far(service.store, step.session_id) == ANSWERS
        close(service)
        assert_intact(disk / "interviewer.db", disk / "checkpoints.db")


@pytest.mark.slow
def test_service_full_checkpoint_disk_keeps_the_saved_answer(tmp_path, shipped_bank, judge):
    # The checkpoints on their own small disk (INTERVIEWER_CHECKPOINT_URL can put them anywhere):
    # the answer is saved, then the graph cannot checkpoint. That failure used to escape as a raw
    # sqlite3.OperationalError.
    with small_disk(tmp_path / "disk") as disk:
        service = make_service(shipped_bank, judge, tmp_path, checkpoint_dir=disk)
        step = service.start(Track.CLASSICAL_ML, Level.MID, 3)
        step = service.answer(step.session_id, ANSWERS[0])
        filler = fill(disk)
        with pytest.raises(StorageError) as err:
            service.answer(step.session_id, ANSWERS[1])
        assert str(err.value) == (
            f"the disk is full: cannot write the checkpoint store {disk}/checkpoints.db. "
            "Free some space, then try again. Your answer was saved."
        )
        assert answers_so_far(service.store, step.session_id) == ANSWERS[:2]

        filler.unlink()
        # Submitted again, edited: the saved answer stands, and the interview moves on.
        step = service.answer(step.session_id, "an edited answer")
        assert step.prompt is not None and step.prompt["turn"] == 2
        step = service.answer(step.session_id, ANSWERS[2])
        assert step.finished
        assert answers_so_far(service.store, step.session_id) == ANSWERS
        close(service)
        assert_intact(tmp_path / "interviewer.db", disk / "checkpoints.db")


@pytest.mark.slow
def test_service_on_read_only_database_files(tmp_path, shipped_bank, judge):
    with small_disk(tmp_path / "disk") as disk:
        dbs = [disk / "interviewer.db", disk / "checkpoints.db"]
        service = make_service(shipped_bank, judge, disk)
        step = service.start(Track.CLASSICAL_ML, Level.MID, 2)
        step = service.answer(step.session_id, ANSWERS[0])
        close(service)

        set_immutable(dbs, on=True)
        service = make_service(shipped_bank, judge, disk)  # a server started on read-only files
        assert service.current(step.session_id).prompt == step.prompt
        with pytest.raises(StorageError) as err:
            service.answer(step.session_id, ANSWERS[1])
        assert str(err.value).startswith(f"the database is read-only: cannot write {dbs[0]}. Make it writable")
        assert answers_so_far(service.store, step.session_id) == ANSWERS[:1]
        close(service)

        set_immutable(dbs, on=False)
        service = make_service(shipped_bank, judge, disk)
        assert service.answer(step.session_id, ANSWERS[1]).finished
        assert answers_so_far(service.store, step.session_id) == ANSWERS[:2]
        close(service)
        assert_intact(*dbs)


@pytest.mark.slow
def test_service_disk_full_after_the_answer_is_saved(tmp_path, shipped_bank, judge):
    # Room for exactly one more WAL frame of the sessions database: the answer's commit (one
    # page changed) fits, the grade's does not. The checkpoints, elsewhere, record that the graph
    # got past taking the answer, so no prompt is pending when the user submits again: that used
    # to be refused with "this interview ... has finished".
    with small_disk(tmp_path / "disk") as disk:
        service = make_service(shipped_bank, judge, disk, checkpoint_dir=tmp_path)
        step = service.start(Track.CLASSICAL_ML, Level.MID, 3)
        step = service.answer(step.session_id, ANSWERS[0])
        wal = (disk / "interviewer.db-wal").stat().st_size
        page, frame = 4096, 4096 + 24
        reserve = disk / "reserve.bin"
        reserve.write_bytes(b"\0" * (-(-(wal + frame) // page) - -(-wal // page)) * page)
        filler = fill(disk)
        reserve.unlink()
        with pytest.raises(StorageError) as err:
            service.answer(step.session_id, ANSWERS[1])
        assert str(err.value).startswith("the disk is full: cannot write the database")
        assert str(err.value).endswith("Your answer was saved.")
        assert answers_so_far(service.store, step.session_id) == ANSWERS[:2]
        assert service.store.grade_for(step.session_id, 1) is None

        filler.unlink()
        step = service.answer(step.session_id, "an edited answer")
        assert step.prompt is not None and step.prompt["turn"] == 2
        assert service.store.grade_for(step.session_id, 1) is not None
        assert service.answer(step.session_id, ANSWERS[2]).finished
        assert answers_so_far(service.store, step.session_id) == ANSWERS
        close(service)
        assert_intact(disk / "interviewer.db", tmp_path / "checkpoints.db")
