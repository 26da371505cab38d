"""The sandbox hands out addresses without collisions however many engines
allocate at once, on SQLite, MariaDB and PostgreSQL."""

import datetime
import ipaddress

from heat.common import exception
from heat.db import sandbox_api
from heat.tests.functional import racing

RACERS = 24
EXHAUSTED = 'No more IP addresses available on network %s.'


def server_values(i):
    return {
        'name': 'server-%d' % i,
        'status': 'ACTIVE',
        'settled_status': 'ACTIVE',
        'settles_at': datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
        'availability_zone': 'nova',
        'image_id': 'image',
        'flavor_id': 'flavor',
    }


def create_server(cidr):
    return lambda i: (
        sandbox_api.server_create(
            'tenant-%d' % (i % 2), server_values(i), cidr
        ).private_ip
    )


def allocate_floating_ip(cidr):
    return lambda i: (
        sandbox_api.floating_ip_create('tenant-%d' % (i % 2), cidr).address
    )


def pool_of(cidr):
    # Its hosts but the first, the gateway.
    return {str(a) for a in list(ipaddress.ip_network(cidr).hosts())[1:]}


def test_concurrent_servers_get_distinct_addresses(heat_db_any):
    cidr = '10.0.0.0/24'
    addresses = racing.at_once(RACERS, create_server(cidr))
    assert all(isinstance(a, str) for a in addresses), addresses
    assert len(set(addresses)) == RACERS
    assert set(addresses) <= pool_of(cidr)


def test_racing_for_a_small_pool_fills_it_then_says_so(heat_db_any):
    # 13 addresses for 24 servers: every one is handed out, once, before
    # the pool runs dry; the rest are told why.
    for allocate, cidr in (
        (create_server, '192.168.7.0/28'),
        (allocate_floating_ip, '203.0.113.0/28'),
    ):
        outcomes = racing.at_once(RACERS, allocate(cidr))
        given = [o for o in outcomes if isinstance(o, str)]
        assert sorted(given) == sorted(pool_of(cidr)), outcomes
        refusals = [o for o in outcomes if not isinstance(o, str)]
        assert len(refusals) == RACERS - len(pool_of(cidr))
        for refusal in refusals:
            assert isinstance(refusal, exception.CloudError), refusal
            assert str(refusal) == EXHAUSTED % cidr
