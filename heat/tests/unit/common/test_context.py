"""The request context as it is carried over RPC."""

import dataclasses

from heat.common import context

FULL = context.RequestContext(
    tenant='t1',
    user='u1',
    roles=['member', 'admin'],
    auth_token='token',
    auth_url='http://keystone/v3',
    request_id='req-1',
    scoped_stack_id='stack-1',
    scoped_resource='Handle',
)


def test_to_dict_carries_every_field():
    assert FULL.to_dict() == dataclasses.asdict(FULL)


def test_to_dict_copies_the_roles():
    values = FULL.to_dict()
    values['roles'].append('intruder')
    assert FULL.roles == ['member', 'admin']


def test_from_dict_reads_back_to_dict():
    assert context.RequestContext.from_dict(FULL.to_dict()) == FULL


def test_from_dict_ignores_fields_it_does_not_know():
    values = dict(FULL.to_dict(), added_by_a_newer_api='x')
    assert context.RequestContext.from_dict(values) == FULL


def test_from_dict_fills_in_what_is_missing():
    ctxt = context.RequestContext.from_dict({'tenant': 't1'})
    assert ctxt.roles == [] and ctxt.user is None and ctxt.request_id
