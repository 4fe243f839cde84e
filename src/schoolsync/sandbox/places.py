"""Where a generated school is: its town, streets, postcodes and phone numbers.

Phone numbers come only from Ofcom's ranges reserved for drama, and email domains only from
RFC 2606's reserved example domains, so nothing generated can ever reach a real person.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

Record = dict[str, Any]


@dataclass(frozen=True)
class Locale:
    key: str
    town: str
    county: str | None
    la_code: str
    districts: tuple[str, ...]
    outcodes: tuple[str, ...]
    # Ofcom drama range: the area code and the fixed digits before the last three.
    landline_prefix: str
    school_names: tuple[str, ...]
    primary_names: tuple[str, ...]


LOCALES: tuple[Locale, ...] = (
    Locale(
        key="kent", town="Maidstone", county="Kent", la_code="886",
        districts=("Larkfield", "Ditton", "Aylesford", "East Malling", "Snodland", "Leybourne",
                   "West Malling", "Allington"),
        outcodes=("ME20", "ME19", "ME16", "ME6", "ME14", "ME15", "ME18"),
        landline_prefix="01632 960",
        school_names=("Larkfield Academy", "Malling School", "Aylesford Grammar School"),
        primary_names=("Larkfield Primary School", "St Peter's C of E Primary School",
                       "Ditton Infant and Junior School"),
    ),
    Locale(
        key="leeds", town="Leeds", county="West Yorkshire", la_code="383",
        districts=("Headingley", "Chapel Allerton", "Roundhay", "Armley", "Harehills",
                   "Beeston", "Horsforth", "Seacroft"),
        outcodes=("LS6", "LS7", "LS8", "LS12", "LS9", "LS11", "LS18", "LS14"),
        landline_prefix="0113 496 0",
        school_names=("Roundhay High School", "Kirkstall Valley Academy", "Beckett Park School"),
        primary_names=("Chapel Allerton Primary School", "St Chad's C of E Primary School",
                       "Harehills Primary School"),
    ),
    Locale(
        key="birmingham", town="Birmingham", county="West Midlands", la_code="330",
        districts=("Moseley", "Sparkbrook", "Handsworth", "Erdington", "Kings Heath",
                   "Small Heath", "Acocks Green", "Selly Oak"),
        outcodes=("B13", "B11", "B21", "B23", "B14", "B10", "B27", "B29"),
        landline_prefix="0121 496 0",
        school_names=("Moseley Park Academy", "Hall Green Community College",
                      "Queen's Oak School"),
        primary_names=("Anderton Park Primary School", "St Bernadette's Catholic Primary School",
                       "Nelson Mandela Primary School"),
    ),
    Locale(
        key="cardiff", town="Cardiff", county=None, la_code="681",
        districts=("Canton", "Roath", "Llandaff", "Whitchurch", "Grangetown", "Splott",
                   "Rhiwbina", "Penylan"),
        outcodes=("CF5", "CF24", "CF14", "CF11", "CF23", "CF3"),
        landline_prefix="029 2018 0",
        school_names=("Ysgol Gyfun Glantaf", "Llanishen High School", "Cathays Academy"),
        primary_names=("Ysgol Gynradd Pencae", "Roath Park Primary School",
                       "St Mary's Church in Wales Primary School"),
    ),
    Locale(
        key="manchester", town="Manchester", county="Greater Manchester", la_code="352",
        districts=("Chorlton", "Didsbury", "Levenshulme", "Moss Side", "Withington",
                   "Gorton", "Burnage", "Fallowfield"),
        outcodes=("M21", "M20", "M19", "M16", "M14", "M18", "M13"),
        landline_prefix="0161 496 0",
        school_names=("Chorlton Park Academy", "Whalley Range High School",
                      "Levenshulme Community School"),
        primary_names=("Beaver Road Primary School", "St Ambrose RC Primary School",
                       "Oswald Road Primary School"),
    ),
)  # fmt: skip

_STREET_NAMES = (
    "Winchester", "Oakwood", "Mill", "Church", "Station", "Victoria", "Queen's", "King's",
    "St John's", "Orchard", "Meadow", "Chestnut", "Beech", "Hawthorn", "Castle", "Bridge",
    "Manor", "Priory", "Abbey", "Willow", "Elm", "Holly", "Park", "Springfield", "Brook",
    "High", "Cherry Tree", "Foxglove", "Bluebell", "Kestrel", "Heron", "Maple", "Coronation",
    "Jubilee", "Albert", "Nelson", "Wellington", "Marlborough", "Lancaster", "York", "Windsor",
    "Balmoral", "Bishop's", "Nightingale", "Ravenscroft", "Ffordd Las",
)  # fmt: skip
_STREET_KINDS = (
    "Road", "Street", "Lane", "Close", "Avenue", "Drive", "Way", "Crescent", "Gardens", "Grove",
    "Place", "Court", "Mews", "Rise", "View", "Walk",
)  # fmt: skip
_HOUSE_NAMES = ("Rose Cottage", "The Old Forge", "Tŷ Gwyn", "Orchard House", "The Laurels",
                "Hillcrest", "Two Oaks", "Bramble End")  # fmt: skip
# Letters that never appear in the inward part of a UK postcode.
_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

# RFC 2606 reserved domains: realistic-looking, never deliverable.
PERSONAL_EMAIL_DOMAINS = (
    "example.com", "example.org", "example.net", "mail.example.com", "home.example.net",
)  # fmt: skip


def locale_for(key: str) -> Locale:
    for candidate in LOCALES:
        if candidate.key == key:
            return candidate
    raise KeyError(key)


def postcode(rng: random.Random, place: Locale) -> str:
    inward = f"{rng.randint(1, 9)}{rng.choice(_INWARD_LETTERS)}{rng.choice(_INWARD_LETTERS)}"
    return f"{rng.choice(place.outcodes)} {inward}"


def home_address(rng: random.Random, place: Locale) -> Record:
    """An address in the shape of Wonde's contact_details addresses."""
    house_name = rng.choice(_HOUSE_NAMES) if rng.random() < 0.04 else None
    apartment = f"Flat {rng.randint(1, 24)}" if rng.random() < 0.12 else None
    return {
        "house_number": None if house_name else str(rng.randint(1, 180)),
        "house_name": house_name,
        "apartment": apartment,
        "street": f"{rng.choice(_STREET_NAMES)} {rng.choice(_STREET_KINDS)}",
        "district": rng.choice(place.districts),
        "town": place.town,
        "county": place.county,
        "country": "United Kingdom",
        "postcode": postcode(rng, place),
    }


def empty_address() -> Record:
    """What Wonde sends for an address the MIS does not hold: every field null."""
    return dict.fromkeys(
        ("house_number", "house_name", "apartment", "street", "district", "town", "county",
         "country", "postcode"),
    )  # fmt: skip


def landline(rng: random.Random, place: Locale) -> str:
    return f"{place.landline_prefix}{rng.randint(0, 999):03d}"


def mobile(rng: random.Random) -> str:
    return f"07700 900{rng.randint(0, 999):03d}"


def school_address(rng: random.Random, place: Locale) -> Record:
    """The school object's address block."""
    return {
        "address_line_1": f"{rng.choice(_STREET_NAMES)} {rng.choice(('Road', 'Lane', 'Way'))}",
        "address_line_2": rng.choice(place.districts),
        "address_town": place.town,
        "address_postcode": postcode(rng, place),
        "address_country": {
            "code": "GBR",
            "name": "Wales" if place.key == "cardiff" else "England",
        },
    }
