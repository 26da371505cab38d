"""RabbitMQ unreachable for a while: heat-api answers 503
ServiceUnavailable within ``[heat_api] rpc_unavailable_timeout`` instead of
hanging, botocore retries that answer, and heat-api and heat-engine carry
on by themselves once the broker is back.

The shared RabbitMQ keeps running for everyone else: Heat reaches it
through a proxy of the test's own, and the proxy is what is cut.
"""

import json
import time
import urllib.parse
import urllib.request

import botocore.exceptions
import botocore.loaders
import pytest

from heat.tests import services
from heat.tests.functional import tcp_proxy
from heat.tests.functional import test_engine_rabbit as rabbit
from heat.tests.waiting import wait_until

UNAVAILABLE_SECONDS = 3
# What the machine may add to the bound before an answer: generous, as
# other suites share it.  A hung call (the bug) lasts the whole outage.
MARGIN_SECONDS = 20
RECOVERY_SECONDS = 90

WAITING_STACK = json.dumps(
    {
        'Resources': {
            'Handle': {'Type': 'AWS::CloudFormation::WaitConditionHandle'},
            'Wait': {
                'Type': 'AWS::CloudFormation::WaitCondition',
                'Properties': {'Handle': {'Ref': 'Handle'}, 'Timeout': 600},
            },
        },
        'Outputs': {'Data': {'Value': {'Fn::GetAtt': ['Wait', 'Data']}}},
    }
)


def proxied_url(port):
    """services.RABBIT_URL, with its host and port those of the proxy."""
    url = urllib.parse.urlsplit(services.RABBIT_URL)
    userinfo = url.netloc.rpartition('@')[0]
    netloc = (
        '%s@127.0.0.1:%d' % (userinfo, port)
        if userinfo
        else ('127.0.0.1:%d' % port)
    )
    return urllib.parse.urlunsplit(url._replace(netloc=netloc))


@pytest.fixture
def proxy():
    host, port = rabbit.rabbit_host_port()
    if not services.port_open(host, port):
        services.unavailable(
            'RabbitMQ', 'nothing listens on %s:%d' % (host, port)
        )
    running = tcp_proxy.TcpProxy((host, port)).open()
    yield running
    running.cut()


@pytest.fixture
def deployment(proxy):
    running = rabbit.Deployment(
        transport_url=proxied_url(proxy.port),
        api_options='rpc_unavailable_timeout = %d\n' % UNAVAILABLE_SECONDS,
    )
    running.manage('db_sync')
    try:
        running.start('api', 'heat-api')
        running.start('engine-1', 'heat-engine')
        running.wait_until_serving()
        yield running
    finally:
        running.stop()


def client(deployment, **retries):
    """boto3 for tenant-a; by default retrying nothing."""
    return rabbit.client(
        deployment,
        # A call that hangs through the outage fails the test, as a
        # timeout, instead of waiting for it to end.
        read_timeout=UNAVAILABLE_SECONDS + MARGIN_SECONDS,
        **({'retries': retries} if retries else {}),
    )


def refused(call):
    """The error response call gets, and how long it took."""
    started = time.monotonic()
    with pytest.raises(botocore.exceptions.ClientError) as raised:
        call()
    return raised.value.response, time.monotonic() - started


def assert_unavailable(response, elapsed):
    assert response['ResponseMetadata']['HTTPStatusCode'] == 503
    error = response['Error']
    assert error['Code'] == 'ServiceUnavailable'
    assert error['Type'] == 'Receiver'  # not the sender's fault
    assert 'The engines cannot be reached' in error['Message']
    assert response['ResponseMetadata']['RequestId']
    # Tried for the whole bound, but not for the whole outage.
    assert (
        UNAVAILABLE_SECONDS <= elapsed < UNAVAILABLE_SECONDS + MARGIN_SECONDS
    )


def answers(cfn):
    try:
        cfn.describe_stacks()
    except (
        botocore.exceptions.ClientError,
        # A call sent while the engine is still reconnecting.
        botocore.exceptions.ReadTimeoutError,
    ):
        return False
    return True


def signal(url):
    body = json.dumps(
        {'Status': 'SUCCESS', 'UniqueId': '1', 'Data': 'after', 'Reason': ''}
    ).encode()
    request = urllib.request.Request(url, data=body, method='PUT')
    request.add_header('Content-Type', '')
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200


def test_botocore_retries_service_unavailable():
    """What the 503 is for: both of botocore's retry modes try it again."""
    legacy = botocore.loaders.create_loader().load_data('_retry')
    policy = legacy['definitions']['service_unavailable']
    assert policy['applies_when']['response']['http_status_code'] == 503
    assert 'service_unavailable' in legacy['retry']['__default__']['policies']
    # The standard mode's list of transient statuses is code, not data:
    # the end-to-end test below counts its attempts instead.


@pytest.mark.slow
def test_outage_is_service_unavailable_then_recovers(deployment, proxy):
    cfn = client(deployment)
    before = cfn.create_stack(StackName='before', TemplateBody=WAITING_STACK)
    url = wait_until(
        lambda: _created_handle_url(cfn, before['StackId']),
        timeout=RECOVERY_SECONDS,
        what='the handle of the stack created before the outage',
    )

    proxy.cut()
    described, elapsed = refused(cfn.describe_stacks)
    assert_unavailable(described, elapsed)
    assert_unavailable(
        *refused(
            lambda: cfn.create_stack(
                StackName='during', TemplateBody=WAITING_STACK
            )
        )
    )
    # botocore's standard retries take the 503 as transient.
    response, _ = refused(
        client(
            deployment, mode='standard', total_max_attempts=2
        ).describe_stacks
    )
    assert response['Error']['Code'] == 'ServiceUnavailable'
    assert response['ResponseMetadata']['RetryAttempts'] == 1

    proxy.open()
    wait_until(
        lambda: answers(cfn),
        timeout=RECOVERY_SECONDS,
        what='heat-api to answer once the broker is back',
    )
    # The refused CreateStack never reached an engine.
    names = {s['StackName'] for s in cfn.describe_stacks()['Stacks']}
    assert names == {'before'}
    # The stack from before the outage is still there and completes.
    signal(url)
    rabbit.wait_for_status(cfn, before['StackId'], 'CREATE_COMPLETE')
    shown = cfn.describe_stacks(StackName=before['StackId'])['Stacks'][0]
    assert shown['Outputs'][0]['OutputValue'] == '{"1": "after"}'
    after = cfn.create_stack(StackName='after', TemplateBody=WAITING_STACK)
    assert after['StackId']
    # The log says why, with the request id; no traceback anywhere.
    request_id = described['ResponseMetadata']['RequestId']
    assert 'Request %s failed: ServiceUnavailable' % request_id in (
        deployment.log('api')
    )
    for name in ('api', 'engine-1'):
        assert 'Traceback' not in deployment.log(name), name


def _created_handle_url(cfn, stack_id):
    detail = cfn.describe_stack_resource(
        StackName=stack_id, LogicalResourceId='Handle'
    )['StackResourceDetail']
    if detail['ResourceStatus'] == 'CREATE_COMPLETE':
        return detail['PhysicalResourceId']
    return None
