"""A loopback OpenAI-compatible server that enforces ``response_format`` JSON schemas the way
vLLM's guided decoding does, for the ``--structured-method json_schema`` tests.

vLLM answers a request carrying ``response_format: {"type": "json_schema", "json_schema":
{"name": ..., "schema": {...}}}`` with content that is guaranteed to match the schema (the
grammar masks every token that would break it), and refuses a malformed schema with HTTP 400.
This server does the same with a tiny schema-directed generator: objects with their required
properties, arrays of between ``minItems`` and ``maxItems`` items, ``enum``/``const`` values
(chosen by a hash of the prompt, so different sentences get different labels), ``$ref`` into
``$defs``, ``anyOf``; each answer is validated against the schema before it is sent.
A labelling request *without* a schema gets free text, as an unconstrained model would write,
so a client that forgot to send the schema fails to parse it. Note-writing requests get a
sentence with the planned terms (as :class:`FakeOpenAI` writes them).
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

import jsonschema

from tests.support.fake_openai import FakeOpenAI


class SchemaRefused(Exception):
    """The request's schema is not a valid JSON Schema (vLLM: HTTP 400)."""


def _pick(options: list[Any], salt: str) -> Any:
    digest = hashlib.sha256(salt.encode()).digest()
    return options[digest[0] % len(options)]


def instance(schema: dict[str, Any], root: dict[str, Any], salt: str) -> Any:
    """A value that matches ``schema`` (a sub-schema of ``root``)."""
    if "$ref" in schema:
        ref = schema["$ref"]
        if not ref.startswith("#/"):
            raise SchemaRefused(f"unsupported $ref {ref}")
        node: Any = root
        for part in ref[2:].split("/"):
            node = node[part]
        return instance(node, root, salt)
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return _pick(list(schema["enum"]), salt)
    if "anyOf" in schema:
        return instance(schema["anyOf"][0], root, salt)
    kind = schema.get("type", "object")
    if kind == "object":
        props = schema.get("properties", {})
        keys = schema.get("required", list(props))
        return {k: instance(props[k], root, f"{salt}/{k}") for k in keys}
    if kind == "array":
        lo = int(schema.get("minItems", 1))
        hi = int(schema.get("maxItems", max(lo, 1)))
        n = lo if lo == hi else (lo + hi) // 2
        return [instance(schema.get("items", {}), root, f"{salt}[{i}]") for i in range(n)]
    if kind == "string":
        return "text"
    if kind in ("integer", "number"):
        return schema.get("minimum", 0)
    if kind == "boolean":
        return False
    if kind == "null":
        return None
    raise SchemaRefused(f"unsupported type {kind!r}")


class GuidedOpenAI(FakeOpenAI):
    """``with GuidedOpenAI() as server: server.url``; ``server.schemas`` lists the schemas
    received, ``server.refused`` the requests answered 400."""

    def __init__(self) -> None:
        super().__init__()
        self.schemas: list[dict[str, Any]] = []
        self.refused: list[str] = []

    def _answer(self, body: dict[str, Any]) -> dict[str, Any]:  # type: ignore[override]
        fmt = body.get("response_format")
        last = body["messages"][-1]["content"]
        numbered = re.findall(r"^\d+\. .+$", last, re.MULTILINE)
        if fmt is None:
            if numbered:  # a labelling request the client sent without a schema
                reply = FakeOpenAI._answer(body)
                reply["choices"][0]["message"]["content"] = "1 looks like memory, 2 is none."
                return reply
            return FakeOpenAI._answer(body)
        if fmt.get("type") != "json_schema" or "schema" not in fmt.get("json_schema", {}):
            raise SchemaRefused(f"response_format {fmt.get('type')!r} without a json_schema")
        schema = fmt["json_schema"]["schema"]
        try:
            jsonschema.Draft202012Validator.check_schema(schema)
        except jsonschema.SchemaError as exc:
            raise SchemaRefused(str(exc).splitlines()[0]) from exc
        with self.lock:
            self.schemas.append(schema)
        value = instance(schema, schema, last)
        jsonschema.validate(value, schema)  # guided decoding never breaks the schema
        reply = FakeOpenAI._answer({**body, "tools": None, "response_format": None})
        reply["choices"][0]["message"] = {"role": "assistant", "content": json.dumps(value)}
        return reply

    def _handler(self):  # type: ignore[no-untyped-def]
        base = super()._handler()
        outer = self

        class Handler(base):  # type: ignore[misc, valid-type]
            def do_POST(self) -> None:
                length = int(self.headers["Content-Length"])
                raw = self.rfile.read(length)
                body = json.loads(raw)
                outer._next_fault(body)
                try:
                    payload = json.dumps(outer._answer(body)).encode()
                except SchemaRefused as exc:
                    outer.refused.append(str(exc))
                    message = {"object": "error", "message": str(exc), "code": 400}
                    self._send(400, json.dumps(message).encode(), {})
                    return
                self._send(200, payload, {})

        return Handler
