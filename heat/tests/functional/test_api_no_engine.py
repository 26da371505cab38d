"""heat-api with no engine behind it answers 503, never hangs."""

import uuid

import boto3
import botocore.config
import botocore.exceptions
import pytest

from heat.tests import services
from heat.tests.functional import server


@pytest.fixture(scope='module')
def lonely_api():
    if not services.port_open('127.0.0.1', 5672):
        services.unavailable('RabbitMQ', 'nothing listens on 127.0.0.1:5672')
    # A topic of its own: no engine of any other test serves it.
    topic = 'engine-%s' % uuid.uuid4().hex[:8]
    api = server.HeatServer(
        extra_config='[DEFAULT]\ntransport_url = %s\n'
        'rpc_response_timeout = 2\n[engine]\ntopic = %s\n'
        % (services.RABBIT_URL, topic),
        command='heat-api',
    )
    api.start(with_credentials=False)
    yield api
    api.stop()


def test_signed_call_without_an_engine_is_503(lonely_api):
    client = boto3.client(
        'cloudformation',
        endpoint_url=lonely_api.endpoint,
        region_name='RegionOne',
        aws_access_key_id='AKIDEXAMPLE',
        aws_secret_access_key='secret',
        config=botocore.config.Config(retries={'max_attempts': 1}),
    )
    with pytest.raises(botocore.exceptions.ClientError) as raised:
        client.list_stacks()
    error = raised.value.response
    assert error['ResponseMetadata']['HTTPStatusCode'] == 503
    assert error['Error']['Code'] == 'ServiceUnavailable'
    assert 'No engine answered' in error['Error']['Message']
    assert error['ResponseMetadata']['RequestId']
