"""Decoding Query requests, checked against botocore's own encoder."""

import datetime

import botocore.serialize
import pytest

from heat.api.cfn import request
from heat.common import exception


def botocore_params(action, args):
    """The form fields botocore sends for args, as a server receives them."""
    serializer = botocore.serialize.create_serializer('query')
    model = request.service_model().operation_model(action)
    body = serializer.serialize_to_request(args, model)['body']
    return {name: str(value) for name, value in body.items()}


CREATE_ARGS = {
    'StackName': 'web',
    'TemplateBody': '{"Resources": {}}',
    'Parameters': [
        {'ParameterKey': 'KeyName', 'ParameterValue': 'mine'},
        {'ParameterKey': 'Size', 'UsePreviousValue': True},
    ],
    'DisableRollback': False,
    'TimeoutInMinutes': 30,
    'Capabilities': ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM'],
    'Tags': [{'Key': 'team', 'Value': 'blue'}],
    'RollbackConfiguration': {
        'RollbackTriggers': [{'Arn': 'arn:a', 'Type': 'AWS::CloudWatch'}],
        'MonitoringTimeInMinutes': 3,
    },
}


def test_botocore_create_stack_round_trips():
    params = botocore_params('CreateStack', CREATE_ARGS)
    assert request.parse_request('CreateStack', params) == CREATE_ARGS


@pytest.mark.parametrize(
    'action, args',
    [
        ('DescribeStacks', {}),
        ('DescribeStacks', {'StackName': 'web', 'NextToken': 't'}),
        (
            'ListStacks',
            {'StackStatusFilter': ['CREATE_COMPLETE', 'DELETE_FAILED']},
        ),
        ('DeleteStack', {'StackName': 'web', 'RetainResources': ['A', 'B']}),
        (
            'DescribeStackResource',
            {'StackName': 'web', 'LogicalResourceId': 'Server'},
        ),
        ('UpdateStack', {'StackName': 'web', 'UsePreviousTemplate': True}),
        (
            'SignalResource',
            {
                'StackName': 'web',
                'LogicalResourceId': 'W',
                'UniqueId': 'i-1',
                'Status': 'SUCCESS',
            },
        ),
        ('ValidateTemplate', {'TemplateBody': 'a: b\r\n'}),
    ],
)
def test_botocore_requests_round_trip(action, args):
    assert request.parse_request(action, botocore_params(action, args)) == args


def test_protocol_members_are_not_input():
    params = botocore_params('DescribeStacks', {'StackName': 'web'})
    params.update(
        {
            'ContentType': 'JSON',
            'AWSAccessKeyId': 'ak',
            'Signature': 's',
            'SignatureMethod': 'HmacSHA256',
            'SignatureVersion': '2',
            'Timestamp': 't',
            'X-Amz-Date': 'd',
            'X-Amz-Signature': 's',
        }
    )
    assert request.parse_request('DescribeStacks', params) == {
        'StackName': 'web'
    }


def test_empty_list_is_bare_name():
    params = {'StackName': 'web', 'RetainResources': ''}
    assert request.parse_request('DeleteStack', params) == {
        'StackName': 'web',
        'RetainResources': [],
    }


def test_unknown_action():
    with pytest.raises(exception.InvalidAction):
        request.parse_request('LaunchRockets', {})


def test_missing_required_member_is_named():
    with pytest.raises(exception.MissingParameter, match='StackName'):
        request.parse_request('CreateStack', {'TemplateBody': '{}'})


def test_missing_required_member_of_list_item_is_named():
    params = {'StackName': 'w', 'Tags.member.1.Key': 'k'}
    with pytest.raises(
        exception.MissingParameter, match=r'Tags\.member\.1\.Value'
    ):
        request.parse_request('CreateStack', params)


@pytest.mark.parametrize(
    'extra, named',
    [
        ({'TimeoutInMinutes': 'ten'}, 'TimeoutInMinutes'),
        ({'TimeoutInMinutes': '1.5'}, 'TimeoutInMinutes'),
        ({'DisableRollback': 'yes'}, 'DisableRollback'),
        (
            {'Capabilities.member.1': 'A', 'Capabilities.member.3': 'C'},
            'Capabilities',
        ),
        ({'Capabilities.member.x': 'A'}, 'Capabilities.member.x'),
        ({'Capabilities.member.0': 'A'}, 'Capabilities.member.0'),
        ({'Capabilities.member.01': 'A'}, 'Capabilities.member.01'),
        ({'Capabilities.item.1': 'A'}, 'Capabilities'),
        ({'Capabilities': 'A'}, 'Capabilities'),
        ({'Parameters.member.1': 'A'}, 'Parameters.member.1'),
        (
            {
                'Parameters.member.1.ParameterKey': 'k',
                'Parameters.member.1.Bogus': 'v',
            },
            'Parameters.member.1.Bogus',
        ),
        (
            {
                'Parameters.member.1.ParameterKey': 'k',
                'Parameters.member.1.ParameterKey.x': 'v',
            },
            'Parameters.member.1.ParameterKey',
        ),
        (
            {'RollbackConfiguration.MonitoringTimeInMinutes': '-'},
            'RollbackConfiguration.MonitoringTimeInMinutes',
        ),
    ],
)
def test_bad_encodings_name_the_member(extra, named):
    params = dict({'StackName': 'web'}, **extra)
    with pytest.raises(exception.InvalidParameterValue) as raised:
        request.parse_request('CreateStack', params)
    assert named in str(raised.value)


def test_unknown_top_level_names_are_ignored():
    assert request.parse_request('DescribeStacks', {'Future': 'x'}) == {}


def test_timestamp_decodes_to_utc():
    shape = request.service_model().shape_for('CreationTime')
    value = request._decode(shape, '2026-11-23T21:00:00+02:00', 'T')
    assert value == datetime.datetime(2026, 11, 23, 19, tzinfo=datetime.UTC)
    with pytest.raises(exception.InvalidParameterValue):
        request._decode(shape, 'yesterday', 'T')
