"""heat-api and two heat-engine processes on a real RabbitMQ, sharing one
SQLite file: stacks created through the API are served by both engines.

Each run uses its own control exchange and engine topic, so runs (and
other users of the broker's default virtual host) do not meet.
"""

import concurrent.futures
import json
import os
import re
import subprocess
import tempfile
import time
import urllib.request
import uuid

import boto3
import botocore.config
import pytest
import sqlalchemy as sa

from heat.tests import services
from heat.tests.functional import server
from heat.tests.waiting import wait_until

STACKS = 10
WAIT_SECONDS = 60


def rabbit_host_port():
    url = sa.make_url(services.RABBIT_URL.replace('rabbit://', 'amqp://'))
    return url.host or '127.0.0.1', url.port or 5672


class Deployment:
    """heat-api plus engines, each a process with its own log file."""

    def __init__(self, transport_url=services.RABBIT_URL, api_options=''):
        self.state_path = tempfile.mkdtemp(prefix='heat-rabbit-')
        self.port = server.free_port()
        self.endpoint = 'http://127.0.0.1:%d/v1/' % self.port
        run_id = uuid.uuid4().hex[:8]
        self.config_file = os.path.join(self.state_path, 'heat.conf')
        with open(self.config_file, 'w') as f:
            f.write(
                '[DEFAULT]\nstate_path = %s\ntransport_url = %s\n'
                'control_exchange = heat-test-%s\n'
                '[engine]\ntopic = engine-%s\n'
                '[heat_api]\nbind_host = 127.0.0.1\nbind_port = %d\n%s'
                % (
                    self.state_path,
                    transport_url,
                    run_id,
                    run_id,
                    self.port,
                    api_options,
                )
            )
        self._processes = {}

    def manage(self, *args):
        return subprocess.run(
            [
                os.path.join(server.BIN_DIR, 'heat-manage'),
                '--config-file',
                self.config_file,
            ]
            + list(args),
            check=True,
            capture_output=True,
            text=True,
        ).stdout

    def start(self, name, program):
        log = open(self.log_path(name), 'wb')
        self._processes[name] = subprocess.Popen(
            [
                os.path.join(server.BIN_DIR, program),
                '--config-file',
                self.config_file,
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def log_path(self, name):
        return os.path.join(self.state_path, '%s.log' % name)

    def log(self, name):
        with open(self.log_path(name), errors='replace') as f:
            return f.read()

    def wait_until_serving(self):
        """Until the API answers and every engine has started serving."""
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            for name, process in self._processes.items():
                if process.poll() is not None:
                    raise RuntimeError(
                        '%s exited:\n%s' % (name, self.log(name))
                    )
            if self._api_answers() and all(
                'serving topic' in self.log(name)
                for name in self._processes
                if name != 'api'
            ):
                return
            time.sleep(0.2)
        raise RuntimeError('not serving within %ds' % WAIT_SECONDS)

    def _api_answers(self):
        try:
            with urllib.request.urlopen(
                'http://127.0.0.1:%d/healthcheck' % self.port, timeout=1
            ):
                return True
        except OSError:
            return False

    def stop(self):
        for process in self._processes.values():
            if process.poll() is None:
                process.terminate()
        for process in self._processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture
def deployment():
    host, port = rabbit_host_port()
    if not services.port_open(host, port):
        services.unavailable(
            'RabbitMQ', 'nothing listens on %s:%d' % (host, port)
        )
    running = Deployment()
    # heat-engine refuses a database whose schema is not current.
    running.manage('db_sync')
    try:
        running.start('api', 'heat-api')
        running.start('engine-1', 'heat-engine')
        running.start('engine-2', 'heat-engine')
        running.wait_until_serving()
        yield running
    finally:
        running.stop()


def client(deployment, **config):
    """boto3 for tenant-a, retrying nothing unless config says so."""
    creds = json.loads(
        deployment.manage('credentials', 'create', '--tenant', 'tenant-a')
    )
    return boto3.client(
        'cloudformation',
        endpoint_url=deployment.endpoint,
        region_name='RegionOne',
        aws_access_key_id=creds['access'],
        aws_secret_access_key=creds['secret'],
        config=botocore.config.Config(
            **{'retries': {'max_attempts': 0}, **config}
        ),
    )


def stack_status(cfn, stack_id):
    return cfn.describe_stacks(StackName=stack_id)['Stacks'][0]['StackStatus']


def wait_for_status(cfn, stack_id, wanted):
    wait_until(
        lambda: stack_status(cfn, stack_id) == wanted,
        timeout=WAIT_SECONDS,
        interval=0.1,
        what=lambda: (
            'stack %s to be %s: it is %s'
            % (stack_id, wanted, stack_status(cfn, stack_id))
        ),
    )


def completed_stack_ids(log):
    return set(re.findall(r'Stack \S+ \(([-0-9a-f]+)\): CREATE_COMPLETE', log))


@pytest.mark.slow
def test_two_engines_share_the_calls(deployment):
    cfn = client(deployment)
    body = json.dumps(
        {
            'Resources': {
                'Handle': {'Type': 'AWS::CloudFormation::WaitConditionHandle'}
            },
            'Outputs': {'Url': {'Value': {'Ref': 'Handle'}}},
        }
    )
    # Each API request makes two RPC calls (signature check, then the
    # action), and RabbitMQ hands calls to the engines in turn: requests
    # one after another would land every action on the same engine.
    with concurrent.futures.ThreadPoolExecutor(STACKS) as pool:
        stack_ids = list(
            pool.map(
                lambda i: cfn.create_stack(
                    StackName='shared-%d' % i, TemplateBody=body
                )['StackId'],
                range(STACKS),
            )
        )
    for stack_id in stack_ids:
        wait_for_status(cfn, stack_id, 'CREATE_COMPLETE')
    created = {arn.rsplit('/', 1)[1] for arn in stack_ids}
    by_engine = {
        name: completed_stack_ids(deployment.log(name))
        for name in ('engine-1', 'engine-2')
    }
    assert by_engine['engine-1'] | by_engine['engine-2'] == created
    assert not by_engine['engine-1'] & by_engine['engine-2']
    assert by_engine['engine-1'] and by_engine['engine-2'], by_engine
    # Either engine deletes any stack: the state is in the shared database.
    for stack_id in stack_ids:
        cfn.delete_stack(StackName=stack_id)
    for stack_id in stack_ids:
        wait_for_status(cfn, stack_id, 'DELETE_COMPLETE')
    # On the broker too, each process says only what Heat says.
    for name in ('api', 'engine-1', 'engine-2'):
        assert server.foreign_lines(deployment.log(name)) == [], name
