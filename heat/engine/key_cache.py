"""The tenants' EC2 keys an engine has read lately, kept a short time.

Every signed request asks an engine who signed it, and reading the key and
decrypting its secret cost about as much as answering a describe.  A
tenant's own key (made by heat-manage, belonging to no stack) is kept for
``[auth] key_cache_seconds`` after it is read: only heat-manage deletes
such keys, and one it deletes may go on working for that long.  The keys
of a stack or of one of its resources are read every time, since the
engine deletes them itself when the stack or resource goes and they must
stop working at once.  Unknown keys are never remembered, so a new key
works at once.
"""

import threading
import time

from heat.common import config
from heat.db import api as db_api

CONF = config.CONF

# More than the keys in use at once; past it the oldest are forgotten.
MAX_KEYS = 1024

_lock = threading.Lock()
# access -> (its key pair, time.monotonic() when read)
_keys: dict[str, tuple[db_api.Ec2Keypair, float]] = {}


def get(access):
    """The key pair of access, secret included, or None if none exists."""
    seconds = CONF.auth.key_cache_seconds
    if seconds > 0:
        with _lock:
            entry = _keys.get(access)
        if entry is not None and time.monotonic() - entry[1] < seconds:
            return entry[0]
    keypair = db_api.ec2_credential_get(access)
    with _lock:
        _keys.pop(access, None)
        if seconds > 0 and keypair is not None and keypair.stack_id is None:
            _keys[access] = (keypair, time.monotonic())
            while len(_keys) > MAX_KEYS:
                del _keys[next(iter(_keys))]
    return keypair
