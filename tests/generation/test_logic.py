"""Pure logic of generation: requests per mode, checks, annotators, journal. Fake chat models
(langchain-core's) stand in for the LLM here only."""

from __future__ import annotations

import json

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from dualalign.generation.annotate import RuleAnnotator, split_sentences
from dualalign.generation.config import GenerationSettings
from dualalign.generation.context import MODES, render_sentence_request
from dualalign.generation.grounding import check_note
from dualalign.generation.journal import Journal
from dualalign.generation.tasks import build_tasks
from dualalign.generation.worker import TaskWorker
from dualalign.llm import Backend, Capabilities, ChatLLM, LLMSpec, StructuredMethod


@pytest.fixture(scope="module")
def trajectories(walk):
    return walk(3, 1)


def _tasks(trajectories, vocab, mode):
    focus = [k for k in vocab.labels if k != "none"]
    return build_tasks(trajectories, mode, 7, 2, 3, focus, sorted(vocab.symptoms))


def test_tasks_are_stable_and_follow_the_plan(trajectories, vocab):
    a = _tasks(trajectories, vocab, "dualalign")
    assert a == _tasks(trajectories, vocab, "dualalign")
    assert len(a) == 6
    for t in a:
        planned = [m.symptom for m in t.visit.mentions]
        assert set(t.terms) <= set(planned) and len(t.terms) == min(3, len(set(planned)))
    other = build_tasks(trajectories, "persona-only", 7, 2, 3, ["x"], sorted(vocab.symptoms))
    assert [t.task_id for t in other] == [t.task_id for t in a]


@pytest.mark.parametrize("mode", MODES)
def test_requests_carry_only_what_the_mode_allows(trajectories, vocab, mode):
    task = _tasks(trajectories, vocab, mode)[0]
    term = task.terms[0] if task.terms else None
    text = render_sentence_request(task, vocab, term)
    has_persona = f"{task.age_at_visit()}-year-old" in text
    has_time = "diagnosis" in text
    assert has_persona == (mode in ("dualalign", "persona-only"))
    assert has_time == (mode in ("dualalign", "trajectory-only"))
    if mode == "unconstrained":
        assert not task.terms and task.focus_label in vocab.labels
    # earlier symptoms stay out of one-sentence requests (a small model copies them in)
    assert "Earlier notes:" not in text
    reporter = task.reporter_of(term) if term else None
    if mode in ("dualalign", "trajectory-only"):
        assert reporter in ("patient", "family", "clinician")
    for t in _tasks(trajectories, vocab, mode):
        for s in t.terms:
            req = render_sentence_request(t, vocab, s)
            who = t.reporter_of(s)
            assert (" reports " in req) == (who in ("patient", "family")), req
            assert ("observed at the visit" in req) == (who == "clinician"), req


def test_soap_request_carries_plan_definitions_and_history(trajectories, vocab):
    from dualalign.generation.context import render_request

    task = next(t for t in _tasks(trajectories, vocab, "dualalign") if t.terms and t.earlier)
    text = render_request(task, vocab)
    for term in task.terms:
        assert vocab.symptoms[term]["definition"] in text
    assert "Earlier notes mentioned:" in text and "Patient:" in text


def test_rule_annotator(vocab):
    rule = RuleAnnotator(vocab)
    assert (
        rule.label("Pt repeats the same questions and forgets recent conversations.")
        == "cognitive_impairment"
    )
    assert rule.label("Pt denies hallucinations.") == "none"
    assert rule.label("Daughter says she keeps forgetting her appointments.") == "concern_by_others"
    assert (
        rule.label("Son now manages her finances and helps with bathing.") == "requires_assistance"
    )
    assert rule.label("BP 130/80, continue lisinopril.") == "none"


def test_rule_annotator_negation_scope_and_inflections(vocab):
    rule = RuleAnnotator(vocab)
    # inflected forms of a one-word term count (snowball stems)
    assert rule.label("She has become forgetful over the past year.") == "cognitive_impairment"
    assert rule.label("He is forgetting his appointments.") == "cognitive_impairment"
    # a cue negates only what follows it closely, up to a conjunction
    assert rule.label("No forgetfulness reported at this visit.") == "none"
    assert rule.label("Denies anxiety, but reports forgetfulness.") == "cognitive_impairment"
    assert (
        rule.label("Appetite is not a concern; she reports marked forgetfulness at home.")
        == "cognitive_impairment"
    )
    # "no longer" states a change, not an absence
    assert rule.label("Pt shows apathy and no longer enjoys hobbies.") != "none"
    assert rule.label("Forgetfulness noted; no longer cooks.") == "cognitive_impairment"


def test_split_sentences():
    text = "S: Pt c/o forgetfulness. Wife notes repetition.\n- BP 130/80.\n\nP: f/u 3 mo."
    assert split_sentences(text) == [
        "Pt c/o forgetfulness.",
        "Wife notes repetition.",
        "BP 130/80.",
        "f/u 3 mo.",
    ]


def test_grounding_checks(trajectories, vocab):
    task = next(t for t in _tasks(trajectories, vocab, "dualalign") if t.terms)
    phrase = vocab.phrases(task.terms[0])[0]
    one = task.__class__(**{**task.__dict__, "terms": (task.terms[0],)})
    assert check_note(one, f"Pt reports {phrase}.", vocab).ok
    assert not check_note(one, "BP 130/80.", vocab).ok
    wrong = "he" if task.persona.sex == "female" else "she"
    bad = check_note(one, f"{wrong.capitalize()} reports {phrase}.", vocab)
    assert any("pronouns" in p for p in bad.problems)
    age = check_note(one, f"{task.age_at_visit() + 9}-year-old with {phrase}.", vocab)
    assert any("age" in p for p in age.problems)
    for ident in ("seen 03/14/2021", "MRN 4481923", "call 555-123-4567", "Mr. Smith"):
        assert any(
            "real-looking" in p
            for p in check_note(one, f"Pt reports {phrase}, {ident}.", vocab).problems
        )


def test_runner_regenerates_then_records_failure(trajectories, vocab):
    task = next(t for t in _tasks(trajectories, vocab, "trajectory-only") if t.terms)
    phrase = vocab.phrases(task.terms[0])[0]
    replies = ["BP 120/80.", f"Pt reports {phrase}."] + ["BP 120/80."] * 20
    worker = TaskWorker(
        _fake(replies),
        vocab,
        GenerationSettings(mode="trajectory-only", max_attempts=2, annotators=("rule",)),
    )
    result = worker.run(task)
    assert result.sentences[0].text == f"Pt reports {phrase}."
    assert len(result.failures) == len(task.terms) - 1  # the other terms never expressed
    assert all("not expressed" in f.problems[0] for f in result.failures)
    assert all(f.kind == "rejected" and f.attempts == 2 for f in result.failures)
    assert result.usage is not None
    assert result.usage.attempts == 2 + 2 * (len(task.terms) - 1) + 1


def _fake(replies: list[str]) -> ChatLLM:
    caps = Capabilities(
        backend=Backend.OPENAI,
        structured_methods=(StructuredMethod.PROMPT,),
        call_options=False,
        token_usage=False,
        in_process=False,
    )
    return ChatLLM(FakeListChatModel(responses=replies), caps, LLMSpec())


def test_journal_drops_torn_and_uncommitted_rows(tmp_path):
    j = Journal(tmp_path)
    assert j.open({"a": 1}, {"status": "running"}) == 0
    j.commit("t1", {"sentences": [{"task_id": "t1", "text": "x"}]})
    with (tmp_path / "sentences.jsonl").open("a") as fh:
        fh.write(json.dumps({"task_id": "t2", "text": "y"}) + "\n")  # never committed
        fh.write('{"task_id": "t3", "te')  # torn
    with (tmp_path / "tasks.done").open("a") as fh:
        fh.write("t3")  # torn id
    j2 = Journal(tmp_path)
    assert j2.open({"a": 1}, {"status": "running"}) == 1
    assert [r["task_id"] for r in j2.rows("sentences")] == ["t1"]
    with pytest.raises(Exception, match="other settings"):
        Journal(tmp_path).open({"a": 2}, {})


def test_forgotten_tasks_lose_their_rows_and_count_as_not_done(tmp_path):
    j = Journal(tmp_path)
    j.open({"a": 1}, {"status": "running"})
    j.commit("t1", {"sentences": [{"task_id": "t1"}], "usage": [{"task_id": "t1"}]})
    j.commit("t2", {"failures": [{"task_id": "t2", "kind": "error"}]})
    j.forget({"t2"})
    assert j.done == {"t1"}
    assert Journal(tmp_path).open({"a": 1}, {}) == 1
    assert not j.rows("failures") and [r["task_id"] for r in j.rows("usage")] == ["t1"]
    with pytest.raises(ValueError, match="unknown journal table"):
        j.commit("t3", {"bogus": [{"task_id": "t3"}]})


def test_reruns_redo_errors_and_with_retry_failed_rejections_too():
    from dualalign.generation.runner import tasks_to_retry
    from dualalign.records import FailureRow

    def row(task: str, kind: str) -> FailureRow:
        return FailureRow(
            task_id=task, trajectory_id="x", visit_index=0, mode="dualalign", item=None,
            kind=kind, attempts=1, problems=["p"], last_text="", model="m", at="now",
        )  # fmt: skip

    failures = [row("a", "error"), row("b", "rejected")]
    assert tasks_to_retry(failures, retry_rejected=False) == {"a"}
    assert tasks_to_retry(failures, retry_rejected=True) == {"a", "b"}


def test_a_retry_round_writes_with_fresh_seeds(trajectories, vocab):
    task = next(t for t in _tasks(trajectories, vocab, "trajectory-only") if t.terms)
    seen: list[int] = []

    class Recorder(FakeListChatModel):
        def _call(self, messages, stop=None, run_manager=None, **kwargs):  # type: ignore[override]
            seen.append(kwargs.get("seed", -1))
            return super()._call(messages, stop, run_manager, **kwargs)

    llm = _fake(["BP 120/80."] * 100)
    llm = ChatLLM(
        Recorder(responses=["BP 120/80."] * 100),
        llm.caps.model_copy(update={"call_options": True}),
        llm.spec,
    )
    worker = TaskWorker(
        llm, vocab, GenerationSettings(mode="trajectory-only", max_attempts=2, annotators=("rule",))
    )
    worker.run(task, 0)
    first = list(seen)
    seen.clear()
    worker.run(task, 1)
    assert first and seen and not set(first) & set(seen)


def test_a_failed_llm_annotation_is_one_log_line_and_leaves_rule_labels(vocab, caplog):
    from dualalign.generation.calls import Caller, Meter
    from dualalign.generation.config import Annotator
    from dualalign.generation.labelling import Labeller

    class Broken:
        def annotate(self, sentences):
            raise ValueError("3 validation errors for SentenceLabels2\nlabels.0\n  bad input")

    caller = Caller(_fake([]), retries=1, backoff=0.0)
    labeller = Labeller(RuleAnnotator(vocab), Broken(), Annotator.LLM, caller)  # type: ignore[arg-type]
    with caplog.at_level("WARNING", logger="dualalign"):
        labelled = labeller.label(["Pt reports forgetting names.", "BP 120/80."], Meter())
    assert labelled.llm is None and labelled.lead == Annotator.RULE
    assert len(labelled.rule) == 2
    messages = [r.getMessage() for r in caplog.records]
    assert len(messages) == 1 and "\n" not in messages[0]
    assert "ValueError" in messages[0] and "SentenceLabels2" in messages[0]
