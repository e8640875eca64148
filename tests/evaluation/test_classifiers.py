"""The classifier registry: each classifier learns a separable toy task, honours sample
weights, and embed-lr encodes each distinct sentence once."""

from __future__ import annotations

import pytest

from dualalign.errors import ConfigError
from dualalign.evaluation.classifiers import CLASSIFIERS, EmbeddingCache, make_classifier

TRAIN = [
    ("Wife says he forgets names.", "concern_by_others"),
    ("Daughter reports she repeats questions.", "concern_by_others"),
    ("Son worried about her memory.", "concern_by_others"),
    ("Husband notes he gets lost driving.", "concern_by_others"),
    ("BP 130/80, HR 72.", "none"),
    ("Continue metformin, A1c 6.9.", "none"),
    ("Flu shot given today.", "none"),
    ("Lungs clear, heart regular.", "none"),
]
TEST = [("Wife reports he forgets appointments.", "concern_by_others"), ("BP 126/78.", "none")]


@pytest.mark.parametrize("name", ["tfidf-lr", "embed-lr"])
def test_learns_a_separable_task(name):
    model = make_classifier(name, 0).fit(
        [t for t, _ in TRAIN], [lab for _, lab in TRAIN], [1.0] * len(TRAIN)
    )
    assert model.predict([t for t, _ in TEST]) == [lab for _, lab in TEST]


def test_weights_matter():
    """The same sentence under two labels: the heavier copy wins."""
    texts = [t for t, _ in TRAIN] + ["Knee ache stable on tylenol."] * 2
    labels = [lab for _, lab in TRAIN] + ["concern_by_others", "none"]
    probe = ["Knee ache stable on tylenol."]
    one = make_classifier("tfidf-lr", 0).fit(texts, labels, [1.0] * 8 + [5.0, 0.01])
    other = make_classifier("tfidf-lr", 0).fit(texts, labels, [1.0] * 8 + [0.01, 5.0])
    assert one.predict(probe) == ["concern_by_others"]
    assert other.predict(probe) == ["none"]


def test_embedding_cache_encodes_each_text_once(monkeypatch):
    from dualalign.evaluation.classifiers import minilm_path

    cache = EmbeddingCache(minilm_path())
    calls: list[int] = []
    encoder = cache._encoder()
    real = encoder.encode

    def counting(texts, **kwargs):
        calls.append(len(texts))
        return real(texts, **kwargs)

    monkeypatch.setattr(encoder, "encode", counting)
    unique = [f"distinct probe sentence {i}" for i in range(5)]
    first = cache.encode([*unique, unique[0]])
    second = cache.encode(unique[::-1])
    assert calls == [5]  # five distinct texts, once; the rerun hits the cache
    assert first.shape == (6, 384)
    assert (second[0] == first[4]).all()


@pytest.mark.slow
def test_finetune_trains_on_cpu():
    model = CLASSIFIERS["finetune"](0)
    model.epochs = 8
    model.fit([t for t, _ in TRAIN], [lab for _, lab in TRAIN], [1.0] * len(TRAIN))
    assert model.predict([t for t, _ in TEST]) == [lab for _, lab in TEST]


def test_unknown_classifier():
    with pytest.raises(ConfigError, match="unknown classifier 'svm'"):
        make_classifier("svm", 0)
