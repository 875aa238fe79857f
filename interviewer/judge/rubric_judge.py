"""The offline rubric judge: deterministic grading from term matches and sentence embeddings, no LLM.

Each key point is compared with every sentence of the answer (and every pair of adjacent sentences)
by embedding similarity plus a small bonus for the rubric's terms; misconceptions are found through
their signal phrases, never in a clause that negates them. Levels, score and confidence are computed
from those measurements; every quote is a verbatim span of the answer. Calibrated on tests/data/answers/.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from interviewer.bank.models import Criterion, KeyPoint, Misconception, Rubric, Severity
from interviewer.judge import embeddings
from interviewer.judge.base import GradingRequest
from interviewer.judge.evidence import contains_phrase, find_quote, normalise
from interviewer.judge.grade import (
    Coverage,
    CriterionScore,
    Grade,
    JudgeInfo,
    KeyPointResult,
    MisconceptionFound,
    Strength,
    overall_score,
)
from interviewer.judge.injection import INJECTION_FLAG, find_injections
from interviewer.judge.sentences import FUNCTION_WORDS as _FUNCTION_WORDS
from interviewer.judge.sentences import Sentence, for_embedding, split_sentences
from interviewer.judge.stuffing import STUFFING_FLAG, stuffed_sentences

#: Stored with every grade; bump it whenever scoring changes so old and new grades are not mixed up.
PROMPT_VERSION = "rubric-v2"

# Key points: score = cosine similarity + TERM_BONUS per rubric term in the sentence (at most
# MAX_TERMS). On the examples the best sentence of an excellent answer scored 0.61-0.98 per key
# point (median 0.88), partial answers 0.23-0.73, off-topic answers never above 0.43. rubric-v2
# lowered COVERED, COVERED_WITHOUT_TERMS and PARTIAL by 0.05 after the graded set
# (question_bank/eval) showed the 0-100 scale running a point low on the 0-5 human scale; on its
# held-out half MAE fell from 1.01 to 0.89 and QWK rose from 0.65 to 0.71 (docs/judge-evaluation.md).
COVERED = 0.65
COVERED_WITHOUT_TERMS = 0.70  # with no rubric term, only a near-paraphrase of the statement covers
PARTIAL = 0.50
PARTIAL_WITH_TERMS = 0.42  # a relevant sentence using a rubric term earns partial credit lower down
TERM_BONUS = 0.05
MAX_TERMS = 3
# Terms count only in a sentence this close to the key point, and only for the sentence's two
# closest key points: one sentence packed with every term cannot buy credit on all of them.
TERM_RELEVANCE = 0.35
TOPICS_PER_SENTENCE = 2
WINDOW_GAIN = 0.03  # a pair of adjacent sentences replaces a single one only when clearly closer
# A misconception found by meaning needs a near-restatement of the claim, well clear of the correction
# (MiniLM is topic-driven: a *correct* CLIP sentence scored 0.82 against "CLIP generates captions",
# 0.61 against its correction), plus the words of one of its signals and no negation.
MISCONCEPTION_SIMILARITY = 0.75
MISCONCEPTION_MARGIN = 0.25
SHORT_ANSWER_WORDS = 40  # fewer words show little reasoning and are graded with less confidence
WORDS_PER_SECOND = 2.5  # speaking rate, to size an answer against the question's time budget

_CLAUSE_SPLIT = re.compile(r"[,;:]\s+|\s+(?:but|so|because|although|though|while|whereas)\s+")
_NEGATION = re.compile(
    r"\b(?:not|no(?!\s+matter)|never|nor|neither|nothing|none|only|merely|cannot|without|myth|misconception|"
    r"mistaken?|wrong|false|incorrect|misleading|fallacy|pitfall|trap|avoid|instead|rather|contrary|unless|"
    r"tempting|naive(?:ly)?|leaks?|fails?)\b|n['’]t\b",
    re.IGNORECASE,
)
_CONTRAST = re.compile(
    r"\b(?:but|whereas|while|however|although|instead|rather than|trade-?offs?|versus|vs|depends|downside|"
    r"cost(?:s|ly)?|on the other hand|at the expense|unless|if)\b",
    re.IGNORECASE,
)
_ORDER = re.compile(r"\b(?:first|firstly|second|secondly|third|then|next|finally|lastly)\b", re.IGNORECASE)
_NUMBERS = {w: str(i) for i, w in enumerate("zero one two three four five six seven eight nine ten".split())}  # noqa: SIM905
_CREDIT = {Coverage.COVERED: 1.0, Coverage.PARTIAL: 0.5, Coverage.MISSED: 0.0}


@dataclass(frozen=True)
class _Answer:
    """The scored sentences of an answer; ``keyword_list``: most of its words are in names-only sentences."""

    sentences: list[Sentence]
    words: int
    keyword_list: bool


@dataclass(frozen=True)
class _Match:
    """The best evidence for one key point: which sentences, and how they scored."""

    sentences: tuple[int, ...]
    similarity: float
    terms: int
    score: float
    status: Coverage


class RubricJudge:
    """Grades answers against rubrics with no language model; the same input gives the same grade.
    The embedding model loads on the first grade (``embeddings.load_embedder`` preloads it)."""

    provider = "rubric"

    def __init__(self, model_path: Path | str | None = None, device: str = "cpu") -> None:
        """``model_path``: a sentence-transformers folder (default: the shipped all-MiniLM-L6-v2)."""
        self._model_path, self._device = model_path, device
        self.model = embeddings.model_name(model_path)

    def grade(self, request: GradingRequest) -> Grade:
        """Grade ``request.answer_text`` against ``request.rubric``."""
        started = time.perf_counter()
        text, rubric, key_points = request.answer_text, request.rubric, request.rubric.key_points
        injections, terms = find_injections(text), [normalise(t) for kp in key_points for t in kp.terms]
        spans = split_sentences(text)
        # Sentences touched by an injection attempt are not scored, so the attempt cannot add credit.
        sentences = [
            s if s.names_only or _explains(s.text, terms) else replace(s, names_only=True)
            for s in spans
            if all(h.end <= s.start or s.end <= h.start for h in injections)
        ]
        # Only explaining words count: naming terms cannot make an answer look longer or better.
        explaining = sum(s.words for s in sentences if not s.names_only)
        answer = _Answer(sentences, explaining, explaining * 2 <= sum(s.words for s in sentences) > 0)
        flags = [INJECTION_FLAG] * bool(injections) + ["keyword-list"] * answer.keyword_list
        flags += ["empty-answer"] * (not sentences) + [STUFFING_FLAG] * bool(stuffed_sentences(spans, rubric))
        single = self._embed([for_embedding(s.text) for s in sentences])
        # A pair of adjacent sentences is the normalised sum of their vectors: on the examples this
        # changed no key-point status and halved the model calls (the bulk of grading time).
        pairs = single[:-1] + single[1:]
        vectors = np.concatenate([single, pairs / (np.linalg.norm(pairs, axis=1, keepdims=True) + 1e-9)])
        sims = np.stack([self._similarity(kp, vectors) for kp in key_points], axis=1)
        # Each unit's ranking of the key points, closest first (stable sorts: deterministic ties).
        topic_rank = (-sims).argsort(axis=1, kind="stable").argsort(axis=1, kind="stable")
        matches = [_match(kp, answer, sims[:, k], topic_rank[:, k]) for k, kp in enumerate(key_points)]
        found = self._misconceptions(rubric.misconceptions, sentences, vectors[: len(sentences)])
        results = [
            KeyPointResult(
                key_point_id=kp.id,
                status=m.status,
                evidence=[q for i in m.sentences if (q := find_quote(sentences[i].text, text))],
            )
            for kp, m in zip(key_points, matches, strict=True)
        ]
        weights = sum(kp.weight for kp in key_points)
        coverage = sum(kp.weight * _CREDIT[m.status] for kp, m in zip(key_points, matches, strict=True)) / weights
        severity = {m.id: m.severity for m in rubric.misconceptions}
        wrong = [severity[f.misconception_id] for f in found]
        used = sorted({i for m in matches for i in m.sentences})
        scores = [
            _criterion(c, coverage, wrong, answer, used, request.question.time_budget_s) for c in request.criteria
        ]
        grade = Grade(
            question_id=request.question.id,
            criteria=scores,
            key_points=results,
            misconceptions=found,
            strengths=[
                Strength(point=split_sentences(kp.statement)[0].text, evidence=r.evidence[0])
                for kp, r in zip(key_points, results, strict=True)
                if r.status is Coverage.COVERED and r.evidence
            ],
            improvements=_improvements(rubric, matches, found, answer),
            model_answer=list(rubric.model_answer),
            overall=overall_score(scores, request.criteria, results, key_points, len(found)),
            confidence=_confidence(key_points, matches, answer.words, bool(flags)),
            judge=JudgeInfo(provider=self.provider, model=self.model, prompt_version=PROMPT_VERSION),
            flags=flags,
        )
        latency_ms = round((time.perf_counter() - started) * 1000)
        return grade.model_copy(update={"judge": grade.judge.model_copy(update={"latency_ms": latency_ms})})

    def _embed(self, texts: list[str] | tuple[str, ...]) -> np.ndarray:
        model = embeddings.load_embedder(self._model_path, self._device)
        # Rubric texts (tuples) are embedded once per process, always as the same batch: determinism.
        return embeddings.embed_cached(texts, model) if isinstance(texts, tuple) else embeddings.embed(texts, model)

    def _similarity(self, kp: KeyPoint, vectors: np.ndarray) -> np.ndarray:
        """Each unit's best cosine with the statement or one of its sentences: answers tend to make
        one part of a point per sentence, and a part compared with the whole scores low."""
        parts = [s.text for s in split_sentences(kp.statement)]
        references = self._embed((kp.statement, *parts) if len(parts) > 1 else (kp.statement,))
        return (vectors @ references.T).max(axis=1) if len(vectors) else np.zeros(0, dtype=np.float32)

    def _misconceptions(self, wrong: list[Misconception], sentences: list[Sentence], vectors: np.ndarray) -> list:
        """Each misconception once, at the first sentence stating it; false accusations are worse than misses."""
        if not wrong or not sentences:
            return []
        to_claim = vectors @ self._embed(tuple(m.claim for m in wrong)).T
        to_correction = vectors @ self._embed(tuple(m.correction for m in wrong)).T
        found = []
        for j, m in enumerate(wrong):
            for i, s in enumerate(sentences):
                claim, correction = float(to_claim[i, j]), float(to_correction[i, j])
                signal = max(_signal(sig, s.text) for sig in m.signals)
                # Embeddings barely see negation or direction ("higher threshold: precision up, recall down"
                # scored 0.84 against "a higher threshold improves both"): closeness needs the signal's words.
                close = claim >= MISCONCEPTION_SIMILARITY and claim - correction >= MISCONCEPTION_MARGIN
                by_meaning = close and signal >= 1 and not _NEGATION.search(s.text)
                if ((signal == 2 and claim + 0.05 >= correction) or by_meaning) and not s.names_only:
                    quote = find_quote(s.text, s.text) or s.text  # the same trimmed span as key-point quotes
                    found.append(MisconceptionFound(misconception_id=m.id, evidence=quote, correction=m.correction))
                    break
        return found


def _match(kp: KeyPoint, answer: _Answer, sim: np.ndarray, topic_rank: np.ndarray) -> _Match:
    """The strongest evidence for ``kp`` among single sentences and pairs of adjacent sentences."""
    n = len(answer.sentences)
    units: list[tuple[tuple[int, ...], int]] = [((i,), i) for i in range(n)]
    units += [((i, i + 1), n + i) for i in range(n - 1) if sim[n + i] >= max(sim[i], sim[i + 1]) + WINDOW_GAIN]
    best = _Match((), 0.0, 0, 0.0, Coverage.MISSED)
    for ids, u in units:
        unit = [answer.sentences[i] for i in ids]
        candidate = _Match(ids, *_score_unit(kp, unit, float(sim[u]), int(topic_rank[u]), answer.keyword_list))
        # Best status first, then best score; ties keep the earlier (and single-sentence) unit.
        if (_CREDIT[candidate.status], candidate.score) > (_CREDIT[best.status], best.score):
            best = candidate
    return best if best.status is not Coverage.MISSED else _Match((), best.similarity, 0, best.score, best.status)


def _score_unit(kp: KeyPoint, unit: list[Sentence], sim: float, rank: int, keyword_list: bool) -> tuple:
    """(similarity, terms counted, score, status) of one sentence or pair for one key point."""
    sim, words = round(sim, 4), sum(s.words for s in unit)
    if any(s.names_only for s in unit) or (keyword_list and words < 6):
        return sim, 0, sim, Coverage.MISSED  # a run of terms explains nothing, however many it holds
    counts = not keyword_list and sim >= TERM_RELEVANCE and rank < TOPICS_PER_SENTENCE
    text = normalise(" ".join(s.text for s in unit))
    terms = sum(1 for t in kp.terms if _has_term(t, text)) if counts else 0
    score = round(sim + TERM_BONUS * min(terms, MAX_TERMS), 4)
    if not keyword_list and words >= 6 and score >= COVERED and (terms or sim >= COVERED_WITHOUT_TERMS):
        return sim, terms, score, Coverage.COVERED
    if score >= PARTIAL or (terms and score >= PARTIAL_WITH_TERMS):
        return sim, terms, score, Coverage.PARTIAL
    return sim, terms, score, Coverage.MISSED


def _explains(text: str, terms: list[str]) -> bool:
    """Says something besides naming rubric terms: "Platt scaling is important" does not."""
    rest = f" {normalise(text)} "
    for term in terms:
        rest = rest.replace(f" {term} ", " ")
    return sum(w not in _FUNCTION_WORDS for w in rest.split()) >= 3


def _has_term(term: str, normalised_text: str) -> bool:
    """Whole-word and case-insensitive, tolerating a plural or -ed/-ing ending on the last word."""
    inflected = rf"(?<!\S){re.escape(normalise(term))}(?:s|es|d|ed|ing)(?!\S)"
    return contains_phrase(term, normalised_text) or bool(re.search(inflected, normalised_text))


def _stem(word: str) -> str:
    """A crude stem that lets "stops hallucinating" match "stop hallucination" and "zero" match "0"."""
    word = _NUMBERS.get(word, word)
    suffix = next((s for s in ("ing", "ed", "es", "s") if word.endswith(s) and len(word) - len(s) >= 3), "")
    return word[: len(word) - len(suffix)][:7]


def _signal(signal: str, sentence: str) -> int:
    """2: says the signal (every word as a stem, in order, up to 3 words inserted) in a clause that does
    not negate it ("not a random split" does); 1: holds its content words in any order; 0: neither."""
    said, raw = normalise(sentence).split(), normalise(signal).split()
    words, wanted = [_stem(w) for w in said], [_stem(w) for w in raw]
    clauses = [normalise(c).split() for c in _CLAUSE_SPLIT.split(sentence)]
    for i in (i for i, w in enumerate(words) if wanted and w == wanted[0]):
        j, k = i, 0
        while j < len(words) and k < len(wanted) and j - i < len(wanted) + 3:
            k, j = k + (words[j] == wanted[k]), j + 1
        clause = next((c for c in clauses if set(words[i:j]) <= {_stem(w) for w in c}), said)
        # A negation counts only outside the signal's own words ("instruct the model not to").
        if k == len(wanted) and not _NEGATION.search(" ".join(w for w in clause if w not in raw)):
            return 2
    content = {w for w, r in zip(wanted, raw, strict=True) if r not in _FUNCTION_WORDS}
    return 1 if content and content <= set(words) else 0


def _criterion(
    criterion: Criterion, coverage: float, wrong: list[Severity], answer: _Answer, used: list[int], budget_s: int
) -> CriterionScore:
    """Level from weighted coverage, capped by misconceptions and by how many sentences explain or compare."""
    key = f"{criterion.id} {criterion.name}".lower()
    if any(w in key for w in ("structure", "clarity", "communicat")):
        return _communication(criterion, answer, used, budget_s)
    level = next(lv for lv, floor in ((4, 0.85), (3, 0.60), (2, 0.35), (1, 0.10), (0, 0.0)) if coverage >= floor)
    why = [f"weighted key-point coverage {coverage:.0%} gives level {level}"]
    major = any(s in (Severity.MAJOR, Severity.CRITICAL) for s in wrong)
    cap, reason = 4, ""
    if ("correct" in key or "accura" in key) and wrong:
        cap, reason = (1, "a major misconception") if major else (level - 1, "a minor misconception")
    elif "depth" in key or "mechanism" in key:
        explained = sum(1 for i in used if not answer.sentences[i].names_only and answer.sentences[i].words >= 8)
        cap, reason = explained + 1, f"{explained} sentence(s) of 8+ words carry the key points"
    elif "trade" in key or "judg" in key:
        contrasts = sum(1 for s in answer.sentences if not s.names_only and _CONTRAST.search(s.text))
        cap, reason = contrasts + 1, f"{contrasts} sentence(s) compare options or state a cost or condition"
    elif major:
        cap, reason = 2, "a major misconception"
    if answer.keyword_list and cap > 1:
        cap, reason = 1, "the answer is mostly a list of terms"
    if cap < level:
        level = max(0, cap)
        why.append(f"capped at {level}: {reason}")
    return CriterionScore(criterion_id=criterion.id, level=level, justification="; ".join(why) + ".")


def _communication(criterion: Criterion, answer: _Answer, used: list[int], budget_s: int) -> CriterionScore:
    """Structure from measurable shape: length, leading with a relevant sentence, sentence size, order."""
    sentences, words, budget = answer.sentences, answer.words, budget_s * WORDS_PER_SECOND
    if not used:
        return CriterionScore(criterion_id=criterion.id, level=0, justification="no sentence addresses a key point.")
    average, ordered = words / len(sentences), any(_ORDER.search(s.text) for s in sentences)
    organised = len(used) >= 3 and 8 <= average <= 35 and (ordered or len(used) >= 0.5 * len(sentences))
    level = (2 if words >= SHORT_ANSWER_WORDS else 1) + (used[0] == 0) + organised - (words > 1.5 * budget)
    why = [
        f"{words} words in {len(sentences)} sentence(s), {average:.0f} per sentence",
        f"the first sentence {'does not address' if used[0] else 'addresses'} a key point",
        f"{len(used)} sentence(s) carry key points" + (" in an organised way" if organised else ""),
    ]
    why += [f"longer than its {budget_s} s time budget allows (about {budget:.0f} words)"] * (words > 1.5 * budget)
    if answer.keyword_list:
        level, why = min(level, 1), [*why, "capped at 1: mostly a list of terms"]
    return CriterionScore(criterion_id=criterion.id, level=max(0, min(4, level)), justification="; ".join(why) + ".")


def _improvements(rubric: Rubric, matches: list[_Match], found: list[MisconceptionFound], answer: _Answer) -> list:
    """Actionable advice: misconceptions to correct, then missed and partial key points by weight."""
    claims = {m.id: m.claim for m in rubric.misconceptions}
    advice = [f"Correct the claim \u201c{claims[f.misconception_id]}\u201d: {f.correction}" for f in found]
    for kp, m in sorted(zip(rubric.key_points, matches, strict=True), key=lambda p: -p[0].weight):
        if m.status is not Coverage.COVERED:
            verb = "Make this point, which the answer did not" if m.status is Coverage.MISSED else "Finish this point"
            advice.append(f"{verb}: {kp.statement}")
    if answer.keyword_list:
        advice.append("Explain ideas in full sentences (how each works and why it matters) instead of listing terms.")
    elif 0 < answer.words < SHORT_ANSWER_WORDS:
        advice.append(f"Say more: {answer.words} words are too few to show the reasoning behind the answer.")
    return advice


def _confidence(key_points: list[KeyPoint], matches: list[_Match], words: int, flagged: bool) -> float:
    """High when every key point scored well clear of a threshold; lower for short or flagged answers."""
    thresholds = (COVERED, PARTIAL, PARTIAL_WITH_TERMS)  # the last applies only where a term was counted
    margins = [min(abs(m.score - t) for t in thresholds[: 2 + bool(m.terms)]) for m in matches]
    clear = sum(kp.weight * min(1.0, d / 0.1) for kp, d in zip(key_points, margins, strict=True))
    confidence = 0.35 + 0.55 * clear / sum(kp.weight for kp in key_points)
    if words < SHORT_ANSWER_WORDS:
        confidence *= 0.6 if words < SHORT_ANSWER_WORDS / 2 else 0.8
    return round(max(0.05, min(0.95, confidence * (0.8 if flagged else 1.0))), 2)
