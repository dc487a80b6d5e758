"""What every PDF of the house shares: fonts, text the font can write, and a record of the text.

Fonts: DejaVu Sans (Unicode) from settings.PDF_FONT_DIR, by default Debian's
/usr/share/fonts/truetype/dejavu; without it the PDF core font Helvetica, which knows Latin-1
only, so other characters are written as their nearest Latin-1 form or "?".

Text goes through HouseDocument.put(), which keeps every piece it wrote in `written`, so tests
can read what a PDF says without a PDF reader (the text of an embedded TrueType font is stored as
glyph numbers, not as letters).
"""

import unicodedata
from pathlib import Path

from django.conf import settings
from django.utils.translation import get_language
from fpdf import FPDF

DEFAULT_FONT_DIR = "/usr/share/fonts/truetype/dejavu"
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}

# Characters outside Latin-1 that the core font cannot write, in their nearest Latin-1 form.
_LATIN1 = str.maketrans({
    "\u2013": "-", "\u2014": "-", "\u2212": "-", "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201c": '"',
    "\u201d": '"', "\u201e": '"', "\u2026": "...", "\u2022": "*", "\u00a0": " ", "\u2192": "->", "\u2190": "<-",
    "\u20ac": "EUR", "\u2264": "<=", "\u2265": ">=",
})


def font_dir() -> Path:
    return Path(getattr(settings, "PDF_FONT_DIR", DEFAULT_FONT_DIR) or DEFAULT_FONT_DIR)


def to_latin1(text: str) -> str:
    """Text the core font can write: known look-alikes first, then accents stripped, then "?"."""
    text = text.translate(_LATIN1)
    out = []
    for char in text:
        if ord(char) < 256:
            out.append(char)
            continue
        base = "".join(c for c in unicodedata.normalize("NFKD", char) if ord(c) < 256 and not unicodedata.combining(c))
        out.append(base or "?")
    return "".join(out)


class HouseDocument(FPDF):
    """An A4 document with the house's fonts, its title and language set, every text put() noted."""

    def __init__(self, *, title: str, compress: bool = True) -> None:
        super().__init__(format="A4")
        self.set_compression(compress)
        self.written: list[str] = []
        self.unicode = self._load_fonts()
        self.family = "DejaVu" if self.unicode else "Helvetica"
        self.set_title(self.clean(title))
        self.set_creator("Infohus")
        self.set_lang(get_language() or "da")

    def _load_fonts(self) -> bool:
        folder = font_dir()
        paths = {style: folder / name for style, name in FONT_FILES.items()}
        if not all(path.is_file() for path in paths.values()):
            return False
        for style, path in paths.items():
            self.add_font("DejaVu", style, str(path))
        return True

    def clean(self, text: str) -> str:
        return text if self.unicode else to_latin1(text)

    def put(self, text: str) -> str:
        """The text as it will be written, noted in self.written."""
        text = self.clean(str(text))
        self.written.append(text)
        return text

    def report_layout(self) -> None:
        """The layout of the house's reports (assessment summaries, subject access exports): 18 mm
        margins, "page n of N", and the first page begun."""
        self.set_auto_page_break(auto=True, margin=18)
        self.set_margins(18, 16, 18)
        self.alias_nb_pages()
        self.add_page()

    def font(self, size: float = 10, bold: bool = False) -> None:
        self.set_font(self.family, "B" if bold else "", size)
