"""Bad Ray and Parquet-walk inputs: refused in one line before any work, nothing written.

(The unreachable head is a closed port on 127.0.0.1: the address check fails at once, so no
Ray process is ever started.)"""

from __future__ import annotations

import socket
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.badinput.harness import Case, RunCli, check_rejected


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


WALK = ("walk", "--patients", "3", "--out", "{tmp}/out")
GEN = ("generate", "--patients", "1", "--out", "{tmp}/out")
RAY = ("--executor", "ray")

CASES = [
    Case("workers-without-ray", (*WALK, "--workers", "2"), "--workers needs --executor ray"),
    Case("workers-zero", (*WALK, *RAY, "--workers", "0"), "--workers"),
    Case("bad-address", (*WALK, *RAY, "--ray-address", "somewhere"), "is not auto, local or"),
    Case("port-out-of-range", (*WALK, *RAY, "--ray-address", "127.0.0.1:70000"), "HOST:PORT"),
    Case(
        "no-head-there",
        (*WALK, *RAY, "--ray-address", "127.0.0.1:{port}"),
        "no Ray head answers at 127.0.0.1:",
    ),
    Case(
        "generate-no-head",
        (*GEN, *RAY, "--ray-address", "127.0.0.1:{port}"),
        "no Ray head answers",
    ),
    Case("unknown-executor", (*WALK, "--executor", "dask"), "'dask' is not one of"),
    Case(
        "several-urls-single",
        (*GEN, "--llm", "openai", "--base-url", "http://a/v1", "--base-url", "http://b/v1"),
        "several --base-url values need --executor ray and --llm openai",
    ),
    Case("files-zero", (*WALK, "--files", "0"), "--files"),
    Case("files-over-a-file", (*WALK[:-1], "{tmp}/file.txt", "--files", "2"), "is a file"),
    Case(
        "files-into-a-full-folder",
        (*WALK[:-1], "{tmp}/full", "--files", "2"),
        "not empty; add --overwrite",
    ),
    Case(
        "trajectories-folder-without-manifest",
        (*GEN, "--trajectories", "{tmp}/full"),
        "without a readable manifest.json",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_rejected(
    case: Case, run_cli: RunCli, where: Callable[[], dict[str, Path]], bad_home: Path
) -> None:
    places = where()
    tmp = places["tmp"]
    (tmp / "file.txt").write_text("a file", encoding="utf-8")
    (tmp / "full").mkdir()
    (tmp / "full" / "old.txt").write_text("keep me", encoding="utf-8")
    argv = case.argv(**places, port=Path(str(_closed_port())))
    check_rejected(run_cli, argv, case.expect, [bad_home, tmp])
    assert not (tmp / "out").exists()
