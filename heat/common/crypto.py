"""Encryption of the secrets Heat stores (passwords, EC2 secret keys).

Fernet (AES-CBC with an HMAC) under a key derived from ``[DEFAULT]
auth_encryption_key``; without one, a random key made on first use and kept
in ``$state_path/auth_encryption.key``, readable by its owner only.
"""

import base64
import functools
import hashlib
import os

from cryptography import fernet

from heat.common import config
from heat.common import exception

CONF = config.CONF

KEY_FILE = 'auth_encryption.key'


def encrypt(text: str) -> str:
    return (
        _fernet(CONF.auth_encryption_key, CONF.state_path)
        .encrypt(text.encode('utf-8'))
        .decode('ascii')
    )


def decrypt(token: str) -> str:
    cipher = _fernet(CONF.auth_encryption_key, CONF.state_path)
    try:
        return cipher.decrypt(token.encode('ascii')).decode('utf-8')
    except (fernet.InvalidToken, UnicodeError) as exc:
        raise exception.DecryptionFailed() from exc


@functools.lru_cache(maxsize=4)
def _fernet(configured_key, state_path):
    if configured_key:
        digest = hashlib.sha256(configured_key.encode('utf-8')).digest()
        return fernet.Fernet(base64.urlsafe_b64encode(digest))
    return fernet.Fernet(_stored_key(os.path.join(state_path, KEY_FILE)))


def _stored_key(path):
    """The key in path, created there first if there is none yet."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    key = fernet.Fernet.generate_key()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        with open(path, 'rb') as f:
            return f.read().strip()
    with os.fdopen(fd, 'wb') as f:
        f.write(key)
    return key
