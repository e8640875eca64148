"""Pure logic of `generate --executor ray`: each worker's model settings and environment."""

from __future__ import annotations

import pytest

from dualalign.errors import ConfigError
from dualalign.generation.on_ray import worker_env, worker_specs
from dualalign.llm import LLMSpec
from dualalign.llm.factory import Backend


def test_base_urls_are_dealt_round_robin_over_workers() -> None:
    spec = LLMSpec(backend=Backend.OPENAI, model="m", base_url="http://a/v1")
    urls = ("http://a/v1", "http://b/v1")
    specs = worker_specs(spec, 5, urls)
    assert [s.base_url for s in specs] == [urls[i % 2] for i in range(5)]
    assert all(s.model == "m" and s.n_threads is None for s in specs)
    assert [s.base_url for s in worker_specs(spec, 2, ())] == ["http://a/v1"] * 2


def test_a_local_model_gets_one_thread_per_worker_unless_told() -> None:
    assert {s.n_threads for s in worker_specs(LLMSpec(), 3, ())} == {1}
    assert {s.n_threads for s in worker_specs(LLMSpec(n_threads=4), 2, ())} == {4}


def test_several_urls_need_the_openai_backend() -> None:
    with pytest.raises(ConfigError, match="--llm openai"):
        worker_specs(LLMSpec(), 2, ("http://a/v1", "http://b/v1"))


def test_workers_get_the_drivers_settings_and_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DUALALIGN_HOME", "/data/dualalign")
    monkeypatch.setenv("MY_KEY", "sk-test")
    monkeypatch.setenv("UNRELATED", "x")
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    env = worker_env(LLMSpec(backend=Backend.OPENAI, model="m", api_key_env="MY_KEY"))
    assert env["DUALALIGN_HOME"] == "/data/dualalign" and env["MY_KEY"] == "sk-test"
    assert "UNRELATED" not in env and "OPENAI_API_KEY" not in env
