"""Client secrets of identity providers, encrypted at rest with Fernet.

The key is derived from FIELD_ENCRYPTION_KEY, as the cases app does for national identifiers,
but with a context of its own: the two kinds of ciphertext cannot be swapped for each other.
"""

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


def _fernet() -> Fernet:
    key = hashlib.sha256(("sso-client-secret:" + settings.FIELD_ENCRYPTION_KEY).encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def encrypt_secret(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode() if value else ""


def decrypt_secret(token: str) -> str:
    """The secret, or "" when there is none or the key has changed since it was stored (the
    provider then refuses the client, and the administrator enters the secret again)."""
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        return ""
