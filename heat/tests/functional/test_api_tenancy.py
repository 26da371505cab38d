"""One tenant's stack is invisible to another, exactly like a missing one."""

import botocore.exceptions
import pytest

from heat.tests.functional import clients


@pytest.fixture(scope='module')
def owner(heat_server):
    return clients.boto3_client(
        heat_server, *heat_server.new_credentials('tenancy-owner')
    )


@pytest.fixture(scope='module')
def other(heat_server):
    return clients.boto3_client(
        heat_server, *heat_server.new_credentials('tenancy-other')
    )


@pytest.fixture(scope='module')
def stack(owner):
    """(name, ARN) of the owner's created stack."""
    name = clients.unique_name('owned')
    arn = owner.create_stack(
        StackName=name,
        TemplateBody=clients.body(clients.handles_template(count=1)),
    )['StackId']
    clients.wait_for_status(owner, name)
    return name, arn


def not_found(call, name_or_arn, **kwargs):
    """The error text of call(StackName=name_or_arn), which must fail."""
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        call(StackName=name_or_arn, **kwargs)
    response = caught.value.response
    assert response['ResponseMetadata']['HTTPStatusCode'] == 400
    assert response['Error']['Code'] == 'ValidationError'
    return response['Error']['Message']


READS = [
    ('describe_stacks', {}),
    ('describe_stack_events', {}),
    ('describe_stack_resource', {'LogicalResourceId': 'Handle0'}),
    ('describe_stack_resources', {}),
    ('list_stack_resources', {}),
    ('get_template', {}),
    ('get_template_summary', {}),
]


@pytest.mark.parametrize(
    'method,kwargs', READS, ids=[method for method, _ in READS]
)
@pytest.mark.parametrize('by', ['name', 'arn'])
def test_other_tenant_cannot_read(owner, other, stack, method, kwargs, by):
    name_or_arn = stack[0] if by == 'name' else stack[1]
    message = not_found(getattr(other, method), name_or_arn, **kwargs)
    assert message == 'Stack with id %s does not exist' % name_or_arn
    # Exactly what a stack that never existed gets.
    missing = name_or_arn.replace(stack[0], 'never-made')
    assert (
        not_found(getattr(owner, method), missing, **kwargs)
        == 'Stack with id %s does not exist' % missing
    )
    getattr(owner, method)(StackName=name_or_arn, **kwargs)


def test_other_tenant_lists_nothing_of_the_owner(other, stack):
    assert stack[0] not in clients.stack_names(other)
    assert stack[1] not in [
        s['StackId'] for s in other.describe_stacks()['Stacks']
    ]


def test_other_tenant_cannot_find_by_physical_id(other, owner, stack):
    # Handles have no physical id; the owner's stack ARN is no key either.
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        other.describe_stack_resources(PhysicalResourceId=stack[1])
    assert caught.value.response['Error']['Code'] == 'ValidationError'


def test_other_tenant_delete_succeeds_and_changes_nothing(owner, other, stack):
    other.delete_stack(StackName=stack[0])
    other.delete_stack(StackName=stack[1])
    # No need to wait: a stack nobody is changing shows DELETE_IN_PROGRESS
    # before DeleteStack answers, so a delete that acted shows now.
    described = owner.describe_stacks(StackName=stack[1])['Stacks'][0]
    assert described['StackStatus'] == 'CREATE_COMPLETE'
    events = owner.describe_stack_events(StackName=stack[0])['StackEvents']
    assert not [e for e in events if e['ResourceStatus'].startswith('DELETE')]


def test_same_name_in_two_tenants(other, stack):
    arn = other.create_stack(
        StackName=stack[0],
        TemplateBody=clients.body(clients.handles_template(count=1)),
    )['StackId']
    assert arn != stack[1]
    assert ':tenancy-other:' in arn
    clients.wait_for_status(other, arn)
    other.delete_stack(StackName=arn)
    gone = clients.wait_for_status(other, arn, 'DELETE')
    assert gone['StackStatus'] == 'DELETE_COMPLETE'
