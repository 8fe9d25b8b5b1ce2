"""The demo firm's made-up facts: its people, their licenses, and the programs they take.

Everything here is invented: the firm (Harbor & Finch LLP, at the reserved domain example.com),
its people, the sponsors and their NASBA-style ids, and the license numbers. The credentials and
jurisdictions are the shipped ones (``resources/requirements/requirements.json``).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

DOMAIN = "harborfinch.example.com"
FIRM = "Harbor & Finch LLP"

# How a person keeps up with their CPE (see plan.py): on time; slowed down since their last
# renewal (a license ends short within weeks: at risk); stopped last year (overdue); newly hired.
DILIGENT, BEHIND, LAPSED, NEW = "diligent", "behind", "lapsed", "new"


@dataclass(frozen=True)
class LicenseTemplate:
    credential: str
    jurisdiction: str
    number: str  # a pattern: "#" is a random digit
    # Cycle ends only the holder knows (EA, CISA, Ohio): the period ends on 31 December this
    # many years after the as-of year.
    holder_cycle_end_in: int | None = None


@dataclass(frozen=True)
class PersonTemplate:
    name: str
    role: str
    profile: str
    licenses: tuple[LicenseTemplate, ...]
    focus: tuple[str, ...] = ()  # fields of study this person takes more of
    birth_year: int = 1980
    office: str = "Dallas"
    title: str = "Senior Associate"


TX = LicenseTemplate("CPA", "Texas", "0#####")
CA = LicenseTemplate("CPA", "California", "1#####")
NY = LicenseTemplate("CPA", "New York", "1#####")
IL = LicenseTemplate("CPA", "Illinois", "065.0#####")
OH = LicenseTemplate("CPA", "Ohio", "CPA.0####", holder_cycle_end_in=1)
FL = LicenseTemplate("CPA", "Florida", "AC00#####")
CMA = LicenseTemplate("CMA", "IMA", "########")
CIA = LicenseTemplate("CIA", "IIA", "######")
EA = LicenseTemplate("EA", "IRS", "00#####", holder_cycle_end_in=1)
CISA = LicenseTemplate("CISA", "ISACA", "2#######", holder_cycle_end_in=2)

# The firm, in the order people are made: the first three give an administrator who is on
# track, one person overdue and one at risk, so even a small demo shows every status.
FIRM_PEOPLE: tuple[PersonTemplate, ...] = (
    PersonTemplate(
        "Margaret Chen",
        "admin",
        DILIGENT,
        (TX, NY),
        ("Auditing", "Accounting"),
        1968,
        "Dallas",
        "Managing Partner",
    ),
    PersonTemplate(
        "Thomas Brennan",
        "member",
        LAPSED,
        (NY, CMA),
        ("Management Services", "Finance"),
        1979,
        "New York",
        "Senior Manager",
    ),
    PersonTemplate(
        "James Whitfield",
        "member",
        BEHIND,
        (TX, CISA),
        ("Information Technology", "Auditing"),
        1984,
        "Houston",
        "IT Audit Manager",
    ),
    PersonTemplate(
        "Priya Raman",
        "member",
        DILIGENT,
        (IL, CIA),
        ("Auditing", "Accounting"),
        1986,
        "Chicago",
        "Internal Audit Director",
    ),
    PersonTemplate(
        "Sofia Alvarez",
        "member",
        DILIGENT,
        (FL, EA),
        ("Taxes",),
        1982,
        "Miami",
        "Tax Partner",
    ),
    PersonTemplate(
        "David Okafor",
        "member",
        DILIGENT,
        (OH,),
        ("Taxes", "Accounting"),
        1990,
        "Columbus",
        "Tax Manager",
    ),
    PersonTemplate(
        "Aisha Patel",
        "member",
        DILIGENT,
        (CA,),
        ("Accounting", "Finance"),
        1988,
        "San Francisco",
        "Senior Manager",
    ),
    PersonTemplate(
        "Ryan Kowalski",
        "member",
        NEW,
        (TX,),
        ("Auditing", "Accounting"),
        1999,
        "Dallas",
        "Staff Accountant",
    ),
)

# More people (``--users`` above the firm's eight): names combined from these lists, each with
# one CPA license of a state whose cycle needs no fact beyond the birth and issue dates, and
# sometimes a second credential.
FIRST_NAMES = (
    "Olivia",
    "Marcus",
    "Elena",
    "Benjamin",
    "Hannah",
    "Gabriel",
    "Naomi",
    "Victor",
    "Grace",
    "Samuel",
    "Leah",
    "Daniel",
    "Chloe",
    "Andre",
    "Megan",
    "Kenji",
    "Fatima",
    "Lucas",
    "Irene",
    "Tobias",
    "Rosa",
    "Caleb",
    "Mei",
    "Oscar",
    "Julia",
    "Nathan",
    "Amara",
    "Henry",
    "Zoe",
    "Omar",
)
LAST_NAMES = (
    "Nguyen",
    "Goldberg",
    "Fischer",
    "Morales",
    "Osei",
    "Lindqvist",
    "Harper",
    "Tanaka",
    "Castillo",
    "Brooks",
    "Novak",
    "Sullivan",
    "Mensah",
    "Ferreira",
    "Iverson",
    "Kaplan",
    "Delgado",
    "Wright",
    "Haddad",
    "Bergstrom",
    "Quinn",
    "Moreau",
    "Adeyemi",
    "Park",
    "Romano",
)
EXTRA_LICENSES = (
    TX,
    CA,
    NY,
    IL,
    FL,
    LicenseTemplate("CPA", "Georgia", "CPA0#####"),
    LicenseTemplate("CPA", "Colorado", "000####"),
    LicenseTemplate("CPA", "Pennsylvania", "CA0#####"),
    LicenseTemplate("CPA", "Washington", "#####"),
    LicenseTemplate("CPA", "Massachusetts", "#####"),
)
EXTRA_SECOND = (CMA, CIA, EA, CISA)
EXTRA_OFFICES = ("Dallas", "Houston", "Chicago", "New York", "Miami", "Columbus", "San Francisco")
EXTRA_TITLES = ("Staff Accountant", "Senior Associate", "Manager", "Senior Manager", "Director")
OFFICES = ("Dallas", "Houston", "Chicago", "New York", "Miami", "Columbus", "San Francisco")

# --- sponsors ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sponsor:
    name: str
    sponsor_id: str


SPONSORS = (
    Sponsor("Ledgerline Learning", "112233"),
    Sponsor("Summit Tax Institute", "118402"),
    Sponsor("Audit Forward Academy", "120955"),
    Sponsor("Northgate CPE Network", "109871"),
    Sponsor("Clearwater Professional Education", "131204"),
    Sponsor("Beacon Finance School", "127716"),
)
STATE_SPONSORS = {
    "Texas": Sponsor("Lone Star CPE Institute", "104410"),
    "New York": Sponsor("Empire State CPE Council", "106123"),
    "Florida": Sponsor("Sunshine CPE Group", "107789"),
    "Ohio": Sponsor("Buckeye Accounting Seminars", "108345"),
    "California": Sponsor("Pacific Coast Accounting Academy", "105502"),
    "Illinois": Sponsor("Great Lakes Professional Education", "103967"),
}
ETHICS_SPONSOR = Sponsor("ClearPath Ethics", "115520")

# --- programs ------------------------------------------------------------------------------------

# Field of study -> program titles ({year} is the program's year).
TITLES: dict[str, tuple[str, ...]] = {
    "Accounting": (
        "Revenue Recognition (ASC 606) in Practice",
        "Lease Accounting (ASC 842): Year-End Issues",
        "Current Expected Credit Losses for Smaller Entities",
        "Financial Statement Disclosures Refresher",
        "{year} Accounting and Reporting Update",
        "Business Combinations and Goodwill Impairment",
    ),
    "Accounting (Governmental)": (
        "GASB Update {year}",
        "Governmental Fund Accounting Essentials",
    ),
    "Auditing": (
        "Audit Sampling That Holds Up in Peer Review",
        "Risk Assessment Standards (SAS 145) Applied",
        "Auditing Estimates and Fair Value",
        "Documentation and Workpaper Review",
        "{year} Audit and Attest Update",
        "Internal Control over Financial Reporting Walkthroughs",
    ),
    "Auditing (Governmental)": (
        "Single Audit Update {year}",
        "Yellow Book Essentials",
    ),
    "Taxes": (
        "{year} Federal Tax Update: Individuals",
        "{year} Federal Tax Update: Businesses",
        "S Corporation Basis and Distributions",
        "Partnership Taxation: Allocations and Capital Accounts",
        "Multistate Tax Nexus After Wayfair",
        "IRS Representation and Collections",
        "Estate and Gift Tax Planning",
    ),
    "Management Services": (
        "Budgeting and Forecasting for Clients",
        "Advisory Services Engagements",
        "Cash Flow Management for Small Businesses",
    ),
    "Specialized Knowledge": (
        "Not-for-Profit Financial Reporting",
        "Employee Benefit Plan Audits",
        "Construction Contractor Accounting",
    ),
    "Finance": (
        "Corporate Finance for Controllers",
        "Business Valuation Fundamentals",
        "Treasury and Liquidity Management",
    ),
    "Information Technology": (
        "Cybersecurity Risks for Accounting Firms",
        "IT General Controls for Auditors",
        "Cloud Computing and SOC Reports",
    ),
    "Business Law": ("Contracts and Commercial Law for CPAs", "Business Entity Law Update"),
    "Economics": ("Economic Outlook {year}", "Interest Rates and the Economy"),
    "Statistics": ("Statistics for Data-Driven Audits",),
    "Computer Software & Applications": (
        "Excel Power Query and Pivot Tables",
        "Data Analytics with Power BI",
    ),
    "Communications and Marketing": (
        "Presenting Financial Results to Boards",
        "Writing Clear Client Letters",
    ),
    "Personal Development": ("Time Management in Busy Season", "Leading Remote Teams"),
    "Business Management & Organization": ("Practice Management for Growing Firms",),
    "Personnel/Human Resources": ("Coaching and Developing Staff",),
}
# (weight, field) of the programs people choose freely; a person's focus fields weigh more.
FIELD_WEIGHTS: tuple[tuple[int, str], ...] = (
    (20, "Taxes"),
    (18, "Accounting"),
    (15, "Auditing"),
    (6, "Management Services"),
    (6, "Specialized Knowledge"),
    (5, "Finance"),
    (5, "Information Technology"),
    (3, "Accounting (Governmental)"),
    (3, "Auditing (Governmental)"),
    (3, "Business Law"),
    (2, "Economics"),
    (1, "Statistics"),
    (4, "Computer Software & Applications"),
    (2, "Communications and Marketing"),
    (2, "Personal Development"),
    (2, "Business Management & Organization"),
    (1, "Personnel/Human Resources"),
)
DELIVERY_WEIGHTS: tuple[tuple[int, str], ...] = (
    (45, "Group Internet Based"),
    (25, "Group Live"),
    (22, "QAS Self Study"),
    (3, "Blended Learning"),
)
# Multi-day programs: title, the fields their sessions cover.
CONFERENCES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("{year} Annual Tax Conference", ("Taxes", "Business Law")),
    ("{year} Accounting & Auditing Conference", ("Accounting", "Auditing")),
    (
        "{year} Not-for-Profit & Governmental Conference",
        ("Accounting (Governmental)", "Auditing (Governmental)", "Specialized Knowledge"),
    ),
    (
        "{year} Technology & Analytics Summit",
        ("Information Technology", "Computer Software & Applications"),
    ),
    ("{year} CFO & Controllers Forum", ("Finance", "Management Services", "Accounting")),
)
NANO_TITLES = (
    "Nano: Form 1099 Reporting Changes",
    "Nano: Going Concern Indicators",
    "Nano: Related-Party Red Flags",
)
NOTES = (
    "Firm-paid registration.",
    "Attended with the audit team.",
    "Recording watched the same week.",
    "Good material for the year-end planning meetings.",
)
MISSING_CERTIFICATE_NOTE = "Certificate requested from the sponsor."


@dataclass(frozen=True)
class EthicsCourse:
    """A course a person takes every year because a license asks for it."""

    title: str
    field: str
    hours: str
    jurisdiction: str | None = None  # ethics tagged for one state
    topics: tuple[str, ...] = ()
    sponsor: Sponsor = ETHICS_SPONSOR
    # dataclasses.field: in this class `field` is the attribute above
    extra: dict[str, str] = dataclasses.field(default_factory=dict)


STATE_ETHICS = {
    "Texas": EthicsCourse(
        "Texas Board Ethics: Rules of Professional Conduct",
        "Regulatory Ethics",
        "4",
        "Texas",
        sponsor=STATE_SPONSORS["Texas"],
    ),
    "New York": EthicsCourse(
        "New York Professional Ethics for CPAs",
        "Regulatory Ethics",
        "4",
        "New York",
        sponsor=STATE_SPONSORS["New York"],
    ),
    "Florida": EthicsCourse(
        "Florida Board-Approved Ethics",
        "Regulatory Ethics",
        "4",
        "Florida",
        sponsor=STATE_SPONSORS["Florida"],
    ),
    "Ohio": EthicsCourse(
        "Ohio Professional Standards and Responsibilities",
        "Regulatory Ethics",
        "3",
        "Ohio",
        sponsor=STATE_SPONSORS["Ohio"],
    ),
    "Washington": EthicsCourse(
        "Washington Ethics and Regulation",
        "Regulatory Ethics",
        "4",
        "Washington",
    ),
    "Georgia": EthicsCourse(
        "Georgia Rules of Professional Conduct",
        "Regulatory Ethics",
        "2",
        "Georgia",
    ),
}
GENERAL_ETHICS = EthicsCourse("Ethics in Everyday Practice", "Behavioral Ethics", "4")
TOPIC_COURSES = {
    "California": EthicsCourse(
        "California Regulatory Review",
        "Regulatory Ethics",
        "2",
        topics=("California Regulatory Review",),
        sponsor=STATE_SPONSORS["California"],
    ),
    "Illinois": EthicsCourse(
        "Sexual Harassment Prevention for Illinois CPAs",
        "Personnel/Human Resources",
        "1",
        topics=("Illinois Sexual Harassment Prevention",),
        sponsor=STATE_SPONSORS["Illinois"],
    ),
}
# Yearly hours each credential's rule asks for (the most of its kind), before a person's margin.
YEARLY_HOURS = {"CPA": 40, "CIA": 40, "CISA": 40, "CMA": 30, "EA": 24}
