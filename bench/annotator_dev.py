"""The rule annotator on the hand-written development set (tests/data/annotator-dev).

Prints per-label precision, recall and F1 and the macro-F1 for the tuning half and the
held-out half. Only the tuning half may guide changes to the annotator; the held-out numbers
are for reporting (README). Usage: python bench/annotator_dev.py [--errors] [--heldout]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from dualalign.evaluation.metrics import macro_f1, per_label_prf
from dualalign.generation.annotate import RuleAnnotator
from dualalign.generation.vocabulary import Vocabulary
from dualalign.ontology import load_disease, resolve_disease
from dualalign.ontology.to_graph import disease_graph
from dualalign.sentence_table import read_sentence_table

DEV = Path(__file__).resolve().parents[1] / "tests" / "data" / "annotator-dev"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--errors", action="store_true", help="list the tuning half's errors")
    parser.add_argument(
        "--heldout", action="store_true", help="also score the held-out half (reporting only)"
    )
    args = parser.parse_args()
    vocab = Vocabulary.from_graph(disease_graph(load_disease(resolve_disease("alzheimers"))))
    labels = list(vocab.labels)
    rule = RuleAnnotator(vocab)
    for half in ("tune", "heldout") if args.heldout else ("tune",):
        table = read_sentence_table(DEV / f"{half}.csv", required=("label",))
        gold = table.frame["label"].tolist()
        t0 = time.perf_counter()
        pred = rule.annotate(table.texts)
        ms = (time.perf_counter() - t0) * 1000 / len(pred)
        print(f"== {half}: {len(gold)} sentences, {ms:.2f} ms per sentence")
        for lab, (p, r, f, n) in per_label_prf(gold, pred, labels).items():
            print(f"  {lab:24s} P {p:.2f}  R {r:.2f}  F1 {f:.2f}  (n={n})")
        print(f"  macro-F1 {macro_f1(gold, pred, labels):.3f}")
        if args.errors and half == "tune":
            for text, g, p in zip(table.texts, gold, pred, strict=True):
                if g != p:
                    print(f"    gold {g:22s} rule {p:22s} {text}")


if __name__ == "__main__":
    main()
