"""The in-process local model's Q8_0 working copy: made once, atomically, and used."""

from __future__ import annotations

from pathlib import Path

import pytest

from dualalign.errors import ConfigError
from dualalign.llm.local import ChatLocalLlama, q8_copy, smollm2_path
from dualalign.settings import data_home

pytestmark = pytest.mark.llm


def test_q8_copy_is_made_once_and_runs(tmp_path: Path) -> None:
    first = q8_copy(smollm2_path(), tmp_path)
    made = first.stat().st_mtime_ns
    assert first.parent == tmp_path and first.suffix == ".gguf"
    assert [p.name for p in tmp_path.iterdir()] == [first.name]  # no temporary file left
    assert q8_copy(smollm2_path(), tmp_path) == first
    assert first.stat().st_mtime_ns == made  # reused, not rewritten

    llm = ChatLocalLlama(q8=True, max_tokens=12, temperature=0.0)
    answer = llm.invoke("Say hello.")
    llm.close()
    assert answer.content and llm.model_name.endswith("+q8_0")
    # the chat model made its own copy in the data home, under the same name
    assert (data_home() / "models" / first.name).is_file()


def test_q8_copy_of_a_broken_file_is_a_one_line_error(tmp_path: Path) -> None:
    bad = tmp_path / "broken.gguf"
    bad.write_bytes(b"GGUF but not really a model")
    cache = tmp_path / "cache"
    with pytest.raises(ConfigError, match=r"could not convert broken\.gguf.*--no-q8"):
        q8_copy(bad, cache)
    assert list(cache.iterdir()) == []  # nothing half-written


def test_q8_by_default_only_for_the_bundled_model(tmp_path: Path) -> None:
    assert ChatLocalLlama().uses_q8
    assert not ChatLocalLlama(q8=False).uses_q8
    other = str(tmp_path / "someone-elses-f16.gguf")  # requantizing it could lose precision
    assert not ChatLocalLlama(model_path=other).uses_q8
    assert ChatLocalLlama(model_path=other, q8=True).uses_q8
    assert ChatLocalLlama(q8=False).model_name == smollm2_path().stem
