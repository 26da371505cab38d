"""The real heat-cfntools against heat-all, with a stack user's keys.

cfn-get-metadata, cfn-init and cfn-hup run as they run in a server: they
find Heat through /var/lib/heat-cfntools (cfn-boto-cfg names the host,
cfn-metadata-server the port), log to /var/log, cache metadata in
/var/cache/heat-cfntools and read cfn-hup's setup from /etc/cfn.  Each
command runs in a private mount namespace in which those directories are
the test's own (``Guest``), so the tools run unmodified and unprivileged.
"""

import json
import os
import shutil
import subprocess
import tempfile

import boto.exception
import pytest

from heat.tests.functional import clients

TOOL_TIMEOUT_SECONDS = 60
HANDLE = clients.HANDLE_TYPE
INIT = 'AWS::CloudFormation::Init'
# The shell that prepares a guest's namespace, then runs the command.
ENTER_GUEST = """
mount --bind "$0/var" /var || exit 125
if [ -d "$0/etc" ]; then
    mount -t overlay overlay \
        -o "lowerdir=/etc,upperdir=$0/etc,workdir=$0/etc-work" /etc \
        || exit 125
fi
exec "$@"
"""


def namespace_refusal(with_etc=False):
    """Why this system cannot run a guest, or None when it can."""
    probe = ['unshare', '--mount', '--map-root-user', 'sh', '-c']
    if with_etc:
        probe.append(
            'mount -t overlay overlay -o lowerdir=/etc,'
            'upperdir="$0/u",workdir="$0/w" /etc'
        )
    else:
        probe.append('mount -t tmpfs tmpfs /var')
    scratch = tempfile.mkdtemp(prefix='guest-probe-')
    try:
        os.makedirs(os.path.join(scratch, 'u'))
        os.makedirs(os.path.join(scratch, 'w'))
        result = subprocess.run(
            probe + [scratch],
            capture_output=True,
            text=True,
            timeout=TOOL_TIMEOUT_SECONDS,
        )
    except OSError as exc:
        return str(exc)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if result.returncode:
        return result.stderr.strip() or 'exit status %d' % result.returncode
    return None


class Guest:
    """The files of one server that runs cfn-tools against a Heat server.

    ``root`` holds its /var (and, once cfn-hup is set up, what it adds to
    /etc); ``run`` runs a command with them in place.
    """

    def __init__(self, root, heat_server):
        self.root = root
        self.bin_dir = heat_server.bin_dir
        tools_dir = self.var_path('lib/heat-cfntools')
        for path in (tools_dir, self.var_path('log'), self.var_path('cache')):
            os.makedirs(path)
        # What Heat's user data writes on a server: the host for boto,
        # the server URL (only its port is read) for the tools.
        with open(os.path.join(tools_dir, 'cfn-boto-cfg'), 'w') as f:
            f.write(
                '[Boto]\ndebug = 0\nis_secure = 0\n'
                'cfn_region_name = %s\ncfn_region_endpoint = '
                '127.0.0.1\n' % clients.REGION
            )
        with open(os.path.join(tools_dir, 'cfn-metadata-server'), 'w') as f:
            f.write('http://127.0.0.1:%d/\n' % heat_server.port)

    def var_path(self, path):
        return os.path.join(self.root, 'var', path)

    def tool(self, name):
        return os.path.join(self.bin_dir, name)

    def set_up_cfn_hup(self, stack_name, keys, hook_action):
        """/etc/cfn as a server's cfn-hup reads it: the stack, the keys,
        and one hook run when Config's metadata changes."""
        etc_cfn = os.path.join(self.root, 'etc', 'cfn')
        os.makedirs(etc_cfn)
        os.makedirs(os.path.join(self.root, 'etc-work'))
        with open(os.path.join(etc_cfn, 'cfn-credentials'), 'w') as f:
            f.write('AWSAccessKeyId=%s\nAWSSecretKey=%s\n' % keys)
        with open(os.path.join(etc_cfn, 'cfn-hup.conf'), 'w') as f:
            f.write(
                '[main]\nstack=%s\ncredential-file=/etc/cfn/'
                'cfn-credentials\nregion=%s\n' % (stack_name, clients.REGION)
            )
        with open(os.path.join(etc_cfn, 'hooks.conf'), 'w') as f:
            f.write(
                '[config-changed]\ntriggers=post.update\n'
                'path=Resources.Config.Metadata\nrunas=root\n'
                'action=%s\n' % hook_action
            )

    def run(self, *argv):
        return subprocess.run(
            [
                'unshare',
                '--mount',
                '--map-root-user',
                'sh',
                '-c',
                ENTER_GUEST,
                self.root,
            ]
            + list(argv),
            capture_output=True,
            text=True,
            timeout=TOOL_TIMEOUT_SECONDS,
            env={
                'PATH': os.environ.get('PATH', '/usr/bin:/bin'),
                'HOME': self.root,
            },
        )

    def get_metadata(self, stack_name, resource, keys):
        return self.run(
            self.tool('cfn-get-metadata'),
            '--stack',
            stack_name,
            '--resource',
            resource,
            '--access-key',
            keys[0],
            '--secret-key',
            keys[1],
        )

    def init_command(self, stack_name, resource, keys):
        return [
            self.tool('cfn-init'),
            '--stack',
            stack_name,
            '--resource',
            resource,
            '--access-key',
            keys[0],
            '--secret-key',
            keys[1],
        ]


def succeeded(result):
    assert result.returncode == 0, result.stderr[-4000:]
    return result.stdout


def refused(result, code):
    """Assert the tool failed because Heat answered with error ``code``."""
    assert result.returncode != 0, result.stdout
    assert 'BotoServerError: 403' in result.stderr, result.stderr[-4000:]
    assert code in result.stderr, result.stderr[-4000:]


@pytest.fixture(scope='module', autouse=True)
def guests_can_run():
    why = namespace_refusal()
    if why is not None:
        pytest.skip(
            'cfn-tools read fixed paths under /var; these tests '
            'give them a private mount namespace, which this '
            'system refuses: %s' % why
        )


@pytest.fixture
def guest(tmp_path, heat_server):
    return Guest(str(tmp_path / 'guest'), heat_server)


@pytest.fixture(scope='module')
def tenant(heat_server):
    access, secret = heat_server.new_credentials('cfn-tools-tenant')
    return clients.boto3_client(heat_server, access, secret)


def template(path):
    """A stack user, its keys, and metadata for cfn-init: one file."""
    return clients.body(
        {
            'Parameters': {'Greeting': {'Type': 'String'}},
            'Resources': {
                'CfnUser': {'Type': 'AWS::IAM::User'},
                'CfnKeys': {
                    'Type': 'AWS::IAM::AccessKey',
                    'Properties': {'UserName': {'Ref': 'CfnUser'}},
                },
                'Config': {
                    'Type': HANDLE,
                    'Metadata': {
                        INIT: {
                            'config': {
                                'files': {
                                    path: {
                                        'content': {
                                            'Fn::Join': [
                                                '',
                                                [
                                                    'greeting=',
                                                    {'Ref': 'Greeting'},
                                                    '\n',
                                                ],
                                            ]
                                        },
                                        'mode': '000640',
                                    }
                                }
                            }
                        }
                    },
                },
            },
            'Outputs': {
                'AccessKey': {'Value': {'Ref': 'CfnKeys'}},
                'SecretKey': {
                    'Value': {'Fn::GetAtt': ['CfnKeys', 'SecretAccessKey']}
                },
            },
        }
    )


def greeting(value):
    return [{'ParameterKey': 'Greeting', 'ParameterValue': value}]


class Stack:
    """A created stack: its name and ARN, the file its metadata writes,
    and its keys."""

    def __init__(self, client, tmp_path, prefix='cfn-tools'):
        self.client = client
        self.name = clients.unique_name(prefix)
        self.path = str(tmp_path / ('%s.conf' % self.name))
        self.arn = client.create_stack(
            StackName=self.name,
            TemplateBody=template(self.path),
            Parameters=greeting('hello'),
        )['StackId']
        shown = clients.wait_for_status(client, self.name)
        assert shown['StackStatus'] == 'CREATE_COMPLETE', shown
        outputs = {o['OutputKey']: o['OutputValue'] for o in shown['Outputs']}
        self.keys = (outputs['AccessKey'], outputs['SecretKey'])

    def update_greeting(self, value):
        self.client.update_stack(
            StackName=self.name,
            UsePreviousTemplate=True,
            Parameters=greeting(value),
        )
        shown = clients.wait_for_status(self.client, self.name, 'UPDATE')
        assert shown['StackStatus'] == 'UPDATE_COMPLETE', shown

    def expected_metadata(self, value):
        return {
            INIT: {
                'config': {
                    'files': {
                        self.path: {
                            'content': 'greeting=%s\n' % value,
                            'mode': '000640',
                        }
                    }
                }
            }
        }


@pytest.fixture
def stack(tenant, tmp_path):
    return Stack(tenant, tmp_path)


def test_cfn_get_metadata_shows_the_resolved_metadata(guest, stack):
    shown = succeeded(guest.get_metadata(stack.name, 'Config', stack.keys))
    assert json.loads(shown) == stack.expected_metadata('hello')


def test_cfn_get_metadata_reads_a_credential_file(guest, stack):
    # The file cfn-hup is given; --key picks one value out.
    credentials = os.path.join(guest.root, 'cfn-credentials')
    with open(credentials, 'w') as f:
        f.write('AWSAccessKeyId=%s\nAWSSecretKey=%s\n' % stack.keys)
    shown = succeeded(
        guest.run(
            guest.tool('cfn-get-metadata'),
            '--stack',
            stack.name,
            '--resource',
            'Config',
            '--credential-file',
            credentials,
            '--key',
            "%s.config.files.'%s'.content" % (INIT, stack.path),
        )
    )
    assert json.loads(shown) == 'greeting=hello\n'


def test_cfn_init_writes_the_file_the_metadata_describes(guest, stack):
    succeeded(guest.run(*guest.init_command(stack.name, 'Config', stack.keys)))
    with open(stack.path) as f:
        assert f.read() == 'greeting=hello\n'
    assert oct(os.stat(stack.path).st_mode & 0o777) == oct(0o640)


def test_updated_metadata_is_what_the_tools_see_next(guest, stack):
    succeeded(guest.get_metadata(stack.name, 'Config', stack.keys))
    stack.update_greeting('bonjour')
    shown = succeeded(guest.get_metadata(stack.name, 'Config', stack.keys))
    assert json.loads(shown) == stack.expected_metadata('bonjour')


def test_cfn_hup_runs_its_hook_when_the_metadata_changes(guest, stack):
    why = namespace_refusal(with_etc=True)
    if why is not None:
        pytest.skip(
            'cfn-hup reads /etc/cfn, which this test overlays on '
            '/etc in its namespace; this system refuses: %s' % why
        )
    hook_log = os.path.join(guest.root, 'hook.log')
    # As a server's hook does: apply the new metadata with cfn-init.
    action = 'echo fired >> %s && %s' % (
        hook_log,
        ' '.join(guest.init_command(stack.name, 'Config', stack.keys)),
    )
    guest.set_up_cfn_hup(stack.name, stack.keys, action)
    succeeded(guest.run(*guest.init_command(stack.name, 'Config', stack.keys)))

    succeeded(guest.run(guest.tool('cfn-hup')))
    assert not os.path.exists(hook_log), 'hook ran without a change'

    stack.update_greeting('hallo')
    succeeded(guest.run(guest.tool('cfn-hup')))
    with open(hook_log) as f:
        assert f.read() == 'fired\n'
    with open(stack.path) as f:
        assert f.read() == 'greeting=hallo\n'


def test_stack_keys_may_not_read_or_change_anything_else(
    heat_server, guest, stack, tenant, tmp_path
):
    other = Stack(tenant, tmp_path, prefix='cfn-other')
    refused(
        guest.get_metadata(other.name, 'Config', stack.keys), 'AccessDenied'
    )
    conn = clients.boto2_connection(heat_server, *stack.keys)
    calls = {
        'DescribeStacks': lambda: conn.describe_stacks(),
        'DescribeStacks of its own': lambda: conn.describe_stacks(stack.name),
        'ListStacks': lambda: conn.list_stacks(),
        'CreateStack': lambda: conn.create_stack(
            'made-by-keys',
            template_body=template(stack.path),
            parameters=[('Greeting', 'x')],
        ),
        'DeleteStack': lambda: conn.delete_stack(stack.name),
    }
    for action, call in calls.items():
        with pytest.raises(boto.exception.BotoServerError) as caught:
            call()
        assert (caught.value.status, caught.value.error_code) == (
            403,
            'AccessDenied',
        ), action
    assert 'made-by-keys' not in clients.stack_names(tenant)
    assert (
        tenant.describe_stacks(StackName=stack.name)['Stacks'][0][
            'StackStatus'
        ]
        == 'CREATE_COMPLETE'
    )


def test_keys_stop_working_when_the_stack_is_deleted(guest, stack, tenant):
    succeeded(guest.get_metadata(stack.name, 'Config', stack.keys))
    tenant.delete_stack(StackName=stack.name)
    gone = clients.wait_for_status(tenant, stack.arn, 'DELETE')
    assert gone['StackStatus'] == 'DELETE_COMPLETE'
    refused(
        guest.get_metadata(stack.name, 'Config', stack.keys),
        'InvalidClientTokenId',
    )
