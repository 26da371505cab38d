"""The engine's access table: complete, denying by default, and what each
kind of caller may and may not do through the engine's RPC endpoint, on
both ways a call reaches it (an engine's own server over oslo.messaging,
and heat-all's topic calls answered in process)."""

import oslo_messaging
import pytest

from heat.common import context
from heat.common import exception
from heat.engine import authorization
from heat.engine import service
from heat.rpc import api as rpc_api
from heat.tests.unit.engine.resources.test_res_iam import keystone_context
from heat.tests.unit.engine.resources.test_res_iam import local_keys_context
from heat.tests.unit.engine.resources.test_res_iam import template
from heat.tests.unit.engine.resources.test_res_wait_condition import context_of
from heat.tests.unit.engine.resources.test_res_wait_condition import handle_of
from heat.tests.unit.engine.test_update import CTXT
from heat.tests.unit.engine.test_update import create
from heat.tests.unit.engine.test_update import outputs
from heat.tests.unit.engine.test_update import stack_row

# -- the table ----------------------------------------------------------------


def test_every_method_the_endpoint_serves_has_a_policy():
    served = authorization.served_methods(service.EngineService)
    assert [m for m in served if m not in authorization.ACCESS] == []
    assert sorted(authorization.ACCESS) == served


def test_the_table_covers_the_rpc_interface_exactly():
    assert sorted(authorization.ACCESS) == sorted(rpc_api.CALLS)


def test_methods_stack_keys_may_call_name_how_to_find_their_stack():
    for method, policy in authorization.ACCESS.items():
        if policy.stack_keys or policy.handle_keys:
            assert policy.target is not None, method


class Grown(service.EngineService):
    """An endpoint that gained a method the table does not know."""

    def __init__(self):
        super().__init__(engine=None)
        self.ran = False

    def drop_everything(self, ctxt, args):
        self.ran = True
        return {}


@pytest.mark.parametrize(
    'ctxt',
    [CTXT, context.RequestContext(tenant='', roles=['admin'])],
    ids=['tenant', 'admin'],
)
def test_a_method_without_a_policy_runs_for_nobody(ctxt):
    grown = Grown()
    guarded = authorization.Guard(grown).drop_everything
    with pytest.raises(oslo_messaging.ExpectedException) as caught:
        guarded(ctxt, args={})
    # Refused as the endpoint refuses what a caller may not do: an error
    # for the caller, not a traceback in the log.
    assert isinstance(caught.value.exc_info[1], exception.AccessDenied)
    assert not grown.ran


def test_private_names_are_not_served():
    with pytest.raises(AttributeError):
        authorization.Guard(Grown())._find  # noqa: B018 (the lookup is the test)


# -- each kind of caller, through the engine's RPC endpoint -----------------


@pytest.fixture
def engine(engines):
    return engines.start()


@pytest.fixture(params=['own server', 'topic in process'])
def call(request, engines, engine):
    """call(ctxt, method, **kwargs) through one of the two ways in."""
    server = engine.engine_id if request.param == 'own server' else None

    def call(ctxt, method, **kwargs):
        return engines.client.call(ctxt, method, server=server, **kwargs)

    return call


@pytest.fixture
def stacks(engines, engine):
    """{name: (outputs, ARN)} of two stacks, 'web' and 'other', each with
    a stack user, its keys and a wait condition handle 'Config'."""
    shown = {}
    for name in ('web', 'other'):
        created = create(engines.client, name, template())
        shown[name] = outputs(created), created['StackId']
    return shown


def resource(stack, name='Config'):
    return {'StackName': stack, 'LogicalResourceId': name}


def signal(stack, name='Config'):
    return {**resource(stack, name), 'Status': 'SUCCESS', 'UniqueId': '1'}


def test_tenant_may_act_on_its_stacks_only(call, stacks):
    shown = call(CTXT, 'describe_stacks', args={'StackName': 'web'})
    assert [s['StackName'] for s in shown['Stacks']] == ['web']
    stranger = context.RequestContext(tenant='t2', user='u2')
    # Another tenant's stack is a missing one, not a refusal.
    with pytest.raises(exception.StackNotFound):
        call(stranger, 'describe_stack_resource', args=resource('web'))


def test_stack_keys_read_their_own_stack_only(call, stacks):
    ctxt = local_keys_context(stacks['web'][0]['Access'])
    detail = call(ctxt, 'describe_stack_resource', args=resource('web'))
    assert detail['StackResourceDetail']['StackName'] == 'web'
    for method, args in (
        ('describe_stack_resource', resource('other')),
        ('describe_stacks', {'StackName': 'web'}),
    ):
        with pytest.raises(exception.AccessDenied):
            call(ctxt, method, args=args)


def test_keystone_stack_user_reads_its_own_stack_only(call, stacks, engines):
    ctxt = keystone_context(stack_row(engines.client, 'web'))
    listed = call(ctxt, 'describe_stack_resources', args={'StackName': 'web'})
    assert {r['StackName'] for r in listed['StackResources']} == {'web'}
    with pytest.raises(exception.AccessDenied):
        call(ctxt, 'list_stacks', args={})


def test_handle_keys_signal_their_own_handle_only(call, stacks, engines):
    ctxt = context_of(handle_of(stacks['web'][1], 'Config'), engines)
    assert (ctxt.scoped_stack_id, ctxt.scoped_resource) == (
        stack_row(engines.client, 'web').id,
        'Config',
    )
    assert call(ctxt, 'signal_resource', args=signal('web')) == {}
    for method, args in (
        ('signal_resource', signal('other')),
        ('describe_stack_resource', resource('web')),
    ):
        with pytest.raises(exception.AccessDenied):
            call(ctxt, method, args=args)


def test_internal_methods_answer_the_callers_on_the_bus(engines, engine):
    anonymous = context.RequestContext(tenant='')
    assert (
        engines.client.call(anonymous, 'ping', server=engine.engine_id)
        == engine.engine_id
    )
