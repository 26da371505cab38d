"""The describes' cache of stored templates, on a real SQLite file."""

import datetime

import pytest

from heat.common import context
from heat.db import api as db_api
from heat.engine import stack as stack_mod
from heat.engine import template as template_mod
from heat.engine import template_cache

pytestmark = pytest.mark.usefixtures('heat_db', 'test_resource_types')

CTXT = context.RequestContext(tenant='t1', user='u1')


def template(*names, description=''):
    return {
        'Description': description,
        'Resources': {
            name: {'Type': 'Test::Resource::Simple'} for name in names
        },
    }


def stored(name, data):
    stack = stack_mod.Stack.new(
        CTXT, name, template_mod.Template(data), {}, {}
    )
    stack.store()
    return db_api.stack_get(stack.row.id)


def test_a_stacks_template_is_read_once():
    row = stored('once', template('A'))
    first = template_cache.stored(row)
    assert first.resources == {'A': {'Type': 'Test::Resource::Simple'}}
    assert template_cache.stored(db_api.stack_get(row.id)) is first


def test_an_updated_stack_is_read_with_its_new_template():
    row = stored('updated', template('A'))
    template_cache.stored(row)
    stack = stack_mod.Stack.for_update(
        CTXT, row, template_mod.Template(template('A', 'B')), {}
    )
    stack.store_template()
    assert set(template_cache.stored(db_api.stack_get(row.id)).resources) == {
        'A',
        'B',
    }


def test_a_template_id_given_again_after_a_purge_is_not_confused():
    gone = stored('gone', template('Old', description='old'))
    template_cache.stored(gone)
    db_api.stack_soft_delete(gone.id)
    assert db_api.purge_deleted(datetime.timedelta(0)) == 1
    row = stored('new', template('New', description='new'))
    # SQLite gives the freed id to the next template: the case at hand.
    assert row.raw_template_id == gone.raw_template_id
    assert template_cache.stored(row).description == 'new'


def test_the_cache_stays_bounded():
    rows = [
        stored('s%d' % i, template('A'))
        for i in range(template_cache.SIZE + 1)
    ]
    first = template_cache.stored(rows[0])
    for row in rows[1:]:
        template_cache.stored(row)
    assert template_cache.stored(rows[0]) is not first
