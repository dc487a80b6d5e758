"""National identifiers: validated for their country, encrypted at rest, found by a keyed hash.

The identifier itself is stored only encrypted (Fernet, key from FIELD_ENCRYPTION_KEY); a keyed
HMAC of its normalised form lets staff look a person up by identifier without decrypting rows.
"""

import base64
import hashlib
import hmac
import re
from datetime import date

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def normalise(country: str, value: str) -> str:
    return re.sub(r"[\s\-]", "", value.strip()).upper()


def validate(country: str, value: str) -> str:
    """The normalised identifier, or ValidationError with a message for people."""
    number = normalise(country, value)
    if country == "DK":
        return _validate_cpr(number)
    if not re.fullmatch(r"[0-9A-Z]{4,20}", number):
        raise ValidationError(_("An identifier has 4 to 20 letters and digits."))
    return number


def _validate_cpr(number: str) -> str:
    # A CPR number is DDMMYY-SSSS. Since 2007 the check digit (modulus 11) is no longer
    # guaranteed, so only the date part is checked.
    if not re.fullmatch(r"\d{10}", number):
        raise ValidationError(_("A CPR number has ten digits, written DDMMYY-SSSS."))
    day, month, year = int(number[0:2]), int(number[2:4]), int(number[4:6])
    try:
        date(2000 + year, month, day)
    except ValueError:
        raise ValidationError(_("The first six digits of a CPR number must be a date (DDMMYY).")) from None
    return number


def _fernet() -> Fernet:
    key = settings.FIELD_ENCRYPTION_KEY
    return Fernet(base64.urlsafe_b64encode(hashlib.sha256(key.encode()).digest()))


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode() if value else ""


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        return ""  # a key rotated without re-encryption; shown as unknown rather than crash


def lookup_hash(country: str, number: str) -> str:
    key = hashlib.sha256(("lookup:" + settings.FIELD_ENCRYPTION_KEY).encode()).digest()
    return hmac.new(key, f"{country}:{number}".encode(), hashlib.sha256).hexdigest()
