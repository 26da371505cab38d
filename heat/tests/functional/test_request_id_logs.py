"""The request id in real processes' logs: a refusal is logged by heat-api
with it, and what an engine logs for a request, in its operation's threads
too, carries the id the caller was answered with, over RabbitMQ between
processes and within heat-all."""

import json
import re

import botocore.exceptions
import pytest

from heat.tests import services
from heat.tests.functional import clients
from heat.tests.functional import test_engine_rabbit as rabbit

TEMPLATE = clients.body(clients.handles_template(count=2))


@pytest.fixture(scope='module')
def deployment():
    host, port = rabbit.rabbit_host_port()
    if not services.port_open(host, port):
        services.unavailable(
            'RabbitMQ', 'nothing listens on %s:%d' % (host, port)
        )
    running = rabbit.Deployment()
    running.manage('db_sync')
    try:
        running.start('api', 'heat-api')
        running.start('engine', 'heat-engine')
        running.wait_until_serving()
        yield running
    finally:
        running.stop()


@pytest.fixture(scope='module')
def keys(deployment):
    creds = json.loads(
        deployment.manage('credentials', 'create', '--tenant', 'logged')
    )
    return creds['access'], creds['secret']


def lines_with(log, request_id):
    return [line for line in log.splitlines() if '[%s]' % request_id in line]


def create_and_wait(cfn):
    """(request id of the CreateStack, stack id) once it is complete."""
    name = clients.unique_name('logged')
    answer = cfn.create_stack(StackName=name, TemplateBody=TEMPLATE)
    stack = clients.wait_for_status(cfn, name)
    assert stack['StackStatus'] == 'CREATE_COMPLETE'
    return (
        answer['ResponseMetadata']['RequestId'],
        answer['StackId'].rsplit('/', 1)[1],
    )


def test_a_refusal_is_logged_with_its_request_id(deployment, keys):
    access, secret = keys
    cfn = clients.boto3_client(deployment, access, 'not-' + secret)
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        cfn.list_stacks()
    request_id = caught.value.response['ResponseMetadata']['RequestId']
    log = deployment.log('api')
    [line] = lines_with(log, request_id)
    assert ' INFO heat.api.middleware.ec2_auth ' in line
    assert "access key '%s'" % access in line
    assert 'SignatureDoesNotMatch' in line
    assert secret not in log


def test_engine_lines_carry_the_callers_request_id(deployment, keys):
    cfn = clients.boto3_client(deployment, *keys)
    request_id, stack_id = create_and_wait(cfn)
    engine_lines = lines_with(deployment.log('engine'), request_id)
    # Logged by the operation's thread, not the RPC call's.
    assert any(
        re.search(r'%s.*CREATE_COMPLETE' % stack_id, line)
        for line in engine_lines
    ), deployment.log('engine')
    assert any('CREATE_IN_PROGRESS' in line for line in engine_lines)


def test_heat_all_lines_carry_the_callers_request_id(heat_server):
    cfn = clients.boto3_client(heat_server)
    request_id, stack_id = create_and_wait(cfn)
    lines = lines_with(heat_server.log(), request_id)
    assert any(
        re.search(r'%s.*CREATE_COMPLETE' % stack_id, line) for line in lines
    ), heat_server.log()
