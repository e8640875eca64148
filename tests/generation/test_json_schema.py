"""``--structured-method json_schema`` against a server that enforces the schema as vLLM's
guided decoding does (tests/support/guided_openai.py): the run labels every sentence through
the schema, and the schema is the one a grammar needs (one label per sentence, from the
disease's labels)."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import jsonschema

from dualalign.ontology import load_disease
from tests.paths import ALZ
from tests.support.guided_openai import GuidedOpenAI, instance


def test_a_json_schema_run_produces_valid_labels(tmp_path: Path) -> None:
    out = tmp_path / "run"
    labels = {label.id for label in load_disease(ALZ).labels}
    with GuidedOpenAI() as server:
        cmd = [
            str(Path(sys.executable).with_name("dualalign")),
            "generate",
            "--llm",
            "openai",
            "--base-url",
            server.url,
            "--model",
            "fake",
            "--annotator",
            "llm",
            "--structured-method",
            "json_schema",
            "--patients",
            "3",
            "--out",
            str(out),
            "--no-cache",
            "--quiet",
        ]
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=300, check=False)
        assert result.returncode == 0, result.stderr
        assert not server.refused, server.refused
        schemas = list(server.schemas)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "complete" and manifest["counts"]["failures"] == 0
    rows = [json.loads(x) for x in (out / "sentences.jsonl").read_text().splitlines()]
    assert rows and all(r["label"] in labels for r in rows)
    assert len({r["label"] for r in rows}) > 1  # labels came from the server, not a default
    assert schemas, "no labelling request carried a json_schema response_format"
    for schema in schemas:
        field = schema["properties"]["labels"]
        assert field["minItems"] == field["maxItems"] >= 1
        items = field["items"]
        enum = items.get("enum") or schema["$defs"][items["$ref"].split("/")[-1]]["enum"]
        assert set(enum) == labels


def _post(url: str, body: dict) -> tuple[int, dict]:
    request = urllib.request.Request(
        f"{url}/chat/completions",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as reply:
            return reply.status, json.loads(reply.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_the_fake_refuses_a_malformed_schema_and_keeps_to_a_good_one() -> None:
    good = {
        "type": "object",
        "properties": {
            "labels": {
                "type": "array",
                "items": {"enum": ["a", "b", "c"]},
                "minItems": 4,
                "maxItems": 4,
            }
        },
        "required": ["labels"],
    }
    bad = {"type": "object", "properties": {"labels": {"type": "array", "minItems": "4"}}}
    messages = [{"role": "user", "content": "Label:\n1. x\n2. y\n3. z\n4. w"}]
    with GuidedOpenAI() as server:
        for schema, status in ((good, 200), (bad, 400)):
            body = {
                "model": "fake",
                "messages": messages,
                "response_format": {
                    "type": "json_schema",
                    "json_schema": {"name": "L", "schema": schema},
                },
            }
            code, reply = _post(server.url, body)
            assert code == status, reply
            if code == 200:
                jsonschema.validate(json.loads(reply["choices"][0]["message"]["content"]), good)
        assert len(server.refused) == 1
    value = instance(good, good, "prompt")
    jsonschema.validate(value, good)
    assert len(value["labels"]) == 4
