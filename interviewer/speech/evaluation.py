"""Measuring transcription: word error rate, term recall, and a set of technical test sentences.

Used by the tests and ``bench/bench_speech.py``, with audio made on the spot from known text
(espeak-ng or the bundled Piper voice), so every figure can be reproduced on any machine.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from interviewer.bank import Track
from interviewer.errors import ConfigError
from interviewer.speech.vocabulary import compact

_TOKEN = re.compile(r"[a-z0-9']+")


@dataclass(frozen=True)
class TechSentence:
    """A sentence an ML candidate might say: what the voice is given, and what should be heard."""

    track: Track
    #: The text as it is spoken (acronyms spelled the way people say them).
    say: str
    #: The reference transcript.
    expect: str
    #: The technical terms in it, as the bank spells them.
    terms: tuple[str, ...]


SENTENCES: tuple[TechSentence, ...] = (
    TechSentence(Track.LLM_APP, "We keep keys and values in the KV cache, so each new token is cheap.",
                 "We keep keys and values in the KV cache, so each new token is cheap.", ("KV cache",)),
    TechSentence(Track.LLM_APP, "Use top-p sampling with a low temperature for factual answers.",
                 "Use top-p sampling with a low temperature for factual answers.", ("top-p",)),
    TechSentence(Track.LLM_APP, "Hybrid retrieval combines BM25 with dense embeddings.",
                 "Hybrid retrieval combines BM25 with dense embeddings.", ("BM25",)),
    TechSentence(Track.LLM_APP, "FlashAttention never writes the attention matrix to HBM.",
                 "FlashAttention never writes the attention matrix to HBM.", ("FlashAttention", "HBM")),
    TechSentence(Track.LLM_APP, "We aligned the model with DPO instead of RLHF.",
                 "We aligned the model with DPO instead of RLHF.", ("DPO", "RLHF")),
    TechSentence(Track.LLM_APP, "The tokenizer is SentencePiece with byte pair encoding.",
                 "The tokenizer is SentencePiece with byte pair encoding.", ("SentencePiece",)),
    TechSentence(Track.LLM_APP, "We track TTFT for every release.", "We track TTFT for every release.", ("TTFT",)),
    TechSentence(Track.ML_INFRA, "Paged attention stores the cache in fixed size blocks.",
                 "PagedAttention stores the cache in fixed size blocks.", ("PagedAttention",)),
    TechSentence(Track.ML_INFRA, "We shard the optimizer states with FSDP over NVLink.",
                 "We shard the optimizer states with FSDP over NVLink.", ("FSDP", "NVLink")),
    TechSentence(Track.ML_INFRA, "Grouped query attention, or GQA, shrinks the cache.",
                 "Grouped query attention, or GQA, shrinks the cache.", ("GQA",)),
    TechSentence(Track.ML_INFRA, "We quantize the weights with GPTQ or AWQ.",
                 "We quantize the weights with GPTQ or AWQ.", ("GPTQ", "AWQ")),
    TechSentence(Track.ML_INFRA, "We serve it with vee LLM and continuous batching.",
                 "We serve it with vLLM and continuous batching.", ("vLLM",)),
    TechSentence(Track.CLASSICAL_ML, "The rock A U C stayed flat while the P R A U C dropped.",
                 "The ROC-AUC stayed flat while the PR-AUC dropped.", ("ROC-AUC", "PR-AUC")),
    TechSentence(Track.CLASSICAL_ML, "CatBoost handles categorical features natively.",
                 "CatBoost handles categorical features natively.", ("CatBoost",)),
    TechSentence(Track.CLASSICAL_ML, "Apply a Bonferroni correction when you run many tests.",
                 "Apply a Bonferroni correction when you run many tests.", ("Bonferroni",)),
    TechSentence(Track.CLASSICAL_ML, "Use cuped to cut the variance of the A B test.",
                 "Use CUPED to cut the variance of the A/B test.", ("CUPED", "A/B test")),
    TechSentence(Track.MULTIMODAL, "We trained Laura adapters on the vision encoder.",
                 "We trained LoRA adapters on the vision encoder.", ("LoRA",)),
    TechSentence(Track.MULTIMODAL, "Col Pali retrieves document pages from their images.",
                 "ColPali retrieves document pages from their images.", ("ColPali",)),
    TechSentence(Track.MULTIMODAL, "Lava connects a vision encoder to a language model.",
                 "LLaVA connects a vision encoder to a language model.", ("LLaVA",)),
    TechSentence(Track.MULTIMODAL, "InfoNCE is the contrastive loss behind CLIP.",
                 "InfoNCE is the contrastive loss behind CLIP.", ("InfoNCE",)),
)  # fmt: skip


def words_of(text: str) -> list[str]:
    """Lower-case words for scoring; hyphens and slashes split ("ROC-AUC" is "roc auc")."""
    return _TOKEN.findall(text.lower().replace("-", " ").replace("/", " "))


def word_error_rate(reference: str, hypothesis: str) -> float:
    """(substitutions + deletions + insertions) / reference words, by word-level edit distance."""
    ref, hyp = words_of(reference), words_of(hypothesis)
    if not ref:
        return 0.0 if not hyp else 1.0
    previous = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, start=1):
        current = [i] + [0] * len(hyp)
        for j, h in enumerate(hyp, start=1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (r != h))
        previous = current
    return previous[-1] / len(ref)


def term_recalled(term: str, hypothesis: str) -> bool:
    """Whether ``term`` was heard: its letters and digits equal 1-4 consecutive words of the
    hypothesis ("flash attention" recalls FlashAttention; "flash cache" does not)."""
    key = compact(term)
    hyp = [compact(w) for w in words_of(hypothesis)]
    return any("".join(hyp[i : i + n]) == key for i in range(len(hyp)) for n in range(1, 5))


def term_recall(pairs: list[tuple[tuple[str, ...], str]]) -> float:
    """Share of terms recalled over (terms, hypothesis) pairs."""
    total = sum(len(terms) for terms, _ in pairs)
    hits = sum(term_recalled(t, hyp) for terms, hyp in pairs for t in terms)
    return hits / total if total else 1.0


def espeak_wav(text: str, path: Path, words_per_minute: int = 160, voice: str = "en-us") -> Path:
    """Speak ``text`` into ``path`` with espeak-ng (22.05 kHz mono WAV)."""
    binary = shutil.which("espeak-ng") or shutil.which("espeak")
    if binary is None:
        raise ConfigError("espeak-ng is not installed (apt-get install espeak-ng)")
    path.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([binary, "-v", voice, "-s", str(words_per_minute), "-w", str(path), text], check=True)
    return path


def piper_wav(text: str, path: Path) -> Path:
    """Speak ``text`` into ``path`` with the bundled Piper voice, without its random variation
    (so that the same text always gives the same audio and the same figures)."""
    from interviewer.speech.tts import write_wav

    return write_wav(text, path, varied=False)
