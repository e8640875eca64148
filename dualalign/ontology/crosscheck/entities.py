"""Rules on the entities of the Turtle files (one disease, distinct orders and labels, sane
stage durations) and on source keys, which every entity and table row must cite."""

from __future__ import annotations

from dualalign.errors import Problem
from dualalign.ontology.crosscheck.base import CheckerBase

__all__ = ["EntityRules"]


class EntityRules(CheckerBase):
    """Entity and source-key rules."""

    def entities(self) -> None:
        disease = self.ents["Disease"]
        if len(disease) != 1:
            self.problems.append(
                Problem(
                    "disease.ttl",
                    f"found {len(disease)} da:Disease entities",
                    "declare exactly one da:Disease with dcterms:identifier and da:formatVersion",
                )
            )
        if self.ents["Label"] and "none" not in self.ids["Label"]:
            self.problems.append(
                Problem(
                    self.ents["Label"][0].file,
                    "no label 'none' is defined",
                    'add a da:Label with dcterms:identifier "none"',
                )
            )
        for cls in ("Stage", "LexiconDomain", "Label"):
            seen: dict[int, str] = {}
            for loc in self.ents[cls]:
                order = loc.value.order
                if order in seen:
                    self.problems.append(
                        Problem(
                            loc.file,
                            f"{cls} '{loc.value.id}' has da:order {order}, "
                            f"already used by '{seen[order]}'",
                            "give each a distinct da:order",
                            loc.line,
                        )
                    )
                seen[order] = loc.value.id
        labels: dict[str, str] = {}
        for loc in self.ents["Symptom"]:
            key = loc.value.label.casefold()
            if key in labels:
                self.problems.append(
                    Problem(
                        loc.file,
                        f"Symptom '{loc.value.id}' repeats the prefLabel "
                        f"'{loc.value.label}' of '{labels[key]}'",
                        "merge the two terms or make one a synonym",
                        loc.line,
                    )
                )
            labels[key] = loc.value.id
        for loc in self.ents["Stage"]:
            st = loc.value
            if (
                st.min_duration_months is not None
                and st.max_duration_months is not None
                and st.min_duration_months > st.max_duration_months
            ):
                self.problems.append(
                    Problem(
                        loc.file,
                        f"Stage '{st.id}' has minDurationMonths > maxDurationMonths",
                        "swap or correct them",
                        loc.line,
                    )
                )

    def sources(self) -> None:
        keys = {row.value.key for row in self.rows["sources"]}
        self.unique("sources", lambda v: (v.key,), "source key")
        hint = ", ".join(sorted(keys)[:8]) or "(sources.csv is empty)"
        for cls, items in self.ents.items():
            for loc in items:
                key = getattr(loc.value, "source", None)
                if key is not None and key not in keys:
                    self.problems.append(
                        Problem(
                            loc.file,
                            f"{cls} '{loc.value.id}': source key '{key}' is not in sources.csv",
                            f"add '{key}' to sources.csv or use one of: {hint}",
                            loc.line,
                        )
                    )
        for table, rows in self.rows.items():
            if table == "sources":
                continue
            for row in rows:
                key = row.value.source
                if key not in keys:
                    self.add(
                        table,
                        row.line,
                        f"source key '{key}' is not in sources.csv",
                        f"add '{key}' to sources.csv or use one of: {hint}",
                    )
