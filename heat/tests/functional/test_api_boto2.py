"""The calls boto 2 has, against heat-all: SigV4 with a host-derived scope,
GET requests, and JSON replies for the calls that ask with ContentType."""

import json

import boto.exception
import pytest

from heat.tests.functional import clients

TEMPLATE = clients.handles_template(count=2, description='boto 2 handles')


@pytest.fixture(scope='module')
def tenant(heat_server):
    access, secret = heat_server.new_credentials('boto2-tenant')
    return (
        clients.boto2_connection(heat_server, access, secret),
        clients.boto3_client(heat_server, access, secret),
    )


@pytest.fixture(scope='module')
def conn(tenant):
    return tenant[0]


@pytest.fixture(scope='module')
def stack(tenant):
    """(name, ARN) of a created stack, and create_stack's JSON answer."""
    conn, boto3_client = tenant
    name = clients.unique_name('boto2')
    answer = conn.create_stack(
        name,
        template_body=clients.body(TEMPLATE),
        parameters=[('Label', 'two')],
        tags={'client': 'boto2'},
        timeout_in_minutes=7,
    )
    clients.wait_for_status(boto3_client, name)
    return name, answer


def test_create_stack_answers_the_arn(stack):
    name, arn = stack
    assert arn.startswith('arn:openstack:heat::boto2-tenant:stacks/%s/' % name)


def test_describe_stacks(conn, stack):
    name, arn = stack
    [described] = conn.describe_stacks(name)
    assert (
        described.stack_id,
        described.stack_name,
        described.stack_status,
    ) == (arn, name, 'CREATE_COMPLETE')
    assert described.description == 'boto 2 handles'
    assert described.timeout_in_minutes == 7
    assert described.disable_rollback is False
    assert [(o.key, o.value) for o in described.outputs] == [('Label', 'two')]
    assert dict(described.tags) == {'client': 'boto2'}
    assert {(p.key, p.value) for p in described.parameters} == {
        ('Label', 'two'),
        ('Secret', '****'),
    }


def test_list_stacks_with_status_filter(conn, stack):
    complete = conn.list_stacks(['CREATE_COMPLETE'])
    assert complete.next_token is None
    assert stack[1] in [s.stack_id for s in complete]
    assert stack[1] not in [
        s.stack_id for s in conn.list_stacks(['DELETE_COMPLETE'])
    ]


def test_describe_stack_events(conn, stack):
    events = conn.describe_stack_events(stack[1])
    assert (events[0].logical_resource_id, events[0].resource_status) == (
        stack[0],
        'CREATE_COMPLETE',
    )
    assert {e.resource_type for e in events} == {
        'AWS::CloudFormation::Stack',
        clients.HANDLE_TYPE,
    }
    assert len(events) == 6


def test_describe_stack_resource_answers_json(conn, stack):
    answer = conn.describe_stack_resource(stack[0], 'Handle1')
    detail = answer['DescribeStackResourceResponse'][
        'DescribeStackResourceResult'
    ]['StackResourceDetail']
    assert (
        detail['LogicalResourceId'],
        detail['ResourceType'],
        detail['ResourceStatus'],
        detail['StackId'],
    ) == ('Handle1', clients.HANDLE_TYPE, 'CREATE_COMPLETE', stack[1])
    assert json.loads(detail['Metadata']) == {}


def test_describe_and_list_stack_resources(conn, stack):
    described = conn.describe_stack_resources(stack[0])
    assert sorted(
        (r.logical_resource_id, r.resource_status) for r in described
    ) == [('Handle0', 'CREATE_COMPLETE'), ('Handle1', 'CREATE_COMPLETE')]
    assert {r.stack_id for r in described} == {stack[1]}
    one = conn.describe_stack_resources(
        stack[0], logical_resource_id='Handle1'
    )
    assert [r.logical_resource_id for r in one] == ['Handle1']
    listed = conn.list_stack_resources(stack[0])
    assert sorted(r.logical_resource_id for r in listed) == [
        'Handle0',
        'Handle1',
    ]
    assert {r.resource_type for r in listed} == {clients.HANDLE_TYPE}


def test_describe_stack_resources_by_unknown_physical_id(conn):
    with pytest.raises(boto.exception.BotoServerError) as caught:
        conn.describe_stack_resources(physical_resource_id='gone')
    assert caught.value.status == 400
    assert caught.value.error_code == 'ValidationError'
    assert 'gone' in caught.value.message


def test_get_template_answers_json(conn, stack):
    answer = conn.get_template(stack[0])
    body = answer['GetTemplateResponse']['GetTemplateResult']['TemplateBody']
    assert json.loads(body) == TEMPLATE


def test_validate_template(conn):
    validated = conn.validate_template(clients.body(TEMPLATE))
    assert validated.description == 'boto 2 handles'
    assert {
        p.parameter_key: p.default_value for p in validated.template_parameters
    } == {'Label': 'plain', 'Secret': '****'}


def test_missing_stack_is_a_validation_error(conn):
    with pytest.raises(boto.exception.BotoServerError) as caught:
        conn.describe_stacks('not-there')
    assert (caught.value.status, caught.value.error_code) == (
        400,
        'ValidationError',
    )
    assert caught.value.message == 'Stack with id not-there does not exist'
    assert caught.value.request_id


def test_delete_stack_answers_json(tenant):
    conn, boto3_client = tenant
    name = clients.unique_name('boto2-del')
    arn = conn.create_stack(name, template_body=clients.body(TEMPLATE))
    clients.wait_for_status(boto3_client, name)
    answer = conn.delete_stack(name)
    assert answer['DeleteStackResponse']['ResponseMetadata']['RequestId']
    gone = clients.wait_for_status(boto3_client, arn, 'DELETE')
    assert gone['StackStatus'] == 'DELETE_COMPLETE'
    assert arn in [s.stack_id for s in conn.list_stacks(['DELETE_COMPLETE'])]
