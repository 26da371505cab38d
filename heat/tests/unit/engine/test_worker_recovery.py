"""An engine that starts again fails what its dead predecessor left running."""

import pytest

from heat.common import config
from heat.common import context
from heat.db import api as db_api
from heat.engine import stack as stack_mod
from heat.engine import template as template_mod
from heat.engine import worker

CONF = config.CONF
HANDLE = {'Type': 'AWS::CloudFormation::WaitConditionHandle'}

pytestmark = pytest.mark.usefixtures('heat_db')


def stored_stack(name):
    ctxt = context.RequestContext(tenant='t1')
    template = template_mod.Template({'Resources': {'H': HANDLE}})
    stack = stack_mod.Stack.new(ctxt, name, template, {}, {})
    stack.store()
    stack.begin('CREATE', 'Stack CREATE started')
    return stack


def new_engine(alive_engines):
    engine = worker.Engine()
    # Which other engines answer a ping is what this test decides.
    engine.is_engine_alive = lambda engine_id: engine_id in alive_engines
    return engine


def status(stack):
    row = db_api.stack_get(stack.row.id)
    return '%s_%s' % (row.action, row.status), row.status_reason


def test_dead_predecessor_on_this_host_loses_its_locks():
    stack = stored_stack('orphan')
    dead = '%s:0123456789ab' % CONF.host
    assert db_api.stack_lock_acquire(stack.row.id, dead) is None

    new_engine(alive_engines=set())._recover_stale_locks()

    state, reason = status(stack)
    assert state == 'CREATE_FAILED'
    assert dead in reason and 'stopped' in reason
    assert db_api.stack_locks_holders() == {}


def test_live_engines_and_other_hosts_keep_their_locks():
    on_other_host = stored_stack('elsewhere')
    alive_here = stored_stack('busy')
    other = 'another-host:0123456789ab'
    live = '%s:ba9876543210' % CONF.host
    db_api.stack_lock_acquire(on_other_host.row.id, other)
    db_api.stack_lock_acquire(alive_here.row.id, live)

    new_engine(alive_engines={live})._recover_stale_locks()

    assert status(on_other_host)[0] == 'CREATE_IN_PROGRESS'
    assert status(alive_here)[0] == 'CREATE_IN_PROGRESS'
    assert db_api.stack_locks_holders() == {
        on_other_host.row.id: other,
        alive_here.row.id: live,
    }
