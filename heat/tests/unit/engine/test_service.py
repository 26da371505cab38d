"""The engine's RPC methods, called through EngineClient on the in-process
transport, against an engine and a SQLite file of the test's own."""

import json

import pytest

from heat.common import context
from heat.common import exception
from heat.db import api as db_api
from heat.tests.unit.engine.test_worker import CTXT
from heat.tests.unit.engine.test_worker import create
from heat.tests.unit.engine.test_worker import describe
from heat.tests.unit.engine.test_worker import wait_until_deleted
from heat.tests.unit.engine.test_worker import wait_until_settled

OTHER_TENANT = context.RequestContext(tenant='t2', user='u2')

TEMPLATE = json.dumps(
    {
        'Parameters': {
            'Password': {'Type': 'String', 'NoEcho': 'true'},
            'Greeting': {'Type': 'String', 'Default': 'hello'},
        },
        'Resources': {
            'First': {
                'Type': 'Test::Resource::Controlled',
                'Properties': {'Value': {'Ref': 'Greeting'}},
            },
            'Second': {
                'Type': 'Test::Resource::Simple',
                'Properties': {
                    'Value': {
                        'Fn::Join': [
                            ' ',
                            [{'Fn::GetAtt': ['First', 'Output']}, 'world'],
                        ]
                    }
                },
            },
        },
        'Outputs': {
            'Said': {'Value': {'Fn::GetAtt': ['Second', 'Output']}},
            'FirstId': {'Value': {'Ref': 'First'}},
        },
    }
)
PASSWORD = [{'ParameterKey': 'Password', 'ParameterValue': 'hunter2'}]


@pytest.fixture
def engine(engines):
    engines.start()
    return engines


def test_create_returns_the_arn_and_describe_shows_outputs(engine):
    arn = create(engine, 'web', TEMPLATE, Parameters=PASSWORD)['StackId']
    assert arn.startswith('arn:openstack:heat::t1:stacks/web/')
    shown = wait_until_settled(engine, 'web')
    assert shown['StackStatus'] == 'CREATE_COMPLETE'
    outputs = {o['OutputKey']: o['OutputValue'] for o in shown['Outputs']}
    assert outputs['Said'] == 'hello world'
    assert outputs['FirstId'].startswith('controlled-')


def test_noecho_parameter_is_masked(engine):
    create(engine, 'web', TEMPLATE, Parameters=PASSWORD)
    shown = wait_until_settled(engine, 'web')
    assert shown['Parameters'] == [
        {'ParameterKey': 'Greeting', 'ParameterValue': 'hello'},
        {'ParameterKey': 'Password', 'ParameterValue': '****'},
    ]


def test_duplicate_name_already_exists(engine):
    create(engine, 'web', TEMPLATE, Parameters=PASSWORD)
    with pytest.raises(exception.AlreadyExists):
        create(engine, 'web', TEMPLATE, Parameters=PASSWORD)


def test_another_tenant_cannot_see_or_delete_the_stack(engine):
    arn = create(engine, 'web', TEMPLATE, Parameters=PASSWORD)['StackId']
    wait_until_settled(engine, 'web')
    for name in ('web', arn):
        with pytest.raises(exception.StackNotFound):
            describe(engine, name, OTHER_TENANT)
        with pytest.raises(exception.StackNotFound):
            engine.client.describe_stack_resources(
                OTHER_TENANT, args={'StackName': name}
            )
    assert engine.client.describe_stacks(OTHER_TENANT, args={}) == {
        'Stacks': []
    }
    engine.client.delete_stack(OTHER_TENANT, args={'StackName': arn})
    assert describe(engine, 'web')['StackStatus'] == 'CREATE_COMPLETE'
    # The other tenant may use the same name for a stack of its own.
    create(engine, 'web', TEMPLATE, ctxt=OTHER_TENANT, Parameters=PASSWORD)


def test_deleted_stack_is_found_by_arn_only(engine):
    arn = create(engine, 'web', TEMPLATE, Parameters=PASSWORD)['StackId']
    wait_until_settled(engine, 'web')
    engine.client.delete_stack(CTXT, args={'StackName': 'web'})
    assert wait_until_deleted(engine, arn) == 'DELETE_COMPLETE'
    shown = describe(engine, arn)
    assert shown['StackStatus'] == 'DELETE_COMPLETE'
    assert 'DeletionTime' in shown
    assert not shown.get('Outputs')
    with pytest.raises(exception.StackNotFound):
        describe(engine, 'web')
    # Deleting it again succeeds and does nothing.
    assert engine.client.delete_stack(CTXT, args={'StackName': arn}) == {}


def test_stack_resources_are_described_by_name_or_arn(engine):
    arn = create(engine, 'web', TEMPLATE, Parameters=PASSWORD)['StackId']
    wait_until_settled(engine, 'web')

    def resources(name, **args):
        return engine.client.describe_stack_resources(
            CTXT, args={'StackName': name, **args}
        )['StackResources']

    assert [
        (r['StackId'], r['LogicalResourceId'], r['ResourceStatus'])
        for r in resources('web')
    ] == [
        (arn, 'First', 'CREATE_COMPLETE'),
        (arn, 'Second', 'CREATE_COMPLETE'),
    ]
    assert resources(arn) == resources('web')
    assert [
        r['LogicalResourceId']
        for r in resources(arn, LogicalResourceId='Second')
    ] == ['Second']
    engine.client.delete_stack(CTXT, args={'StackName': 'web'})
    wait_until_deleted(engine, arn)
    assert {r['ResourceStatus'] for r in resources(arn)} == {'DELETE_COMPLETE'}
    with pytest.raises(exception.StackNotFound):
        resources('web')


def test_failed_create_rolls_back(engine):
    body = json.dumps(
        {
            'Resources': {
                'Bad': {
                    'Type': 'Test::Resource::Controlled',
                    'Properties': {'FailCreate': True},
                }
            }
        }
    )
    create(engine, 'web', body)
    shown = wait_until_settled(engine, 'web')
    assert shown['StackStatus'] == 'ROLLBACK_COMPLETE'
    assert '[Bad]' in shown['StackStatusReason']
    resources = engine.client.describe_stack_resources(
        CTXT, args={'StackName': 'web'}
    )['StackResources']
    assert [
        (r['LogicalResourceId'], r['ResourceStatus']) for r in resources
    ] == [('Bad', 'DELETE_COMPLETE')]


def test_on_failure_do_nothing_keeps_what_was_made(engine):
    body = json.dumps(
        {
            'Resources': {
                'Good': {'Type': 'Test::Resource::Controlled'},
                'Bad': {
                    'Type': 'Test::Resource::Controlled',
                    'DependsOn': 'Good',
                    'Properties': {'FailCreate': True},
                },
            }
        }
    )
    create(engine, 'web', body, OnFailure='DO_NOTHING')
    shown = wait_until_settled(engine, 'web')
    assert shown['StackStatus'] == 'CREATE_FAILED'
    assert shown['StackStatusReason'] == (
        'Resource create failed: Bad: Creation failed on command'
    )
    summaries = engine.client.list_stack_resources(
        CTXT, args={'StackName': 'web'}
    )['StackResourceSummaries']
    assert {
        s['LogicalResourceId']: s['ResourceStatus'] for s in summaries
    } == {'Good': 'CREATE_COMPLETE', 'Bad': 'CREATE_FAILED'}


@pytest.mark.parametrize(
    'args, message',
    [
        ({'StackName': '1web'}, "Value '1web' at 'stackName'"),
        (
            {'DisableRollback': True, 'OnFailure': 'DELETE'},
            'both DisableRollback and OnFailure',
        ),
        ({'TimeoutInMinutes': 0}, 'TimeoutInMinutes must be at least 1'),
        ({'Parameters': []}, 'Password'),
        (
            {
                'TemplateBody': '{"Resources": {"A": {"Type": "No::Such"}}}',
                'Parameters': [],
            },
            'No::Such',
        ),
    ],
)
def test_invalid_requests_are_validation_errors(engine, args, message):
    request = {
        'StackName': 'web',
        'TemplateBody': TEMPLATE,
        'Parameters': PASSWORD,
        **args,
    }
    with pytest.raises(exception.HeatError) as caught:
        engine.client.create_stack(CTXT, args=request)
    assert caught.value.code in (
        'ValidationError',
        'InvalidTemplate',
        'ValidationErrorException',
    )
    assert message in str(caught.value)
    assert db_api.stack_list('t1') == []


def test_list_stacks_shows_deleted_ones(engine):
    arn = create(engine, 'web', TEMPLATE, Parameters=PASSWORD)['StackId']
    wait_until_settled(engine, 'web')
    engine.client.delete_stack(CTXT, args={'StackName': 'web'})
    wait_until_deleted(engine, arn)
    summaries = engine.client.list_stacks(CTXT, args={})['StackSummaries']
    assert [(s['StackId'], s['StackStatus']) for s in summaries] == [
        (arn, 'DELETE_COMPLETE')
    ]
    assert engine.client.list_stacks(OTHER_TENANT, args={}) == {
        'StackSummaries': []
    }


def test_events_are_newest_first(engine):
    create(engine, 'web', TEMPLATE, Parameters=PASSWORD)
    wait_until_settled(engine, 'web')
    events = engine.client.describe_stack_events(
        CTXT, args={'StackName': 'web'}
    )['StackEvents']
    statuses = [
        (e['LogicalResourceId'], e['ResourceStatus']) for e in reversed(events)
    ]
    assert statuses[0] == ('web', 'CREATE_IN_PROGRESS')
    assert statuses[-1] == ('web', 'CREATE_COMPLETE')
    assert statuses.index(('First', 'CREATE_COMPLETE')) < statuses.index(
        ('Second', 'CREATE_IN_PROGRESS')
    )


def update_and_wait(engine, body, parameters=PASSWORD):
    engine.client.update_stack(
        CTXT,
        args={
            'StackName': 'web',
            'TemplateBody': body,
            'Parameters': parameters,
        },
    )
    return wait_until_settled(engine, 'web')


def latest_update_start(engine):
    """The Timestamp of the stack's newest UPDATE_IN_PROGRESS event."""
    events = engine.client.describe_stack_events(
        CTXT, args={'StackName': 'web'}
    )['StackEvents']
    return next(
        e['Timestamp']
        for e in events
        if (e['LogicalResourceId'], e['ResourceStatus'])
        == ('web', 'UPDATE_IN_PROGRESS')
    )


def summary(engine):
    return engine.client.list_stacks(CTXT, args={})['StackSummaries'][0]


def test_last_updated_time_is_when_the_latest_update_started(engine):
    create(engine, 'web', TEMPLATE, Parameters=PASSWORD)
    created = wait_until_settled(engine, 'web')
    # A create changes the stack's status several times, but is no update.
    assert 'LastUpdatedTime' not in created
    assert 'LastUpdatedTime' not in summary(engine)

    greeting = PASSWORD + [
        {'ParameterKey': 'Greeting', 'ParameterValue': 'hi'}
    ]
    first = update_and_wait(engine, TEMPLATE, greeting)
    assert first['StackStatus'] == 'UPDATE_COMPLETE'
    assert first['LastUpdatedTime'] == latest_update_start(engine)
    assert first['LastUpdatedTime'] >= first['CreationTime']
    assert summary(engine)['LastUpdatedTime'] == first['LastUpdatedTime']

    second = update_and_wait(engine, TEMPLATE)
    assert second['LastUpdatedTime'] == latest_update_start(engine)
    assert second['LastUpdatedTime'] > first['LastUpdatedTime']


def test_an_update_that_rolls_back_still_counts(engine):
    create(engine, 'web', TEMPLATE, Parameters=PASSWORD)
    wait_until_settled(engine, 'web')
    failing = json.loads(TEMPLATE)
    failing['Resources']['Bad'] = {
        'Type': 'Test::Resource::Controlled',
        'Properties': {'FailCreate': True},
    }
    shown = update_and_wait(engine, json.dumps(failing))
    assert shown['StackStatus'] == 'UPDATE_ROLLBACK_COMPLETE'
    assert shown['LastUpdatedTime'] == latest_update_start(engine)
    assert summary(engine)['LastUpdatedTime'] == shown['LastUpdatedTime']


def test_resources_by_physical_id_of_a_stack_gone_meanwhile(
    engine, monkeypatch
):
    create(engine, 'web', TEMPLATE, Parameters=PASSWORD)
    wait_until_settled(engine, 'web')
    physical_id = engine.client.describe_stack_resources(
        CTXT, args={'StackName': 'web'}
    )['StackResources'][0]['PhysicalResourceId']
    # The stack goes between the resource's read and the stack's.
    monkeypatch.setattr(
        db_api, 'stack_resource_states', lambda stack_id, tenant: None
    )
    with pytest.raises(
        exception.ValidationError,
        match='Stack for PhysicalResourceId .* does not exist',
    ):
        engine.client.describe_stack_resources(
            CTXT, args={'PhysicalResourceId': physical_id}
        )


def test_update_tags_through_the_client_kept_when_absent_cleared_by_empty(
    engine,
):
    tags = [{'Key': 'team', 'Value': 'blue'}]
    create(engine, 'web', TEMPLATE, Parameters=PASSWORD, Tags=tags)
    wait_until_settled(engine, 'web')
    greeting = PASSWORD + [
        {'ParameterKey': 'Greeting', 'ParameterValue': 'hi'}
    ]
    assert update_and_wait(engine, TEMPLATE, greeting)['Tags'] == tags
    # The empty list crosses the RPC transport as itself, not as absent.
    engine.client.update_stack(
        CTXT,
        args={
            'StackName': 'web',
            'UsePreviousTemplate': True,
            'Parameters': greeting,
            'Tags': [],
        },
    )
    assert wait_until_settled(engine, 'web')['Tags'] == []
