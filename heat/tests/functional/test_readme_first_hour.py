"""The README's first hour, as typed.

Its command blocks run in bash from the source directory, in order: the
keys are made against a state directory heat-all has never used, then
heat-all starts as the README starts it, then every "Create a stack" block
runs against it and each stack it names must complete.  heat-all's start-up
banner is followed as typed too.

Two things differ from a newcomer's machine, and only these: the commands
come from the test's environment (``tools/with_venv.sh`` is dropped, its
virtualenv is already on PATH), and the state directory and port are free
ones given through oslo.config's environment variables, with the README's
endpoint rewritten to that port.
"""

import json
import os
import re
import shlex
import subprocess
import tempfile

import pytest

from heat.tests.functional import clients
from heat.tests.functional import server as server_mod

README = clients.SOURCE_ROOT / 'README.rst'
README_ENDPOINT = 'http://127.0.0.1:8000/v1/'
WRAPPER = 'tools/with_venv.sh '
SCRIPT_TIMEOUT_SECONDS = 300
# What the README's blocks create, each to reach CREATE_COMPLETE.
STACKS = ('demo', 'wordpress', 'demo-curl')


def sections():
    """{title: text} of README.rst's sections."""
    lines = README.read_text().splitlines()
    found, title = {}, None
    for line, underline in zip(lines, lines[1:] + [''], strict=True):
        if (
            underline
            and set(underline) == {'='}
            and len(underline) == len(line)
            and line.strip()
        ):
            title = line
            found[title] = []
        elif title is not None:
            found[title].append(line)
    return {name: '\n'.join(text) for name, text in found.items()}


def literal_blocks(section):
    """The literal blocks (after a paragraph ending in ::) of a section,
    dedented."""
    blocks, current, in_block = [], [], False
    for line in sections()[section].splitlines():
        if in_block and (not line.strip() or line.startswith('    ')):
            current.append(line[4:])
            continue
        if in_block:
            blocks.append('\n'.join(current).strip())
            current, in_block = [], False
        if line.rstrip().endswith('::'):
            in_block = True
    if in_block:
        blocks.append('\n'.join(current).strip())
    return blocks


class ReadmeHeatAll(server_mod.HeatServer):
    """heat-all started with no config file, as the README starts it."""

    def __init__(self, home):
        super().__init__()
        self.home = home

    def command_line(self):
        return [os.path.join(self.bin_dir, 'heat-all')]

    def environment(self):
        return shell_environment(self)


def shell_environment(heat):
    """A newcomer's environment: this virtualenv first on PATH, a home
    without AWS configuration, and the test's state directory and port."""
    empty = os.path.join(heat.home, 'empty')
    open(empty, 'a').close()
    return {
        'PATH': heat.bin_dir + os.pathsep + os.environ.get('PATH', '/bin'),
        'HOME': heat.home,
        'OS_DEFAULT__STATE_PATH': heat.state_path,
        'OS_HEAT_API__BIND_PORT': str(heat.port),
        'AWS_CONFIG_FILE': empty,
        'AWS_SHARED_CREDENTIALS_FILE': empty,
        'AWS_EC2_METADATA_DISABLED': 'true',
        'AWS_PAGER': '',
        'NO_PROXY': '127.0.0.1',
        'no_proxy': '127.0.0.1',
    }


def as_typed(block, heat):
    """A README block as this test runs it (see the module's docstring)."""
    return block.replace(WRAPPER, '').replace(README_ENDPOINT, heat.endpoint)


def run_script(heat, script):
    """Run script in bash -e from the source directory; its stdout."""
    result = subprocess.run(
        ['bash', '-e', '-x', '-c', script],
        cwd=clients.SOURCE_ROOT,
        env=shell_environment(heat),
        capture_output=True,
        text=True,
        timeout=SCRIPT_TIMEOUT_SECONDS,
    )
    assert result.returncode == 0, '%s\n%s' % (result.stderr, heat.log())
    return result.stdout


@pytest.fixture(scope='module')
def first_hour():
    """heat-all as the README starts it, and the keys its blocks made."""
    heat = ReadmeHeatAll(tempfile.mkdtemp(prefix='heat-readme-home-'))
    start, credentials = literal_blocks('Start it')
    assert start == 'tools/with_venv.sh heat-all'
    # Before heat-all ever ran: heat-manage makes the database itself.
    assert 'heat.sqlite' not in os.listdir(heat.state_path)
    keys = run_script(
        heat,
        as_typed(credentials, heat) + '\necho '
        '"$AWS_ACCESS_KEY_ID $AWS_SECRET_ACCESS_KEY"',
    )
    heat.access, heat.secret = keys.split()[-2:]
    heat.start(with_credentials=False)
    yield heat
    heat.stop()


@pytest.mark.slow
def test_the_readme_blocks_create_their_stacks(first_hour):
    blocks = literal_blocks('Create a stack')
    assert any(block.startswith('curl --aws-sigv4') for block in blocks)
    exports = (
        'export AWS_ACCESS_KEY_ID=%s AWS_SECRET_ACCESS_KEY=%s '
        'AWS_DEFAULT_REGION=%s\n'
        % (first_hour.access, first_hour.secret, clients.REGION)
    )
    output = run_script(
        first_hour,
        exports + '\n'.join(as_typed(block, first_hour) for block in blocks),
    )
    assert '<CreateStackResponse' in output and '<ErrorResponse' not in output

    cfn = clients.boto3_client(first_hour)
    for name in STACKS:
        stack = clients.wait_for_status(cfn, name, seconds=60)
        assert stack['StackStatus'] == 'CREATE_COMPLETE', stack
    # heat-cfn's block deletes what it made.
    assert 'demo-cfn' not in {
        s['StackName'] for s in cfn.describe_stacks()['Stacks']
    }
    website = {
        o['OutputKey']: o['OutputValue']
        for o in cfn.describe_stacks(StackName='wordpress')['Stacks'][0][
            'Outputs'
        ]
    }['WebsiteURL']
    assert re.fullmatch(r'http://[0-9.]+/wordpress', website)


def banner_commands(heat):
    """The indented command lines heat-all printed at start."""
    log = heat.log()
    banner = log[log.index('Heat is serving the CloudFormation API') :]
    return [
        line.strip() for line in banner.splitlines() if line.startswith('    ')
    ]


@pytest.mark.slow
def test_the_banner_commands_work_as_printed(first_hour):
    make_keys, list_stacks, show = banner_commands(first_hour)
    env = shell_environment(first_hour)
    created = json.loads(
        subprocess.run(
            shlex.split(make_keys),
            env=env,
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        ).stdout
    )
    assert created['tenant'] == 'demo'
    listed = subprocess.run(
        shlex.split(
            list_stacks.replace('ACCESS', created['access']).replace(
                'SECRET', created['secret']
            )
        ),
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    # A refused signature would be an error exit.
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.startswith('NAME')
    shown = json.loads(
        subprocess.run(
            shlex.split(show),
            env=env,
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        ).stdout
    )
    assert 'cirros' in {image['name'] for image in shown['images']}
