"""The module's state graph, read the way the importer reads it.

Each state's *unconditional* next-state distribution (:meth:`StateGraph.successors`):
``direct_transition`` is probability 1, ``distributed_transition`` its distribution (an
attribute-driven one takes its ``default``), ``lookup_table_transition`` its
``default_probability``s, ``conditional_transition`` its unconditional (default) branch,
``complex_transition`` the distributions of its unconditional branch and
``type_of_care_transition`` its ambulatory branch; each dropped part is a warning. With
``split``, the branches of a conditional or complex transition are taken as equally likely
instead. :meth:`StateGraph.flow` says where probability mass from some states ends (solved
exactly as an absorbing Markov chain); :meth:`StateGraph.delay_months` is a ``Delay``'s mean
length (``exact``, the middle of ``range``, or the mean of its ``distribution``) in months.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from dualalign.ontology.synthea.gmf import GmfModule, _AttributeDistribution
from dualalign.ontology.synthea.mapping import to_months
from dualalign.ontology.synthea.warnings import WarningLog

__all__ = ["StateGraph"]


class StateGraph:
    """A GMF module's states and transitions, with the warnings raised while reading them."""

    def __init__(self, module: GmfModule, source_file: str) -> None:
        self.m = module
        self.file = source_file
        self.log = WarningLog(source_file)
        self._cache: dict[tuple[object, bool], Any] = {}

    def warn(self, state: str, dropped: str, reason: str) -> None:
        """Record a warning about ``state`` (once per state and ``dropped``)."""
        self.log.warn(state, dropped, reason)

    def successors(self, name: str, split: bool) -> list[tuple[str, float]]:
        """Unconditional next-state distribution of a state (warning once per dropped part)."""
        st = self.m.states[name]
        out: list[tuple[str, float]] = []
        if st.direct_transition is not None:
            out = [(st.direct_transition, 1.0)]
        elif st.distributed_transition:
            for br in st.distributed_transition:
                p = br.distribution
                if isinstance(p, _AttributeDistribution):
                    self.warn(
                        name,
                        f"attribute-driven probability '{p.attribute}'",
                        f"the attribute is not modelled; its default {p.default:g} is used",
                    )
                    p = p.default
                out.append((br.transition, float(p)))
        elif st.conditional_transition:
            conds = [br for br in st.conditional_transition if br.condition is not None]
            if conds:
                kinds = sorted(
                    {str(br.condition.get("condition_type")) for br in conds if br.condition}
                )
                self.warn(
                    name,
                    f"conditions on transitions ({', '.join(kinds)})",
                    "conditions cannot be evaluated; the default branch is taken",
                )
            default = [br for br in st.conditional_transition if br.condition is None]
            if split or not default:
                n = len(st.conditional_transition)
                out = [(br.transition, 1.0 / n) for br in st.conditional_transition]
            else:
                out = [(default[0].transition, 1.0)]
        elif st.complex_transition:
            cconds = [cb for cb in st.complex_transition if cb.condition is not None]
            if cconds:
                kinds = sorted(
                    {str(cb.condition.get("condition_type")) for cb in cconds if cb.condition}
                )
                self.warn(
                    name,
                    f"conditions on transitions ({', '.join(kinds)})",
                    "conditions cannot be evaluated; the default branch's probabilities are used",
                )
            cdefault = [cb for cb in st.complex_transition if cb.condition is None]
            chosen = st.complex_transition if (split or not cdefault) else cdefault[:1]
            for cb in chosen:
                weight = 1.0 / len(chosen)
                if cb.distributions:
                    for dist in cb.distributions:
                        p = dist.distribution
                        if isinstance(p, _AttributeDistribution):
                            self.warn(
                                name,
                                f"attribute-driven probability '{p.attribute}'",
                                f"the attribute is not modelled; its default {p.default:g} is used",
                            )
                            p = p.default
                        out.append((dist.transition, weight * float(p)))
                elif cb.transition:
                    out.append((cb.transition, weight))
        elif st.lookup_table_transition:
            tables = sorted({br.lookup_table_name or "?" for br in st.lookup_table_transition})
            self.warn(
                name,
                f"lookup table {', '.join(tables)}",
                "lookup tables are not read; the default probabilities are used",
            )
            out = [(br.transition, br.default_probability) for br in st.lookup_table_transition]
        elif st.type_of_care_transition:
            self.warn(
                name,
                "type-of-care branches",
                "care settings are not modelled; the ambulatory branch is taken",
            )
            care = st.type_of_care_transition
            target = care.get("ambulatory") or next(iter(care.values()))
            out = [(target, 1.0)]
        clean: list[tuple[str, float]] = []
        for target, p in out:
            if target not in self.m.states:
                self.warn(name, f"transition to unknown state '{target}'", "no such state")
                continue
            if p > 0:
                clean.append((target, p))
        total = math.fsum(p for _, p in clean)
        if clean and abs(total - 1.0) > 1e-6:
            self.warn(
                name,
                f"probabilities summing to {total:g}",
                "rescaled to sum to 1",
            )
            clean = [(t, p / total) for t, p in clean]
        return clean

    def _absorption(
        self, stop: Callable[[str], bool], split: bool
    ) -> tuple[dict[str, int], list[str], np.ndarray, np.ndarray]:
        """For every transient state: where its mass ends (stop states, ``@death``, ``@end``)
        and how often each transient state is visited on the way; solved exactly."""
        names = list(self.m.states)
        transient = [n for n in names if not stop(n) and self.m.states[n].type != "Death"]
        ends = [n for n in names if n not in set(transient)] + ["@death", "@end"]
        ti = {n: i for i, n in enumerate(transient)}
        ei = {n: i for i, n in enumerate(ends)}
        Q = np.zeros((len(transient), len(transient)))
        B = np.zeros((len(transient), len(ends)))
        for n in transient:
            i = ti[n]
            nxt = self.successors(n, split)
            if not nxt:
                B[i, ei["@end"]] = 1.0
            for target, p in nxt:
                if target in ti:
                    Q[i, ti[target]] += p
                elif self.m.states[target].type == "Death" and not stop(target):
                    B[i, ei["@death"]] += p
                else:
                    B[i, ei[target]] += p
        # mass circling for ever among instantaneous states leaks to @end
        leak = 1e-9
        B[:, ei["@end"]] += leak * Q.sum(axis=1)
        Q *= 1.0 - leak
        N = np.linalg.solve(np.eye(len(transient)) - Q, np.eye(len(transient)))
        return ti, ends, N @ B, N

    def flow(
        self,
        start: list[tuple[str, float]],
        stop: Callable[[str], bool],
        split: bool = False,
        seen: dict[str, float] | None = None,
    ) -> dict[str, float]:
        """Where probability mass from ``start`` ends: each stop state, ``@death`` (a Death
        state) and ``@end`` (Terminal, no transition, or a loop of instantaneous states).
        ``seen`` receives the expected visits of the states passed on the way."""
        key = (stop, split)
        if key not in self._cache:
            self._cache[key] = self._absorption(stop, split)
        ti, ends, A, N = self._cache[key]
        out: dict[str, float] = defaultdict(float)
        vec = np.zeros(len(ti))
        for name, p in start:
            if name in ti:
                vec[ti[name]] += p
            elif stop(name):
                out[name] += p
            else:
                out["@death"] += p
        if vec.any():
            for j, mass in enumerate(vec @ A):
                if mass > 1e-12:
                    out[ends[j]] += float(mass)
            if seen is not None:
                names = list(ti)
                for j, mass in enumerate(vec @ N):
                    if mass > 1e-12:
                        seen[names[j]] = seen.get(names[j], 0.0) + float(mass)
        return dict(out)

    def reachable(self, start: Iterable[str]) -> set[str]:
        """Every state reachable from ``start`` along any branch."""
        found: set[str] = set()
        todo = list(start)
        while todo:
            name = todo.pop()
            if name in found:
                continue
            found.add(name)
            for target, _ in self.successors(name, split=True):
                todo.append(target)
        return found

    # ---- delays ----------------------------------------------------------------------------

    def delay_months(self, name: str) -> float:
        """A Delay state's mean length in months (0, with a warning, if it has none)."""
        st = self.m.states[name]
        qty: float | None = None
        unit = st.unit
        if st.exact is not None:
            qty, unit = st.exact.quantity, st.exact.unit or unit
        elif st.range is not None:
            low, high = st.range.low, st.range.high
            if isinstance(low, int | float) and isinstance(high, int | float):
                qty = (low + high) / 2
            unit = st.range.unit or unit
        elif st.distribution is not None:
            params = {
                k: v for k, v in st.distribution.parameters.items() if isinstance(v, int | float)
            }
            kind = st.distribution.kind.upper()
            if "value" in params:
                qty = params["value"]
            elif "mean" in params:
                qty = params["mean"]
            elif "low" in params and "high" in params:
                qty = (params["low"] + params["high"]) / 2
            elif {"min", "mode", "max"} <= params.keys():
                qty = (params["min"] + params["mode"] + params["max"]) / 3
            if qty is not None and kind not in ("EXACT", "UNIFORM"):
                self.warn(name, f"{kind.lower()} delay distribution", "only its mean is kept")
        if isinstance(qty, bool) or not isinstance(qty, int | float) or not math.isfinite(qty):
            self.warn(name, "delay without a numeric duration", "treated as no time")
            return 0.0
        months = to_months(qty, unit)
        if months is None:
            self.warn(name, f"delay unit '{unit}'", "unknown time unit; treated as no time")
            return 0.0
        return max(0.0, months)

    def has_conditions(self, seen: Iterable[str]) -> bool:
        """Whether any of the ``seen`` states branches on a condition."""
        return any(
            self.m.states[s].conditional_transition
            or any(br.condition is not None for br in self.m.states[s].complex_transition or [])
            for s in seen
        )
