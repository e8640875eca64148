"""Benchmark: llama.cpp's safe CPU path (extra buffer types off) vs its defaults.

What does the safe path cost? Each round loads the model in a fresh child process (as the
product's probe does) on each path, evaluates a ``--prompt-tokens`` prompt and decodes
``--decode-tokens`` tokens greedily; rounds alternate the paths, so both see the same machine
speed. Prints medians of prompt-evaluation and decode tokens/s, the weight buffer types each
path used, and the ratio safe / defaults, for the models the local back-end runs:

- the Q8_0 copy of the bundled SmolLM2 (what ``--llm local`` runs by default),
- the shipped Q4_1 file (``--no-q8``),
- a Q4_0 copy (a type llama.cpp repacks for AVX2 and AMX: where extra buffers matter).

A path that crashes on this CPU is reported as crashed (it ran in a child)::

    python bench/llama_cpu_paths.py --rounds 5
"""

from __future__ import annotations

import os
import statistics
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from dualalign.llm.local import q8_copy, smollm2_path
from dualalign.native.cpu import cpu_info
from dualalign.native.probe import ProbeResult, probe
from dualalign.native.quantize import requantize
from dualalign.native.report import build_info, describe_build


def _median(results: list[ProbeResult], attr: str) -> float:
    return statistics.median(getattr(r, attr) for r in results)


def main(
    rounds: Annotated[int, typer.Option(help="Alternating rounds per model.")] = 5,
    prompt_tokens: Annotated[int, typer.Option(help="Prompt length evaluated.")] = 512,
    decode_tokens: Annotated[int, typer.Option(help="Tokens decoded greedily.")] = 64,
    threads: Annotated[int, typer.Option(help="llama.cpp threads (default: every CPU).")] = 0,
) -> None:
    n = threads or os.cpu_count() or 1
    print(f"cpu: {cpu_info().describe()}")
    print(f"llama.cpp: {describe_build(build_info())}")
    print(f"{rounds} rounds, {prompt_tokens} prompt tokens, {decode_tokens} decoded, {n} threads")
    with tempfile.TemporaryDirectory() as tmp:
        q4_0 = Path(tmp) / "smollm2-q4_0.gguf"
        requantize(smollm2_path(), q4_0, "q4_0")
        models = {
            "Q8_0 (default)": q8_copy(smollm2_path(), Path(tmp)),
            "Q4_1 (--no-q8)": smollm2_path(),
            "Q4_0 (repackable)": q4_0,
        }
        header = (
            f"{'model':<18} {'path':<9} {'buffers':<22} {'prompt tok/s':>12} {'decode tok/s':>12}"
        )
        print(header)
        for name, model in models.items():
            runs: dict[bool, list[ProbeResult]] = {True: [], False: []}
            for i in range(rounds):
                for extra in (True, False) if i % 2 == 0 else (False, True):
                    runs[extra].append(
                        probe(
                            model,
                            extra_buffers=extra,
                            threads=n,
                            prompt_tokens=prompt_tokens,
                            decode_tokens=decode_tokens,
                        )
                    )
            medians = {}
            for extra, label in ((True, "defaults"), (False, "safe")):
                done = [r for r in runs[extra] if r.ok]
                if len(done) < len(runs[extra]):
                    failure = next(r.failure for r in runs[extra] if not r.ok)
                    print(f"{name:<18} {label:<9} {failure}")
                    continue
                medians[extra] = (_median(done, "prompt_tps"), _median(done, "decode_tps"))
                buffers = ",".join(done[0].buffers)
                print(
                    f"{name:<18} {label:<9} {buffers:<22} {medians[extra][0]:>12.0f} "
                    f"{medians[extra][1]:>12.1f}"
                )
            if len(medians) == 2:
                (fp, fd), (sp, sd) = medians[True], medians[False]
                print(f"{name:<18} safe / defaults: prompt {sp / fp:.2f}x, decode {sd / fd:.2f}x")


if __name__ == "__main__":
    typer.run(main)
