"""The identifier filter: every written HIPAA Safe Harbor form it must catch, and ordinary
clinical sentences it must let through. ``bench/identifier_recall.py`` scores both lists."""

from __future__ import annotations

import pytest

from dualalign.identifiers import KINDS, count_kinds, find_identifiers, identifier_kinds

#: (sentence, kind that must be found in it); one identifier form a line
CAUGHT: list[tuple[str, str]] = [
    ("Seen in clinic on 2023-03-14 with her son.", "date"),
    ("Imaging 2023/3/14 unremarkable.", "date"),
    ("Last visit 03/14/2023, MoCA stable.", "date"),
    ("Started donepezil 3/14/23.", "date"),
    ("Fell at home 14-03-2023.", "date"),
    ("Admitted 14.03.2023 for delirium.", "date"),
    ("CT head 14-Mar-2023 showed atrophy.", "date"),
    ("Seen 14-mar-23 by neurology.", "date"),
    ("Daughter called on March 14, 2023 about wandering.", "date"),
    ("Discharged Mar. 14th 2023 to home.", "date"),
    ("Neuropsych testing done 14 March 2023.", "date"),
    ("Symptoms began the 2nd of May, 2021.", "date"),
    ("Memory complaints since Mar 2023.", "date"),
    ("Moved in with son in June of 2022.", "date"),
    ("Last driven Oct '21 per wife.", "date"),
    ("Follow-up booked for May 5.", "date"),
    ("Wife noted getting lost since mid-April.", "date"),
    ("Labs drawn on 3/14, B12 normal.", "date"),
    ("Retired in 03/2019 after 30 years teaching.", "date"),
    ("Hip fracture in 2019, now walks with a cane.", "year"),
    ("Widowed since 2015, lives alone.", "year"),
    ("Diagnosed with diabetes circa 1998.", "year"),
    ("Worked as a machinist from 1975-1990.", "year"),
    ("Prior stroke (2017) with no residual deficit.", "year"),
    ("Daughter can be reached at (555) 123-4567.", "phone number"),
    ("Call 555-123-4567 ext. 204 with results.", "phone number"),
    ("Son's cell 555.987.6543.", "phone number"),
    ("Caregiver line +1 617 555 0199 after 5 pm.", "phone number"),
    ("UK number +44 20 7946 0958 for the nephew.", "phone number"),
    ("Call back at 555-0142 before noon.", "phone number"),
    ("Records faxed to fax: 555-222-3333.", "fax number"),
    ("Send the form to jdoe@example.org today.", "email address"),
    ("Portal message from mary.k+care@mail.co.uk read.", "email address"),
    ("Caregiver resources at https://caregivers.example.net/help.", "web address"),
    ("Family blog www.smithfamily.org has photos.", "web address"),
    ("Login from 192.168.14.201 flagged.", "IP address"),
    ("SSN 123-45-6789 on file.", "social security number"),
    ("SS# 123 45 6789 verified by clerk.", "social security number"),
    ("SSN: 123456789 confirmed.", "social security number"),
    ("Social security no. 987-65-4321.", "social security number"),
    ("MRN 12345678, seen for memory.", "medical record number"),
    ("MR# 0045-221 pulled for review.", "medical record number"),
    ("Medical record number: A1234567.", "medical record number"),
    ("Patient ID 448-2193 entered.", "medical record number"),
    ("Medicare 1EG4-TE5-MK73 active.", "health plan number"),
    ("Member ID XJH442199 with the plan.", "health plan number"),
    ("Policy #88231-B covers home care.", "health plan number"),
    ("Billing to acct # 00293847.", "account number"),
    ("Account number 44-5521-90 past due.", "account number"),
    ("Driver's license D1234567 surrendered.", "licence number"),
    ("License no. MA-55432 noted.", "licence number"),
    ("License plate 7XYZ123 seen in the lot.", "vehicle identifier"),
    ("Pacemaker serial number PX4410923.", "device identifier"),
    ("Hearing aid S/N 22-7781-A replaced.", "device identifier"),
    ("Lives at 123 Main St with her husband.", "street address"),
    ("Moved to 45 Elm Avenue Apt 4 last spring.", "street address"),
    ("Home at 9 N. Oak Rd.", "street address"),
    ("Wanders to the store on Maple Street.", "street address"),
    ("Mail to P.O. Box 442.", "street address"),
    ("Lives in Springfield, IL 62704.", "ZIP code"),
    ("Zip code 02139 on file.", "ZIP code"),
    ("Lives in 02139-4307 area.", "ZIP code"),
    ("Reference id: 7731-AB-02 for the claim.", "id number"),
    ("Chart shows 4481923 as the old number.", "id number"),
    ("Seen with Mrs. Alvarez, the neighbor.", "name with title"),
]

#: clinical sentences in note style that hold no identifier
CLEAN: list[str] = [
    "78-year-old woman with 2 years of worsening short-term memory.",
    "Pt is an 81 y/o retired carpenter, here with his daughter.",
    "Age 84, lives with wife, independent in ADLs.",
    "MoCA 22/30, lost points on delayed recall and clock.",
    "MMSE 24 of 30 today, 26 of 30 last year.",
    "Scored 18 on the SLUMS, down from 21.",
    "Serial 7s intact, serial 100-7 done slowly.",
    "Recalled 2/3 words at 5 minutes.",
    "Motor strength 5/5 throughout, reflexes 2+.",
    "Donepezil 10 mg daily, tolerating well.",
    "Increase memantine to 5 mg twice daily.",
    "Takes 1/2 tab of trazodone at bedtime.",
    "On 1/2 tab of lorazepam as needed.",
    "BP 130/80, HR 72, afebrile.",
    "Weight 142 lb, lost 12 pounds over the past year.",
    "Gave up driving 3 months ago after a minor accident.",
    "Forgetting names for about 2 years per son.",
    "Naps at 3 pm and wanders after 9 pm.",
    "Symptoms began two years before diagnosis.",
    "Fell twice in the last 6 months, no injury.",
    "Walks 2000 steps a day with a walker.",
    "Fluid intake around 1500 mL per day.",
    "Daughter visits 3 times a week and manages pills.",
    "Pain 4/10 in the left knee, worse at night.",
    "A1c 7.2, TSH 2.1, B12 350.",
    "Na 138, K 4.1, creatinine 1.1.",
    "Sleeps 5 to 6 hours, wakes at 4 am confused.",
    "Ambulated 150 feet in the hallway with supervision.",
    "Needs help with 3 of 6 IADLs.",
    "Lives 2 blocks from her sister, who checks daily.",
    "Walks down the street to the mailbox alone.",
    "Patient no longer pays the bills; son took over.",
    "Plan: recheck in 6 weeks, sooner if worse.",
    "Follow up in 3 months with repeat MoCA.",
    "Attends a memory support group 2x/week.",
    "Hearing aids in both ears, new batteries last week.",
    "Wife says he may 2-3 times a night get up to check the locks.",
    "Completed 4 of 5 trials on the trail-making task.",
    "Quit smoking 20 years ago, 30 pack-years.",
    "She has had 3 falls this year and 1 ED visit.",
    "GDS 6/15, mildly depressed mood.",
    "Neuro exam: CN II-XII intact, gait slow and wide-based.",
    "Given 2 L NS in the ED for dehydration.",
    "Dr visit last month for the cough.",
    "Mr and Mrs both attended the visit with the aide.",
]


@pytest.mark.parametrize(("text", "kind"), CAUGHT, ids=[t for t, _ in CAUGHT])
def test_caught(text: str, kind: str) -> None:
    assert kind in identifier_kinds(text), find_identifiers(text)


@pytest.mark.parametrize("text", CLEAN)
def test_clinical_language_passes(text: str) -> None:
    assert find_identifiers(text) == []


def test_lists_are_big_enough_and_cover_every_kind() -> None:
    assert len(CAUGHT) >= 40 and len(CLEAN) >= 40
    assert {kind for _, kind in CAUGHT} == set(KINDS)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Fax: 555-222-3333.", [("fax number", "555-222-3333")]),
        ("SSN: 123456789.", [("social security number", "123456789")]),
        ("MRN 12345678.", [("medical record number", "12345678")]),
        ("jdoe@example.org", [("email address", "jdoe@example.org")]),
        ("in May 2019", [("date", "May 2019")]),
        ("in 2019-03-14", [("date", "2019-03-14")]),
        ("45 Oak Dr Springfield", [("street address", "45 Oak Dr")]),
        (
            "Seen 3/14/23, call 555-123-4567.",
            [("date", "3/14/23"), ("phone number", "555-123-4567")],
        ),
    ],
)
def test_one_finding_per_identifier_with_its_text(text: str, found: list[tuple[str, str]]) -> None:
    assert [(f.kind, f.text) for f in find_identifiers(text)] == found


def test_count_kinds_counts_sentences_per_kind() -> None:
    counts = count_kinds(["Seen 2023-03-14 and 2023-04-01.", "MRN 12345678.", "BP 120/80."])
    assert list(counts) == list(KINDS)
    assert counts["date"] == 1 and counts["medical record number"] == 1
    assert sum(counts.values()) == 2
