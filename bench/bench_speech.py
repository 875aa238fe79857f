"""Speech: real-time factor of the default engine, and our pipeline's overhead over bare faster-whisper.

Audio is made here from known text with the bundled Piper voice (without its random variation,
so runs are comparable), so the figures reproduce on any machine:

* an 84-second answer (a plain 62-word answer four times over, 3 s of silence after each, as a
  candidate pausing to think);
* 20 technical sentences (``interviewer.speech.evaluation.SENTENCES``) for term recall.

Figures (medians of ``--repeats`` runs, the two calls interleaved so machine load hits both):

* RTF: pipeline seconds / audio seconds, for our whole pipeline (decode + validate + transcribe
  + flag + delivery) with the track vocabulary;
* overhead: our pipeline against a bare ``BatchedInferencePipeline.transcribe`` of the same file
  with exactly the options our engine passes (same beam size, VAD, word timestamps, prompt):
  target <= 1.05; and, for context, against the plainest ``WhisperModel.transcribe(file,
  beam_size=...)`` (sequential decoder, no word timestamps, no VAD, no prompt);
* accuracy: WER of the plain answer (Piper and espeak-ng) and term recall / WER of the
  technical sentences with and without the track vocabulary.

    .venv/bin/python bench/bench_speech.py                      # CPU (int8), everything
    .venv/bin/python bench/bench_speech.py --repeats 7 --no-accuracy
    .venv/bin/python bench/bench_speech.py --device cuda        # float16 on a GPU
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from interviewer.bank import Track, load_bank
from interviewer.speech import AnswerTranscriber, SttConfig, load_audio
from interviewer.speech.analytics import delivery_metrics
from interviewer.speech.engines.faster_whisper_engine import transcribe_options
from interviewer.speech.evaluation import SENTENCES, espeak_wav, piper_wav, term_recall, word_error_rate
from interviewer.speech.flagging import flag_transcript

PLAIN = (
    "To evaluate a retrieval system, I would start with a small labelled set of real user questions. "
    "For each question we mark the passages that answer it. Then we measure recall at ten for the retriever "
    "and check the final answers with human review. When the numbers drop after a change, we look at the "
    "failures one by one before tuning anything."
)


def make_answer(folder: Path) -> Path:
    """About 85 s of speech: the plain answer four times, each followed by 3 s of silence."""
    one = piper_wav(PLAIN, folder / "plain.wav")
    padded = folder / "padded.wav"
    subprocess.run(["sox", str(one), str(padded), "pad", "0", "3"], check=True)
    answer = folder / "answer.wav"
    subprocess.run(["sox", *[str(padded)] * 4, str(answer)], check=True)
    return answer


def timed(call) -> tuple[float, float]:
    """Wall-clock and CPU seconds of ``call`` (CPU time, summed over this process's threads, is
    steadier than wall-clock time when other work shares the machine)."""
    wall, cpu = time.perf_counter(), time.process_time()
    call()
    return time.perf_counter() - wall, time.process_time() - cpu


def bench_speed(answer: Path, config: SttConfig, repeats: int) -> dict[str, float]:
    from faster_whisper import BatchedInferencePipeline

    bank = load_bank()
    started = time.perf_counter()
    ours = AnswerTranscriber(config, bank)
    ours.load()
    load_s = time.perf_counter() - started
    engine = ours.transcriber
    model = engine._whisper()  # type: ignore[attr-defined]  # the very model our engine shares
    options = transcribe_options(config, ours.vocabulary(Track.LLM_APP))

    def pipeline() -> None:
        ours.transcribe(answer, Track.LLM_APP)

    def bare_same() -> None:
        segments, _ = BatchedInferencePipeline(model).transcribe(
            str(answer), **transcribe_options(config, ours.vocabulary(Track.LLM_APP))
        )
        list(segments)

    def bare_plain() -> None:
        segments, _ = model.transcribe(str(answer), beam_size=config.beam_size, language=config.language)
        list(segments)

    def own_work() -> None:
        # What the pipeline adds around the engine: decoding + checks, flags, delivery figures.
        audio = load_audio(answer, config.limits())
        flag_transcript(heard, ours.vocabulary(Track.LLM_APP), config.low_confidence)
        delivery_metrics(heard.words, audio.duration)

    heard = ours.transcribe(answer, Track.LLM_APP).transcript  # also the warm-up
    bare_same()
    calls = {"pipeline": pipeline, "bare_same": bare_same, "bare_plain": bare_plain}
    wall: dict[str, list[float]] = {k: [] for k in calls}
    cpu: dict[str, list[float]] = {k: [] for k in calls}
    for r in range(repeats):
        # Alternate the order so that neither call always runs first after the other.
        for name in list(calls) if r % 2 == 0 else list(reversed(calls)):
            w, c = timed(calls[name])
            wall[name].append(w)
            cpu[name].append(c)
    duration = load_audio(answer).duration
    medians = {k: statistics.median(v) for k, v in wall.items()}
    cpu_medians = {k: statistics.median(v) for k, v in cpu.items()}
    assert options["beam_size"] == config.beam_size
    return {
        "device": f"{engine.device}/{engine.compute_type}",  # type: ignore[attr-defined]
        "audio_s": duration,
        "load_s": load_s,
        **medians,
        "own_work": statistics.median(timed(own_work)[0] for _ in range(repeats)),
        "rtf": medians["pipeline"] / duration,
        "rtf_bare": medians["bare_same"] / duration,
        "overhead": medians["pipeline"] / medians["bare_same"],
        "overhead_cpu": cpu_medians["pipeline"] / cpu_medians["bare_same"],
        "vs_plain": medians["pipeline"] / medians["bare_plain"],
    }


def bench_accuracy(folder: Path, config: SttConfig) -> dict[str, float]:
    ours = AnswerTranscriber(config, load_bank())
    result: dict[str, float] = {}
    voices = [("piper", piper_wav)] + ([("espeak", espeak_wav)] if shutil.which("espeak-ng") else [])
    for name, voice in voices:
        plain = voice(PLAIN, folder / f"plain-{name}.wav")
        result[f"wer_plain_{name}"] = word_error_rate(PLAIN, ours.transcribe(plain).transcript.text)
        without, with_vocabulary, wer_without, wer_with = [], [], [], []
        for i, sentence in enumerate(SENTENCES):
            path = voice(sentence.say, folder / f"{name}-{i}.wav")
            a = ours.transcribe(path).transcript.text
            b = ours.transcribe(path, sentence.track).transcript.text
            without.append((sentence.terms, a))
            with_vocabulary.append((sentence.terms, b))
            wer_without.append(word_error_rate(sentence.expect, a))
            wer_with.append(word_error_rate(sentence.expect, b))
        result[f"recall_without_{name}"] = term_recall(without)
        result[f"recall_with_{name}"] = term_recall(with_vocabulary)
        result[f"wer_terms_without_{name}"] = statistics.mean(wer_without)
        result[f"wer_terms_with_{name}"] = statistics.mean(wer_with)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    parser.add_argument("--model", default=None, help="model name or path (default: the bundled tiny.en)")
    parser.add_argument("--no-accuracy", action="store_true", help="timings only")
    args = parser.parse_args()
    config = SttConfig(device=args.device, model=args.model)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        s = bench_speed(make_answer(folder), config, args.repeats)
        print(f"\nSpeech on {s['device']}, {s['audio_s']:.1f} s answer, median of {args.repeats}")
        print("| measure | value |\n| --- | --- |")
        print(f"| model load (once per process) | {s['load_s']:.2f} s |")
        print(f"| our pipeline (decode, validate, transcribe, flag, delivery) | {s['pipeline']:.2f} s |")
        print(f"| bare BatchedInferencePipeline.transcribe, same options | {s['bare_same']:.2f} s |")
        print(f"| bare WhisperModel.transcribe(file, beam_size={config.beam_size}) | {s['bare_plain']:.2f} s |")
        print(f"| **real-time factor, our pipeline** | **{s['rtf']:.3f}** |")
        print(f"| real-time factor, bare same-options call | {s['rtf_bare']:.3f} |")
        print(f"| the pipeline's own work (decode + checks, flags, delivery) | {s['own_work'] * 1000:.0f} ms |")
        print(f"| **overhead: ours / bare same-options call, wall clock (target <= 1.05)** | **{s['overhead']:.3f}** |")
        print(f"| overhead, CPU time | {s['overhead_cpu']:.3f} |")
        print(f"| ours / plainest sequential call | {s['vs_plain']:.3f} |")
        if not args.no_accuracy:
            a = bench_accuracy(folder, config)
            print("\n| voice | WER plain answer | term recall without / with vocabulary | WER terms without / with |")
            print("| --- | --- | --- | --- |")
            for name in ("piper", "espeak"):
                if f"wer_plain_{name}" in a:
                    print(
                        f"| {name} | {a[f'wer_plain_{name}']:.3f} | {a[f'recall_without_{name}']:.3f} / "
                        f"{a[f'recall_with_{name}']:.3f} | {a[f'wer_terms_without_{name}']:.3f} / "
                        f"{a[f'wer_terms_with_{name}']:.3f} |"
                    )


if __name__ == "__main__":
    main()
