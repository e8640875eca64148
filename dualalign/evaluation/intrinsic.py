"""Intrinsic quality of a synthetic run: diversity, overlap with gold, identifier patterns and
distribution checks. Pure functions over lists of sentences."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np

from dualalign.identifiers import count_kinds

__all__ = [
    "chi_square",
    "distinct_n",
    "longest_shared_ngram",
    "ngrams",
    "phi_scan",
    "self_bleu",
    "tokens",
]

_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


def tokens(text: str) -> list[str]:
    """Lower-cased word tokens."""
    return _TOKEN.findall(text.lower())


def ngrams(words: Sequence[str], n: int) -> list[tuple[str, ...]]:
    """The n-grams of a token list, in order."""
    return [tuple(words[i : i + n]) for i in range(len(words) - n + 1)]


def distinct_n(sentences: Iterable[str], n: int) -> float:
    """Distinct n-grams over all n-grams of the corpus (0 when there are none)."""
    seen: Counter[tuple[str, ...]] = Counter()
    for s in sentences:
        seen.update(ngrams(tokens(s), n))
    total = sum(seen.values())
    return len(seen) / total if total else 0.0


def self_bleu(sentences: Sequence[str], sample: int = 300, seed: int = 0) -> float:
    """Mean sentence BLEU of each (sampled) sentence against all the others (sacrebleu);
    higher means more repetitive. 0 for fewer than two sentences."""
    import sacrebleu

    if len(sentences) < 2:
        return 0.0
    rng = np.random.default_rng(seed)
    idx = rng.choice(len(sentences), size=min(sample, len(sentences)), replace=False)
    scores = []
    for i in idx:
        refs = [s for j, s in enumerate(sentences) if j != i]
        scores.append(sacrebleu.sentence_bleu(sentences[int(i)], refs).score)
    return float(np.mean(scores)) / 100.0


def longest_shared_ngram(text: str, index: dict[int, set[tuple[str, ...]]], top: int) -> int:
    """Length of the longest word run ``text`` shares with the indexed corpus (n <= ``top``)."""
    words = tokens(text)
    best = 0
    for n in range(1, min(top, len(words)) + 1):
        grams = index.get(n, set())
        if any(g in grams for g in ngrams(words, n)):
            best = n
        else:
            break
    return best


def ngram_index(corpus: Iterable[str], top: int) -> dict[int, set[tuple[str, ...]]]:
    """Every n-gram (1..top) of a corpus, by n."""
    out: dict[int, set[tuple[str, ...]]] = {n: set() for n in range(1, top + 1)}
    for s in corpus:
        words = tokens(s)
        for n in range(1, top + 1):
            out[n].update(ngrams(words, n))
    return out


def phi_scan(sentences: Iterable[str]) -> dict[str, int]:
    """How many sentences hold each kind of identifier (:mod:`dualalign.identifiers`)."""
    return count_kinds(sentences)


def chi_square(observed: dict[str, int], expected_p: dict[str, float]) -> tuple[float, int, float]:
    """Goodness of fit of category counts to expected shares: (statistic, dof, p-value).

    Categories expected fewer than 5 times are pooled into one; p is 1.0 with no dof left.
    """
    from scipy import stats

    total = sum(observed.values())
    norm = sum(expected_p.values())
    if not total or not norm:
        return 0.0, 0, 1.0
    cats = sorted(set(observed) | set(expected_p))
    exp = {c: expected_p.get(c, 0.0) / norm * total for c in cats}
    big = [c for c in cats if exp[c] >= 5]
    obs_v = [observed.get(c, 0) for c in big]
    exp_v = [exp[c] for c in big]
    rest_o = total - sum(obs_v)
    rest_e = total - sum(exp_v)
    if rest_e >= 1e-9:
        obs_v.append(rest_o)
        exp_v.append(rest_e)
    if len(obs_v) < 2:
        return 0.0, 0, 1.0
    stat = float(sum((o - e) ** 2 / e for o, e in zip(obs_v, exp_v, strict=True) if e > 0))
    dof = len(obs_v) - 1
    return stat, dof, float(stats.chi2.sf(stat, dof))
