"""heat-cfn against a stubbed botocore client."""

import argparse
import datetime
import json
import socket

from botocore import stub
import botocore.session
import pytest

from heat.cfnclient import commands
from heat.cfnclient import output
from heat.cfnclient import shell
from heat.cfnclient import wait

STACK_ID = 'arn:openstack:heat::t1:stacks/web/1c9a7e9c'
UTC = datetime.UTC
TEMPLATE = (
    '{"Resources": {"H": '
    '{"Type": "AWS::CloudFormation::WaitConditionHandle"}}}'
)


def at(second):
    return datetime.datetime(2012, 6, 1, 12, 0, second, tzinfo=UTC)


def event(number, status, logical_id='H', reason=''):
    return {
        'StackId': STACK_ID,
        'EventId': 'e%d' % number,
        'StackName': 'web',
        'LogicalResourceId': logical_id,
        'ResourceType': 'AWS::CloudFormation::WaitConditionHandle',
        'Timestamp': at(number),
        'ResourceStatus': status,
        'ResourceStatusReason': reason,
    }


def stack(status, reason='', **extra):
    return {
        'Stacks': [
            dict(
                StackName='web',
                StackId=STACK_ID,
                CreationTime=at(0),
                StackStatus=status,
                StackStatusReason=reason,
                **extra,
            )
        ]
    }


def gone():
    return {
        'service_error_code': 'ValidationError',
        'service_message': 'Stack with id %s does not exist' % STACK_ID,
        'http_status_code': 400,
    }


@pytest.fixture(scope='module')
def session():
    # One session for all tests: loading the service model is the slow part.
    return botocore.session.get_session()


@pytest.fixture
def client(session):
    return session.create_client(
        'cloudformation',
        endpoint_url='http://127.0.0.1:8000/v1/',
        region_name='RegionOne',
        aws_access_key_id='access',
        aws_secret_access_key='secret',
    )


@pytest.fixture
def stubber(client):
    with stub.Stubber(client) as stubber:
        yield stubber
        stubber.assert_no_pending_responses()


@pytest.fixture(autouse=True)
def no_pause(monkeypatch):
    monkeypatch.setattr(wait, 'POLL_INTERVAL', 0)


@pytest.fixture
def template_file(tmp_path):
    path = tmp_path / 'template.json'
    path.write_text(TEMPLATE)
    return str(path)


def run(client, *argv):
    return shell.main(list(argv), client=client)


# --parameters


def test_parameters_split_on_semicolon_then_first_equals():
    assert shell.parse_parameters('K1=V1;K2=a=b;;K3=') == {
        'K1': 'V1',
        'K2': 'a=b',
        'K3': '',
    }


def test_parameter_without_equals_is_refused():
    with pytest.raises(argparse.ArgumentTypeError, match='KEY=VALUE'):
        shell.parse_parameters('K1=V1;oops')


def test_bad_parameters_are_a_usage_error(client, template_file, capsys):
    with pytest.raises(SystemExit) as exit_info:
        run(
            client,
            'create',
            'web',
            '--template-file',
            template_file,
            '--parameters',
            'oops',
        )
    assert exit_info.value.code == 2
    assert 'KEY=VALUE' in capsys.readouterr().err


def test_missing_template_file_is_a_usage_error(client, tmp_path, capsys):
    with pytest.raises(SystemExit):
        run(client, 'validate', '--template-file', str(tmp_path / 'none'))
    assert 'cannot read' in capsys.readouterr().err


# Global options


def test_options_default_from_the_environment(monkeypatch):
    monkeypatch.setenv('HEAT_URL', 'http://heat:8000/v1/')
    monkeypatch.setenv('AWS_ENDPOINT_URL', 'http://other/')
    monkeypatch.setenv('AWS_ACCESS_KEY_ID', 'ak')
    monkeypatch.setenv('AWS_SECRET_ACCESS_KEY', 'sk')
    monkeypatch.delenv('AWS_DEFAULT_REGION', raising=False)
    args = shell.build_parser().parse_args(['list'])
    assert (
        args.endpoint_url,
        args.access_key,
        args.secret_key,
        args.region,
    ) == ('http://heat:8000/v1/', 'ak', 'sk', 'RegionOne')


def test_endpoint_falls_back_to_aws_endpoint_url(monkeypatch):
    monkeypatch.delenv('HEAT_URL', raising=False)
    monkeypatch.setenv('AWS_ENDPOINT_URL', 'http://other/')
    assert (
        shell.build_parser().parse_args(['list']).endpoint_url
        == 'http://other/'
    )
    monkeypatch.delenv('AWS_ENDPOINT_URL')
    assert (
        shell.build_parser().parse_args(['list']).endpoint_url
        == shell.DEFAULT_ENDPOINT
    )


# Sub-commands


def test_create_sends_template_parameters_and_options(
    client, stubber, template_file, capsys
):
    stubber.add_response(
        'create_stack',
        {'StackId': STACK_ID},
        {
            'StackName': 'web',
            'TemplateBody': TEMPLATE,
            'Parameters': [
                {'ParameterKey': 'K1', 'ParameterValue': 'V1'},
                {'ParameterKey': 'K2', 'ParameterValue': 'a=b'},
            ],
            'TimeoutInMinutes': 5,
            'OnFailure': 'DELETE',
        },
    )
    assert (
        run(
            client,
            'create',
            'web',
            '--template-file',
            template_file,
            '--parameters',
            'K1=V1;K2=a=b',
            '--timeout',
            '5',
            '--on-failure',
            'DELETE',
        )
        == 0
    )
    assert capsys.readouterr().out == STACK_ID + '\n'


def test_create_by_url_with_rollback_disabled(client, stubber):
    stubber.add_response(
        'create_stack',
        {'StackId': STACK_ID},
        {
            'StackName': 'web',
            'TemplateURL': 'http://t/x',
            'Parameters': [],
            'DisableRollback': True,
        },
    )
    assert (
        run(
            client,
            'create',
            'web',
            '--template-url',
            'http://t/x',
            '--disable-rollback',
        )
        == 0
    )


def test_disable_rollback_and_on_failure_exclude_each_other(client):
    with pytest.raises(SystemExit):
        run(
            client,
            'create',
            'web',
            '--template-url',
            'u',
            '--disable-rollback',
            '--on-failure',
            'DELETE',
        )


def test_update_with_previous_template(client, stubber, capsys):
    stubber.add_response(
        'update_stack',
        {'StackId': STACK_ID},
        {
            'StackName': 'web',
            'UsePreviousTemplate': True,
            'Parameters': [{'ParameterKey': 'K', 'ParameterValue': 'V'}],
        },
    )
    assert (
        run(
            client,
            'update',
            'web',
            '--use-previous-template',
            '--parameters',
            'K=V',
        )
        == 0
    )
    assert capsys.readouterr().out == STACK_ID + '\n'


def test_delete(client, stubber, capsys):
    stubber.add_response('delete_stack', {}, {'StackName': 'web'})
    assert run(client, 'delete', 'web') == 0
    assert capsys.readouterr().out == ''


def test_list_prints_an_aligned_table(client, stubber, capsys):
    stubber.add_response(
        'list_stacks',
        {
            'StackSummaries': [
                {
                    'StackName': 'web',
                    'StackId': STACK_ID,
                    'CreationTime': at(0),
                    'StackStatus': 'CREATE_COMPLETE',
                },
                {
                    'StackName': 'database',
                    'StackId': 'id2',
                    'CreationTime': at(1),
                    'StackStatus': 'DELETE_FAILED',
                },
            ]
        },
    )
    assert run(client, 'list') == 0
    assert capsys.readouterr().out.splitlines() == [
        'NAME      STATUS           CREATED               ID',
        'web       CREATE_COMPLETE  2012-06-01T12:00:00Z  ' + STACK_ID,
        'database  DELETE_FAILED    2012-06-01T12:00:01Z  id2',
    ]


def test_list_as_json(client, stubber, capsys):
    stubber.add_response(
        'list_stacks',
        {
            'StackSummaries': [
                {
                    'StackName': 'web',
                    'StackId': STACK_ID,
                    'CreationTime': at(0),
                    'StackStatus': 'CREATE_COMPLETE',
                }
            ]
        },
    )
    assert run(client, '-f', 'json', 'list') == 0
    assert json.loads(capsys.readouterr().out) == [
        {
            'StackName': 'web',
            'StackId': STACK_ID,
            'CreationTime': '2012-06-01T12:00:00Z',
            'StackStatus': 'CREATE_COMPLETE',
        }
    ]


def test_describe_shows_status_parameters_and_outputs(client, stubber, capsys):
    stubber.add_response(
        'describe_stacks',
        stack(
            'CREATE_COMPLETE',
            'done',
            Parameters=[{'ParameterKey': 'Size', 'ParameterValue': '3'}],
            Outputs=[
                {'OutputKey': 'URL', 'OutputValue': 'http://x/'},
                {'OutputKey': 'Name', 'OutputValue': 'web'},
            ],
        ),
        {'StackName': 'web'},
    )
    assert run(client, 'describe', 'web') == 0
    lines = capsys.readouterr().out.splitlines()
    assert 'StackStatus        CREATE_COMPLETE' in lines
    assert 'StackStatusReason  done' in lines
    assert 'Parameters         Size=3' in lines
    index = lines.index('Outputs            URL=http://x/')
    assert lines[index + 1] == '                   Name=web'


def test_describe_without_a_name_describes_every_stack(
    client, stubber, capsys
):
    stubber.add_response('describe_stacks', stack('CREATE_COMPLETE'), {})
    assert run(client, 'describe') == 0
    assert 'StackName          web' in capsys.readouterr().out


def test_event_list_reads_every_page_and_prints_oldest_first(
    client, stubber, capsys
):
    stubber.add_response(
        'describe_stack_events',
        {
            'StackEvents': [
                event(3, 'CREATE_COMPLETE', 'B'),
                event(2, 'CREATE_IN_PROGRESS', 'B'),
            ],
            'NextToken': 'page2',
        },
        {'StackName': 'web'},
    )
    stubber.add_response(
        'describe_stack_events',
        {
            'StackEvents': [
                event(1, 'CREATE_COMPLETE', 'A'),
                event(0, 'CREATE_IN_PROGRESS', 'A', 'state changed'),
            ]
        },
        {'StackName': 'web', 'NextToken': 'page2'},
    )
    assert run(client, 'event-list', 'web') == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == [
        'TIME',
        'LOGICAL',
        'ID',
        'TYPE',
        'STATUS',
        'REASON',
    ]
    assert [line.split()[1:4:2] for line in lines[1:]] == [
        ['A', 'CREATE_IN_PROGRESS'],
        ['A', 'CREATE_COMPLETE'],
        ['B', 'CREATE_IN_PROGRESS'],
        ['B', 'CREATE_COMPLETE'],
    ]
    assert lines[1].endswith('state changed')


def test_resource_shows_its_metadata(client, stubber, capsys):
    stubber.add_response(
        'describe_stack_resource',
        {
            'StackResourceDetail': {
                'LogicalResourceId': 'H',
                'PhysicalResourceId': 'phys',
                'ResourceType': 'AWS::CloudFormation::WaitConditionHandle',
                'LastUpdatedTimestamp': at(4),
                'ResourceStatus': 'CREATE_COMPLETE',
                'Metadata': '{"AWS::CloudFormation::Init": {"config": {}}}',
            }
        },
        {'StackName': 'web', 'LogicalResourceId': 'H'},
    )
    assert run(client, 'resource', 'web', 'H') == 0
    out = capsys.readouterr().out
    assert 'PhysicalResourceId    phys' in out
    assert 'Metadata              {\n' in out
    assert '"AWS::CloudFormation::Init": {' in out


def test_resource_list(client, stubber, capsys):
    stubber.add_response(
        'list_stack_resources',
        {
            'StackResourceSummaries': [
                {
                    'LogicalResourceId': 'Handle',
                    'PhysicalResourceId': 'p1',
                    'ResourceType': 'AWS::CloudFormation::WaitConditionHandle',
                    'LastUpdatedTimestamp': at(2),
                    'ResourceStatus': 'CREATE_COMPLETE',
                }
            ]
        },
        {'StackName': 'web'},
    )
    assert run(client, 'resource-list', 'web') == 0
    assert capsys.readouterr().out.splitlines()[1].split() == [
        'Handle',
        'p1',
        'AWS::CloudFormation::WaitConditionHandle',
        'CREATE_COMPLETE',
        '2012-06-01T12:00:02Z',
    ]


def test_template_prints_a_json_body_as_json(client, stubber, capsys):
    stubber.add_response(
        'get_template', {'TemplateBody': TEMPLATE}, {'StackName': 'web'}
    )
    assert run(client, 'template', 'web') == 0
    assert json.loads(capsys.readouterr().out) == json.loads(TEMPLATE)


def test_template_prints_a_yaml_body_verbatim(client, stubber, capsys):
    body = 'Resources:\n  H: {Type: AWS::CloudFormation::WaitConditionHandle}'
    stubber.add_response(
        'get_template', {'TemplateBody': body}, {'StackName': 'web'}
    )
    assert run(client, 'template', 'web') == 0
    assert capsys.readouterr().out == body + '\n'


def test_validate_shows_description_and_parameters(
    client, stubber, template_file, capsys
):
    stubber.add_response(
        'validate_template',
        {
            'Description': 'Handles for testing',
            'Parameters': [
                {
                    'ParameterKey': 'Size',
                    'DefaultValue': '3',
                    'NoEcho': False,
                    'Description': 'how many',
                }
            ],
        },
        {'TemplateBody': TEMPLATE},
    )
    assert run(client, 'validate', '--template-file', template_file) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == 'Description   Handles for testing'
    assert lines[-1].split() == ['Size', '3', 'False', 'how', 'many']


# Errors


def test_service_errors_print_code_and_message(client, stubber, capsys):
    stubber.add_client_error(
        'describe_stacks',
        service_error_code='ValidationError',
        service_message='Stack with id nope does not exist',
        http_status_code=400,
    )
    assert run(client, 'describe', 'nope') == 1
    captured = capsys.readouterr()
    assert (
        captured.err
        == 'ERROR: ValidationError: Stack with id nope does not exist\n'
    )
    assert captured.out == ''


def test_connection_refused_is_reported_readably(capsys):
    with socket.socket() as listener:
        listener.bind(('127.0.0.1', 0))
        port = listener.getsockname()[1]
    endpoint = 'http://127.0.0.1:%d/v1/' % port
    assert (
        shell.main(
            [
                '--endpoint-url',
                endpoint,
                '--access-key',
                'a',
                '--secret-key',
                's',
                'list',
            ]
        )
        == 1
    )
    assert capsys.readouterr().err == (
        'ERROR: cannot connect to %s: is heat-api running there?\n' % endpoint
    )


def test_missing_credentials_are_reported(monkeypatch, tmp_path, capsys):
    for name in (
        'AWS_ACCESS_KEY_ID',
        'AWS_SECRET_ACCESS_KEY',
        'AWS_PROFILE',
        'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
        'AWS_CONTAINER_CREDENTIALS_FULL_URI',
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv('AWS_SHARED_CREDENTIALS_FILE', str(tmp_path / 'c'))
    monkeypatch.setenv('AWS_CONFIG_FILE', str(tmp_path / 'config'))
    monkeypatch.setenv('AWS_EC2_METADATA_DISABLED', 'true')
    assert shell.main(['list']) == 1
    assert capsys.readouterr().err.startswith('ERROR: no credentials')


# --wait


def test_create_wait_prints_each_new_event_once_then_succeeds(
    client, stubber, template_file, capsys
):
    stubber.add_response('create_stack', {'StackId': STACK_ID})
    stubber.add_response(
        'describe_stacks', stack('CREATE_IN_PROGRESS'), {'StackName': STACK_ID}
    )
    stubber.add_response(
        'describe_stack_events',
        {'StackEvents': [event(1, 'CREATE_IN_PROGRESS')]},
        {'StackName': STACK_ID},
    )
    stubber.add_response('describe_stacks', stack('CREATE_COMPLETE'))
    stubber.add_response(
        'describe_stack_events',
        {
            'StackEvents': [
                event(3, 'CREATE_COMPLETE', 'web'),
                event(2, 'CREATE_COMPLETE'),
                event(1, 'CREATE_IN_PROGRESS'),
            ],
            'NextToken': 'older',
        },
    )
    assert (
        run(
            client, 'create', 'web', '--template-file', template_file, '--wait'
        )
        == 0
    )
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == STACK_ID
    assert [line.split()[1:3] for line in lines[1:4]] == [
        ['H', 'CREATE_IN_PROGRESS'],
        ['H', 'CREATE_COMPLETE'],
        ['web', 'CREATE_COMPLETE'],
    ]
    assert (
        lines[1] == '2012-06-01T12:00:01Z  H' + ' ' * 25 + 'CREATE_IN_PROGRESS'
    )
    assert lines[4:] == ['Stack web CREATE_COMPLETE']


def test_create_wait_fails_on_rollback_with_the_stacks_reason(
    client, stubber, template_file, capsys
):
    stubber.add_response('create_stack', {'StackId': STACK_ID})
    stubber.add_response(
        'describe_stacks',
        stack('ROLLBACK_COMPLETE', 'Resource CREATE failed: H: quota'),
    )
    stubber.add_response(
        'describe_stack_events',
        {'StackEvents': [event(2, 'CREATE_FAILED', reason='quota')]},
    )
    assert (
        run(
            client, 'create', 'web', '--template-file', template_file, '--wait'
        )
        == 1
    )
    captured = capsys.readouterr()
    assert 'CREATE_FAILED' in captured.out
    assert captured.err == (
        'ERROR: Stack web ROLLBACK_COMPLETE: '
        'Resource CREATE failed: H: quota\n'
    )


def test_create_wait_fails_when_the_failed_stack_is_deleted(
    client, stubber, template_file, capsys
):
    stubber.add_response('create_stack', {'StackId': STACK_ID})
    stubber.add_response('describe_stacks', stack('DELETE_COMPLETE', 'quota'))
    stubber.add_response('describe_stack_events', {'StackEvents': []})
    assert (
        run(
            client,
            'create',
            'web',
            '--template-file',
            template_file,
            '--on-failure',
            'DELETE',
            '--wait',
        )
        == 1
    )
    assert (
        capsys.readouterr().err == 'ERROR: Stack web DELETE_COMPLETE: quota\n'
    )


def test_create_wait_fails_when_the_stack_is_gone(
    client, stubber, template_file, capsys
):
    stubber.add_response('create_stack', {'StackId': STACK_ID})
    stubber.add_client_error('describe_stacks', **gone())
    stubber.add_client_error('describe_stack_events', **gone())
    assert (
        run(
            client, 'create', 'web', '--template-file', template_file, '--wait'
        )
        == 1
    )
    assert (
        capsys.readouterr().err
        == 'ERROR: Stack web DELETE_COMPLETE: the stack was deleted\n'
    )


def test_update_wait_skips_earlier_events(client, stubber, capsys):
    stubber.add_response(
        'describe_stacks', stack('CREATE_COMPLETE'), {'StackName': 'web'}
    )
    stubber.add_response(
        'describe_stack_events',
        {'StackEvents': [event(1, 'CREATE_COMPLETE')]},
        {'StackName': STACK_ID},
    )
    stubber.add_response('update_stack', {'StackId': STACK_ID})
    stubber.add_response('describe_stacks', stack('UPDATE_COMPLETE'))
    stubber.add_response(
        'describe_stack_events',
        {
            'StackEvents': [
                event(5, 'UPDATE_COMPLETE'),
                event(1, 'CREATE_COMPLETE'),
            ]
        },
    )
    assert (
        run(client, 'update', 'web', '--use-previous-template', '--wait') == 0
    )
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[1:3] for line in lines[1:-1]] == [
        ['H', 'UPDATE_COMPLETE']
    ]
    assert lines[-1] == 'Stack web UPDATE_COMPLETE'


def test_update_wait_fails_on_update_rollback(client, stubber, capsys):
    stubber.add_response('describe_stacks', stack('CREATE_COMPLETE'))
    stubber.add_response('describe_stack_events', {'StackEvents': []})
    stubber.add_response('update_stack', {'StackId': STACK_ID})
    stubber.add_response(
        'describe_stacks', stack('UPDATE_ROLLBACK_COMPLETE', 'bad property')
    )
    stubber.add_response('describe_stack_events', {'StackEvents': []})
    assert (
        run(client, 'update', 'web', '--use-previous-template', '--wait') == 1
    )
    assert (
        capsys.readouterr().err
        == 'ERROR: Stack web UPDATE_ROLLBACK_COMPLETE: bad property\n'
    )


def test_delete_wait_succeeds_when_the_stack_disappears(
    client, stubber, capsys
):
    stubber.add_response(
        'describe_stacks', stack('CREATE_COMPLETE'), {'StackName': 'web'}
    )
    stubber.add_response(
        'describe_stack_events',
        {'StackEvents': [event(1, 'CREATE_COMPLETE')]},
        {'StackName': STACK_ID},
    )
    stubber.add_response('delete_stack', {}, {'StackName': 'web'})
    stubber.add_response(
        'describe_stacks', stack('DELETE_IN_PROGRESS'), {'StackName': STACK_ID}
    )
    stubber.add_response(
        'describe_stack_events',
        {
            'StackEvents': [
                event(6, 'DELETE_IN_PROGRESS'),
                event(1, 'CREATE_COMPLETE'),
            ]
        },
    )
    stubber.add_client_error('describe_stacks', **gone())
    stubber.add_client_error('describe_stack_events', **gone())
    assert run(client, 'delete', 'web', '--wait') == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[1:3] for line in lines[:-1]] == [
        ['H', 'DELETE_IN_PROGRESS']
    ]
    assert lines[-1] == 'Stack web DELETE_COMPLETE'


def test_delete_wait_fails_on_delete_failed(client, stubber, capsys):
    stubber.add_response('describe_stacks', stack('CREATE_COMPLETE'))
    stubber.add_response('describe_stack_events', {'StackEvents': []})
    stubber.add_response('delete_stack', {})
    stubber.add_response('describe_stacks', stack('DELETE_FAILED', 'stuck'))
    stubber.add_response('describe_stack_events', {'StackEvents': []})
    assert run(client, 'delete', 'web', '--wait') == 1
    assert capsys.readouterr().err == 'ERROR: Stack web DELETE_FAILED: stuck\n'


def test_wait_gives_up_at_its_deadline(client, stubber):
    stubber.add_response('describe_stacks', stack('CREATE_IN_PROGRESS'))
    stubber.add_response('describe_stack_events', {'StackEvents': []})
    watch = wait.StackWatch(client, STACK_ID, output.Printer('table', None))
    outcome = watch.until_settled('CREATE', timeout_seconds=0)
    assert outcome == wait.Outcome(
        wait.Progress.FAILED,
        'CREATE_IN_PROGRESS',
        'gave up waiting after 0 seconds',
    )


def test_wait_does_not_mistake_the_previous_status_for_the_end(
    client, stubber
):
    stubber.add_response('describe_stacks', stack('CREATE_COMPLETE'))
    stubber.add_response('describe_stack_events', {'StackEvents': []})
    stubber.add_response('describe_stacks', stack('UPDATE_COMPLETE'))
    stubber.add_response('describe_stack_events', {'StackEvents': []})
    watch = wait.StackWatch(client, STACK_ID, output.Printer('table', None))
    assert watch.until_settled('UPDATE', 60).succeeded


def test_wait_deadline_follows_the_stacks_timeout():
    def args(wait_timeout):
        return argparse.Namespace(wait_timeout=wait_timeout)

    assert commands._wait_seconds(args(None), 5) == 5 * 60 + 60
    assert commands._wait_seconds(args(2), 5) == 120
    assert commands._wait_seconds(args(None), None) == 60 * 60


# Rendering


def test_table_aligns_columns_and_blanks_missing_cells():
    assert output.table(['A', 'LONG'], [['xyz', None], ['', 'v']]) == (
        'A    LONG\nxyz\n     v'
    )


def test_fields_indent_continuation_lines():
    assert output.fields([('Key', 'a\nb'), ('LongerKey', 1)]) == (
        'Key        a\n           b\nLongerKey  1'
    )
