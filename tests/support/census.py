"""Small hand-written DfE CIN census XML files for the census reader's tests.

``message(children, ...)`` wraps ``<Child>`` texts in a census ``Message`` with its header;
``line_of(text, needle, nth)`` is the 1-based line of a fragment, so a test states which
element a quarantine line must point at without trusting the reader to say it.
"""

from __future__ import annotations

import os
import time
from pathlib import Path


def message(children: str, *, year: str = "2024", reference_date: str | None = "2024-03-31",
            lea: str = "201") -> str:
    ref = f"<ReferenceDate>{reference_date}</ReferenceDate>" if reference_date else ""
    return f"""<?xml version="1.0" encoding="utf-8"?>
<Message>
  <Header>
    <CollectionDetails>
      <Collection>CIN</Collection>
      <Year>{year}</Year>
      {ref}
    </CollectionDetails>
    <Source>
      <SourceLevel>L</SourceLevel>
      <LEA>{lea}</LEA>
      <SoftwareCode>Local Authority</SoftwareCode>
    </Source>
  </Header>
  <Children>
{children}
  </Children>
</Message>
"""


def child(child_id: str, *episodes: str, sex: str = "<GenderCurrent>1</GenderCurrent>",
          dob: str = "2015-03-27", characteristics: str = "<Ethnicity>WBRI</Ethnicity>") -> str:
    return f"""    <Child>
      <ChildIdentifiers>
        <LAchildID>{child_id}</LAchildID>
        <PersonBirthDate>{dob}</PersonBirthDate>
        {sex}
      </ChildIdentifiers>
      <ChildCharacteristics>{characteristics}</ChildCharacteristics>
{"".join(episodes)}    </Child>
"""


def episode(referral_date: str = "2023-05-10", body: str = "", nfa: str = "0",
            source: str = "1A") -> str:
    return f"""      <CINdetails>
        <CINreferralDate>{referral_date}</CINreferralDate>
        <ReferralSource>{source}</ReferralSource>
        <PrimaryNeedCode>N1</PrimaryNeedCode>
        <ReferralNFA>{nfa}</ReferralNFA>
{body}      </CINdetails>
"""


def write(folder: Path, name: str, text: str, age_seconds: float = 0) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    if age_seconds:
        then = time.time() - age_seconds
        os.utime(path, (then, then))
    return path


def line_of(text: str, needle: str, nth: int = 1) -> int:
    """1-based line of the nth line containing ``needle``."""
    found = [i for i, line in enumerate(text.splitlines(), start=1) if needle in line]
    return found[nth - 1]
