"""Style from the user's gold: examples with the planned label, and no copied 8-word runs."""

from __future__ import annotations

import pytest

from dualalign.errors import ConfigError
from dualalign.generation.style import StyleExamples, shared_ngram
from dualalign.generation.vocabulary import Vocabulary

GOLD = (
    "sentence,label\n"
    "Wife worried he got turned around driving home from church.,concern_by_others\n"
    "Daughter notes mom is repeating the same stories at dinner.,concern_by_others\n"
    "BP 124/70.,none\n"
    "Pt reports her memory has been slipping for a year or so now.,cognitive_impairment\n"
)


@pytest.fixture
def examples(tmp_path, alz_graph) -> StyleExamples:
    path = tmp_path / "gold.csv"
    path.write_text(GOLD)
    return StyleExamples.from_file(path, list(Vocabulary.from_graph(alz_graph).labels))


def test_examples_are_picked_by_label_and_seed(examples, alz_graph):
    picked = examples.pick("concern_by_others", 3, 4)
    assert sorted(picked) == sorted(examples.by_label["concern_by_others"])
    assert examples.pick("neuropsychiatric", 3, 4) == []
    one = {examples.pick("concern_by_others", s, 1)[0] for s in range(20)}
    assert len(one) == 2  # the seed chooses among them
    prompt = examples.prompt("concern_by_others", 3, 2, Vocabulary.from_graph(alz_graph))
    messages = prompt.format_messages(request="Document: forgetfulness.")
    texts = [m.content for m in messages]
    assert sum(t in examples.by_label["concern_by_others"] for t in texts) == 2
    assert texts[-1] == "Document: forgetfulness."


def test_copy_guard_counts_eight_word_runs(examples):
    assert examples.copies("Per note, pt reports her memory has been slipping for a year.")
    assert not examples.copies("Pt reports her memory has been slipping lately.")  # 7 words
    assert shared_ngram("a b c d e f g h", ["x a b c d e f g h y"])
    assert not shared_ngram("a b c d e f g", ["a b c d e f g"])


def test_bad_style_files_fail_in_one_line(tmp_path, alz_graph):
    labels = list(Vocabulary.from_graph(alz_graph).labels)
    bad = tmp_path / "bad.csv"
    bad.write_text("sentence,label\nSomething.,dementia_stuff\n")
    with pytest.raises(ConfigError, match="unknown label 'dementia_stuff'"):
        StyleExamples.from_file(bad, labels)
    nolabel = tmp_path / "nolabel.csv"
    nolabel.write_text("sentence\nSomething.\n")
    with pytest.raises(ConfigError, match="missing column"):
        StyleExamples.from_file(nolabel, labels)
