"""Bad `generate` inputs: refused in one line before any model call, with no run folder made
and the store untouched."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.badinput.harness import Case, RunCli, check_rejected

_RUN = ("generate", "--out", "{tmp}/run")


def _gen(*extra: str) -> tuple[str, ...]:
    return (*_RUN, *extra)


CASES = [
    Case("rate-limit-negative", _gen("--rate-limit", "-1"), "--rate-limit"),
    Case("rate-limit-zero", _gen("--rate-limit", "0"), "--rate-limit"),
    Case("timeout-negative", _gen("--timeout", "-5"), "--timeout"),
    Case("timeout-inf", _gen("--timeout", "inf"), "--timeout"),
    Case("temperature-nan", _gen("--temperature", "nan"), "--temperature"),
    Case("temperature-huge", _gen("--temperature", "7"), "--temperature"),
    Case("max-tokens-negative", _gen("--max-tokens", "-1"), "--max-tokens"),
    Case("patients-zero", _gen("--patients", "0"), "--patients"),
    Case("max-terms-zero", _gen("--max-terms", "0"), "--max-terms"),
    Case("max-attempts-zero", _gen("--max-attempts", "0"), "--max-attempts"),
    Case("retries-zero", _gen("--retries", "0"), "--retries"),
    Case("concurrency-zero", _gen("--concurrency", "0"), "--concurrency"),
    Case("seed-negative", _gen("--seed", "-1"), "--seed"),
    Case("notes-per-patient-zero", _gen("--notes-per-patient", "0"), "--notes-per-patient"),
    Case("notes-per-patient-word", _gen("--notes-per-patient", "many"), "--notes-per-patient"),
    Case("unknown-mode", _gen("--mode", "bogus"), "--mode"),
    Case("balance-labels-without-gold", _gen("--balance-labels"), "--style-examples"),
    Case("unknown-format", _gen("--format", "html"), "--format"),
    Case("unknown-backend", _gen("--llm", "gpt"), "--llm"),
    Case("unknown-annotator", _gen("--annotator", "human"), "--annotator"),
    Case("unknown-structured-method", _gen("--structured-method", "xml"), "--structured-method"),
    Case(
        "structured-method-unsupported-by-local",
        _gen("--annotator", "llm", "--structured-method", "function_calling"),
        "not supported by --llm local",
    ),
    Case("price-negative", _gen("--price-input", "-1"), "--price-input"),
    Case("model-path-missing", _gen("--model-path", "{tmp}/none.gguf"), "--model-path"),
    Case("model-path-not-gguf", _gen("--model-path", "{tmp}/fake.gguf"), "not a GGUF model"),
    Case(
        "openai-without-model",
        _gen("--llm", "openai", "--base-url", "http://127.0.0.1:9/v1"),
        "--model",
    ),
    Case(
        "openai-no-server",
        _gen("--llm", "openai", "--model", "m", "--base-url", "http://127.0.0.1:9/v1"),
        "no server answers",
    ),
    Case(
        "base-url-not-http",
        _gen("--llm", "openai", "--model", "m", "--base-url", "ftp://127.0.0.1/v1"),
        "--base-url",
    ),
    Case("trajectories-missing", _gen("--trajectories", "{tmp}/none.jsonl"), "no such file"),
    Case(
        "trajectories-empty", _gen("--trajectories", "{tmp}/empty.jsonl"), "holds no trajectories"
    ),
    Case("trajectories-binary", _gen("--trajectories", "{tmp}/binary.jsonl"), "not UTF-8"),
    Case("trajectories-not-json", _gen("--trajectories", "{tmp}/words.jsonl"), "words.jsonl:1"),
    Case("trajectories-wrong-shape", _gen("--trajectories", "{tmp}/shape.jsonl"), "shape.jsonl:1"),
    Case("style-examples-missing", _gen("--style-examples", "{tmp}/none.csv"), "none.csv"),
    Case("out-is-a-file", ("generate", "--out", "{tmp}/fake.gguf"), "is a file"),
    Case("unknown-population", _gen("--population", "mars"), "mars"),
]


def _inputs(tmp: Path) -> None:
    (tmp / "fake.gguf").write_text("not a model", encoding="utf-8")
    (tmp / "empty.jsonl").write_bytes(b"")
    (tmp / "binary.jsonl").write_bytes(b"\x89PNG\r\n\x1a\n\x00\xff\xfe\xfa")
    (tmp / "words.jsonl").write_text("these are words\n", encoding="utf-8")
    (tmp / "shape.jsonl").write_text('{"id": 1}\n', encoding="utf-8")


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_rejected(
    case: Case, run_cli: RunCli, where: Callable[[], dict[str, Path]], bad_home: Path
) -> None:
    places = where()
    _inputs(places["tmp"])
    check_rejected(run_cli, case.argv(**places), case.expect, [bad_home, places["tmp"]])


def test_unknown_disease_in_an_empty_store_writes_nothing(
    run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("DUALALIGN_HOME", str(home))
    check_rejected(
        run_cli,
        ["generate", "--out", str(tmp_path / "run"), "--disease", "bogus"],
        "unknown disease 'bogus'",
        [tmp_path],
    )
