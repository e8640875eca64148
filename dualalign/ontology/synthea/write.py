"""Write the disease folder: the translated course and its derived numbers as the folder's
Turtle and CSV files (text), and the folder itself on disk.

* **Sources.** Numbers read from the module cite its own source row ``synthea_<id>``; numbers
  computed from the module by the importer's rules (year-to-stage map, domain shares) cite
  ``assumption_synthea_derived``.
* **Defaults.** What the module does not say (populations, persona marginals, note types and
  visit rates, mention density, labels, risk factors, model parameters) comes from the bundled
  template ``ontologies/_template`` under the ``assumption_synthea_defaults`` source.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

from dualalign.errors import OntologyError
from dualalign.ontology.synthea.derived import AnnualChain, DomainShares
from dualalign.ontology.synthea.gmf import GmfModule
from dualalign.ontology.synthea.mapping import CONDITIONS, domain_descriptions, words
from dualalign.ontology.synthea.translate import Course, Term

__all__ = ["check_out", "render_files", "write_folder"]


def _num(value: float, digits: int = 6) -> str:
    text = f"{round(value, digits):.{digits}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _lit(text: str) -> str:
    return json.dumps(" ".join(str(text).split()), ensure_ascii=False) + "@en"


def _csv(header: list[str], rows: Iterable[list[object]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([" ".join(str(c).split()) for c in row])
    return buf.getvalue()


def render_files(
    did: str,
    module: GmfModule,
    source_file: str,
    version: str,
    course: Course,
    chain: AnnualChain,
    shares: DomainShares,
) -> dict[str, str]:
    """The files of the disease folder ``did`` (file name -> text).

    Args:
        did: The disease identifier.
        module: The parsed module.
        source_file: The module's file name as cited in ``sources.csv``.
        version: Where the file comes from, with its content hash.
        course: The translated course.
        chain: Its annual stage model.
        shares: Its lexicon-domain shares.
    """
    src = f"synthea_{did}"
    derived, defaults = "assumption_synthea_derived", "assumption_synthea_defaults"
    periods = chain.periods
    files: dict[str, str] = {}
    files["disease.ttl"] = _disease_ttl(
        did,
        module,
        source_file,
        course.order,
        course.stage_ids,
        course.duration,
        shares.domains,
        domain_descriptions(),
        src,
        course.onsets,
    )
    files["symptoms.ttl"] = _symptoms_ttl(did, module, course.terms, course.stage_ids, src)
    files["stage_transitions.csv"] = _csv(
        ["from_stage", "to_stage", "probability", "source", "note"],
        [[a, b, _num(p), src, note] for a, b, p, note in chain.transitions],
    )
    files["period_stage.csv"] = _csv(
        ["period", "stage", "probability", "source", "note"],
        [[p, sid, _num(share), derived, ""] for p, sid, share in chain.period_stage],
    )
    files["note_type_rates.csv"] = _csv(
        ["period", "note_type", "visits_per_year", "source"],
        [
            r
            for p in periods
            for r in ([p, "primary_care", 4, defaults], [p, "specialist", 2, defaults])
        ],
    )
    files["mention_density.csv"] = _csv(
        ["period", "mean_mentions", "source"], [[p, 3, defaults] for p in periods]
    )
    files["domain_prevalence.csv"] = _csv(
        ["stage", "domain", "proportion", "source", "note"],
        [[sid, dom, _num(share), derived, ""] for sid, dom, share in shares.shares],
    )
    files["parameters.csv"] = _csv(
        ["name", "value", "source", "note"],
        [
            ["density_multiplier", 5, defaults, ""],
            ["symptom_persistence", 0.5, defaults, ""],
            ["symptom_evolution", 0.2 if course.evolution else 0, defaults, ""],
            [
                "years_before",
                chain.years_before,
                derived,
                "years from the first stage to diagnosis",
            ],
            ["years_after", chain.years_after, derived, "expected living years after diagnosis"],
        ],
    )
    files["persona_marginals.csv"] = _csv(
        ["population", "attribute", "category", "probability", "source"],
        [["general", a, c, p, defaults] for a, c, p in _MARGINALS],
    )
    files["risk_factor_prevalence.csv"] = _csv(
        ["population", "risk_factor", "condition", "prevalence", "source"],
        [["general", "family_history", "*", 0.1, defaults]],
    )
    if course.evolution:
        files["symptom_transitions.csv"] = _csv(
            ["from_symptom", "to_symptom", "stage", "weight", "source"],
            [
                [a, b, "*", _num(w, 4), src]
                for (a, b), w in sorted(course.evolution.items())
                if round(w, 4) > 0
            ],
        )
    files["sources.csv"] = _sources_csv(module, source_file, version, src)
    return files


def _sources_csv(module: GmfModule, source_file: str, version: str, src: str) -> str:
    """``sources.csv``: the module itself, the derived numbers and the template defaults."""
    derived, defaults = "assumption_synthea_derived", "assumption_synthea_defaults"
    return _csv(
        ["key", "kind", "citation", "locator", "confidence"],
        [
            [
                src,
                "published",
                f"Synthea Generic Module Framework module '{module.name}', file "
                f"{source_file} (GMF version {module.gmf_version or '?'}; {version}); "
                "MITRE Synthea, Apache-2.0. Stage durations, transition probabilities, "
                "symptom order and onset stages follow its states and transitions by the "
                "rules of dualalign.ontology.synthea",
                "https://github.com/synthetichealth/synthea/wiki/Generic-Module-Framework",
                "S",
            ],
            [
                derived,
                "assumption",
                f"ASSUMPTION: computed from the Synthea module {source_file} by the importer, "
                "not stated in it: the year-to-stage map (the annual stage chain run from "
                "the first stage, conditioned on reaching the diagnosis stage at year 0), "
                "years before/after diagnosis, and lexicon-domain shares (proportional to "
                "the number of terms documented by each stage)",
                "",
                "A",
            ],
            [
                defaults,
                "assumption",
                "ASSUMPTION: the Synthea module says nothing about these, so they are the "
                "placeholder values of ontologies/_template (one 'general' population and "
                "its persona marginals, primary-care and specialist notes at 4 and 2 visits "
                "a year, 3 mentions per note, density multiplier 5, symptom persistence "
                "0.5, evolution 0.2, labels 'symptom' and 'none', and one risk factor, "
                "a family history of the disease, at 10%); replace them with "
                "published values for this disease",
                "",
                "A",
            ],
        ],
    )


def _disease_ttl(
    did: str,
    module: GmfModule,
    source_file: str,
    order: list[str],
    stage_ids: dict[str, str],
    duration: dict[str, float],
    domains: list[str],
    desc: dict[str, str],
    src: str,
    onsets: list[str],
) -> str:
    """``disease.ttl``: the disease, its lexicon and phenotype domains, the template's labels,
    note types, risk factor and population, and the stages (``death`` last)."""
    defaults = "assumption_synthea_defaults"
    codes = sorted(
        {
            f"SNOMEDCT:{c.code}"
            for s in onsets
            for c in module.states[s].codes or []
            if "snomed" in c.system.lower() and c.code
        }
    )
    out = [_PREFIXES.format(did=did)]
    about = f"Disease course imported from the Synthea module '{module.name}' ({source_file})."
    out.append(
        f'ex:disease a da:Disease ;\n    dcterms:identifier "{did}" ;\n'
        f"    skos:prefLabel {_lit(module.name)} ;\n"
        f"    skos:definition {_lit(about)} ;\n"
        + "".join(f'    da:xref "{c}" ;\n' for c in codes)
        + '    da:formatVersion "1" ;\n    da:defaultPopulation ex:population_general .\n'
    )
    for i, dom in enumerate(domains, start=1):
        out.append(
            f'ex:lexdom_{dom} a da:LexiconDomain ;\n    dcterms:identifier "{dom}" ;\n'
            f"    skos:prefLabel {_lit(dom.replace('_', ' '))} ;\n"
            f"    skos:definition {_lit('Symptoms of ' + desc[dom] + '.')} ;\n"
            f"    da:order {i} .\n"
        )
        out.append(
            f'ex:phendom_{dom} a da:PhenotypeDomain ;\n    dcterms:identifier "{dom}" ;\n'
            f"    skos:prefLabel {_lit(dom.replace('_', ' '))} ;\n    da:order {i} .\n"
        )
    out.append(_LABELS_AND_DEFAULTS)
    for i, s in enumerate(order, start=1):
        st = module.states[s]
        span = ""
        if st.range is not None:
            span = f"{st.range.low:g}-{st.range.high:g} {st.range.unit or st.unit or ''}".strip()
        elif st.exact is not None:
            span = f"{st.exact.quantity:g} {st.exact.unit or st.unit or ''}".strip()
        definition = (
            f"Stage imported from the Synthea {module.name} module: the delay state "
            f"'{s}'" + (f" ({span} per pass)" if span else "") + "."
        )
        out.append(
            f"ex:stage_{stage_ids[s]} a da:Stage ;\n"
            f'    dcterms:identifier "{stage_ids[s]}" ;\n'
            f"    skos:prefLabel {_lit(words(s).lower())} ;\n"
            f"    skos:definition {_lit(definition)} ;\n"
            f"    da:order {i} ;\n"
            f"    da:meanDurationMonths {_num(duration[s], 2)} ;\n"
            f'    da:source "{src}" .\n'
        )
    out.append(
        f'ex:stage_death a da:Stage ;\n    dcterms:identifier "death" ;\n'
        f'    skos:prefLabel "death"@en ;\n'
        f'    skos:definition "Absorbing end state (a Synthea Death state)."@en ;\n'
        f"    da:order {len(order) + 1} ;\n    da:meanDurationMonths 0 ;\n"
        f'    da:source "{defaults}" ;\n    da:terminal true .\n'
    )
    return "\n".join(out)


def _symptoms_ttl(
    did: str, module: GmfModule, terms: dict[str, Term], stage_ids: dict[str, str], src: str
) -> str:
    """``symptoms.ttl``: one da:Symptom per lexicon term."""
    out = [_PREFIXES.format(did=did)]
    for tid in sorted(terms):
        t = terms[tid]
        states = ", ".join(f"'{s}'" for s in t["states"])
        kind = "condition" if t["domain"] == CONDITIONS[0] else "symptom"
        definition = f"{t['label']}, a {kind} in the Synthea {module.name} module (state {states})."
        out.append(
            f'ex:sym_{tid} a da:Symptom ;\n    dcterms:identifier "{tid}" ;\n'
            f"    skos:prefLabel {_lit(t['label'].lower())} ;\n"
            f"    skos:definition {_lit(definition)} ;\n"
            f"    da:lexiconDomain ex:lexdom_{t['domain']} ;\n"
            f"    da:phenotypeDomain ex:phendom_{t['domain']} ;\n"
            f"    da:defaultLabel ex:label_symptom ;\n"
            f"    da:onsetStage ex:stage_{stage_ids[t['onset']]} ;\n"
            + "".join(f'    da:xref "{x}" ;\n' for x in sorted(t["xrefs"]))
            + f'    da:source "{src}" .\n'
        )
    return "\n".join(out)


_PREFIXES = """# Imported from a Synthea GMF module by `dualalign ontology import-synthea`;
# see sources.csv for what is from the module and what is an assumption.
@prefix da:      <https://w3id.org/dualalign/schema#> .
@prefix skos:    <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd:     <http://www.w3.org/2001/XMLSchema#> .
@prefix ex:      <https://w3id.org/dualalign/{did}#> .
"""

_LABELS_AND_DEFAULTS = """ex:label_symptom a da:Label ;
    dcterms:identifier "symptom" ;
    skos:prefLabel "symptom"@en ;
    skos:definition "The sentence reports a symptom or condition of the disease."@en ;
    da:order 1 ;
    da:example "Pt reports increasing fatigue over the past month."@en .

ex:label_none a da:Label ;
    dcterms:identifier "none" ;
    skos:prefLabel "none"@en ;
    skos:definition "Everything else, incl. routine content and negated or resolved symptoms."@en ;
    da:order 2 ;
    da:example "BP 128/76."@en, "Denies fatigue."@en .

ex:notetype_primary_care a da:NoteType ;
    dcterms:identifier "primary_care" ;
    skos:prefLabel "primary care visit note"@en ;
    skos:definition "Routine outpatient visit with a primary care clinician."@en ;
    da:abbreviation "PCP" .

ex:notetype_specialist a da:NoteType ;
    dcterms:identifier "specialist" ;
    skos:prefLabel "specialist consult note"@en ;
    skos:definition "Outpatient visit with the specialist who manages the disease."@en .

ex:rfgroup_family_history a da:RiskFactorGroup ;
    dcterms:identifier "family_history" ;
    skos:prefLabel "family history"@en ;
    skos:definition "Disease in close relatives (importer default; none in the module)."@en .

ex:rf_family_history a da:RiskFactor ;
    dcterms:identifier "family_history" ;
    skos:prefLabel "family history of the disease"@en ;
    skos:definition "A parent or sibling had the same disease."@en ;
    da:group ex:rfgroup_family_history ;
    da:promptPhrase "family hx of the same condition"@en .

ex:population_general a da:Population ;
    dcterms:identifier "general" ;
    skos:prefLabel "general patient population"@en ;
    skos:definition "Placeholder population of people living with the disease."@en ;
    da:source "assumption_synthea_defaults" .
"""

_MARGINALS = (
    ("age_band", "under_65", 0.1),
    ("age_band", "65_plus", 0.9),
    ("sex", "female", 0.5),
    ("sex", "male", 0.5),
    ("race_ethnicity", "white", 0.7),
    ("race_ethnicity", "black", 0.15),
    ("race_ethnicity", "other", 0.15),
    ("education", "high_school_or_less", 0.5),
    ("education", "some_college_or_more", 0.5),
)


def check_out(out: Path, *, overwrite: bool) -> None:
    """Refuse an ``--out`` that is a file, or a non-empty folder without ``overwrite``.

    Raises:
        OntologyError: one line naming the fix.
    """
    if out.exists() and not out.is_dir():
        raise OntologyError(f"{out}: exists and is not a folder; choose another --out")
    if out.is_dir() and any(out.iterdir()) and not overwrite:
        raise OntologyError(
            f"{out}: folder exists and is not empty; pass --overwrite to replace it"
        )


def write_folder(files: dict[str, str], out: Path, *, overwrite: bool = False) -> Path:
    """Write ``files`` as the folder ``out``: into a temporary sibling first, then one rename,
    so a failure leaves ``out`` as it was.

    Raises:
        OntologyError: ``out`` exists and is not an empty folder, and ``overwrite`` is False.
    """
    check_out(out, overwrite=overwrite)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        folder = staging / "new"
        folder.mkdir()
        for name, text in sorted(files.items()):
            (folder / name).write_text(text, encoding="utf-8")
        if out.exists():
            out.rename(staging / "old")
        folder.rename(out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return out
