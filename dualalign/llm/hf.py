"""The ``hf`` back-end: a local transformers causal LM as a LangChain chat model (extra ``hf``).

``--model-path`` names a transformers model folder, or a GGUF file. A GGUF file is
converted once (transformers' GGUF reader is slow, ~16 s) into a bf16 safetensors folder in
``$DUALALIGN_HOME/models``, which later runs load in well under a second. With no
``--model-path`` the bundled SmolLM2 GGUF is used, so ``--llm hf`` works offline as installed.
Nothing is downloaded: models load from local files only.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import threading
from pathlib import Path
from typing import Any

import torch
from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatResult
from langchain_huggingface import ChatHuggingFace, HuggingFacePipeline
from transformers import AutoModelForCausalLM, AutoTokenizer, pipeline, set_seed
from transformers.utils import logging as transformers_logging

from dualalign.errors import ConfigError
from dualalign.llm.local import smollm2_path
from dualalign.settings import data_home

__all__ = ["ChatTransformers", "hf_chat_model", "hf_model_folder"]

# progress bars and advice about dtypes would interleave with dualalign's own progress bar
transformers_logging.set_verbosity_error()
transformers_logging.disable_progress_bar()

#: transformers' seeding is process-wide: one generation at a time keeps seeds meaningful.
_GENERATE_LOCK = threading.Lock()


def _key(path: Path) -> str:
    stat = path.stat()
    raw = f"{path.resolve()}:{stat.st_size}:{stat.st_mtime_ns}".encode()
    return hashlib.sha256(raw).hexdigest()[:12]


def hf_model_folder(source: Path, cache_dir: Path | None = None) -> Path:
    """A transformers model folder for ``source``: the folder itself, or a GGUF converted once.

    Raises:
        ConfigError: the path does not exist, or is neither a model folder nor a GGUF file.
    """
    if source.is_dir():
        if not (source / "config.json").is_file():
            raise ConfigError(
                f"--model-path {source} has no config.json; give a transformers model folder "
                "or a .gguf file"
            )
        return source
    if not source.is_file() or source.suffix != ".gguf":
        raise ConfigError(
            f"--model-path {source} is not a model folder or a .gguf file; check the path"
        )
    target = (cache_dir or data_home() / "models") / f"{source.stem}.hf-{_key(source)}"
    if (target / "config.json").is_file():
        return target
    try:
        tokenizer = AutoTokenizer.from_pretrained(str(source.parent), gguf_file=source.name)
        packed = AutoModelForCausalLM.from_pretrained(
            str(source.parent), gguf_file=source.name, dtype=torch.bfloat16
        )
    except (OSError, ValueError, KeyError, RuntimeError) as exc:
        raise ConfigError(f"transformers cannot read {source.name}: {exc}") from exc
    # a GGUF-loaded model cannot be saved as it is: copy its weights into a plain one
    model = AutoModelForCausalLM.from_config(packed.config, dtype=torch.bfloat16)
    model.load_state_dict(packed.state_dict())
    partial = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    shutil.rmtree(partial, ignore_errors=True)
    try:
        model.save_pretrained(partial)
        tokenizer.save_pretrained(partial)
        if target.exists():  # another run finished first
            return target
        os.replace(partial, target)
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    return target


class ChatTransformers(ChatHuggingFace):
    """ChatHuggingFace over a local pipeline, with what the runner needs of a chat model: a
    per-call ``seed``, ``stop`` strings, ``max_tokens`` and token usage."""

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        stream: bool | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        seed = kwargs.pop("seed", None)
        options: dict[str, Any] = {}
        if max_new := kwargs.pop("max_tokens", None):
            options["max_new_tokens"] = max_new
        if stop:
            options["stop_sequence"] = stop
        with _GENERATE_LOCK:
            if seed is not None:
                set_seed(seed)
            result = super()._generate(
                messages, run_manager=run_manager, pipeline_kwargs=options, **kwargs
            )
        tokenizer = self.tokenizer
        prompt_tokens = len(tokenizer(self._to_chat_prompt(messages))["input_ids"])
        for generation in result.generations:
            text = str(generation.message.content)
            for s in stop or ():
                text = text.split(s, 1)[0]  # the answer ends where a stop string begins
            out_tokens = len(tokenizer(text, add_special_tokens=False)["input_ids"])
            generation.message = AIMessage(
                content=text,
                usage_metadata={
                    "input_tokens": prompt_tokens,
                    "output_tokens": out_tokens,
                    "total_tokens": prompt_tokens + out_tokens,
                },
                response_metadata={"model_name": self.model_id},
            )
        return result


def hf_chat_model(
    model_path: str | None,
    *,
    temperature: float,
    max_tokens: int,
    n_threads: int | None = None,
    rate_limiter: Any = None,
) -> ChatTransformers:
    """A LangChain chat model over a local transformers model (see the module docstring).

    Raises:
        ConfigError: the model cannot be found or read.
    """
    folder = hf_model_folder(Path(model_path) if model_path else smollm2_path())
    if n_threads:
        torch.set_num_threads(n_threads)
    try:
        tokenizer = AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
        model = AutoModelForCausalLM.from_pretrained(
            str(folder), dtype="auto", local_files_only=True
        )
    except (OSError, ValueError) as exc:
        raise ConfigError(f"transformers cannot load {folder}: {exc}") from exc
    sampling = {"do_sample": True, "temperature": temperature, "top_p": 0.9}
    pipe = pipeline(
        "text-generation",
        model=model,
        tokenizer=tokenizer,
        max_new_tokens=max_tokens,
        return_full_text=False,
        **(sampling if temperature > 0 else {"do_sample": False}),
    )
    return ChatTransformers(
        llm=HuggingFacePipeline(pipeline=pipe),
        tokenizer=tokenizer,
        model_id=folder.name,
        rate_limiter=rate_limiter,
    )
