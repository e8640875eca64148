"""The identifier filter on the lists in tests/test_identifiers.py and on a held-out list,
next to the old pattern sets.

Recall: the share of identifier sentences in which the expected kind is found (for the old
sets, in which any pattern matches, since their kinds differ). False-positive rate: the share
of clinical sentences with any match. Usage: python bench/identifier_recall.py [--misses]
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dualalign.identifiers import identifier_kinds
from tests.test_identifiers import CAUGHT, CLEAN

#: Held out: written after the patterns were settled and never used to tune them, so their
#: recall and false-positive rate are not inflated by fitting (the test lists are).
HELD_OUT_CAUGHT: list[tuple[str, str]] = [
    ("Neurology consult dated 2022-11-02.", "date"),
    ("Last colonoscopy 11/2/2019, normal.", "date"),
    ("Flu shot given 2 Nov 2022.", "date"),
    ("Seen by cardiology on November 2nd, 2022.", "date"),
    ("Labs from 02-Nov-22 reviewed.", "date"),
    ("Moved to assisted living in Sept. 2021.", "date"),
    ("Husband passed away in 2020.", "year"),
    ("Stopped working after 2016 due to memory.", "year"),
    ("Reach her son at 555 867 5309.", "phone number"),
    ("Home phone (617)555-0123 x12.", "phone number"),
    ("Tel: 555-4411.", "phone number"),
    ("Fax (555) 234-9876 for records.", "fax number"),
    ("Questions to nurse.line@clinic-example.com.", "email address"),
    ("Printed handout from http://memory.example.edu/tips.", "web address"),
    ("Device checked in from 10.0.0.15.", "IP address"),
    ("Social Security Number 078-05-1120 copied.", "social security number"),
    ("SSN ending in 4321 confirmed.", "social security number"),
    ("MRN: 00982211 updated.", "medical record number"),
    ("Medicaid #QW12345678 verified.", "health plan number"),
    ("Group number 77120-A on the card.", "health plan number"),
    ("Acct 5520019 sent to collections.", "account number"),
    ("DEA no. AB1234563 on the script.", "licence number"),
    ("VIN 1HGCM82633A004352 of the car he still drives.", "vehicle identifier"),
    ("Device ID 4471-BX-22 for the hearing aid.", "device identifier"),
    ("Lives alone at 1402 Cedar Lane.", "street address"),
    ("Daughter at 77 West Park Blvd, Suite 210.", "street address"),
    ("Resides in Boston, MA 02115.", "ZIP code"),
    ("Seen by Dr. Okafor last week.", "name with title"),
]
HELD_OUT_CLEAN: list[str] = [
    "83-year-old man, accompanied by wife of 55 years.",
    "MoCA 17/30 today, down 4 points from last visit.",
    "Clock drawing 2/4, trails B not completed.",
    "Rivastigmine patch 9.5 mg/24 h, skin clear.",
    "Vitals: BP 142/86, P 64, RR 16, SpO2 97%.",
    "Lost 8 lb since the summer, poor appetite.",
    "Has been repeating questions for about 18 months.",
    "Wakes at 2 am and tries to leave the house.",
    "Twelve months ago she was still driving to church.",
    "Needs cues for 4 of 5 steps of dressing.",
    "Sertraline 50 mg started 6 weeks ago.",
    "Uses a pill organizer filled by her son every Sunday.",
    "Walks 20 minutes a day in the hallway.",
    "CDR 1, FAST stage 4.",
    "Grip strength 18 kg on the right.",
    "BMI 21.4, albumin 3.6.",
    "Hearing screen failed at 4000 Hz bilaterally.",
    "Advised no driving; son to hold the keys.",
    "Seen twice this year for falls.",
    "Declined the PT referral for now.",
]

# --- BASELINE: the old pattern sets, copied verbatim from before dualalign/identifiers.py ---
#: dualalign/generation/grounding.py ``_IDENTIFIERS`` (the generation check)
OLD_GROUNDING = {
    "date": re.compile(
        r"\b\d{1,2}[/-]\d{1,2}[/-]\d{2,4}\b|\b(?:jan|feb|mar|apr|may|jun|jul|aug|"
        r"sep|sept|oct|nov|dec)[a-z]*\.? \d{1,2},? \d{4}\b",
        re.IGNORECASE,
    ),
    "record number": re.compile(
        r"\b(?:mrn|ssn|record)\s*(?:#|no\.?|number)?:?\s*\d{3,}|"
        r"\b\d{3}-\d{2}-\d{4}\b|\b\d{7,}\b",
        re.IGNORECASE,
    ),
    "phone number": re.compile(r"\(?\b\d{3}\)?[ .-]\d{3}[ .-]\d{4}\b"),
    "name": re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Dr)\.? [A-Z][a-z]+"),
}
#: dualalign/evaluation/intrinsic.py ``PHI_PATTERNS`` (the run report's scan)
OLD_REPORT = {
    "date": re.compile(
        r"\b\d{1,2}[/-]\d{1,2}[/-]\d{2,4}\b|\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}-(?:jan|feb|mar|apr|"
        r"may|jun|jul|aug|sep|oct|nov|dec)[a-z]*-\d{2,4}\b|\b(?:jan|feb|mar|apr|may|jun|jul|"
        r"aug|sep|sept|oct|nov|dec)[a-z]*\.? \d{1,2}(?:st|nd|rd|th)?,? \d{4}\b",
        re.IGNORECASE,
    ),
    "phone": re.compile(r"\(?\b\d{3}\)?[ .-]\d{3}[ .-]\d{4}\b"),
    "record number": re.compile(
        r"\b(?:mrn|ssn|ss#|record|acct|account|medical record)\s*(?:#|no\.?|number)?:?\s*"
        r"\d[\d -]{3,}|\b\d{3}-\d{2}-\d{4}\b|\b\d{7,}\b",
        re.IGNORECASE,
    ),
    "email": re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.-]+\b"),
    "name with title": re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Dr|Prof)\.? [A-Z][a-z]+"),
}
# --- end of baseline ---

#: whether a filter finds an identifier of the kind (None: of any kind) in a text
Caught = Callable[[str, str | None], bool]


def _old(patterns: dict[str, re.Pattern[str]]) -> Caught:
    return lambda text, _kind: any(p.search(text) for p in patterns.values())


def _new(text: str, kind: str | None) -> bool:
    kinds = identifier_kinds(text)
    return bool(kinds) if kind is None else kind in kinds


def _score(
    caught: Caught, positives: list[tuple[str, str]], negatives: list[str]
) -> tuple[float, float, list[str], list[str]]:
    misses = [t for t, kind in positives if not caught(t, kind)]
    flagged = [t for t in negatives if caught(t, None)]
    return 1 - len(misses) / len(positives), len(flagged) / len(negatives), misses, flagged


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--misses", action="store_true", help="list misses and false positives")
    args = parser.parse_args()
    filters: dict[str, Caught] = {
        "old grounding (_IDENTIFIERS)": _old(OLD_GROUNDING),
        "old report (PHI_PATTERNS)": _old(OLD_REPORT),
        "new (dualalign.identifiers)": _new,
    }
    sets = {
        "test lists (tuned on)": (CAUGHT, CLEAN),
        "held out": (HELD_OUT_CAUGHT, HELD_OUT_CLEAN),
    }
    for set_name, (positives, negatives) in sets.items():
        print(f"\n{set_name}: {len(positives)} identifier, {len(negatives)} clinical sentences")
        print(f"{'filter':32} {'recall':>8} {'FP rate':>8}")
        for name, caught in filters.items():
            recall, fp, misses, flagged = _score(caught, positives, negatives)
            print(f"{name:32} {recall:8.3f} {fp:8.3f}")
            if args.misses:
                for text in misses:
                    print(f"    missed: {text}")
                for text in flagged:
                    print(f"    flagged: {text}")


if __name__ == "__main__":
    main()
