"""Real-looking identifiers in free text: the HIPAA Safe Harbor kinds that can be written out.

One pattern set serves both the grounding check, which rejects a generated sentence holding
one, and the run report's privacy scan, which counts them per kind. It imports nothing else
from dualalign.

Covered: dates in the common written forms (and a month, day or four-digit year in a date
context), phone and fax numbers, email, web and IP addresses, social security, medical
record, health plan, account, licence, vehicle, device and other long id numbers, street
addresses and ZIP codes, and names after a title. Not covered: names without a title, cities
and other place names (they need a gazetteer), and ages over 89 (the notes state ages, and the
grounding check compares them with the persona).

Clinical language must pass: ages, scores (``MoCA 22/30``), doses, vitals (``BP 130/80``),
durations, clock times and counts. So a bare number is flagged only in a date context
(``in 2019``) or after a label (``MRN``, ``acct #``), and never when a unit follows it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["KINDS", "Finding", "count_kinds", "find_identifiers", "identifier_kinds"]


@dataclass(frozen=True)
class Finding:
    """One identifier: its kind, the identifying text and where it is."""

    kind: str
    text: str
    start: int
    end: int


_I = re.IGNORECASE
# a number followed by one of these is a quantity, not a date, phone or id
_UNIT = (
    r"(?!\s*(?:/|%|mg\b|mcg\b|µg|g\b|kg\b|lbs?\b|pounds?\b|ml\b|cc\b|l\b|units?\b|iu\b|"
    r"mmhg|bpm\b|min\b|minutes?\b|hours?\b|hrs?\b|days?\b|weeks?\b|wks?\b|months?\b|mos?\b|"
    r"years?\b|yrs?\b|steps?\b|kcal\b|cal\b|calories\b|feet\b|ft\b|foot\b|inch(?:es)?\b|"
    r"cm\b|mm\b|meters?\b|metres?\b|miles?\b|km\b|tabs?\b|tablets?\b|pills?\b|caps?\b|"
    r"capsules?\b|puffs?\b|drops?\b|times\b|x\b|points?\b|words?\b|items?\b|trials?\b|"
    r"beats\b|breaths\b|mmol|ng\b|pg\b|cells?\b|visits?\b|patients?\b|people\b))"
)
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b\.?"
)
# without a year next to it, a month must be capitalised: "3 may" and "march" are words
_MONTH_CAP = (
    r"(?-i:(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?|JAN|FEB|MAR|APR|MAY|JUNE?|"
    r"JULY?|AUG|SEPT?|OCT|NOV|DEC)\b\.?)"
)
_DAY = r"(?:0?[1-9]|[12]\d|3[01])"
_DAY_TH = _DAY + r"(?:st|nd|rd|th)?\b"
_MON_NUM = r"(?:0?[1-9]|1[0-2])"
_YEAR = r"(?:19|20)\d{2}"
_YEAR_ANY = rf"(?:{_YEAR}|'\d{{2}}|\d{{2}})"
_NUMBER_MARK = r"(?:\s*(?:number|num|no\.?|#|id)\b|\s*#)"
# an id value: letters, digits and dashes with at least one digit
_VALUE = r"[\s:#.]*(?P<v>(?=[a-z0-9-]*\d)[a-z0-9][a-z0-9-]{2,}\b)"
_VALUE_W = _VALUE.replace("?P<v>", "?P<w>")
_PHONE_CORE = (
    r"(?:\+?1[\s.-]?)?(?:\(\d{3}\)\s?|\d{3}[\s.-])\d{3}[\s.-]\d{4}"
    r"|\+\d{1,3}[\s.-]?(?:\(?\d{1,4}\)?[\s.-]?){2,4}\d{3,4}"
)
_EXT = r"(?:\s*(?:ext\.?|extension|x)\s*\d{1,6})?"
_STATES = (
    r"(?:A[KLRZ]|C[AOT]|D[CE]|FL|GA|HI|I[ADLN]|K[SY]|LA|M[ADEINOST]|N[CDEHJMVY]|O[HKR]|PA|"
    r"RI|S[CD]|T[NX]|UT|V[AT]|W[AIVY]|PR|GU|VI)"
)
_STREET_TYPE = (
    r"(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Drive|Dr|Lane|Ln|Way|Court|Ct|Place|Pl|"
    r"Terrace|Ter|Circle|Cir|Parkway|Pkwy|Highway|Hwy|Square|Sq|Trail|Trl|Alley|Pike|"
    r"Crescent|Close|Row|Loop|Plaza)"
)
_UNIT_NO = (
    r"(?:,?\s+(?:Apt|Apartment|Unit|Suite|Ste|Rm|Room|Fl|Floor|Bldg|#)\.?\s*#?\s*[A-Za-z0-9-]+)?"
)
_YEAR_CUE = (
    r"(?:in|since|from|during|until|till|through|thru|between|before|after|by|circa|ca\.|"
    r"c\.|early|mid|late|as\s+of|back\s+in|born|dob|diagnosed|dx|retired|widowed|married|"
    r"divorced|moved|admitted|hospitalized|hospitalised|discharged|onset|"
    r"(?:spring|summer|fall|autumn|winter|year|end|start|beginning|middle)(?:\s+of)?)"
)

#: (kind, pattern) in order of preference when two findings cover the same text; a kind may
#: take several patterns, so that a match with a leading cue does not hide one inside it.
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "date",
        re.compile(
            "|".join(
                (
                    # 2023-03-14, 2023/3/14, 20230314
                    rf"\b{_YEAR}([-/.]){_MON_NUM}\1{_DAY}(?!\d)",
                    rf"\b{_YEAR}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\b",
                    # 03/14/2023, 3/14/23, 14-03-2023, 14.03.2023
                    rf"\b{_DAY}([/-]){_DAY}\2(?:{_YEAR}|\d{{2}})\b{_UNIT}",
                    rf"\b{_DAY}\.{_DAY}\.{_YEAR}\b",
                    # 14-Mar-2023, 14 March 2023, 14th of March, 2023
                    rf"\b{_DAY_TH}(?:\s+of)?[\s-]+{_MONTH}[\s,-]+{_YEAR_ANY}\b",
                    # March 14, 2023; Mar. 14th 2023
                    rf"\b{_MONTH}\s+{_DAY_TH},?\s+{_YEAR_ANY}\b",
                    # Mar 2023, March of 2023, Mar-2023, Mar '23
                    rf"\b{_MONTH}[\s,-]+(?:of\s+)?(?:{_YEAR}|'\d{{2}})\b{_UNIT}",
                    # March 14, 14 March, 14th of May (no year)
                    rf"\b{_MONTH_CAP}\s+{_DAY_TH}{_UNIT}",
                    rf"\b{_DAY_TH}(?:\s+of)?\s+{_MONTH_CAP}",
                    # 3/2019, 03/2019
                    rf"\b{_MON_NUM}/{_YEAR}\b",
                )
            ),
            _I,
        ),
    ),
    (
        "date",  # in March, since May, mid-April, last December
        re.compile(
            r"\b(?:in|since|on|by|until|till|during|through|early|mid|late|last|this|next|of)"
            rf"[\s-]+(?P<v>{_MONTH_CAP})",
            _I,
        ),
    ),
    (
        "date",  # on 3/14, since 12/2 (not "on 1/2 tab")
        re.compile(
            r"\b(?:on|since|dated|as\s+of|until|till|through|seen|admitted|discharged|"
            rf"visit(?:ed)?)\s+(?P<v>{_MON_NUM}/{_DAY})\b(?!/){_UNIT}"
            r"(?!\s*(?:of|doses?|strength|recall)\b)",
            _I,
        ),
    ),
    (
        "year",
        re.compile(
            rf"\b{_YEAR_CUE}[\s-]+(?:the\s+year\s+)?(?P<v>{_YEAR})\b(?!'?s\b){_UNIT}"
            rf"|\b(?P<w>{_YEAR}\s*[-–]\s*(?:{_YEAR}|\d{{2}}))\b{_UNIT}"
            rf"|\((?P<x>{_YEAR})\)",
            _I,
        ),
    ),
    (
        "fax number",
        re.compile(rf"\bfax{_NUMBER_MARK}?[\s:#.]*(?P<v>(?:{_PHONE_CORE}){_EXT})\b", _I),
    ),
    ("email address", re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")),
    (
        "web address",
        re.compile(
            r"\b(?:https?://|ftp://|www\.)[^\s<>\"'),]+[^\s<>\"').,;:]"
            r"|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|org|net|edu|gov|mil|info|biz|io|us|uk|"
            r"ca)\b(?:/[^\s]*[^\s.,;:])?",
            _I,
        ),
    ),
    (
        "IP address",
        re.compile(
            r"\b(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)\b"
            r"|\b[0-9a-f]{1,4}(?::[0-9a-f]{1,4}){7}\b"
            r"|\b(?:[0-9a-f]{1,4}:){1,6}:[0-9a-f]{1,4}(?::[0-9a-f]{1,4})*\b",
            _I,
        ),
    ),
    (
        "social security number",
        re.compile(
            r"\b(?:ssn|ss\s?#|ss\s?no\.?|soc(?:ial)?\.?\s+sec(?:urity)?\.?"
            rf"{_NUMBER_MARK}?)[\s:#.]*(?:ending\s+in\s+|last\s+(?:4|four)\s+)?"
            r"(?P<v>\d(?:[\s.-]?\d){3,8})\b"
            r"|\b\d{3}-\d{2}-\d{4}\b|\b\d{3} \d{2} \d{4}\b",
            _I,
        ),
    ),
    (
        "medical record number",
        re.compile(
            r"\b(?:mrn|mr\s?#|mr\s?no\.?|med(?:ical)?\.?\s+rec(?:ord)?\.?"
            rf"{_NUMBER_MARK}?|(?:record|chart|hospital|patient|pt\.?|encounter|visit|case|"
            rf"accession){_NUMBER_MARK})" + _VALUE,
            _I,
        ),
    ),
    (
        "health plan number",
        re.compile(
            rf"\b(?:(?:medicare|medicaid|mbi|hicn|subscriber|beneficiary){_NUMBER_MARK}?|"
            rf"(?:member|policy|group|plan|insurance|claim){_NUMBER_MARK})" + _VALUE,
            _I,
        ),
    ),
    (
        "account number",
        re.compile(
            rf"\b(?:(?:account|acct\.?|a/c){_NUMBER_MARK}?|"
            rf"(?:billing|invoice|card|bank){_NUMBER_MARK})"
            + _VALUE
            + r"|\b\d{4}(?:[\s-]\d{4}){3}\b",
            _I,
        ),
    ),
    (
        "licence number",
        re.compile(
            rf"\b(?:licen[cs]e|lic\.|(?-i:DL)|certificate|cert\.?|dea|npi|passport|badge)"
            rf"{_NUMBER_MARK}?" + _VALUE + rf"|\b(?:state|employee){_NUMBER_MARK}" + _VALUE_W,
            _I,
        ),
    ),
    (
        "vehicle identifier",
        re.compile(
            rf"\b(?:licen[cs]e\s+plate|plate|tag|vin|vehicle){_NUMBER_MARK}?" + _VALUE,
            _I,
        ),
    ),
    (
        "device identifier",
        re.compile(
            rf"\b(?:s/n|(?-i:SN)|udi|imei|device{_NUMBER_MARK}?|(?:serial|lot){_NUMBER_MARK}|"
            r"serial\s*:)" + _VALUE,
            _I,
        ),
    ),
    (
        "phone number",
        re.compile(
            rf"(?<![\w/.-])(?:{_PHONE_CORE}){_EXT}\b"
            r"|\b(?:phone|ph|tel|telephone|cell|mobile|pager|beeper|call(?:ed)?(?:\s+back)?|callback|"
            r"contact|reach(?:ed)?(?:\s+\w+)?\s+at)[\s:#.]*(?:at\s+)?"
            rf"(?P<v>(?:\(?\d{{3}}\)?[\s.-]?)?\d{{3}}[\s.-]?\d{{4}}{_EXT})\b",
            _I,
        ),
    ),
    (
        "street address",
        re.compile(
            r"\b\d{1,6}[A-Z]?\s+(?:[NSEW]\.?\s+|(?:North|South|East|West)\s+)?"
            rf"(?:(?:[A-Z][a-z]+|\d+(?:st|nd|rd|th))\s+){{1,3}}{_STREET_TYPE}\b\.?{_UNIT_NO}"
            rf"|\b(?:[Oo]n|[Aa]t|[Oo]ff|[Nn]ear)\s+(?P<v>(?:[A-Z][a-z]+\s+){{1,2}}"
            r"(?:Street|Avenue|Road|Boulevard|Lane|Drive|Court|Terrace|Parkway|Highway))\b"
            r"|\b(?:Route|Rte|Highway|Hwy|County\s+Road)\s+\d{1,4}\b"
            r"|\b[Pp]\.?\s?[Oo]\.?\s+[Bb]ox\s+\d+"
        ),
    ),
    (
        "ZIP code",
        re.compile(
            rf"\b(?-i:{_STATES})\s+(?P<v>\d{{5}}(?:-\d{{4}})?)\b"
            r"|\b(?:zip|zip\s*code|zipcode|postal\s+code)[\s:#.]*(?P<w>\d{5}(?:-\d{4})?)\b"
            r"|\b\d{5}-\d{4}\b",
            _I,
        ),
    ),
    (
        "id number",
        re.compile(
            r"\b(?:id|identifier|ref)(?:\s*(?:number|no\.?|#)|\s*[:#])" + _VALUE + r"|\b\d{7,}\b",
            _I,
        ),
    ),
    ("name with title", re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Dr|Prof)\.? [A-Z][a-z]+")),
)

#: Every kind, in report order.
KINDS: tuple[str, ...] = tuple(dict.fromkeys(kind for kind, _ in _PATTERNS))
_RANK = {kind: i for i, kind in enumerate(KINDS)}


def _span(match: re.Match[str]) -> tuple[int, int]:
    """The identifying part of a match: a named value group when one matched, else all."""
    for name in ("v", "w", "x"):
        if name in match.re.groupindex and match.group(name) is not None:
            return match.span(name)
    return match.span()


def _candidates(text: str) -> list[Finding]:
    out = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            start, end = _span(match)
            out.append(Finding(kind, text[start:end], start, end))
    return out


def find_identifiers(text: str) -> list[Finding]:
    """The identifiers in ``text``, left to right; where two overlap, the one starting first
    (then the longer, then the kind listed first) is kept."""
    kept: list[Finding] = []
    for f in sorted(_candidates(text), key=lambda f: (f.start, f.start - f.end, _RANK[f.kind])):
        if all(f.start >= k.end or f.end <= k.start for k in kept):
            kept.append(f)
    return kept


def identifier_kinds(text: str) -> set[str]:
    """The kinds of identifier found in ``text``."""
    return {f.kind for f in find_identifiers(text)}


def count_kinds(texts: Iterable[str]) -> dict[str, int]:
    """How many texts hold each kind of identifier (every kind listed, zeros included)."""
    counts = dict.fromkeys(KINDS, 0)
    for text in texts:
        for kind in identifier_kinds(text):
            counts[kind] += 1
    return counts
