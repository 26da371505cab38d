"""The engine's short memory of tenants' EC2 keys, on a real SQLite file."""

import pytest

from heat.common import config
from heat.db import api as db_api
from heat.engine import key_cache

CONF = config.CONF

pytestmark = pytest.mark.usefixtures('heat_db')


@pytest.fixture
def cache_seconds():
    def set_seconds(seconds):
        CONF.set_override('key_cache_seconds', seconds, group='auth')

    yield set_seconds
    CONF.clear_override('key_cache_seconds', group='auth')


class Clock:
    """The cache's clock, which the test moves instead of sleeping."""

    def __init__(self):
        self.now = 1000.0

    def monotonic(self):
        return self.now


@pytest.fixture
def clock(monkeypatch):
    moved = Clock()
    monkeypatch.setattr(key_cache, 'time', moved)
    return moved


def stack_id():
    template_id = db_api.raw_template_create({'Resources': {}})
    return db_api.stack_create(
        {
            'name': 'web',
            'tenant': 't1',
            'raw_template_id': template_id,
            'action': 'CREATE',
            'status': 'COMPLETE',
        }
    ).id


def test_a_tenants_key_works_for_the_set_time_after_its_deletion(
    cache_seconds, clock
):
    cache_seconds(1)
    access, secret = db_api.ec2_credential_create('t1', user='u1')
    assert key_cache.get(access).secret == secret
    db_api.ec2_credential_delete(access)
    clock.now += 0.5
    kept = key_cache.get(access)
    assert (kept.tenant, kept.user, kept.secret) == ('t1', 'u1', secret)
    clock.now += 0.5
    assert key_cache.get(access) is None


def test_with_no_time_set_every_key_is_read_every_time(cache_seconds):
    cache_seconds(0)
    access, _ = db_api.ec2_credential_create('t1')
    assert key_cache.get(access) is not None
    db_api.ec2_credential_delete(access)
    assert key_cache.get(access) is None


def test_a_stacks_keys_stop_working_at_once(cache_seconds):
    cache_seconds(60)
    owner = stack_id()
    stack_key, _ = db_api.ec2_credential_create('t1', stack_id=owner)
    handle_key, _ = db_api.ec2_credential_create(
        't1', stack_id=owner, resource_name='Handle'
    )
    for access in (stack_key, handle_key):
        assert key_cache.get(access).stack_id == owner
        db_api.ec2_credential_delete(access)
        assert key_cache.get(access) is None


def test_the_oldest_keys_are_forgotten_past_the_limit(
    cache_seconds, monkeypatch
):
    cache_seconds(60)
    monkeypatch.setattr(key_cache, 'MAX_KEYS', 2)
    keys = [db_api.ec2_credential_create('t1')[0] for _ in range(3)]
    for access in keys:
        key_cache.get(access)
    for access in keys:
        db_api.ec2_credential_delete(access)
    assert key_cache.get(keys[0]) is None
    assert key_cache.get(keys[2]) is not None
