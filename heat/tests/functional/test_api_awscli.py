"""Every served CloudFormation action, driven by the aws CLI program.

Each CLI run costs over a second, so the module runs its commands in a
few rounds of independent ones side by side, and the tests check the
answers.  Waiting for a stack to settle uses boto3.
"""

import pytest

from heat.tests.functional import clients

TEMPLATE = clients.handles_template(count=2, description='CLI handles')


@pytest.fixture(scope='module')
def tenant(heat_server):
    access, secret = heat_server.new_credentials('awscli-tenant')
    return (
        clients.AwsCli(heat_server, access, secret),
        clients.boto3_client(heat_server, access, secret),
    )


@pytest.fixture(scope='module')
def template_file(tmp_path_factory):
    path = tmp_path_factory.mktemp('cli') / 'handles.json'
    path.write_text(clients.body(TEMPLATE))
    return 'file://%s' % path


@pytest.fixture(scope='module')
def stack(tenant, template_file):
    """(name, ARN) of a created stack; the last answers delete it."""
    aws, boto3_client = tenant
    name = clients.unique_name('cli')
    arn = aws.json(
        'create-stack',
        '--stack-name',
        name,
        '--template-body',
        template_file,
        '--parameters',
        'ParameterKey=Label,ParameterValue=cli',
        '--tags',
        'Key=owner,Value=cli',
    )['StackId']
    clients.wait_for_status(boto3_client, name)
    return name, arn


@pytest.fixture(scope='module')
def answers(tenant, stack, template_file):
    """The CLI's answers to every read, then to deleting the stack."""
    aws, boto3_client = tenant
    name, arn = stack
    reads = aws.run_all(
        {
            'describe-stacks': ('describe-stacks', '--stack-name', name),
            'list-complete': (
                'list-stacks',
                '--stack-status-filter',
                'CREATE_COMPLETE',
            ),
            'events': ('describe-stack-events', '--stack-name', arn),
            'resource': (
                'describe-stack-resource',
                '--stack-name',
                name,
                '--logical-resource-id',
                'Handle0',
            ),
            'resources': ('describe-stack-resources', '--stack-name', name),
            'list-resources': ('list-stack-resources', '--stack-name', name),
            'template': ('get-template', '--stack-name', name),
            'validate': (
                'validate-template',
                '--template-body',
                template_file,
            ),
            'summary': (
                'get-template-summary',
                '--template-body',
                template_file,
            ),
            'missing': ('describe-stacks', '--stack-name', 'not-there'),
        }
    )
    deleted = aws.run('delete-stack', '--stack-name', name)
    clients.wait_for_status(boto3_client, arn, action='DELETE')
    listed = aws.run('list-stacks', '--stack-status-filter', 'DELETE_COMPLETE')
    return dict(reads, delete=deleted, **{'list-deleted': listed})


def test_create_and_describe_stack(stack, answers):
    name, arn = stack
    assert arn.startswith(
        'arn:openstack:heat::awscli-tenant:stacks/%s/' % name
    )
    described = clients.AwsCli.output(answers['describe-stacks'])['Stacks'][0]
    assert described['StackId'] == arn
    assert described['StackStatus'] == 'CREATE_COMPLETE'
    assert described['Outputs'][0]['OutputValue'] == 'cli'
    assert described['Tags'] == [{'Key': 'owner', 'Value': 'cli'}]


def test_list_stacks_with_status_filter(stack, answers):
    listed = clients.AwsCli.output(answers['list-complete'])
    assert 'NextToken' not in listed
    assert [
        s['StackId']
        for s in listed['StackSummaries']
        if s['StackName'] == stack[0]
    ] == [stack[1]]


def test_describe_stack_events(stack, answers):
    name = stack[0]
    events = clients.AwsCli.output(answers['events'])['StackEvents']
    assert (events[0]['LogicalResourceId'], events[0]['ResourceStatus']) == (
        name,
        'CREATE_COMPLETE',
    )
    assert sorted({e['LogicalResourceId'] for e in events}) == sorted(
        ['Handle0', 'Handle1', name]
    )


def test_resources(answers):
    detail = clients.AwsCli.output(answers['resource'])['StackResourceDetail']
    assert (
        detail['LogicalResourceId'],
        detail['ResourceType'],
        detail['ResourceStatus'],
    ) == ('Handle0', clients.HANDLE_TYPE, 'CREATE_COMPLETE')
    described = clients.AwsCli.output(answers['resources'])
    assert sorted(
        r['LogicalResourceId'] for r in described['StackResources']
    ) == ['Handle0', 'Handle1']
    listed = clients.AwsCli.output(answers['list-resources'])
    assert sorted(
        r['LogicalResourceId'] for r in listed['StackResourceSummaries']
    ) == ['Handle0', 'Handle1']


def test_get_template(answers):
    assert (
        clients.AwsCli.output(answers['template'])['TemplateBody'] == TEMPLATE
    )


def test_validate_template_and_summary(answers):
    validated = clients.AwsCli.output(answers['validate'])
    assert validated['Description'] == 'CLI handles'
    assert sorted(p['ParameterKey'] for p in validated['Parameters']) == [
        'Label',
        'Secret',
    ]
    summary = clients.AwsCli.output(answers['summary'])
    assert summary['ResourceTypes'] == [clients.HANDLE_TYPE]
    assert summary['Version'] == '2010-09-09'


def test_errors_exit_non_zero_with_the_aws_message(answers):
    result = answers['missing']
    assert result.returncode != 0
    assert (
        'An error occurred (ValidationError) when calling the '
        'DescribeStacks operation: Stack with id not-there does not '
        'exist'
    ) in result.stderr


def test_delete_stack(stack, answers):
    assert clients.AwsCli.output(answers['delete']) == {}
    deleted = clients.AwsCli.output(answers['list-deleted'])
    assert [
        s['StackStatus']
        for s in deleted['StackSummaries']
        if s['StackId'] == stack[1]
    ] == ['DELETE_COMPLETE']
