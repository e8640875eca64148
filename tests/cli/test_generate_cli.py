"""`dualalign generate` rejects bad input with one line and writes nothing."""

from __future__ import annotations

import pytest

from tests.cli.test_ontology_cli import _one_clean_error_line


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--llm", "foo"], "'foo' is not one of 'local', 'openai', 'hf'"),
        (["--structured-method", "nope"], "--structured-method"),
        (["--mode", "nope"], "Invalid value for '--mode'"),
        (["--format", "nope"], "Invalid value for '--format'"),
        (["--llm", "openai", "--model", "m"], "set OPENAI_API_KEY"),
        (["--llm", "openai"], "OPENAI_API_KEY"),
        (["--annotator", "human"], "'human' is not one of 'llm', 'rule'"),
        (["--population", "mars"], "unknown population 'mars'"),
    ],
)
def test_bad_generate_input(run_cli, tmp_path, monkeypatch, args, expected):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    out = tmp_path / "run"
    line = _one_clean_error_line(run_cli("generate", "--patients", "1", *args, "--out", str(out)))
    assert expected in line
    assert not out.exists()


def test_out_must_be_a_folder(run_cli, tmp_path):
    target = tmp_path / "file.txt"
    target.write_text("keep me")
    line = _one_clean_error_line(run_cli("generate", "--out", str(target)))
    assert "is a file" in line and target.read_text() == "keep me"
