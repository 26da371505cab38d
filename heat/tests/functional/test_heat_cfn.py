"""heat-cfn, run as a program, against a real heat-all."""

import json
import os
import subprocess
import uuid

import pytest

import heat

# The checkout under test, whether or not it is installed in the venv.
SOURCE_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(heat.__file__)))
COMMAND_TIMEOUT_SECONDS = 120

HANDLE = {'Type': 'AWS::CloudFormation::WaitConditionHandle'}
TEMPLATE = {
    'AWSTemplateFormatVersion': '2010-09-09',
    'Description': 'Wait condition handles for heat-cfn',
    'Parameters': {
        'Label': {
            'Type': 'String',
            'Default': 'one',
            'Description': 'a label to echo',
        },
    },
    'Resources': {
        'First': HANDLE,
        'Second': dict(HANDLE, DependsOn='First'),
        'Third': HANDLE,
    },
    'Outputs': {
        'Label': {'Value': {'Ref': 'Label'}},
        'FirstURL': {'Value': {'Ref': 'First'}},
    },
}


class HeatCfn:
    """Runs heat-cfn with one tenant's credentials from the environment."""

    def __init__(self, server, access, secret):
        self.program = os.path.join(server.bin_dir, 'heat-cfn')
        self.env = dict(
            os.environ,
            HEAT_URL=server.endpoint,
            AWS_ACCESS_KEY_ID=access,
            AWS_SECRET_ACCESS_KEY=secret,
            AWS_EC2_METADATA_DISABLED='true',
            PYTHONPATH=os.pathsep.join(
                filter(None, [SOURCE_ROOT, os.environ.get('PYTHONPATH')])
            ),
            NO_PROXY='127.0.0.1',
            no_proxy='127.0.0.1',
        )

    def run(self, *args):
        return subprocess.run(
            [self.program] + list(args),
            env=self.env,
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT_SECONDS,
        )

    def into_closed_pipe(self, *args):
        """Run with stdout a pipe whose reader is gone before it starts,
        as when `| head` has read all it wants: every write fails."""
        reader, writer = os.pipe()
        os.close(reader)
        try:
            return subprocess.run(
                [self.program] + list(args),
                env=self.env,
                stdout=writer,
                stderr=subprocess.PIPE,
                text=True,
                timeout=COMMAND_TIMEOUT_SECONDS,
            )
        finally:
            os.close(writer)

    def ok(self, *args):
        result = self.run(*args)
        assert result.returncode == 0, result.stderr
        return result.stdout


@pytest.fixture(scope='module')
def cfn(heat_server):
    # A tenant of its own, so `list` sees only this module's stacks.
    access, secret = heat_server.new_credentials('cfn-cli-tenant')
    return HeatCfn(heat_server, access, secret)


@pytest.fixture(scope='module')
def template_file(tmp_path_factory):
    path = tmp_path_factory.mktemp('templates') / 'handles.json'
    path.write_text(json.dumps(TEMPLATE))
    return str(path)


def unique_name(prefix):
    return '%s-%s' % (prefix, uuid.uuid4().hex[:8])


@pytest.fixture(scope='module')
def stack(cfn, template_file):
    """A created stack, with the output of `create --wait`."""
    name = unique_name('handles')
    created = cfn.ok(
        'create',
        name,
        '--template-file',
        template_file,
        '--parameters',
        'Label=two',
        '--wait',
    )
    yield name, created.splitlines()
    cfn.run('delete', name, '--wait')


def statuses(lines, logical_id):
    return [
        line.split()[2]
        for line in lines
        if len(line.split()) > 2 and line.split()[1] == logical_id
    ]


def test_validate_shows_description_and_parameters(cfn, template_file):
    lines = cfn.ok('validate', '--template-file', template_file).splitlines()
    assert lines[0].split(None, 1) == [
        'Description',
        'Wait condition handles for heat-cfn',
    ]
    assert ['Label', 'one'] == [
        line.split()[:2] for line in lines if line.startswith('Label')
    ][0]


def test_create_wait_prints_events_and_succeeds(stack):
    name, lines = stack
    assert lines[0].startswith('arn:')
    for logical_id in ('First', 'Second', 'Third'):
        assert statuses(lines, logical_id)[-1] == 'CREATE_COMPLETE'
    assert lines[-1] == 'Stack %s CREATE_COMPLETE' % name


def test_list_shows_the_stack(cfn, stack):
    name, _ = stack
    rows = [line.split() for line in cfn.ok('list').splitlines()]
    assert rows[0] == ['NAME', 'STATUS', 'CREATED', 'ID']
    assert [row[1] for row in rows if row[0] == name] == ['CREATE_COMPLETE']


def test_list_as_json(cfn, stack):
    name, _ = stack
    summaries = json.loads(cfn.ok('-f', 'json', 'list'))
    assert name in [summary['StackName'] for summary in summaries]


def test_describe_shows_outputs(cfn, stack):
    name, _ = stack
    lines = cfn.ok('describe', name).splitlines()
    text = '\n'.join(lines)
    assert 'StackStatus        CREATE_COMPLETE' in lines
    assert 'Label=two' in text
    assert 'FirstURL=http' in text


def test_event_list_is_oldest_first(cfn, stack):
    name, _ = stack
    lines = cfn.ok('event-list', name).splitlines()
    for logical_id in ('First', 'Second', 'Third'):
        found = [
            line.split()[3]
            for line in lines[1:]
            if line.split()[1] == logical_id
        ]
        assert found == ['CREATE_IN_PROGRESS', 'CREATE_COMPLETE']


def test_resource_list(cfn, stack):
    name, _ = stack
    rows = [
        line.split() for line in cfn.ok('resource-list', name).splitlines()[1:]
    ]
    assert sorted((row[0], row[2], row[3]) for row in rows) == [
        (logical_id, HANDLE['Type'], 'CREATE_COMPLETE')
        for logical_id in ('First', 'Second', 'Third')
    ]


def test_resource_shows_one_resource(cfn, stack):
    name, _ = stack
    lines = cfn.ok('resource', name, 'Second').splitlines()
    assert 'LogicalResourceId     Second' in lines
    assert 'ResourceType          ' + HANDLE['Type'] in lines
    assert any(line.startswith('Metadata') for line in lines)


def test_template_prints_the_template(cfn, stack):
    name, _ = stack
    assert json.loads(cfn.ok('template', name)) == TEMPLATE


def test_delete_wait_removes_the_stack(cfn, template_file):
    name = unique_name('doomed')
    cfn.ok('create', name, '--template-file', template_file, '--wait')
    lines = cfn.ok('delete', name, '--wait').splitlines()
    assert lines[-1] == 'Stack %s DELETE_COMPLETE' % name
    rows = [line.split() for line in cfn.ok('list').splitlines()]
    assert [row[1] for row in rows if row[0] == name] in (
        [],
        ['DELETE_COMPLETE'],
    )


def test_create_failing_validation_reports_the_aws_error(cfn, tmp_path):
    broken = tmp_path / 'broken.json'
    broken.write_text(
        json.dumps({'Resources': {'Thing': {'Type': 'No::Such::Type'}}})
    )
    result = cfn.run(
        'create', unique_name('broken'), '--template-file', str(broken)
    )
    assert result.returncode == 1
    assert result.stderr.startswith('ERROR: ValidationError: ')
    assert 'No::Such::Type' in result.stderr
    assert 'Traceback' not in result.stderr
    assert result.stdout == ''


def test_output_into_a_closed_pipe_ends_quietly(cfn, stack):
    name, _ = stack
    result = cfn.into_closed_pipe('describe', name)
    assert result.stderr == ''
    # What a shell reports for a writer that SIGPIPE ended (128 + 13).
    assert result.returncode == 141
