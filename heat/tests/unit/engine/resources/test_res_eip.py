"""AWS::EC2::EIP and AWS::EC2::EIPAssociation on the sandbox cloud, in
real stacks on a SQLite file."""

import json

import pytest

from heat.common import config
from heat.common import context
from heat.common import exception
from heat.db import api as db_api
from heat.engine import operations
from heat.engine import stack as stack_mod
from heat.engine import template as template_mod
from heat.engine import update
from heat.engine.clients import sandbox
from heat.engine.clients.sandbox import inventory
from heat.tests.unit.engine.resources.resource_stacks import event_reasons
from heat.tests.unit.engine.resources.resource_stacks import run
from heat.tests.unit.engine.resources.resource_stacks import status

CONF = config.CONF
TENANT = 't1'
CTXT = context.RequestContext(tenant=TENANT, user='u1')

EIP = {'Type': 'AWS::EC2::EIP'}


@pytest.fixture
def cloud(heat_db):
    CONF.set_override('build_seconds', 0, group='sandbox')
    yield sandbox.make_clients(CTXT)
    CONF.clear_override('build_seconds', group='sandbox')


@pytest.fixture
def servers(cloud):
    """Two sandbox servers, as Instances would give."""
    return [
        cloud.compute.create_server(name, 'cirros', 'm1.tiny').id
        for name in ('web', 'db')
    ]


def eip(**props):
    return {'Type': 'AWS::EC2::EIP', 'Properties': props}


def association(**props):
    return {'Type': 'AWS::EC2::EIPAssociation', 'Properties': props}


def template(resources, params=()):
    return template_mod.Template(
        {
            'Parameters': {key: {'Type': 'String'} for key in params},
            'Resources': resources,
        }
    )


def new_stack(resources, params=None, name='ips'):
    stack = stack_mod.Stack.new(
        CTXT, name, template(resources, params or {}), params or {}, {}
    )
    stack.validate()
    stack.store()
    return stack


def reload(stack):
    return stack_mod.Stack.load(CTXT, db_api.stack_get(stack.row.id))


def floating_ips():
    return [
        (fip['address'], fip['server_id'])
        for fip in inventory.describe(TENANT)['floating_ips']
    ]


def test_eip_ref_is_the_address_and_allocation_id_the_id(cloud):
    stack = new_stack({'IP': EIP})
    run(operations.create, stack)
    assert status(stack) == 'CREATE_COMPLETE'
    [fip] = inventory.describe(TENANT)['floating_ips']
    loaded = reload(stack)
    assert loaded.reference('IP') == fip['address']
    assert loaded.attribute('IP', 'AllocationId') == fip['id']
    assert fip['server_id'] is None
    run(operations.delete, stack)
    assert status(stack) == 'DELETE_COMPLETE'
    assert floating_ips() == []


def test_eip_with_an_instance_is_associated_then_released(cloud, servers):
    stack = new_stack(
        {'IP': eip(InstanceId={'Ref': 'Server'}, Domain='vpc')},
        params={'Server': servers[0]},
    )
    run(operations.create, stack)
    address = stack.reference('IP')
    assert cloud.compute.get_server(servers[0]).floating_ips == (address,)
    run(operations.delete, stack)
    assert status(stack) == 'DELETE_COMPLETE'
    assert cloud.compute.get_server(servers[0]).floating_ips == ()
    assert floating_ips() == []


def test_eip_instance_changes_in_place(cloud, servers):
    stack = new_stack(
        {'IP': eip(InstanceId={'Ref': 'Server'})},
        params={'Server': servers[0]},
    )
    run(operations.create, stack)
    address = stack.reference('IP')
    physical_id = stack.resources['IP'].resource_id
    for server in (servers[1], None):
        properties = {'InstanceId': server} if server else {}
        body = json.dumps({'Resources': {'IP': eip(**properties)}})
        target = update.prepare(
            CTXT, db_api.stack_get(stack.row.id), {'TemplateBody': body}
        )
        run(update.update, target)
        assert status(stack) == 'UPDATE_COMPLETE'
        assert reload(stack).resources['IP'].resource_id == physical_id
        assert floating_ips() == [(address, server)]


def test_association_by_address_shows_on_the_server(cloud, servers):
    stack = new_stack(
        {
            'IP': EIP,
            'Assoc': association(
                InstanceId={'Ref': 'Server'}, EIP={'Ref': 'IP'}
            ),
        },
        params={'Server': servers[0]},
    )
    run(operations.create, stack)
    assert status(stack) == 'CREATE_COMPLETE'
    address = stack.reference('IP')
    assert cloud.compute.get_server(servers[0]).floating_ips == (address,)
    assert stack.reference('Assoc') == '%s:%s' % (address, servers[0])
    run(operations.delete, stack)
    assert status(stack) == 'DELETE_COMPLETE'
    assert cloud.compute.get_server(servers[0]).floating_ips == ()
    assert floating_ips() == []


def test_association_by_allocation_id(cloud, servers):
    stack = new_stack(
        {
            'IP': EIP,
            'Assoc': association(
                InstanceId={'Ref': 'Server'},
                AllocationId={'Fn::GetAtt': ['IP', 'AllocationId']},
            ),
        },
        params={'Server': servers[1]},
    )
    run(operations.create, stack)
    assert floating_ips() == [(stack.reference('IP'), servers[1])]


def test_deleting_an_association_keeps_the_address(cloud, servers):
    kept = cloud.network.allocate_floating_ip()
    stack = new_stack(
        {
            'Assoc': association(
                InstanceId={'Ref': 'Server'}, EIP={'Ref': 'Address'}
            )
        },
        params={'Server': servers[0], 'Address': kept.address},
    )
    run(operations.create, stack)
    assert floating_ips() == [(kept.address, servers[0])]
    run(operations.delete, stack)
    assert floating_ips() == [(kept.address, None)]


def test_an_address_moved_elsewhere_is_left_associated(cloud, servers):
    kept = cloud.network.allocate_floating_ip()
    stack = new_stack(
        {
            'Assoc': association(
                InstanceId={'Ref': 'Server'}, AllocationId={'Ref': 'Id'}
            )
        },
        params={'Server': servers[0], 'Id': kept.id},
    )
    run(operations.create, stack)
    cloud.network.associate_floating_ip(kept.id, servers[1])
    run(operations.delete, stack)
    assert status(stack) == 'DELETE_COMPLETE'
    assert floating_ips() == [(kept.address, servers[1])]


def test_released_behind_heats_back_is_already_gone(cloud, servers):
    stack = new_stack(
        {
            'IP': EIP,
            'Assoc': association(
                InstanceId={'Ref': 'Server'}, EIP={'Ref': 'IP'}
            ),
        },
        params={'Server': servers[0]},
    )
    run(operations.create, stack)
    cloud.network.release_floating_ip(
        stack.resources['IP'].data['allocation_id']
    )
    run(operations.delete, stack)
    assert status(stack) == 'DELETE_COMPLETE'
    for name in ('IP', 'Assoc'):
        assert event_reasons(stack, name, 'DELETE_COMPLETE') == [
            'Already gone from the cloud'
        ]


def test_an_unknown_address_fails_the_association(cloud, servers):
    stack = new_stack(
        {
            'Assoc': association(
                InstanceId={'Ref': 'Server'}, EIP='203.0.113.9'
            )
        },
        params={'Server': servers[0]},
    )
    run(operations.create, stack)
    assert status(stack) == 'ROLLBACK_COMPLETE'
    assert event_reasons(stack, 'Assoc', 'CREATE_FAILED') == [
        'Floating IP 203.0.113.9 could not be found.'
    ]


def test_an_eip_for_a_missing_server_is_released_on_rollback(cloud):
    stack = new_stack({'IP': eip(InstanceId='no-such-server')})
    run(operations.create, stack)
    assert status(stack) == 'ROLLBACK_COMPLETE'
    assert event_reasons(stack, 'IP', 'CREATE_FAILED') == [
        'Instance no-such-server could not be found.'
    ]
    assert floating_ips() == []


@pytest.mark.parametrize(
    'props, message',
    [
        (
            {'InstanceId': 'i-1'},
            'Resources.Assoc.Properties: AWS::EC2::EIPAssociation needs EIP '
            'or AllocationId',
        ),
        (
            {'InstanceId': 'i-1', 'EIP': '192.0.2.1', 'AllocationId': 'a-1'},
            'Resources.Assoc.Properties: EIP and AllocationId are mutually '
            'exclusive',
        ),
        (
            {'EIP': '192.0.2.1'},
            'Resources.Assoc.Properties.InstanceId: Property InstanceId not '
            'assigned',
        ),
    ],
)
def test_association_properties_are_validated(cloud, props, message):
    with pytest.raises(exception.ValidationError, match=message):
        new_stack({'Assoc': association(**props)})


def test_eip_domain_is_checked(cloud):
    with pytest.raises(
        exception.ValidationError,
        match='Resources.IP.Properties.Domain: "classic" is '
        'not an allowed value',
    ):
        new_stack({'IP': eip(Domain='classic')})
