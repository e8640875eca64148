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


def test_examples_for_the_planned_term_come_first_in_the_requests_shape(tmp_path, alz_graph):
    vocab = Vocabulary.from_graph(alz_graph)
    path = tmp_path / "gold.csv"
    path.write_text(
        "sentence,label\n"
        "Pt got lost driving home from the pharmacy she has used for years.,cognitive_impairment\n"
        "MoCA 21/30 with poor delayed recall.,cognitive_impairment\n"
        "Misplaces her glasses and keys daily.,cognitive_impairment\n"
        "Word-finding pauses in conversation.,cognitive_impairment\n"
        "BP 124/70.,none\n"
    )
    style = StyleExamples.from_file(path, list(vocab.labels))
    lost = "getting_lost_driving"
    assert lost in style.terms_of(
        "Pt got lost driving home from the pharmacy she has used for years.",
        "cognitive_impairment",
        vocab,
    )
    for seed in range(10):  # whatever the seed, the sentence expressing the term leads
        assert style.pick("cognitive_impairment", seed, 2, lost, vocab)[0].startswith("Pt got lost")
    assert len({style.pick("cognitive_impairment", s, 1)[0] for s in range(20)}) > 1
    head = "Memory clinic note, 80-year-old woman (she), in the year of diagnosis."
    prompt = style.prompt("cognitive_impairment", 3, 2, vocab, lost, head)
    turns = prompt.format_messages(request="REQUEST")
    asks = [m.content for m in turns if m.type == "human"]
    assert asks[-1] == "REQUEST"
    assert all(a.startswith(head + " Document: ") for a in asks[:-1])
    assert vocab.phrases(lost)[0] in asks[0]  # the term the gold sentence expresses
    routine = style.prompt("none", 3, 2, vocab, None, head).format_messages(request="R")
    assert "a routine line: vitals, a medication or the plan" in routine[1].content
