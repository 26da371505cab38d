"""Wait conditions and SignalResource against a running heat-all.

Handles are signalled by the real cfn-signal (it PUTs JSON with curl), in
a private /var as a server's would be (see test_cfn_tools.Guest);
resources with a CreationPolicy by SignalResource from boto3, the aws CLI
and boto 2.  Forged URLs are sent by hand.
"""

import json
import subprocess
import sys
import time
import urllib.parse

import boto.exception
import botocore.exceptions
import pytest
import requests

from heat.common import ec2signature
from heat.tests import keystone_fixture
from heat.tests.functional import clients
from heat.tests.functional import server as server_mod
from heat.tests.functional.test_cfn_tools import Guest
from heat.tests.functional.test_cfn_tools import namespace_refusal
from heat.tests.waiting import wait_until

HANDLE = {'Type': clients.HANDLE_TYPE}
# What cfn-signal sends, as requests sends it in the forged requests.
SIGNAL = json.dumps(
    {
        'Status': 'SUCCESS',
        'Reason': 'forged',
        'UniqueId': 'forger',
        'Data': 'x',
    }
)
# What a refused signal is given to show up wrongly: the wait looks at its
# signals at least every second (heat.engine.signals.POLL_SECONDS).
STILL_WAITING_SECONDS = 2.0

# The session's keystone, started once for every test that names it.
keystone = keystone_fixture.keystone


@pytest.fixture(scope='module')
def heat():
    """heat-all with the test resource types (Test::Resource::Simple)."""
    running = clients.server_with_test_types()
    yield running
    running.stop()


@pytest.fixture(scope='module')
def cfn(heat):
    return clients.boto3_client(heat)


@pytest.fixture
def guest(tmp_path, heat):
    why = namespace_refusal()
    if why is not None:
        pytest.skip(
            'cfn-signal logs to /var/log; it runs in a private '
            'mount namespace, which this system refuses: %s' % why
        )
    return Guest(str(tmp_path / 'guest'), heat)


def cfn_signal(guest, url, *options):
    result = guest.run(guest.tool('cfn-signal'), *options, url)
    assert result.returncode == 0, result.stderr[-4000:]


def wait_template(count=1, timeout=60):
    return clients.body(
        {
            'Resources': {
                'Handle': HANDLE,
                'Wait': {
                    'Type': 'AWS::CloudFormation::WaitCondition',
                    'Properties': {
                        'Handle': {'Ref': 'Handle'},
                        'Count': count,
                        'Timeout': timeout,
                    },
                },
            },
            'Outputs': {'Data': {'Value': {'Fn::GetAtt': ['Wait', 'Data']}}},
        }
    )


def signalled_template(count, timeout='PT60S'):
    return clients.body(
        {
            'Resources': {
                'Server': {
                    'Type': 'Test::Resource::Simple',
                    'Properties': {'Value': 'up'},
                    'CreationPolicy': {
                        'ResourceSignal': {'Count': count, 'Timeout': timeout}
                    },
                }
            }
        }
    )


def create(cfn, body, prefix='wait', **args):
    name = clients.unique_name(prefix)
    cfn.create_stack(StackName=name, TemplateBody=body, **args)
    return name


def handle_url(cfn, stack, name='Handle'):
    """The handle's URL (its physical id) once it is created."""
    return wait_for_resource(cfn, stack, name, 'CREATE_COMPLETE')[
        'PhysicalResourceId'
    ]


def resource_detail(cfn, stack, name):
    return cfn.describe_stack_resource(
        StackName=stack, LogicalResourceId=name
    )['StackResourceDetail']


def wait_for_resource(cfn, stack, name, status):
    """The resource's detail once it is in status."""

    def reached():
        detail = resource_detail(cfn, stack, name)
        return detail if detail['ResourceStatus'] == status else None

    return wait_until(
        reached,
        timeout=clients.WAIT_SECONDS,
        what=lambda: (
            '%s of %s to be %s: it is %s'
            % (
                name,
                stack,
                status,
                resource_detail(cfn, stack, name)['ResourceStatus'],
            )
        ),
    )


def status(cfn, stack):
    return cfn.describe_stacks(StackName=stack)['Stacks'][0]['StackStatus']


def outputs(shown):
    return {o['OutputKey']: o['OutputValue'] for o in shown['Outputs']}


def error_code(response):
    return clients.parse_error(response)[0]


def signal_reasons(cfn, stack):
    """What the events of signals seen while waiting say."""
    return [
        e['ResourceStatusReason']
        for e in cfn.describe_stack_events(StackName=stack)['StackEvents']
        if e['ResourceStatus'] == 'CREATE_IN_PROGRESS'
        and e.get('ResourceStatusReason', '').startswith('Received')
    ]


def with_query_of(url, other):
    """url with the signature (query) of another URL."""
    return url.split('?')[0] + '?' + other.split('?')[1]


def signed_url(url, access, secret, **time_params):
    """The handle's URL signed for PUT with another key."""
    split = urllib.parse.urlsplit(url)
    params = dict(
        AWSAccessKeyId=access,
        SignatureVersion='2',
        SignatureMethod='HmacSHA256',
        **time_params,
    )
    params['Signature'] = ec2signature.sign_v2(
        secret, 'PUT', split.hostname, split.path, params
    )
    return '%s?%s' % (url.split('?')[0], urllib.parse.urlencode(params))


def handle_secret(heat, access):
    """The secret of a handle's key, from Heat's store: no API shows it."""
    code = (
        'import sys\n'
        'from heat.common import config\n'
        'from heat.db import api\n'
        'config.parse_args(["--config-file", sys.argv[1]])\n'
        'print(api.ec2_credential_get(sys.argv[2]).secret)\n'
    )
    return subprocess.run(
        [sys.executable, '-c', code, heat.config_file, access],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


# -- cfn-signal --------------------------------------------------------------


def test_wait_condition_completes_after_count_cfn_signals(cfn, guest):
    stack = create(cfn, wait_template(count=3))
    url = handle_url(cfn, stack)
    for i in (1, 2):
        cfn_signal(guest, url, '-i', 'web%d' % i, '-d', 'ready %d' % i)
    # Once both show, the wait has counted them and still waits.
    wait_until(
        lambda: len(signal_reasons(cfn, stack)) == 2,
        what=lambda: 'two signals seen: %s' % signal_reasons(cfn, stack),
    )
    assert status(cfn, stack) == 'CREATE_IN_PROGRESS'
    cfn_signal(guest, url, '-i', 'web3', '-e', '0', '-r', 'all done')
    shown = clients.wait_for_status(cfn, stack)
    assert shown['StackStatus'] == 'CREATE_COMPLETE'
    assert json.loads(outputs(shown)['Data']) == {
        'web1': 'ready 1',
        'web2': 'ready 2',
        'web3': 'Application has completed configuration.',
    }
    assert (
        'Received SUCCESS signal with UniqueId web3: all done'
        in signal_reasons(cfn, stack)
    )
    [complete] = [
        e
        for e in cfn.describe_stack_events(StackName=stack)['StackEvents']
        if e['LogicalResourceId'] == 'Wait'
        and e['ResourceStatus'] == 'CREATE_COMPLETE'
    ]
    assert complete['ResourceStatusReason'] == (
        'Received 3 SUCCESS signal(s) with UniqueId web1, web2, web3'
    )


def test_cfn_signal_failure_fails_the_stack_with_its_reason(cfn, guest):
    stack = create(cfn, wait_template(), DisableRollback=True)
    cfn_signal(
        guest,
        handle_url(cfn, stack),
        '-i',
        'web1',
        '-e',
        '1',
        '-r',
        'cfn-init failed: package httpd not found',
    )
    shown = clients.wait_for_status(cfn, stack)
    assert shown['StackStatus'] == 'CREATE_FAILED'
    assert shown['StackStatusReason'] == (
        'Resource create failed: Wait: Received FAILURE signal with '
        'UniqueId web1: cfn-init failed: package httpd not found'
    )


def test_timeout_fails_the_stack_saying_so(cfn):
    stack = create(cfn, wait_template(timeout=1))
    shown = clients.wait_for_status(cfn, stack)
    assert shown['StackStatus'] == 'ROLLBACK_COMPLETE'
    [failed] = [
        e
        for e in cfn.describe_stack_events(StackName=stack)['StackEvents']
        if e['ResourceStatus'] == 'CREATE_FAILED'
    ]
    assert failed['LogicalResourceId'] == 'Wait'
    assert failed['ResourceStatusReason'] == (
        'Timed out after 1s waiting for signals to Handle: 0 of 1 SUCCESS '
        'signals received'
    )


# -- forged and stale URLs ---------------------------------------------------


def test_forged_urls_are_refused_and_store_nothing(cfn, heat):
    first = create(
        cfn,
        clients.body(
            {
                'Resources': {
                    'Handle': HANDLE,
                    'Other': HANDLE,
                    'Wait': {
                        'Type': 'AWS::CloudFormation::WaitCondition',
                        'Properties': {
                            'Handle': {'Ref': 'Handle'},
                            'Timeout': 60,
                        },
                    },
                }
            }
        ),
    )
    second = create(cfn, wait_template())
    url, other_url = handle_url(cfn, first), handle_url(cfn, first, 'Other')
    second_url = handle_url(cfn, second)
    query = dict(urllib.parse.parse_qsl(url.split('?')[1]))
    forged_signature = url.replace(
        urllib.parse.quote(query['Signature'], safe=''),
        urllib.parse.quote('A' + query['Signature'][1:], safe=''),
    )
    forged = {
        'changed signature': forged_signature,
        "another stack's handle": with_query_of(second_url, url),
        'changed handle name': with_query_of(other_url, url),
        'another handle signed': url.replace('/Handle?', '/Wait?'),
    }
    for what, forged_url in forged.items():
        response = requests.put(forged_url, data=SIGNAL, timeout=30)
        assert response.status_code == 403, what
        assert error_code(response) == 'SignatureDoesNotMatch', what
    # An ordinary key may not leave the time out of a signature.
    response = requests.put(
        signed_url(url, heat.access, heat.secret), data=SIGNAL, timeout=30
    )
    assert response.status_code == 403
    assert error_code(response) == 'IncompleteSignature'
    # Nothing is awaited here: the time lets a wrongly stored signal show.
    time.sleep(STILL_WAITING_SECONDS)
    assert status(cfn, first) == status(cfn, second) == 'CREATE_IN_PROGRESS'
    assert signal_reasons(cfn, first) == signal_reasons(cfn, second) == []
    # The real URL still works, by PUT or POST.
    assert requests.post(url, data=SIGNAL, timeout=30).status_code == 200
    assert requests.put(second_url, data=SIGNAL, timeout=30).status_code == 200
    for stack in (first, second):
        assert (
            clients.wait_for_status(cfn, stack)['StackStatus']
            == 'CREATE_COMPLETE'
        )


def test_deleted_stacks_handle_is_refused(cfn):
    stack = create(cfn, wait_template())
    url = handle_url(cfn, stack)
    arn = cfn.describe_stacks(StackName=stack)['Stacks'][0]['StackId']
    cfn.delete_stack(StackName=stack)
    assert (
        clients.wait_for_status(cfn, arn, action='DELETE')['StackStatus']
        == 'DELETE_COMPLETE'
    )
    response = requests.put(url, data=SIGNAL, timeout=30)
    assert response.status_code == 403
    assert error_code(response) == 'InvalidClientTokenId'


def test_handle_key_may_only_signal_its_handle(cfn, heat):
    stack = create(cfn, wait_template())
    url = handle_url(cfn, stack)
    access = urllib.parse.parse_qs(url.split('?')[1])['AWSAccessKeyId'][0]
    handle_client = clients.boto3_client(
        heat, access, handle_secret(heat, access)
    )
    refused = {
        'DescribeStacks': lambda: handle_client.describe_stacks(
            StackName=stack
        ),
        'ListStacks': handle_client.list_stacks,
        'DescribeStackResources': lambda: (
            handle_client.describe_stack_resources(StackName=stack)
        ),
        'DeleteStack': lambda: handle_client.delete_stack(StackName=stack),
        'SignalResource of another resource': lambda: (
            handle_client.signal_resource(
                StackName=stack,
                LogicalResourceId='Wait',
                UniqueId='1',
                Status='SUCCESS',
            )
        ),
    }
    for what, call in refused.items():
        with pytest.raises(botocore.exceptions.ClientError) as caught:
            call()
        assert caught.value.response['Error']['Code'] == 'AccessDenied', what
    assert status(cfn, stack) == 'CREATE_IN_PROGRESS'
    handle_client.signal_resource(
        StackName=stack,
        LogicalResourceId='Handle',
        UniqueId='by-key',
        Status='SUCCESS',
    )
    assert (
        clients.wait_for_status(cfn, stack)['StackStatus'] == 'CREATE_COMPLETE'
    )


# -- SignalResource ----------------------------------------------------------


def test_signal_resource_from_boto3_aws_cli_and_boto2(cfn, heat):
    stack = create(cfn, signalled_template(count=3), prefix='signalled')
    wait_for_resource(cfn, stack, 'Server', 'CREATE_IN_PROGRESS')
    cfn.signal_resource(
        StackName=stack,
        LogicalResourceId='Server',
        UniqueId='by-boto3',
        Status='SUCCESS',
    )
    clients.AwsCli(heat).json(
        'signal-resource',
        '--stack-name',
        stack,
        '--logical-resource-id',
        'Server',
        '--unique-id',
        'by-aws-cli',
        '--status',
        'SUCCESS',
    )
    # boto 2 has no method for SignalResource; its generic Query call
    # sends it, signed as boto 2 signs every call.
    assert (
        clients.boto2_connection(heat).get_status(
            'SignalResource',
            {
                'StackName': stack,
                'LogicalResourceId': 'Server',
                'UniqueId': 'by-boto2',
                'Status': 'SUCCESS',
            },
            verb='POST',
        )
        is True
    )
    shown = clients.wait_for_status(cfn, stack)
    assert shown['StackStatus'] == 'CREATE_COMPLETE'
    assert sorted(signal_reasons(cfn, stack)) == [
        'Received SUCCESS signal with UniqueId %s' % unique_id
        for unique_id in ('by-aws-cli', 'by-boto2', 'by-boto3')
    ]


def test_signal_resource_failure_and_timeout(cfn, heat):
    failing = create(
        cfn,
        signalled_template(count=1),
        prefix='signalled',
        DisableRollback=True,
    )
    late = create(
        cfn,
        signalled_template(count=1, timeout='PT1S'),
        prefix='signalled',
        DisableRollback=True,
    )
    wait_for_resource(cfn, failing, 'Server', 'CREATE_IN_PROGRESS')
    cfn.signal_resource(
        StackName=failing,
        LogicalResourceId='Server',
        UniqueId='i-9',
        Status='FAILURE',
    )
    assert clients.wait_for_status(cfn, failing)['StackStatusReason'] == (
        'Resource create failed: Server: Received FAILURE signal with '
        'UniqueId i-9: (none)'
    )
    assert clients.wait_for_status(cfn, late)['StackStatusReason'] == (
        'Resource create failed: Server: Timed out after 1s waiting for '
        'signals to Server: 0 of 1 SUCCESS signals received'
    )


def test_signal_resource_errors(cfn, heat):
    stack = create(
        cfn,
        clients.body(
            {'Resources': {'Plain': {'Type': 'Test::Resource::Simple'}}}
        ),
    )
    clients.wait_for_status(cfn, stack)
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        cfn.signal_resource(
            StackName=stack,
            LogicalResourceId='Plain',
            UniqueId='1',
            Status='SUCCESS',
        )
    assert 'takes no signals' in str(caught.value)
    with pytest.raises(boto.exception.BotoServerError) as caught:
        clients.boto2_connection(heat).get_status(
            'SignalResource',
            {
                'StackName': 'no-such-stack',
                'LogicalResourceId': 'Plain',
                'UniqueId': '1',
                'Status': 'SUCCESS',
            },
            verb='POST',
        )
    assert caught.value.status == 400
    assert 'does not exist' in caught.value.body


def test_cfn_signal_reaches_a_handle_under_keystone_auth(keystone):
    """Handles are Heat's own keys, checked locally with keystone in use."""
    options = ''.join(
        '%s = %s\n' % item for item in keystone.auth_options().items()
    )
    heat = server_mod.HeatServer(extra_config='[auth]\n' + options).start(
        with_credentials=False
    )
    try:
        demo = keystone.users['demo']
        cfn = clients.boto3_client(heat, demo.access, demo.secret)
        stack = create(cfn, wait_template())
        url = handle_url(cfn, stack)
        assert requests.put(url, data=SIGNAL, timeout=30).status_code == 200
        assert (
            clients.wait_for_status(cfn, stack)['StackStatus']
            == 'CREATE_COMPLETE'
        )
        # Keystone's keys are not Heat's: they do not pass there.
        response = requests.put(
            signed_url(
                url, demo.access, demo.secret, Timestamp=clients.iso_time(0)
            ),
            data=SIGNAL,
            timeout=30,
        )
        assert error_code(response) == 'InvalidClientTokenId'
    finally:
        heat.stop()
