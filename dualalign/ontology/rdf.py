"""Read the RDF (Turtle, RDF/XML) and OBO files of a disease folder into raw entities.

rdflib and obonet do the parsing; this module only maps their output onto the vocabulary in
``docs/ontology-format.md`` and records where each entity was written, for error messages.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax import SAXParseException

import networkx as nx
import obonet
from rdflib import RDF, Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, SKOS

from dualalign.errors import Problem

__all__ = ["DA", "RDF_FORMATS", "Entity", "read_entities"]

DA = Namespace("https://w3id.org/dualalign/schema#")

#: File suffix -> rdflib parser name ("obo" is read with obonet).
RDF_FORMATS: dict[str, str] = {".ttl": "turtle", ".owl": "xml", ".rdf": "xml", ".obo": "obo"}

_LINE_RE = re.compile(r"line (\d+)")
_OBO_KEYS = {
    "lexicon_domain": "lexiconDomain",
    "phenotype_domain": "phenotypeDomain",
    "default_label": "defaultLabel",
    "onset_stage": "onsetStage",
    "source": "source",
    "lay_phrase": "layPhrase",
    "abbreviation": "abbreviation",
}
_OBO_VALUE_RE = re.compile(r'^(\S+)\s+"((?:[^"\\]|\\.)*)"')
_OBO_TEXT_RE = re.compile(r'^"((?:[^"\\]|\\.)*)"')


@dataclass
class Entity:
    """One typed subject: its class name, IRI, origin and raw property values.

    Property values are rdflib nodes (URIRef for references, Literal for data), or plain
    strings for entities read from OBO, where references are identifiers.
    """

    cls: str
    iri: str
    file: str
    line: int | None
    props: dict[str, list[object]] = field(default_factory=dict)

    def values(self, key: str) -> list[object]:
        """Return every value of a property (``identifier``, ``prefLabel``, ...)."""
        return self.props.get(key, [])


def _predicate_key(predicate: URIRef) -> str | None:
    text = str(predicate)
    for ns in (str(DA), str(SKOS), str(DCTERMS)):
        if text.startswith(ns):
            return text[len(ns) :]
    return None


def _locate(lines: list[str], needles: Iterable[str]) -> int | None:
    for needle in needles:
        if not needle:
            continue
        pattern = re.compile(rf"(^|[\s<\"'(]){re.escape(needle)}($|[\s>\"';,.])")
        for number, line in enumerate(lines, start=1):
            if pattern.search(line):
                return number
    return None


def _parse_error_line(exc: BaseException) -> int | None:
    if isinstance(exc, SAXParseException):
        return exc.getLineNumber()
    match = _LINE_RE.search(str(exc))
    return int(match.group(1)) if match else None


def _snippet_line(text: str, exc: BaseException) -> int | None:
    """The line of an error that shows only the text around it (``... at ^ in BEFORE^AFTER``,
    as rdflib's unterminated-string check does): find that text in the file. The check fires
    only when no quote or line break follows, so the last occurrence is the one."""
    shown = str(exc).partition(" at ^ in ")[2]
    for cut, char in enumerate(shown):
        if char != "^":
            continue
        before, after = shown[:cut], shown[cut + 1 :]
        at = text.rfind(before + after)
        if before + after and at >= 0:
            return text.count("\n", 0, at + len(before)) + 1
    return None


def _turtle_problem(rel: str, fmt: str, text: str, exc: BaseException) -> Problem:
    line = _parse_error_line(exc) or _snippet_line(text, exc)
    if "Quote expected in string" in str(exc):
        return Problem(
            rel,
            "a quoted string is not closed (is the file cut short?)",
            'close the string with " or restore the end of the file',
            line=line,
        )
    return Problem(
        rel,
        f"cannot parse as {fmt}: {_first_line_of(exc)}",
        f"correct the {fmt} syntax at that line",
        line=line,
    )


def _first_line_of(exc: BaseException) -> str:
    text = str(getattr(exc, "_why", "") or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _read_rdf_file(path: Path, fmt: str, rel: str) -> tuple[list[Entity], list[Problem]]:
    graph = Graph()
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return [], [
            Problem(
                rel,
                f"file is not UTF-8 text ({exc.reason} at byte {exc.start})",
                "save the file as UTF-8",
            )
        ]
    try:
        graph.parse(data=text, format=fmt, publicID=path.resolve().as_uri())
    except Exception as exc:  # rdflib raises many parser-specific types
        return [], [_turtle_problem(rel, fmt, text, exc)]
    lines = text.splitlines()
    entities: list[Entity] = []
    for subject, cls in graph.subject_objects(RDF.type):
        if not isinstance(cls, URIRef) or not str(cls).startswith(str(DA)):
            continue
        iri = str(subject)
        qname = ""
        try:
            qname = graph.namespace_manager.normalizeUri(URIRef(iri))
        except Exception:  # a subject without a usable prefix
            qname = ""
        local = re.split(r"[#/]", iri)[-1]
        line = _locate(lines, [qname if not qname.startswith("<") else "", f"<{iri}>", iri, local])
        entity = Entity(cls=str(cls)[len(str(DA)) :], iri=iri, file=rel, line=line)
        for predicate, obj in graph.predicate_objects(subject):
            key = _predicate_key(predicate) if isinstance(predicate, URIRef) else None
            if key is not None:
                entity.props.setdefault(key, []).append(obj)
        entities.append(entity)
    return entities, []


def _obo_text(raw: str) -> str:
    match = _OBO_TEXT_RE.match(raw)
    return match.group(1) if match else raw


def _read_obo_file(path: Path, rel: str) -> tuple[list[Entity], list[Problem]]:
    try:
        graph: nx.MultiDiGraph = obonet.read_obo(path)
    except KeyError as exc:  # obonet indexes each stanza by its tags
        return [], [
            Problem(
                rel,
                f"cannot parse as OBO: a stanza has no '{exc.args[0]}:' tag",
                f"give every [Term] stanza an '{exc.args[0]}: PREFIX:NUMBER' line",
            )
        ]
    except Exception as exc:  # obonet/its parser raise plain exceptions
        return [], [
            Problem(
                rel,
                f"cannot parse as OBO: {_first_line_of(exc)}",
                "correct the OBO stanza syntax",
                line=_parse_error_line(exc),
            )
        ]
    lines = path.read_text(encoding="utf-8").splitlines()
    entities: list[Entity] = []
    for node_id, data in graph.nodes(data=True):
        entity = Entity(
            cls="Symptom", iri=f"obo:{node_id}", file=rel, line=_locate(lines, [f"id: {node_id}"])
        )
        local = str(node_id).rsplit(":", 1)[-1].lower()
        entity.props["identifier"] = [local]
        if "name" in data:
            entity.props["prefLabel"] = [data["name"]]
        if "def" in data:
            entity.props["definition"] = [_obo_text(data["def"])]
        entity.props["altLabel"] = [_obo_text(s) for s in data.get("synonym", [])]
        entity.props["xref"] = [x.split(" ", 1)[0] for x in data.get("xref", [])]
        for raw in data.get("property_value", []):
            match = _OBO_VALUE_RE.match(raw)
            if match and match.group(1) in _OBO_KEYS:
                entity.props.setdefault(_OBO_KEYS[match.group(1)], []).append(match.group(2))
        entities.append(entity)
    return entities, []


def read_entities(folder: Path) -> tuple[list[Entity], list[Problem], list[Path]]:
    """Parse every RDF/OBO file in ``folder``.

    Returns:
        The entities found, the problems met while parsing, and the files read.
    """
    entities: list[Entity] = []
    problems: list[Problem] = []
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix in RDF_FORMATS)
    for path in files:
        fmt = RDF_FORMATS[path.suffix]
        found, errors = (
            _read_obo_file(path, path.name)
            if fmt == "obo"
            else _read_rdf_file(path, fmt, path.name)
        )
        entities.extend(found)
        problems.extend(errors)
    return entities, problems, files
