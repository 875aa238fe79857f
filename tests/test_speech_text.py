"""The speech pipeline's parts that need no model: vocabulary, flags, delivery figures, scoring,
the model cache, configuration, and the engines' contracts and errors."""

from __future__ import annotations

import json
import sys
import threading
import time
import types
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest

from interviewer.bank import Track
from interviewer.errors import AudioError, ConfigError
from interviewer.settings import load_settings
from interviewer.speech.analytics import count_fillers, delivery_metrics
from interviewer.speech.audio import SAMPLE_RATE, Audio
from interviewer.speech.config import SttConfig
from interviewer.speech.engines import make_transcriber
from interviewer.speech.evaluation import term_recalled, word_error_rate
from interviewer.speech.flagging import accept_suggestions, apply_corrections, flag_transcript
from interviewer.speech.model_cache import ModelCache
from interviewer.speech.records import FlagReason, Transcript, Word
from interviewer.speech.vocabulary import MAX_PROMPT_CHARS, Vocabulary, is_technical, track_vocabulary


def transcript(text: str, probabilities: dict[str, float] | None = None, gap: float = 0.1) -> Transcript:
    """Words every 0.4 s (0.3 s long), with the given probabilities (default 0.95)."""
    words = tuple(
        Word(start=i * 0.4, end=i * 0.4 + 0.3, text=" " + t, probability=(probabilities or {}).get(t, 0.95))
        for i, t in enumerate(text.split())
    )
    return Transcript(text=text, words=words, language="en", duration=len(words) * 0.4, engine="test", model="m")


# -- vocabulary ----------------------------------------------------------------------------------------


def test_technical_terms_are_kept_and_prose_is_not():
    for term in ("KV cache", "LoRA", "FlashAttention", "ROC-AUC", "top-p", "BM25", "bf16", "k-fold", "Bonferroni"):
        assert is_technical(term), term
    for term in ("trade-offs", "re-index", "access control", "I asked them", "0.005", "at the SLO", "2-4x", "O(n^2)"):
        assert not is_technical(term), term


def test_track_vocabulary_is_bounded_ranked_and_question_first(shipped_bank):
    for track in Track:
        vocabulary = track_vocabulary(shipped_bank, track)
        assert vocabulary.terms and vocabulary.prompt.startswith("Glossary: ")
        assert len(vocabulary.prompt) <= MAX_PROMPT_CHARS
        assert all(is_technical(t) for t in vocabulary.terms)
    infra = track_vocabulary(shipped_bank, Track.ML_INFRA)
    assert {"KV cache", "FlashAttention", "PagedAttention", "FSDP"} <= set(infra.terms)
    assert "KV cache usage" not in infra.terms  # an extension of a kept term
    question = next(q for q in shipped_bank.for_track(Track.ML_INFRA) if "kv" in q.id)
    own = [t for kp in shipped_bank.rubric_for(question).key_points for t in kp.terms if is_technical(t)]
    focused = track_vocabulary(shipped_bank, Track.ML_INFRA, question)
    # The question's own terms (or the shorter terms inside them) lead the list.
    assert all(any(t.lower() in o.lower() for o in own) for t in focused.terms[:3])


# -- flags ---------------------------------------------------------------------------------------------

VOCAB = Vocabulary(
    terms=("KV cache", "LoRA", "FlashAttention", "top-p", "top-k", "FlashAttention-2", "Brier"), prompt=""
)


def test_misheard_terms_are_flagged_with_the_term():
    heard = transcript("we store the KV cash and train low RNA adapters with flash attention and top-p sampling")
    flags = flag_transcript(heard, VOCAB)
    found = {(f.heard, f.suggestion) for f in flags if f.reason is FlagReason.NEAR_TERM}
    assert found == {("KV cash", "KV cache"), ("low RNA", "LoRA"), ("flash attention", "FlashAttention")}
    # top-p was said right: neither flagged nor mistaken for top-k.
    assert all("top" not in f.heard for f in flags)


def test_correct_terms_and_everyday_words_are_not_flagged():
    heard = transcript("FlashAttention is fast and the KV cache is small so in brief we use LoRA")
    assert flag_transcript(heard, VOCAB) == ()


def test_low_confidence_words_are_flagged_except_small_words_and_known_terms():
    heard = transcript(
        "the gradient clipping of LoRA weights works",
        {"gradient": 0.2, "clipping": 0.3, "of": 0.1, "LoRA": 0.01, "works": 0.9},
    )
    flags = flag_transcript(heard, VOCAB, low_confidence=0.4)
    assert [(f.heard, f.reason) for f in flags] == [("gradient clipping", FlagReason.LOW_CONFIDENCE)]
    assert flags[0].probability == pytest.approx(0.2)


def test_corrections_replace_flagged_stretches_and_keep_punctuation():
    heard = Transcript(
        text="We use the KV cash, and low RNA.",
        words=tuple(
            Word(i * 0.4, i * 0.4 + 0.3, t, 0.9)
            for i, t in enumerate([" We", " use", " the", " KV", " cash,", " and", " low", " RNA."])
        ),
        language="en",
        duration=4.0,
        engine="test",
        model="m",
    )
    flags = flag_transcript(heard, VOCAB)
    assert accept_suggestions(heard, flags).text == "We use the KV cache, and LoRA."
    fixed = apply_corrections(heard, flags, {1: "QLoRA"})
    assert fixed.text == "We use the KV cash, and QLoRA."
    assert fixed.words[-1].start == pytest.approx(6 * 0.4) and fixed.words[-1].end == pytest.approx(7 * 0.4 + 0.3)
    assert apply_corrections(heard, flags, {0: ""}).text == "We use the and low RNA."


# -- delivery ------------------------------------------------------------------------------------------


def test_filler_rules():
    def fillers(text: str) -> dict[str, int]:
        return dict(count_fillers(list(transcript(text).words)))

    assert fillers("um so uh the ummm cache erm") == {"um": 2, "uh": 1, "erm": 1}
    assert fillers("it is, like, slow") == {"like": 1}
    assert fillers("I like tests and it looks like a leak") == {}
    assert fillers("you know, it is kind of slow") == {"you know": 1, "kind of": 1}
    assert fillers("do you know this kind of model") == {}
    assert fillers("what I mean is a sort of index") == {}
    assert fillers("it is, basically, a cache and actually fast") == {"basically": 1}


def test_delivery_from_word_timings():
    words = [Word(1.2, 1.5, " Um,"), Word(1.6, 1.9, " the"), Word(2.0, 2.4, " cache"), Word(5.0, 5.3, " grows,"),
             Word(5.4, 5.6, " like,"), Word(9.6, 9.9, " linearly."), Word(10.0, 10.0, " ...")]  # fmt: skip
    d = delivery_metrics(words, duration_s=12.0)
    assert d.words == 6 and d.time_to_first_word_s == 1.2 and d.duration_s == 12.0
    assert d.talk_time_s == pytest.approx(8.7)
    assert d.words_per_minute == pytest.approx(6 / 8.7 * 60, abs=0.1)
    assert d.long_pauses == 2 and d.longest_pause_s == pytest.approx(4.0)
    assert d.fillers == 2 and d.filler_counts == {"um": 1, "like": 1}
    assert d.fillers_per_100_words == pytest.approx(33.3)
    empty = delivery_metrics([], duration_s=3.0)
    assert empty.words == 0 and empty.time_to_first_word_s == 3.0


# -- scoring -------------------------------------------------------------------------------------------


def test_word_error_rate_and_term_recall():
    assert word_error_rate("the KV cache grows", "the KV cache grows") == 0
    assert word_error_rate("the KV cache grows", "the KV cash grows") == 0.25
    assert word_error_rate("the KV cache grows", "KV cache grows fast") == 0.5  # a deletion and an insertion
    assert word_error_rate("ROC-AUC", "ROC AUC") == 0
    assert term_recalled("FlashAttention", "we use flash attention")
    assert term_recalled("ROC-AUC", "the roc auc rose")
    assert not term_recalled("KV cache", "the KV cash")


# -- model cache ---------------------------------------------------------------------------------------


def test_model_cache_loads_once_under_contention():
    cache = ModelCache()
    loads = []

    def load():
        loads.append(1)
        time.sleep(0.2)
        return object()

    results = []
    threads = [threading.Thread(target=lambda: results.append(cache.get("m", load))) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(loads) == 1 and len({id(r) for r in results}) == 1 and "m" in cache

    def broken():
        raise RuntimeError("no")

    with pytest.raises(RuntimeError):
        cache.get("b", broken)
    assert cache.get("b", object) is not None  # a failed load is retried


# -- configuration -------------------------------------------------------------------------------------


def test_stt_settings_from_environment_and_file(monkeypatch, tmp_path):
    for var in [v for v in __import__("os").environ if v.startswith("INTERVIEWER_")]:
        monkeypatch.delenv(var)
    config = tmp_path / "config.toml"
    config.write_text('[stt]\nengine = "openai-api"\nmodel = "whisper-1"\nbeam_size = 3\n')
    monkeypatch.setenv("INTERVIEWER_STT_BASE_URL", "http://127.0.0.1:9/v1/")
    monkeypatch.setenv("INTERVIEWER_STT_DEVICE", "cpu")
    settings = load_settings(config_file=config)
    stt = SttConfig.from_mapping(settings.stt)
    assert (stt.engine, stt.model, stt.beam_size, stt.device) == ("openai-api", "whisper-1", 3, "cpu")
    assert stt.base_url == "http://127.0.0.1:9/v1"
    assert SttConfig.from_mapping({}).engine == "faster-whisper"
    with pytest.raises(ConfigError, match="invalid speech-to-text configuration: engine"):
        SttConfig.from_mapping({"engine": "kaldi"})
    with pytest.raises(ConfigError, match="api_key") as error:
        SttConfig.from_mapping({"api_key": 42})
    assert "42" not in str(error.value)


def test_default_engine_resolves_device_and_the_bundled_model():
    engine = make_transcriber(SttConfig())
    assert (engine.engine, engine.model) == ("faster-whisper", "tiny.en")
    assert (engine.device, engine.compute_type) in {("cpu", "int8"), ("cuda", "float16")}


def test_a_named_model_that_is_not_here_is_a_clear_error():
    # A Hub id that no cache holds: without allow_download nothing is fetched, and the error says so.
    engine = make_transcriber(SttConfig(model="mock-interviewer-tests/absent-whisper", device="cpu"))
    with pytest.raises(
        ConfigError, match=r"cannot load speech model 'mock-interviewer-tests/absent-whisper'.*allow_download"
    ):
        engine.load()


# -- optional engines ----------------------------------------------------------------------------------


def test_openai_whisper_without_the_package_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "whisper", None)  # import whisper -> ImportError
    with pytest.raises(ConfigError, match=r"pip install 'mock-interviewer\[openai-whisper\]'"):
        make_transcriber(SttConfig(engine="openai-whisper"))


def test_openai_whisper_without_the_weights_says_where_it_looked(monkeypatch, tmp_path):
    fake = types.ModuleType("whisper")
    fake._MODELS = {"base.en": "https://example.invalid/abc/base.en.pt"}  # type: ignore[attr-defined]
    fake.load_model = lambda *a, **k: pytest.fail("must not load (or download) a missing model")  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "whisper", fake)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    engine = make_transcriber(SttConfig(engine="openai-whisper", device="cpu"))
    with pytest.raises(ConfigError, match=r"'base.en' is not on this machine \(looked for .*whisper/base.en.pt\)"):
        engine.load()
    with pytest.raises(ConfigError, match="unknown openai-whisper model 'huge'"):
        make_transcriber(SttConfig(engine="openai-whisper", model="huge", device="cpu")).load()


class _FakeTranscriptionServer(BaseHTTPRequestHandler):
    requests: list[bytes] = []
    status = 200

    def do_POST(self) -> None:  # noqa: N802 - the http.server API
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).requests.append(self.path.encode() + b"\n" + body)
        if type(self).status != 200:
            payload = {"error": {"message": "model overloaded", "type": "server_error"}}
        else:
            payload = {
                "text": "We use the KV cache.",
                "language": "english",
                "duration": 2.0,
                "words": [
                    {"word": "We", "start": 0.5, "end": 0.7},
                    {"word": "use", "start": 0.7, "end": 0.9},
                    {"word": "the", "start": 0.9, "end": 1.0},
                    {"word": "KV", "start": 1.0, "end": 1.3},
                    {"word": "cache", "start": 1.3, "end": 1.7},
                ],
            }
        data = json.dumps(payload).encode()
        self.send_response(type(self).status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def fake_server():
    _FakeTranscriptionServer.requests = []
    _FakeTranscriptionServer.status = 200
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FakeTranscriptionServer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/v1"
    server.shutdown()


def test_openai_api_engine_sends_flac_with_word_timestamps_and_the_prompt(fake_server):
    engine = make_transcriber(SttConfig(engine="openai-api", base_url=fake_server))
    tone = (0.3 * np.sin(2 * np.pi * 220 * np.arange(SAMPLE_RATE * 2) / SAMPLE_RATE)).astype(np.float32)
    result = engine.transcribe(Audio(samples=tone), Vocabulary(terms=("KV cache",), prompt="Glossary: KV cache."))
    assert result.text == "We use the KV cache." and result.engine == "openai-api" and result.model == "whisper-1"
    assert [w.bare for w in result.words] == ["We", "use", "the", "KV", "cache"]
    assert result.words[0].start == 0.5 and result.words[0].probability is None
    request = _FakeTranscriptionServer.requests[0]
    assert request.startswith(b"/v1/audio/transcriptions")
    for field, value in [(b"timestamp_granularities[]", b"word"), (b"response_format", b"verbose_json"),
                         (b"prompt", b"Glossary: KV cache."), (b"model", b"whisper-1")]:  # fmt: skip
        assert b'name="' + field + b'"\r\n\r\n' + value in request
    assert b"fLaC" in request


def test_openai_api_engine_failure_is_one_line(fake_server):
    _FakeTranscriptionServer.status = 400
    engine = make_transcriber(SttConfig(engine="openai-api", base_url=fake_server))
    with pytest.raises(AudioError, match=r"transcription failed at http://127.0.0.1:\d+/v1: .*overloaded"):
        engine.transcribe(Audio(samples=np.full(SAMPLE_RATE, 0.1, np.float32)))


def test_openai_api_engine_needs_a_key_or_a_server(monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with pytest.raises(ConfigError, match="needs OPENAI_API_KEY"):
        make_transcriber(SttConfig(engine="openai-api"))
