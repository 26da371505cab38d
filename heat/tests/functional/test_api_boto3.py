"""Every served CloudFormation action, driven by boto3 over HTTP."""

import json

import botocore.exceptions
import pytest

from heat.api.cfn import stacks as cfn_stacks
from heat.engine import service
from heat.tests.functional import clients

MASK = '****'


@pytest.fixture(scope='module')
def cfn(heat_server):
    # A tenant of its own, so listings see only this module's stacks.
    access, secret = heat_server.new_credentials('boto3-tenant')
    return clients.boto3_client(heat_server, access, secret)


@pytest.fixture(scope='module')
def template():
    return clients.handles_template(count=2, description='Two handles')


@pytest.fixture(scope='module')
def stack(cfn, template):
    """A created stack: (name, ARN, its final description)."""
    name = clients.unique_name('boto3')
    arn = cfn.create_stack(
        StackName=name,
        TemplateBody=clients.body(template),
        Parameters=[{'ParameterKey': 'Label', 'ParameterValue': 'given'}],
        TimeoutInMinutes=5,
        Tags=[{'Key': 'team', 'Value': 'heat'}],
    )['StackId']
    return name, arn, clients.wait_for_status(cfn, name)


def error_of(call, **kwargs):
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        call(**kwargs)
    error = caught.value.response['Error']
    return error['Code'], error['Message']


def test_create_stack_returns_arn_and_completes(stack):
    name, arn, described = stack
    assert arn.startswith('arn:openstack:heat::boto3-tenant:stacks/%s/' % name)
    assert described['StackId'] == arn
    assert described['StackStatus'] == 'CREATE_COMPLETE'
    assert (
        described['StackStatusReason'] == 'Stack CREATE completed successfully'
    )


def test_describe_stacks_shows_what_was_created(stack):
    name, arn, described = stack
    assert described['StackName'] == name
    assert described['Description'] == 'Two handles'
    assert sorted(
        (p['ParameterKey'], p['ParameterValue'])
        for p in described['Parameters']
    ) == [('Label', 'given'), ('Secret', MASK)]
    assert described['Outputs'] == [
        {
            'OutputKey': 'Label',
            'OutputValue': 'given',
            'Description': 'the label',
        }
    ]
    assert described['Tags'] == [{'Key': 'team', 'Value': 'heat'}]
    assert described['TimeoutInMinutes'] == 5
    assert described['DisableRollback'] is False
    # Shown only once the stack has been updated, as AWS does.
    assert 'LastUpdatedTime' not in described


def test_describe_stacks_by_arn_and_all(cfn, stack):
    name, arn, _ = stack
    assert cfn.describe_stacks(StackName=arn)['Stacks'][0]['StackName'] == name
    every = cfn.describe_stacks()['Stacks']
    assert arn in [s['StackId'] for s in every]


def test_create_stack_with_a_taken_name_is_refused(cfn, stack, template):
    code, message = error_of(
        cfn.create_stack,
        StackName=stack[0],
        TemplateBody=clients.body(template),
    )
    assert code == 'AlreadyExistsException'
    assert stack[0] in message


def test_list_stacks_filters_by_status_without_next_token(
    cfn, stack, template
):
    names = [stack[0]]
    for _ in range(2):
        names.append(clients.unique_name('listed'))
        cfn.create_stack(
            StackName=names[-1], TemplateBody=clients.body(template)
        )
    for name in names:
        clients.wait_for_status(cfn, name)
    listed = cfn.list_stacks()
    assert 'NextToken' not in listed
    summaries = {s['StackName']: s for s in listed['StackSummaries']}
    assert set(names) <= set(summaries)
    assert summaries[stack[0]]['StackId'] == stack[1]
    assert summaries[stack[0]]['TemplateDescription'] == 'Two handles'
    assert 'LastUpdatedTime' not in summaries[stack[0]]
    complete = cfn.list_stacks(StackStatusFilter=['CREATE_COMPLETE'])
    assert set(names) <= {s['StackName'] for s in complete['StackSummaries']}
    deleted = cfn.list_stacks(StackStatusFilter=['DELETE_COMPLETE'])
    assert not set(names) & {s['StackName'] for s in deleted['StackSummaries']}


def test_describe_stack_events_newest_first(cfn, stack):
    name, arn, _ = stack
    events = cfn.describe_stack_events(StackName=name)['StackEvents']
    assert 'NextToken' not in cfn.describe_stack_events(StackName=name)
    seen = [(e['LogicalResourceId'], e['ResourceStatus']) for e in events]
    assert seen[0] == (name, 'CREATE_COMPLETE')
    assert seen[-1] == (name, 'CREATE_IN_PROGRESS')
    oldest_first = seen[::-1]
    for handle in ('Handle0', 'Handle1'):
        assert oldest_first.index(
            (handle, 'CREATE_IN_PROGRESS')
        ) < oldest_first.index((handle, 'CREATE_COMPLETE'))
    # Handle1 DependsOn Handle0.
    assert oldest_first.index(
        ('Handle0', 'CREATE_COMPLETE')
    ) < oldest_first.index(('Handle1', 'CREATE_IN_PROGRESS'))
    assert {e['StackId'] for e in events} == {arn}
    assert len({e['EventId'] for e in events}) == len(events) == 6
    stack_events = [e for e in events if e['LogicalResourceId'] == name]
    assert {e['ResourceType'] for e in stack_events} == {
        'AWS::CloudFormation::Stack'
    }


def test_describe_stack_events_pages_past_one_hundred(cfn):
    name = clients.unique_name('paged')
    cfn.create_stack(
        StackName=name,
        TemplateBody=clients.body(clients.handles_template(count=60)),
    )
    assert (
        clients.wait_for_status(cfn, name)['StackStatus'] == 'CREATE_COMPLETE'
    )
    first = cfn.describe_stack_events(StackName=name)
    assert len(first['StackEvents']) == 100
    second = cfn.describe_stack_events(
        StackName=name, NextToken=first['NextToken']
    )
    assert 'NextToken' not in second
    # Two events per handle and two for the stack itself.
    ids = [e['EventId'] for e in first['StackEvents'] + second['StackEvents']]
    assert len(ids) == len(set(ids)) == 122
    assert second['StackEvents'][-1]['ResourceStatus'] == 'CREATE_IN_PROGRESS'
    cfn.delete_stack(StackName=name)


def test_describe_stack_resource(cfn, stack):
    name, arn, _ = stack
    detail = cfn.describe_stack_resource(
        StackName=name, LogicalResourceId='Handle1'
    )['StackResourceDetail']
    assert detail['StackName'] == name
    assert detail['StackId'] == arn
    assert detail['LogicalResourceId'] == 'Handle1'
    assert detail['ResourceType'] == clients.HANDLE_TYPE
    assert detail['ResourceStatus'] == 'CREATE_COMPLETE'
    assert json.loads(detail['Metadata']) == {}


def test_describe_stack_resource_unknown_name(cfn, stack):
    code, message = error_of(
        cfn.describe_stack_resource,
        StackName=stack[0],
        LogicalResourceId='Nope',
    )
    assert code == 'ValidationError'
    assert message == 'Resource Nope does not exist for stack %s' % stack[0]


def test_describe_stack_resources_by_stack_name(cfn, stack):
    name, arn, _ = stack
    resources = cfn.describe_stack_resources(StackName=name)['StackResources']
    assert sorted(r['LogicalResourceId'] for r in resources) == [
        'Handle0',
        'Handle1',
    ]
    assert {
        (r['StackId'], r['ResourceType'], r['ResourceStatus'])
        for r in resources
    } == {(arn, clients.HANDLE_TYPE, 'CREATE_COMPLETE')}
    one = cfn.describe_stack_resources(
        StackName=arn, LogicalResourceId='Handle0'
    )
    assert [r['LogicalResourceId'] for r in one['StackResources']] == [
        'Handle0'
    ]


def test_describe_stack_resources_needs_exactly_one_selector(cfn, stack):
    assert error_of(cfn.describe_stack_resources)[0] == 'ValidationError'
    code, message = error_of(
        cfn.describe_stack_resources,
        StackName=stack[0],
        PhysicalResourceId='x',
    )
    assert code == 'ValidationError'
    assert 'PhysicalResourceId' in message


def test_describe_stack_resources_unknown_physical_id(cfn):
    code, message = error_of(
        cfn.describe_stack_resources, PhysicalResourceId='no-such-object'
    )
    assert (code, message) == (
        'ValidationError',
        'Stack for PhysicalResourceId no-such-object does not exist',
    )


@pytest.fixture(scope='module')
def typed_server():
    # Wait condition handles have no physical id; the test types do.
    running = clients.server_with_test_types()
    yield running
    running.stop()


def test_describe_stack_resources_by_physical_id(typed_server):
    cfn = clients.boto3_client(typed_server)
    name = clients.unique_name('physical')
    arn = cfn.create_stack(
        StackName=name,
        TemplateBody=clients.body(
            {
                'Resources': {
                    'Thing': {
                        'Type': 'Test::Resource::Simple',
                        'Properties': {'Value': 'v'},
                    },
                    'Other': {'Type': 'Test::Resource::Simple'},
                }
            }
        ),
    )['StackId']
    clients.wait_for_status(cfn, name)
    physical_id = cfn.describe_stack_resource(
        StackName=name, LogicalResourceId='Thing'
    )['StackResourceDetail']['PhysicalResourceId']
    found = cfn.describe_stack_resources(PhysicalResourceId=physical_id)[
        'StackResources'
    ]
    assert {r['StackId'] for r in found} == {arn}
    assert sorted(r['LogicalResourceId'] for r in found) == ['Other', 'Thing']
    assert physical_id in [r.get('PhysicalResourceId') for r in found]


def test_list_stack_resources(cfn, stack):
    summaries = cfn.list_stack_resources(StackName=stack[0])[
        'StackResourceSummaries'
    ]
    assert sorted(
        (s['LogicalResourceId'], s['ResourceType'], s['ResourceStatus'])
        for s in summaries
    ) == [
        ('Handle0', clients.HANDLE_TYPE, 'CREATE_COMPLETE'),
        ('Handle1', clients.HANDLE_TYPE, 'CREATE_COMPLETE'),
    ]
    assert all(s['LastUpdatedTimestamp'] for s in summaries)


def test_get_template_returns_the_template(cfn, stack, template):
    returned = cfn.get_template(StackName=stack[1])['TemplateBody']
    # botocore decodes a JSON template body into a dict.
    assert json.loads(json.dumps(returned)) == template


def test_validate_template(cfn, template):
    result = cfn.validate_template(TemplateBody=clients.body(template))
    assert result['Description'] == 'Two handles'
    parameters = {p['ParameterKey']: p for p in result['Parameters']}
    assert parameters['Label'] == {
        'ParameterKey': 'Label',
        'DefaultValue': 'plain',
        'NoEcho': False,
        'Description': 'echoed by an output',
    }
    assert parameters['Secret']['NoEcho'] is True
    assert parameters['Secret']['DefaultValue'] == MASK


def test_validate_template_names_the_problem(cfn):
    code, message = error_of(
        cfn.validate_template,
        TemplateBody=json.dumps(
            {
                'Resources': {
                    'A': clients.HANDLE,
                    'B': dict(clients.HANDLE, DependsOn='Missing'),
                }
            }
        ),
    )
    assert code == 'ValidationError'
    assert 'Missing' in message and 'B' in message


def test_validate_a_corpus_template(cfn):
    corpus = clients.corpus_dir()
    if corpus is None:
        pytest.skip('no template corpus (set HEAT_TEMPLATE_CORPUS)')
    path = (
        corpus
        / 'aws-samples'
        / 'classic-2014'
        / 'WordPress_Single_Instance.template'
    )
    template = json.loads(path.read_text())
    try:
        result = cfn.validate_template(TemplateBody=path.read_text())
    except botocore.exceptions.ClientError as exc:
        # Until the engine serves every type the template uses, it must
        # name the first one it lacks.
        error = exc.response['Error']
        assert error['Code'] == 'ValidationError'
        unknown = error['Message'].rpartition(' : ')[2]
        assert error['Message'].startswith('Unknown resource Type')
        assert unknown in {r['Type'] for r in template['Resources'].values()}
        return
    assert result['Description'] == template['Description']
    assert {p['ParameterKey'] for p in result['Parameters']} == set(
        template['Parameters']
    )


def test_get_template_summary_by_body_and_by_stack(cfn, stack, template):
    for selector in (
        {'TemplateBody': clients.body(template)},
        {'StackName': stack[0]},
    ):
        summary = cfn.get_template_summary(**selector)
        assert summary['ResourceTypes'] == [clients.HANDLE_TYPE]
        assert summary['Version'] == '2010-09-09'
        assert summary['Description'] == 'Two handles'
        types = {
            p['ParameterKey']: p['ParameterType']
            for p in summary['Parameters']
        }
        assert types == {'Label': 'String', 'Secret': 'String'}


def test_delete_stack(cfn, template):
    name = clients.unique_name('deleted')
    arn = cfn.create_stack(
        StackName=name, TemplateBody=clients.body(template)
    )['StackId']
    clients.wait_for_status(cfn, name)
    cfn.delete_stack(StackName=name)
    gone = clients.wait_for_status(cfn, arn, 'DELETE')
    assert gone['StackStatus'] == 'DELETE_COMPLETE'
    assert gone['DeletionTime']
    code, message = error_of(cfn.describe_stacks, StackName=name)
    assert (code, message) == (
        'ValidationError',
        'Stack with id %s does not exist' % name,
    )
    deleted = cfn.list_stacks(StackStatusFilter=['DELETE_COMPLETE'])
    assert arn in [s['StackId'] for s in deleted['StackSummaries']]
    events = cfn.describe_stack_events(StackName=arn)['StackEvents']
    assert (events[0]['LogicalResourceId'], events[0]['ResourceStatus']) == (
        name,
        'DELETE_COMPLETE',
    )
    # Deleting again succeeds and changes nothing.
    cfn.delete_stack(StackName=name)
    cfn.delete_stack(StackName=arn)


# Served once the API routes it and the engine implements it.
needs_update = pytest.mark.skipif(
    'UpdateStack' not in cfn_stacks.ACTIONS
    or not hasattr(service.EngineService, 'update_stack'),
    reason='UpdateStack is not served yet',
)


@needs_update
def test_update_stack_adds_a_resource(cfn, template):
    name = clients.unique_name('updated')
    cfn.create_stack(StackName=name, TemplateBody=clients.body(template))
    clients.wait_for_status(cfn, name)
    bigger = clients.handles_template(count=3, description='Three')
    cfn.update_stack(StackName=name, TemplateBody=clients.body(bigger))
    updated = clients.wait_for_status(cfn, name)
    assert updated['StackStatus'] == 'UPDATE_COMPLETE'
    assert updated['Description'] == 'Three'
    assert updated['CreationTime'] <= updated['LastUpdatedTime']
    summaries = cfn.list_stacks()['StackSummaries']
    assert [
        s['LastUpdatedTime'] for s in summaries if s['StackName'] == name
    ] == [updated['LastUpdatedTime']]
    resources = cfn.list_stack_resources(StackName=name)[
        'StackResourceSummaries'
    ]
    assert sorted(r['LogicalResourceId'] for r in resources) == [
        'Handle0',
        'Handle1',
        'Handle2',
    ]
    cfn.delete_stack(StackName=name)


@needs_update
def test_update_stack_replaces_tags_and_empties_them(cfn, template):
    name = clients.unique_name('retagged')
    cfn.create_stack(
        StackName=name,
        TemplateBody=clients.body(template),
        Tags=[{'Key': 'team', 'Value': 'blue'}],
    )
    clients.wait_for_status(cfn, name)
    red = [{'Key': 'team', 'Value': 'red'}]
    cfn.update_stack(StackName=name, UsePreviousTemplate=True, Tags=red)
    updated = clients.wait_for_status(cfn, name)
    assert (updated['StackStatus'], updated['Tags']) == (
        'UPDATE_COMPLETE',
        red,
    )
    # boto3 sends an empty list as a bare ``Tags=``, which clears them.
    cfn.update_stack(StackName=name, UsePreviousTemplate=True, Tags=[])
    updated = clients.wait_for_status(cfn, name)
    assert (updated['StackStatus'], updated['Tags']) == ('UPDATE_COMPLETE', [])
    cfn.delete_stack(StackName=name)


@needs_update
def test_cancel_update_stack_when_no_update_runs(cfn, stack):
    code, message = error_of(cfn.cancel_update_stack, StackName=stack[0])
    assert (code, message) == (
        'ValidationError',
        'CancelUpdateStack cannot be called from current stack status',
    )
