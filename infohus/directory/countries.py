"""The countries of Europe that the directory knows: ISO 3166-1 alpha-2, numeric, English name."""

EUROPE: tuple[tuple[str, str, str], ...] = (
    ("AL", "008", "Albania"), ("AD", "020", "Andorra"), ("AT", "040", "Austria"), ("BY", "112", "Belarus"),
    ("BE", "056", "Belgium"), ("BA", "070", "Bosnia and Herzegovina"), ("BG", "100", "Bulgaria"),
    ("HR", "191", "Croatia"), ("CY", "196", "Cyprus"), ("CZ", "203", "Czechia"), ("DK", "208", "Denmark"),
    ("EE", "233", "Estonia"), ("FI", "246", "Finland"), ("FR", "250", "France"), ("DE", "276", "Germany"),
    ("GR", "300", "Greece"), ("HU", "348", "Hungary"), ("IS", "352", "Iceland"), ("IE", "372", "Ireland"),
    ("IT", "380", "Italy"), ("XK", "", "Kosovo"), ("LV", "428", "Latvia"), ("LI", "438", "Liechtenstein"),
    ("LT", "440", "Lithuania"), ("LU", "442", "Luxembourg"), ("MT", "470", "Malta"), ("MD", "498", "Moldova"),
    ("MC", "492", "Monaco"), ("ME", "499", "Montenegro"), ("NL", "528", "Netherlands"),
    ("MK", "807", "North Macedonia"), ("NO", "578", "Norway"), ("PL", "616", "Poland"), ("PT", "620", "Portugal"),
    ("RO", "642", "Romania"), ("SM", "674", "San Marino"), ("RS", "688", "Serbia"), ("SK", "703", "Slovakia"),
    ("SI", "705", "Slovenia"), ("ES", "724", "Spain"), ("SE", "752", "Sweden"), ("CH", "756", "Switzerland"),
    ("TR", "792", "Türkiye"), ("UA", "804", "Ukraine"), ("GB", "826", "United Kingdom"),
)

# Other spellings met on country pages.
ALIASES = {"czech republic": "CZ", "the netherlands": "NL", "holland": "NL", "uk": "GB", "great britain": "GB",
           "turkey": "TR", "macedonia": "MK", "danmark": "DK", "deutschland": "DE", "österreich": "AT"}


def code_for_name(name: str) -> str | None:
    lowered = name.strip().lower()
    for code, _numeric, english in EUROPE:
        if english.lower() == lowered:
            return code
    return ALIASES.get(lowered)
