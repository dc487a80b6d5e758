"""Where Danish municipalities are, for "how far would the mentor travel" in the corps register.

Keyed by the official three-digit municipality code (accounts.Organisation.municipality_code).
Each entry is the town of the municipality's administrative seat (its town hall), in decimal
degrees, to about a kilometre: distances are rounded to whole kilometres and are only a guide to
travel, so a kilometre either way does not matter. A municipality missing here has no known
location; the register then says "distance not known" instead of leaving the mentor out.
"""

from dataclasses import dataclass
from math import asin, cos, radians, sin, sqrt

EARTH_RADIUS_KM = 6371.0088  # the mean radius (IUGG)


@dataclass(frozen=True)
class Place:
    name: str  # the municipality, as Danes write it
    latitude: float
    longitude: float


MUNICIPALITIES: dict[str, Place] = {
    # Capital Region (Region Hovedstaden)
    "101": Place("København", 55.6759, 12.5655),
    "147": Place("Frederiksberg", 55.6794, 12.5346),
    "151": Place("Ballerup", 55.7317, 12.3633),
    "155": Place("Dragør", 55.5928, 12.6722),
    "161": Place("Glostrup", 55.6666, 12.4038),
    "165": Place("Albertslund", 55.6569, 12.3638),
    "167": Place("Hvidovre", 55.6572, 12.4736),
    "169": Place("Høje-Taastrup", 55.6501, 12.3016),
    "173": Place("Lyngby-Taarbæk", 55.7704, 12.5038),
    "175": Place("Rødovre", 55.6806, 12.4537),
    "183": Place("Ishøj", 55.6154, 12.3518),
    "185": Place("Tårnby", 55.6303, 12.6004),
    "187": Place("Vallensbæk", 55.6220, 12.3851),
    "190": Place("Furesø", 55.8086, 12.3607),
    "201": Place("Allerød", 55.8750, 12.3458),
    "217": Place("Helsingør", 56.0361, 12.6136),
    "219": Place("Hillerød", 55.9279, 12.3008),
    "223": Place("Hørsholm", 55.8810, 12.5011),
    "250": Place("Frederikssund", 55.8396, 12.0690),
    "260": Place("Halsnæs", 55.9707, 12.0225),
    "270": Place("Gribskov", 56.0228, 12.1975),
    "400": Place("Bornholm", 55.1009, 14.7066),
    # Region Zealand (Region Sjælland)
    "253": Place("Greve", 55.5833, 12.3000),
    "259": Place("Køge", 55.4580, 12.1821),
    "265": Place("Roskilde", 55.6415, 12.0804),
    "269": Place("Solrød", 55.5363, 12.1827),
    "316": Place("Holbæk", 55.7175, 11.7128),
    "320": Place("Faxe", 55.2556, 12.1193),
    "326": Place("Kalundborg", 55.6795, 11.0886),
    "329": Place("Ringsted", 55.4426, 11.7901),
    "330": Place("Slagelse", 55.4028, 11.3546),
    "336": Place("Stevns", 55.3097, 12.3889),
    "340": Place("Sorø", 55.4318, 11.5555),
    "360": Place("Lolland", 54.7766, 11.5002),
    "370": Place("Næstved", 55.2299, 11.7609),
    "376": Place("Guldborgsund", 54.7691, 11.8743),
    "390": Place("Vordingborg", 55.0080, 11.9106),
    # Region of Southern Denmark (Region Syddanmark)
    "410": Place("Middelfart", 55.5059, 9.7305),
    "420": Place("Assens", 55.2702, 9.9008),
    "430": Place("Faaborg-Midtfyn", 55.2383, 10.4786),
    "440": Place("Kerteminde", 55.4490, 10.6577),
    "450": Place("Nyborg", 55.3127, 10.7896),
    "461": Place("Odense", 55.3959, 10.3883),
    "479": Place("Svendborg", 55.0598, 10.6068),
    "480": Place("Nordfyns", 55.4853, 10.2554),
    "482": Place("Langeland", 54.9364, 10.7102),
    "492": Place("Ærø", 54.8880, 10.4112),
    "510": Place("Haderslev", 55.2494, 9.4877),
    "530": Place("Billund", 55.7573, 8.9275),
    "540": Place("Sønderborg", 54.9090, 9.7892),
    "550": Place("Tønder", 54.9331, 8.8667),
    "561": Place("Esbjerg", 55.4703, 8.4519),
    "563": Place("Fanø", 55.4460, 8.3979),
    "573": Place("Varde", 55.6211, 8.4807),
    "575": Place("Vejen", 55.4812, 9.1380),
    "580": Place("Aabenraa", 55.0443, 9.4174),
    "607": Place("Fredericia", 55.5657, 9.7526),
    "621": Place("Kolding", 55.4904, 9.4722),
    "630": Place("Vejle", 55.7093, 9.5357),
    # Central Denmark Region (Region Midtjylland)
    "615": Place("Horsens", 55.8607, 9.8503),
    "657": Place("Herning", 56.1362, 8.9766),
    "661": Place("Holstebro", 56.3601, 8.6161),
    "665": Place("Lemvig", 56.5486, 8.3102),
    "671": Place("Struer", 56.4921, 8.5940),
    "706": Place("Syddjurs", 56.1944, 10.6821),
    "707": Place("Norddjurs", 56.4158, 10.8783),
    "710": Place("Favrskov", 56.2661, 10.0630),
    "727": Place("Odder", 55.9731, 10.1530),
    "730": Place("Randers", 56.4607, 10.0364),
    "740": Place("Silkeborg", 56.1697, 9.5451),
    "746": Place("Skanderborg", 56.0343, 9.9318),
    "751": Place("Aarhus", 56.1567, 10.2108),
    "756": Place("Ikast-Brande", 56.1388, 9.1577),
    "760": Place("Ringkøbing-Skjern", 56.0901, 8.2440),
    "779": Place("Skive", 56.5670, 9.0271),
    "791": Place("Viborg", 56.4532, 9.4020),
    # North Denmark Region (Region Nordjylland)
    "773": Place("Morsø", 56.7933, 8.8528),
    "787": Place("Thisted", 56.9552, 8.6949),
    "810": Place("Brønderslev", 57.2702, 9.9410),
    "813": Place("Frederikshavn", 57.4407, 10.5366),
    "820": Place("Vesthimmerlands", 56.8040, 9.5144),
    "840": Place("Rebild", 56.8854, 9.8384),
    "846": Place("Mariagerfjord", 56.6431, 9.7903),
    "849": Place("Jammerbugt", 57.1625, 9.7300),
    "851": Place("Aalborg", 57.0480, 9.9187),
    "860": Place("Hjørring", 57.4642, 9.9823),
}


def normalise(code: str) -> str:
    """"0751" and " 751" name the same municipality as "751"."""
    code = (code or "").strip()
    return code.lstrip("0") or code


def place(code: str) -> Place | None:
    return MUNICIPALITIES.get(normalise(code))


def haversine_km(a: Place, b: Place) -> float:
    """Great-circle distance between two places on a spherical Earth."""
    lat1, lat2 = radians(a.latitude), radians(b.latitude)
    dlat = lat2 - lat1
    dlon = radians(b.longitude - a.longitude)
    h = sin(dlat / 2) ** 2 + cos(lat1) * cos(lat2) * sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * asin(min(1.0, sqrt(h)))


def distance_km(code_a: str, code_b: str) -> int | None:
    """Kilometres between two municipalities, rounded; None when either location is not known."""
    a, b = place(code_a), place(code_b)
    if a is None or b is None:
        return None
    return round(haversine_km(a, b))


def distances_from(code: str) -> dict[str, int]:
    """Rounded kilometres from one municipality to every municipality with a known location
    (empty when its own location is not known)."""
    origin = place(code)
    if origin is None:
        return {}
    return {other: round(haversine_km(origin, where)) for other, where in MUNICIPALITIES.items()}
