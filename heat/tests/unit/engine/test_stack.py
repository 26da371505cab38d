"""A Stack on a real SQLite file: its graph, persistence, outputs and
what DescribeStacks shows of it."""

import threading

import pytest

from heat.common import context
from heat.common import exception
from heat.db import api as db_api
from heat.engine import operations
from heat.engine import scheduler
from heat.engine import stack as stack_mod
from heat.engine import template as template_mod

pytestmark = pytest.mark.usefixtures('heat_db', 'test_resource_types')

CTXT = context.RequestContext(tenant='t1', user='u1')

TEMPLATE = {
    'Parameters': {
        'Password': {'Type': 'String', 'NoEcho': 'true'},
        'Size': {'Type': 'String', 'Default': 'small'},
    },
    'Resources': {
        'Db': {
            'Type': 'Test::Resource::Controlled',
            'Properties': {'Value': {'Ref': 'Size'}},
        },
        'App': {
            'Type': 'Test::Resource::Simple',
            'Properties': {'Value': {'Fn::GetAtt': ['Db', 'Output']}},
        },
        'Web': {'Type': 'Test::Resource::Simple', 'DependsOn': 'App'},
    },
    'Outputs': {
        'DbId': {'Value': {'Ref': 'Db'}, 'Description': 'The database'},
        'AppValue': {'Value': {'Fn::GetAtt': ['App', 'Output']}},
        'Joined': {
            'Value': {'Fn::Join': ['-', [{'Ref': 'Size'}, {'Ref': 'Web'}]]}
        },
    },
}

PARAMS = {'Password': 'hunter2'}


def new_stack(template=TEMPLATE, params=PARAMS, name='web'):
    stack = stack_mod.Stack.new(
        CTXT, name, template_mod.Template(template), params, {}
    )
    stack.validate()
    stack.store()
    return stack


def reload(stack):
    return stack_mod.Stack.load(
        CTXT, db_api.stack_get(stack.row.id, show_deleted=True)
    )


def create(stack):
    with scheduler.CallPool(4) as pool:
        operations.create(stack, operations.Operation(pool, threading.Event()))


def outputs(stack):
    return {
        o['OutputKey']: o['OutputValue']
        for o in stack.describe().get('Outputs', [])
    }


def test_dependencies_come_from_ref_getatt_and_depends_on():
    graph = new_stack().dependencies()
    assert list(graph.requires('App')) == ['Db']
    assert list(graph.requires('Web')) == ['App']
    assert list(graph.requires('Db')) == []


def test_store_writes_every_resource_in_init_state():
    stack = new_stack()
    rows = db_api.resource_get_all(stack.row.id)
    assert sorted((r.name, r.action, r.status) for r in rows) == [
        ('App', 'INIT', 'COMPLETE'),
        ('Db', 'INIT', 'COMPLETE'),
        ('Web', 'INIT', 'COMPLETE'),
    ]


def test_load_restores_resource_state():
    stack = new_stack()
    create(stack)
    loaded = reload(stack)
    db = loaded.resources['Db']
    assert (db.action.value, db.status.value) == ('CREATE', 'COMPLETE')
    assert db.resource_id == stack.resources['Db'].resource_id
    assert db.resource_id.startswith('controlled-')


def test_outputs_are_shown_only_once_the_stack_is_complete():
    stack = new_stack()
    assert outputs(stack) == {}
    create(stack)
    db_id = stack.resources['Db'].resource_id
    shown = outputs(reload(stack))
    assert shown == {
        'DbId': db_id,
        'AppValue': 'small',
        'Joined': 'small-' + stack.resources['Web'].resource_id,
    }
    described = reload(stack).describe()['Outputs']
    assert [o.get('Description') for o in described] == [
        None,
        'The database',
        None,
    ]


def test_outputs_disappear_when_the_stack_is_deleted():
    stack = new_stack()
    create(stack)
    with scheduler.CallPool(4) as pool:
        operations.delete(stack, operations.Operation(pool, threading.Event()))
    assert outputs(reload(stack)) == {}


def test_noecho_parameter_is_masked_in_describe_but_stored():
    stack = new_stack(params={'Password': 'hunter2', 'Size': 'big'})
    described = reload(stack).describe()
    assert {
        p['ParameterKey']: p['ParameterValue'] for p in described['Parameters']
    } == {'Password': '****', 'Size': 'big'}
    assert db_api.stack_get(stack.row.id).parameters['Password'] == 'hunter2'


def test_describe_shows_the_stack_state():
    stack = new_stack()
    stack.begin('CREATE', 'Stack CREATE started')
    described = stack.describe()
    assert described['StackStatus'] == 'CREATE_IN_PROGRESS'
    assert described['StackStatusReason'] == 'Stack CREATE started'
    assert described['StackName'] == 'web'
    assert described['StackId'] == stack.identifier.arn()


def test_missing_required_parameter_is_a_validation_error():
    with pytest.raises(exception.HeatError) as caught:
        new_stack(params={})
    assert 'Password' in str(caught.value)
    assert db_api.stack_get_by_name('t1', 'web') is None


def test_too_many_resources_is_refused():
    stack_mod.CONF.set_override('max_resources_per_stack', 2)
    try:
        with pytest.raises(exception.InvalidTemplate) as caught:
            new_stack()
        assert 'Number of resources' in str(caught.value)
    finally:
        stack_mod.CONF.clear_override('max_resources_per_stack')


def test_a_stack_in_progress_is_described_without_its_resources():
    stack = new_stack()
    stack.begin('CREATE', 'Stack CREATE started')
    row = db_api.stack_get(stack.row.id)
    described = stack_mod.describe_stored(CTXT, row)
    assert described['StackStatus'] == 'CREATE_IN_PROGRESS'
    assert {
        p['ParameterKey']: p['ParameterValue'] for p in described['Parameters']
    }['Password'] == '****'
    assert 'Outputs' not in described or described['Outputs'] == []


def test_outputs_are_resolved_with_only_the_resources_they_need():
    template = dict(
        TEMPLATE,
        Resources=dict(
            TEMPLATE['Resources'],
            Spare={
                'Type': 'Test::Resource::Simple',
                'Properties': {'Value': {'Ref': 'Db'}},
            },
        ),
        Outputs={'AppValue': TEMPLATE['Outputs']['AppValue']},
    )
    stack = new_stack(template=template)
    create(stack)
    row = db_api.stack_get(stack.row.id)
    partial = stack_mod.Stack(
        CTXT,
        row,
        stack.template,
        db_api.resource_get_all(row.id),
        building=stack_mod._needed_by_outputs,
    )
    # App's value comes from Db's attribute; Web and Spare play no part.
    assert sorted(partial.resources) == ['App', 'Db']
    described = stack_mod.describe_stored(CTXT, row)
    assert described == reload(stack).describe()
    assert outputs(reload(stack))['AppValue'] is not None


def test_a_complete_stack_is_described_with_its_outputs():
    stack = new_stack()
    create(stack)
    row = db_api.stack_get(stack.row.id)
    described = stack_mod.describe_stored(CTXT, row)
    assert described['StackStatus'] == 'CREATE_COMPLETE'
    assert {o['OutputKey'] for o in described['Outputs']} == {
        'DbId',
        'AppValue',
        'Joined',
    }
