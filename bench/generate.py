"""Benchmark: generation throughput against a local OpenAI-compatible server.

Starts ``python -m llama_cpp.server`` with the bundled SmolLM2 on 127.0.0.1 and sends the same
sentence prompts through

* a raw ``openai`` client loop (the baseline), and
* dualalign's path (LangChain ``ChatOpenAI`` from ``make_llm`` + the versioned prompt),

at the same concurrency; then ours at concurrency 4 vs sequential, and a cold run vs a rerun
served from the SQLite LLM cache. Prints requests/s and ratios::

    python bench/generate.py --requests 40
"""

from __future__ import annotations

import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Annotated, Any

import openai
import typer

from dualalign.generation.prompts import SENTENCE_PROMPT
from dualalign.llm import LLMSpec, SQLiteLLMCache, make_llm
from dualalign.llm.server import LocalOpenAIServer

TERMS = (
    "repetitive questioning",
    "misplacing items",
    "apathy",
    "falls",
    "insomnia",
    "word-finding difficulty",
    "getting lost while driving",
    "weight loss",
)


def _requests(n: int) -> list[str]:
    return [
        f"Primary care note, {70 + i % 20}-year-old woman, {1 + i % 9} years before "
        f"diagnosis. Document: {TERMS[i % len(TERMS)]}. Style: terse, abbreviations."
        for i in range(n)
    ]


def _timed(fn: Any, items: list[Any], concurrency: int) -> float:
    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(pool.map(fn, items))
    return time.perf_counter() - t0


def main(
    requests: Annotated[int, typer.Option(help="Prompts per run.")] = 40,
    concurrency: Annotated[int, typer.Option(help="Concurrency of the main comparison.")] = 4,
) -> None:
    """Run the comparisons and print the numbers."""
    with LocalOpenAIServer() as url:
        prompts = _requests(requests)
        client = openai.OpenAI(base_url=url, api_key="not-needed")

        def raw(i_req: tuple[int, str]) -> str:
            i, req = i_req
            msgs = [
                {
                    "role": "system"
                    if m.type == "system"
                    else "assistant"
                    if m.type == "ai"
                    else "user",
                    "content": m.content,
                }
                for m in SENTENCE_PROMPT.format_messages(request=req)
            ]
            r = client.chat.completions.create(
                model="smollm2", messages=msgs, max_tokens=60, temperature=0.5, stop=["\n"], seed=i
            )
            return r.choices[0].message.content or ""

        def ours_with(llm: Any) -> Any:
            def call(i_req: tuple[int, str]) -> str:
                i, req = i_req
                chain = SENTENCE_PROMPT | llm.bind(seed=i, stop=["\n"], max_tokens=60)
                return str(chain.invoke({"request": req}).content)

            return call

        spec = LLMSpec(backend="openai", model="smollm2", base_url=url, temperature=0.5)
        items = list(enumerate(prompts))
        _timed(raw, items[:4], 1)  # warm the server's prompt cache
        raw_s = _timed(raw, items, concurrency)
        ours_s = _timed(ours_with(make_llm(spec).model), items, concurrency)
        seq_s = _timed(ours_with(make_llm(spec).model), items, 1)
        with tempfile.TemporaryDirectory() as tmp:
            cached = make_llm(spec).model
            cached.cache = SQLiteLLMCache(Path(tmp) / "cache.sqlite")
            cold_s = _timed(ours_with(cached), items, concurrency)
            warm_s = _timed(ours_with(cached), items, concurrency)
    n = len(prompts)
    print(f"{n} sentence prompts against llama_cpp.server (SmolLM2-135M) on 127.0.0.1")
    print(f"{'run':<44}{'seconds':>9}{'req/s':>9}")
    for name, s in (
        (f"raw openai client, concurrency {concurrency}", raw_s),
        (f"dualalign (ChatOpenAI), concurrency {concurrency}", ours_s),
        ("dualalign, sequential", seq_s),
        (f"dualalign, cold cache, concurrency {concurrency}", cold_s),
        ("dualalign, rerun from the SQLite cache", warm_s),
    ):
        print(f"{name:<44}{s:>9.2f}{n / s:>9.1f}")
    print(f"ours / raw openai: {raw_s / ours_s:.2f}x (target >= 0.9x)")
    print(
        f"concurrency {concurrency} / sequential: {seq_s / ours_s:.2f}x "
        "(llama.cpp's server decodes one request at a time)"
    )
    print(f"cached rerun / cold: {cold_s / warm_s:.0f}x faster (target >= 50x)")


if __name__ == "__main__":
    typer.run(main)
