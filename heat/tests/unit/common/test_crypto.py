import os
import stat

from cryptography import fernet
import pytest

from heat.common import config
from heat.common import crypto
from heat.common import exception


@pytest.fixture
def state_path(tmp_path):
    config.CONF.set_override('state_path', str(tmp_path))
    yield tmp_path
    config.CONF.clear_override('state_path')
    config.CONF.clear_override('auth_encryption_key')


def test_round_trip_with_generated_key(state_path):
    token = crypto.encrypt('p\u00e4ssword')
    assert 'p\u00e4ssword' not in token
    assert crypto.decrypt(token) == 'p\u00e4ssword'


def test_generated_key_is_kept_private_and_reused(state_path):
    token = crypto.encrypt('secret')
    key_file = state_path / crypto.KEY_FILE
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    # A fresh process (no cached cipher) reads the same key back.
    crypto._fernet.cache_clear()
    assert crypto.decrypt(token) == 'secret'


def test_configured_key_is_used(state_path):
    config.CONF.set_override('auth_encryption_key', 'my key')
    token = crypto.encrypt('secret')
    assert not (state_path / crypto.KEY_FILE).exists()
    config.CONF.set_override('auth_encryption_key', 'another key')
    with pytest.raises(exception.DecryptionFailed):
        crypto.decrypt(token)
    config.CONF.set_override('auth_encryption_key', 'my key')
    assert crypto.decrypt(token) == 'secret'


def test_configured_key_is_sha256_of_the_string(state_path):
    config.CONF.set_override('auth_encryption_key', 'my key')
    token = crypto.encrypt('secret')
    # sha256('my key'), urlsafe-base64 encoded.
    key = b'oOEtYB4QFU_ldD_W0ro3SSNlB3tIXwbBMe9JVCAAUlM='
    assert fernet.Fernet(key).decrypt(token.encode()) == b'secret'


def test_garbage_token_is_a_clear_error(state_path):
    with pytest.raises(exception.DecryptionFailed):
        crypto.decrypt('not a token')
