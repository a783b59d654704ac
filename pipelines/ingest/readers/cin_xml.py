"""The DfE Children in Need census XML (root ``Message``) -> rows of seven extracts.

    census = read_census(path)   # streams the file; FileRejected when it is not usable

One ``<Child>`` at a time is read with lxml's ``iterparse`` and then cleared (with the
siblings before it), so a 100 MB census never sits in memory. The mapping is
spec/inputs.md's: every record becomes a row of ``children``, ``referrals``,
``assessments``, ``cin_plans``, ``cp_plans``, ``s47_enquiries`` (``Section47``) or
``cp_reviews`` (``Reviews/CPPreviewDate``) as text, with the XML line of its element,
and goes through the extract's contract like a CSV row: nothing is corrected here except
what inputs.md says to read (``true``/``false``, a time-zone suffix on a date, a legacy
``Sex`` digit), and each such reading is counted as a warning. Unknown elements and stray
text are counted, never fatal. A file that is not well-formed XML is refused with the
line and column of the error.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.ingest.readers.tabular import FileRejected

FORMAT = "cin_xml"
EXTRACTS = ("children", "referrals", "assessments", "cin_plans", "cp_plans", "s47_enquiries",
            "cp_reviews")

# the extract columns each record fills, in the contracts' order (blank: not in the census)
COLUMNS = {
    "children": ("child_id", "date_of_birth", "expected_date_of_birth", "sex", "ethnicity",
                 "disability", "postcode", "upn"),
    "referrals": ("referral_id", "child_id", "referral_date", "referral_source",
                  "primary_need", "referral_nfa", "closure_date", "closure_reason",
                  "neglect_flag"),
    "assessments": ("assessment_id", "referral_id", "child_id", "start_date",
                    "authorised_date", "factors"),
    "cin_plans": ("cin_plan_id", "referral_id", "child_id", "start_date", "end_date"),
    "cp_plans": ("cp_plan_id", "referral_id", "child_id", "start_date", "end_date",
                 "initial_category", "latest_category", "previous_cp_plans"),
    "s47_enquiries": ("s47_id", "referral_id", "child_id", "start_date", "icpc_target_date",
                      "icpc_date", "icpc_not_required"),
    "cp_reviews": ("cp_plan_id", "review_date"),
}
GENDER = {"1": "M", "2": "F", "0": "U", "9": "U"}
YES_NO = {"true": "Y", "1": "Y", "false": "N", "0": "N"}
_DATE_SUFFIX = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:Z|[+-]\d{2}:\d{2}|T\S*)$")

# elements of the census that lscp reads, per parent, and those it knows but does not map
_USED = {
    "Child": {"ChildIdentifiers", "ChildCharacteristics", "CINdetails"},
    "ChildIdentifiers": {"LAchildID", "PersonBirthDate", "ExpectedPersonBirthDate",
                         "GenderCurrent", "Sex", "UPN"},
    "ChildCharacteristics": {"Ethnicity", "Disabilities"},
    "Disabilities": {"Disability"},
    "CINdetails": {"CINreferralDate", "ReferralSource", "PrimaryNeedCode", "ReferralNFA",
                   "CINclosureDate", "ReasonForClosure", "Assessments", "CINPlanDates",
                   "ChildProtectionPlans", "Section47", "DateOfInitialCPC"},
    "Section47": {"S47ActualStartDate", "InitialCPCtarget", "DateOfInitialCPC",
                  "ICPCnotRequired"},
    "Assessments": {"AssessmentActualStartDate", "AssessmentAuthorisationDate",
                    "FactorsIdentifiedAtAssessment"},
    "FactorsIdentifiedAtAssessment": {"AssessmentFactors"},
    "CINPlanDates": {"CINPlanStartDate", "CINPlanEndDate"},
    "ChildProtectionPlans": {"CPPstartDate", "CPPendDate", "InitialCategoryOfAbuse",
                             "LatestCategoryOfAbuse", "NumberOfPreviousCPP", "Reviews"},
    "Reviews": {"CPPreviewDate"},
}
_KNOWN_UNMAPPED = {
    "ChildIdentifiers": {"FormerUPN", "UPNunknown", "PersonDeathDate"},
    "CINdetails": {"PreProceedingsandFGDM"},
    "Assessments": {"AssessmentInternalReviewDate"},
}


@dataclass
class CensusHeader:
    lea: str | None
    year: str | None  # Header/CollectionDetails/Year
    reference_date: str | None

    @property
    def collection(self) -> str:
        """The collection year the file belongs to (ReferenceDate, else Year)."""
        return self.reference_date or self.year or "unknown"


@dataclass
class Census:
    header: CensusHeader
    rows: dict[str, list[tuple]]  # extract -> (line, *COLUMNS[extract]) as text
    # (extract, what was read leniently) -> rows
    warnings: Counter = field(default_factory=Counter)
    unused: Counter = field(default_factory=Counter)  # elements not mapped -> count


def _name(element) -> str:
    tag = element.tag
    if not isinstance(tag, str):  # a comment or processing instruction
        return ""
    return tag.rsplit("}", 1)[-1]


def read_header(path: Path) -> CensusHeader:
    """The census header only (stops at ``</Header>``); FileRejected if unusable."""
    from lxml import etree

    try:
        context = etree.iterparse(str(path), events=("start", "end"))
        for event, element in context:
            name = _name(element)
            if event == "start" and element.getparent() is None and name != "Message":
                raise FileRejected(f"not a CIN census file: root element <{name}>, "
                                   "expected <Message>")
            if event == "end" and name == "Header":
                return _header(element)
            if event == "start" and name == "Children":
                break
    except etree.XMLSyntaxError as exc:
        raise _not_well_formed(exc) from None
    return CensusHeader(None, None, None)


def _header(element) -> CensusHeader:
    found = {_name(e): (e.text or "").strip() or None for e in element.iter()}
    return CensusHeader(found.get("LEA"), found.get("Year"), found.get("ReferenceDate"))


def _not_well_formed(exc) -> FileRejected:
    line, column = exc.position if getattr(exc, "position", None) else (exc.lineno, 0)
    message = str(exc.msg if hasattr(exc, "msg") else exc).split(", line")[0]
    return FileRejected(f"not well-formed XML at line {line}, column {column}: {message}")


def read_census(path: Path, flush=None, batch: int = 20_000) -> Census:
    """Stream the whole file into rows; FileRejected when it is not a well-formed census.

    ``flush(census)`` (when given) is called every ``batch`` children and at the end, to
    take the rows gathered so far (and empty ``census.rows``), so they never pile up."""
    from lxml import etree

    census = Census(CensusHeader(None, None, None), {e: [] for e in EXTRACTS})
    reader = _ChildReader(census)
    try:
        context = etree.iterparse(str(path), events=("start", "end"), remove_comments=True,
                                  huge_tree=True)
        depth = 0
        for event, element in context:
            if event == "start":
                depth += 1
                if depth == 1 and _name(element) != "Message":
                    raise FileRejected(f"not a CIN census file: root element "
                                       f"<{_name(element)}>, expected <Message>")
                continue
            depth -= 1
            name = _name(element)
            if depth == 1 and name == "Header":  # Message/Header
                census.header = _header(element)
            elif depth == 2 and name == "Child":  # Message/Children/Child
                reader.child(element)
                if flush is not None and len(census.rows["children"]) >= batch:
                    flush(census)
                if (element.tail or "").strip():
                    census.warnings["children", "text between elements ignored"] += 1
            elif depth == 1 and name != "Children":
                census.unused[f"Message/{name}"] += 1
            elif depth == 2 and name != "Child":
                continue  # a Header's children: read with the Header
            if depth <= 2:
                element.clear(keep_tail=False)
                # the siblings already read are no longer needed either
                parent = element.getparent()
                while parent is not None and element.getprevious() is not None:
                    del parent[0]
    except etree.XMLSyntaxError as exc:
        raise _not_well_formed(exc) from None
    if flush is not None:
        flush(census)
    return census


class _ChildReader:
    """Turns one ``<Child>`` element into rows; ids per inputs.md."""

    def __init__(self, census: Census):
        self.census = census
        self.rows = census.rows
        self.episodes: Counter = Counter()  # (child id, referral date) -> episodes so far
        self.extract = "children"  # the record being read, for its warnings

    def _warn(self, what: str) -> None:
        self.census.warnings[self.extract, what] += 1

    def _text(self, element) -> str | None:
        text = (element.text or "").strip()
        for sub in element:  # an element with children where text was expected
            self._unknown(element, sub)
        return text or None

    def _unknown(self, parent, element) -> None:
        name = _name(element)
        if name:
            self.census.unused[f"{_name(parent)}/{name} (unknown)"] += 1

    def _fields(self, element) -> dict:
        """The element's children by name (the first of each), counting unknown ones."""
        parent = _name(element)
        used, known = _USED.get(parent, set()), _KNOWN_UNMAPPED.get(parent, set())
        found: dict = {}
        if (element.text or "").strip():
            self._warn("text between elements ignored")
        for sub in element:
            name = _name(sub)
            if (sub.tail or "").strip():
                self._warn("text between elements ignored")
            if not name:
                continue
            if name in used:
                found.setdefault(name, []).append(sub)
            elif name in known:
                self.census.unused[name] += 1
            else:
                self._unknown(element, sub)
        return found

    def _value(self, found: dict, name: str) -> str | None:
        elements = found.get(name)
        return self._text(elements[0]) if elements else None

    def _date(self, found: dict, name: str) -> str | None:
        value = self._value(found, name)
        if value is None:
            return None
        suffixed = _DATE_SUFFIX.match(value)
        if suffixed:
            self._warn("date with a time or time zone: date part kept")
            return suffixed.group(1)
        return value

    def child(self, element) -> None:
        self.extract = "children"
        found = self._fields(element)
        ids = self._fields(found["ChildIdentifiers"][0]) if "ChildIdentifiers" in found else {}
        chars = (self._fields(found["ChildCharacteristics"][0])
                 if "ChildCharacteristics" in found else {})
        child_id = self._value(ids, "LAchildID")
        self.rows["children"].append((
            element.sourceline, child_id, self._date(ids, "PersonBirthDate"),
            self._date(ids, "ExpectedPersonBirthDate"), self._sex(ids),
            self._value(chars, "Ethnicity"), self._disability(chars), None,
            self._value(ids, "UPN"),
        ))
        for episode in found.get("CINdetails", []):
            self._episode(child_id or "", episode)

    def _sex(self, ids: dict) -> str | None:
        if "Sex" in ids:
            value = self._value(ids, "Sex")
            if value is not None and value in GENDER:
                self._warn("Sex given as a legacy digit: mapped to M/F/U")
                return GENDER[value]
            return value.upper() if value is not None else None
        value = self._value(ids, "GenderCurrent")
        return GENDER.get(value, value) if value is not None else None

    def _disability(self, chars: dict) -> str | None:
        if "Disabilities" not in chars:
            return None
        listed = self._fields(chars["Disabilities"][0]).get("Disability", [])
        codes = [c for c in (self._text(e) for e in listed) if c]
        if not codes:
            return None
        return "N" if all(c.upper() == "NONE" for c in codes) else "Y"

    def _yes_no(self, found: dict, name: str) -> str | None:
        value = self._value(found, name)
        if value is None:
            return None
        mapped = YES_NO.get(value.lower())
        if mapped is None:
            return value  # the contract's yes/no rule judges it
        if value.lower() in ("true", "false"):
            self._warn(f"{name} given as true/false: read as 1/0")
        return mapped

    def _episode(self, child_id: str, element) -> None:
        self.extract = "referrals"
        found = self._fields(element)
        referral_date = self._date(found, "CINreferralDate")
        key = (child_id, referral_date or "")
        self.episodes[key] += 1
        n = self.episodes[key]
        referral_id = f"{child_id}-{referral_date or ''}" + (f"-{n}" if n > 1 else "")
        self.rows["referrals"].append((
            element.sourceline, referral_id, child_id or None, referral_date,
            self._value(found, "ReferralSource"), self._value(found, "PrimaryNeedCode"),
            self._yes_no(found, "ReferralNFA"), self._date(found, "CINclosureDate"),
            self._value(found, "ReasonForClosure"), None,
        ))
        for k, sub in enumerate(found.get("Assessments", []), start=1):
            self.extract = "assessments"
            a = self._fields(sub)
            factors_parent = a.get("FactorsIdentifiedAtAssessment", [])
            factors = []
            for f in factors_parent:
                for code in self._fields(f).get("AssessmentFactors", []):
                    text = self._text(code)
                    if text:
                        factors.append(text)
            self.rows["assessments"].append((
                sub.sourceline, f"{referral_id}-A{k}", referral_id, child_id or None,
                self._date(a, "AssessmentActualStartDate"),
                self._date(a, "AssessmentAuthorisationDate"), ";".join(factors) or None,
            ))
        for k, sub in enumerate(found.get("CINPlanDates", []), start=1):
            self.extract = "cin_plans"
            p = self._fields(sub)
            self.rows["cin_plans"].append((
                sub.sourceline, f"{referral_id}-P{k}", referral_id, child_id or None,
                self._date(p, "CINPlanStartDate"), self._date(p, "CINPlanEndDate"),
            ))
        for k, sub in enumerate(found.get("ChildProtectionPlans", []), start=1):
            self.extract = "cp_plans"
            p = self._fields(sub)
            plan_id = f"{referral_id}-CP{k}"
            self.rows["cp_plans"].append((
                sub.sourceline, plan_id, referral_id, child_id or None,
                self._date(p, "CPPstartDate"), self._date(p, "CPPendDate"),
                self._value(p, "InitialCategoryOfAbuse"), self._value(p, "LatestCategoryOfAbuse"),
                self._value(p, "NumberOfPreviousCPP"),
            ))
            # Reviews/CPPreviewDate: one cp_reviews row per review date of this plan
            self.extract = "cp_reviews"
            for reviews in p.get("Reviews", []):
                for review in self._fields(reviews).get("CPPreviewDate", []):
                    self.rows["cp_reviews"].append((
                        review.sourceline, plan_id, self._date({"d": [review]}, "d")))
        # Section47: an enquiry each (<referral_id>-S<k>); the episode's own DateOfInitialCPC
        # fills the conference date of the last enquiry when that one's is blank
        self.extract = "s47_enquiries"
        enquiries = []
        for k, sub in enumerate(found.get("Section47", []), start=1):
            s = self._fields(sub)
            enquiries.append([
                sub.sourceline, f"{referral_id}-S{k}", referral_id, child_id or None,
                self._date(s, "S47ActualStartDate"), self._date(s, "InitialCPCtarget"),
                self._date(s, "DateOfInitialCPC"), self._yes_no(s, "ICPCnotRequired"),
            ])
        episode_icpc = self._date(found, "DateOfInitialCPC")
        if enquiries and episode_icpc is not None and enquiries[-1][6] is None:
            enquiries[-1][6] = episode_icpc
            self._warn("DateOfInitialCPC of the episode filled the last enquiry's conference")
        elif episode_icpc is not None and episode_icpc not in {e[6] for e in enquiries}:
            # a conference no Section47 holds (an older or partial return, or a second
            # conference): nothing silently dropped, so an enquiry of its own with no start
            # date, which the contract quarantines (required)
            enquiries.append([found["DateOfInitialCPC"][0].sourceline,
                              f"{referral_id}-S{len(enquiries) + 1}", referral_id,
                              child_id or None, None, None, episode_icpc, None])
            self._warn("DateOfInitialCPC that no Section47 holds: an enquiry with no start date")
        self.rows["s47_enquiries"].extend(tuple(e) for e in enquiries)
