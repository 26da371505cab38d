"""A SigV4 signature made for another region or service is refused, with
local and keystone signature checks alike; boto 2's host-derived scope,
which heat-cfntools sign with, is accepted."""

import subprocess
import urllib.parse

import boto.cloudformation.connection
import boto.exception
import boto.regioninfo
import botocore.exceptions
import pytest
import requests

from heat.tests import keystone_fixture
from heat.tests.functional import clients
from heat.tests.functional import server as server_mod

keystone = keystone_fixture.keystone

WRONG_REGION = (
    "Credential should be scoped to a valid region, not 'us-east-1'. "
)
WRONG_SERVICE = (
    "Credential should be scoped to correct service: 'cloudformation'. "
)
LIST_STACKS = {'Action': 'ListStacks', 'Version': clients.API_VERSION}


def boto3_in(server, region, access=None, secret=None):
    import boto3
    import botocore.config

    return boto3.client(
        'cloudformation',
        endpoint_url=server.endpoint,
        region_name=region,
        aws_access_key_id=access or server.access,
        aws_secret_access_key=secret or server.secret,
        config=botocore.config.Config(retries={'max_attempts': 1}),
    )


def refusal(call):
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        call()
    response = caught.value.response
    return (
        response['ResponseMetadata']['HTTPStatusCode'],
        response['Error']['Code'],
        response['Error']['Message'],
    )


def signed_for_service(server, service):
    import botocore.auth
    import botocore.awsrequest
    import botocore.credentials

    form = urllib.parse.urlencode(LIST_STACKS).encode()
    request = botocore.awsrequest.AWSRequest(
        method='POST',
        url=server.endpoint,
        data=form,
        headers={'Content-Type': 'application/x-www-form-urlencoded'},
    )
    botocore.auth.SigV4Auth(
        botocore.credentials.Credentials(server.access, server.secret),
        service,
        clients.REGION,
    ).add_auth(request)
    return requests.post(
        server.endpoint,
        data=form,
        headers=dict(request.headers),
        timeout=clients.COMMAND_TIMEOUT_SECONDS,
    )


def boto2_as_cfn_tools_use_it(server):
    """A connection with nothing set but the host: boto 2 signs the scope
    it derives from 127.0.0.1 (region 0, service 127)."""
    return boto.cloudformation.connection.CloudFormationConnection(
        server.access,
        server.secret,
        region=boto.regioninfo.RegionInfo(
            name=clients.REGION, endpoint='127.0.0.1'
        ),
        port=server.port,
        is_secure=False,
        path='/v1',
    )


def test_boto3_in_another_region_is_refused(heat_server):
    cfn = boto3_in(heat_server, 'us-east-1')
    assert refusal(cfn.list_stacks) == (
        403,
        'SignatureDoesNotMatch',
        WRONG_REGION,
    )


def test_another_service_is_refused(heat_server):
    response = signed_for_service(heat_server, 'foo')
    assert response.status_code == 403
    code, message, request_id = clients.parse_error(response)
    assert (code, message) == ('SignatureDoesNotMatch', WRONG_SERVICE)
    assert request_id == response.headers['x-amzn-RequestId']


def test_the_aws_cli_in_another_region_is_refused(heat_server):
    aws = clients.AwsCli(heat_server)
    result = subprocess.run(
        [
            aws.program,
            'cloudformation',
            'list-stacks',
            '--endpoint-url',
            heat_server.endpoint,
            '--region',
            'us-east-1',
        ],
        env=aws.env,
        capture_output=True,
        text=True,
        timeout=clients.COMMAND_TIMEOUT_SECONDS,
    )
    assert result.returncode != 0
    assert '(SignatureDoesNotMatch)' in result.stderr
    assert "not 'us-east-1'" in result.stderr


def test_boto2_with_its_host_derived_scope_is_accepted(heat_server):
    connection = boto2_as_cfn_tools_use_it(heat_server)
    assert connection.list_stacks() is not None


def test_boto2_told_another_region_is_refused(heat_server):
    connection = boto2_as_cfn_tools_use_it(heat_server)
    connection.auth_region_name = 'us-east-1'
    connection.auth_service_name = 'cloudformation'
    with pytest.raises(boto.exception.BotoServerError) as caught:
        connection.list_stacks()
    assert caught.value.status == 403
    assert caught.value.error_code == 'SignatureDoesNotMatch'


@pytest.fixture(scope='module')
def keystone_server(keystone):
    options = ''.join(
        '%s = %s\n' % item for item in keystone.auth_options().items()
    )
    running = server_mod.HeatServer(extra_config='[auth]\n' + options)
    running.start(with_credentials=False)
    yield running
    running.stop()


def test_keystone_mode_checks_the_scope_too(keystone_server, keystone):
    demo = keystone.users['demo']
    wrong = boto3_in(keystone_server, 'us-east-1', demo.access, demo.secret)
    right = boto3_in(keystone_server, clients.REGION, demo.access, demo.secret)
    assert refusal(wrong.list_stacks) == (
        403,
        'SignatureDoesNotMatch',
        WRONG_REGION,
    )
    assert right.list_stacks()['StackSummaries'] == []
