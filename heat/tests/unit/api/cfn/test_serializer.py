"""Rendering results, checked by parsing them back with botocore."""

import datetime
import json
import pathlib

import botocore.model
import botocore.parsers
import pytest

from heat.api.cfn import request
from heat.api.cfn import serializer
from heat.api.cfn import stacks
from heat.common import exception

ACTIONS = [
    'CreateStack',
    'UpdateStack',
    'DeleteStack',
    'DescribeStacks',
    'ListStacks',
    'DescribeStackEvents',
    'DescribeStackResource',
    'DescribeStackResources',
    'ListStackResources',
    'GetTemplate',
    'ValidateTemplate',
    'GetTemplateSummary',
    'CancelUpdateStack',
    'SignalResource',
]
ACTIONS_WITH_OUTPUT = [
    a for a in ACTIONS if request.operation_model(a).output_shape
]

WHEN = datetime.datetime(2026, 11, 23, 19, 0, 0, 123000, tzinfo=datetime.UTC)


def example(shape, name='', depth=0):
    """A value for shape with every member set (recursion cut at depth 6)."""
    kind = shape.type_name
    if kind == 'structure':
        if depth > 6:
            return None
        value = {}
        for member, member_shape in shape.members.items():
            member_value = example(member_shape, member, depth + 1)
            if member_value is not None:
                value[member] = member_value
        return value
    if kind == 'list':
        item = example(shape.member, name, depth + 1)
        return None if item is None else [item, item]
    if kind == 'map':
        return {'k1': example(shape.value, name, depth + 1)}
    return {
        'string': '%s <&> "value"\r\n' % name,
        'integer': 7,
        'long': 7,
        'double': 1.5,
        'float': 1.5,
        'boolean': True,
        'timestamp': WHEN,
    }[kind]


def output_shape(action):
    return request.operation_model(action).output_shape


def parse_xml(action, body, status=200):
    parser = botocore.parsers.create_parser('query')
    parsed = parser.parse(
        {'body': body, 'status_code': status, 'headers': {}},
        output_shape(action),
    )
    metadata = parsed.pop('ResponseMetadata')
    return parsed, metadata


@pytest.mark.parametrize('action', ACTIONS_WITH_OUTPUT)
def test_every_member_round_trips_through_botocore(action):
    result = example(output_shape(action))
    body, content_type = serializer.serialize(action, result, 'req-1')
    assert content_type == 'text/xml'
    parsed, metadata = parse_xml(action, body)
    assert parsed == result
    assert metadata['RequestId'] == 'req-1'


@pytest.mark.parametrize(
    'action', ['DeleteStack', 'CancelUpdateStack', 'SignalResource']
)
def test_actions_without_output(action):
    for result in (None, {}):
        body, _ = serializer.serialize(action, result, 'req-2')
        assert parse_xml(action, body) == (
            {},
            {'RequestId': 'req-2', 'HTTPStatusCode': 200, 'HTTPHeaders': {}},
        )
    with pytest.raises(serializer.InvalidResult):
        serializer.serialize(action, {'StackId': 'x'}, 'r')


def test_describe_stacks_golden_xml():
    result = {
        'Stacks': [
            {
                'StackName': 'web',
                'StackId': 'arn:openstack:heat::t:stacks/web/1',
                'CreationTime': WHEN,
                'StackStatus': 'CREATE_COMPLETE',
                'DisableRollback': False,
                'Outputs': [],
                'Parameters': [{'ParameterKey': 'K', 'ParameterValue': 'a<b'}],
            }
        ]
    }
    body, _ = serializer.serialize('DescribeStacks', result, 'r-9')
    assert body.decode() == (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/'
        'doc/2010-05-15/"><DescribeStacksResult><Stacks><member>'
        '<StackId>arn:openstack:heat::t:stacks/web/1</StackId>'
        '<StackName>web</StackName><Parameters><member>'
        '<ParameterKey>K</ParameterKey><ParameterValue>a&lt;b'
        '</ParameterValue></member></Parameters>'
        '<CreationTime>2026-11-23T19:00:00.123Z</CreationTime>'
        '<StackStatus>CREATE_COMPLETE</StackStatus>'
        '<DisableRollback>false</DisableRollback><Outputs></Outputs>'
        '</member></Stacks></DescribeStacksResult><ResponseMetadata>'
        '<RequestId>r-9</RequestId></ResponseMetadata>'
        '</DescribeStacksResponse>'
    )


# Realistic results of every action (as the engine sends them, after the
# JSON round trip of RPC) with their XML and JSON renderings as recorded:
# the bytes on the wire must not change unnoticed.
RENDERINGS = json.loads(
    (pathlib.Path(__file__).parent / 'renderings.json').read_text('utf-8')
)


def test_renderings_cover_every_action():
    assert {case['action'] for case in RENDERINGS} == stacks.ACTIONS


@pytest.mark.parametrize('fmt', ['xml', 'json'])
@pytest.mark.parametrize(
    'case', RENDERINGS, ids=[case['action'] for case in RENDERINGS]
)
def test_realistic_results_render_as_recorded(case, fmt):
    body, _ = serializer.serialize(
        case['action'], case['result'], 'req-7f3a', fmt
    )
    assert body.decode('utf-8') == case[fmt]


def test_time_values_and_tuples_render_as_recorded():
    offset = datetime.timezone(datetime.timedelta(hours=2))
    result = {
        'Stacks': [
            {
                'StackName': 'web',
                'CreationTime': datetime.datetime(
                    2026, 11, 23, 19, 0, 0, 123456
                ),
                'LastUpdatedTime': '2026-11-23T19:00:00Z',
                'DeletionTime': datetime.datetime(
                    2026, 11, 23, 21, 0, 0, 999999, tzinfo=offset
                ),
                'StackStatus': 'CREATE_COMPLETE',
                'Capabilities': ('CAPABILITY_IAM',),
            }
        ]
    }
    xml, _ = serializer.serialize('DescribeStacks', result, 'r')
    assert xml.decode() == (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/'
        'doc/2010-05-15/"><DescribeStacksResult><Stacks><member>'
        '<StackName>web</StackName>'
        '<CreationTime>2026-11-23T19:00:00.123Z</CreationTime>'
        '<DeletionTime>2026-11-23T19:00:00.999Z</DeletionTime>'
        '<LastUpdatedTime>2026-11-23T19:00:00.000Z</LastUpdatedTime>'
        '<StackStatus>CREATE_COMPLETE</StackStatus>'
        '<Capabilities><member>CAPABILITY_IAM</member></Capabilities>'
        '</member></Stacks></DescribeStacksResult><ResponseMetadata>'
        '<RequestId>r</RequestId></ResponseMetadata>'
        '</DescribeStacksResponse>'
    )
    body, _ = serializer.serialize('DescribeStacks', result, 'r', 'json')
    assert body.decode() == (
        '{"DescribeStacksResponse": {"DescribeStacksResult": {"Stacks": '
        '[{"StackName": "web", "CreationTime": "2026-11-23T19:00:00.123Z", '
        '"DeletionTime": "2026-11-23T19:00:00.999Z", '
        '"LastUpdatedTime": "2026-11-23T19:00:00.000Z", '
        '"StackStatus": "CREATE_COMPLETE", '
        '"Capabilities": ["CAPABILITY_IAM"]}]}, '
        '"ResponseMetadata": {"RequestId": "r"}}}'
    )


# No served action returns a map; other CloudFormation actions do.
def test_maps_render_as_recorded():
    result = {
        'RelatedResources': [
            {
                'ResourceType': 'AWS::S3::Bucket',
                'ResourceIdentifier': {'BucketName': 'b<1>', 'Region': 'x'},
                'ManagedByStack': False,
            }
        ]
    }
    action = 'ListResourceScanRelatedResources'
    xml, _ = serializer.serialize(action, result, 'r')
    assert xml.decode() == (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<ListResourceScanRelatedResourcesResponse xmlns="http://'
        'cloudformation.amazonaws.com/doc/2010-05-15/">'
        '<ListResourceScanRelatedResourcesResult><RelatedResources><member>'
        '<ResourceType>AWS::S3::Bucket</ResourceType><ResourceIdentifier>'
        '<entry><key>BucketName</key><value>b&lt;1&gt;</value></entry>'
        '<entry><key>Region</key><value>x</value></entry>'
        '</ResourceIdentifier><ManagedByStack>false</ManagedByStack>'
        '</member></RelatedResources></ListResourceScanRelatedResourcesResult>'
        '<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata>'
        '</ListResourceScanRelatedResourcesResponse>'
    )
    body, _ = serializer.serialize(action, result, 'r', 'json')
    assert body.decode() == (
        '{"ListResourceScanRelatedResourcesResponse": '
        '{"ListResourceScanRelatedResourcesResult": {"RelatedResources": '
        '[{"ResourceType": "AWS::S3::Bucket", "ResourceIdentifier": '
        '{"BucketName": "b<1>", "Region": "x"}, "ManagedByStack": false}]}, '
        '"ResponseMetadata": {"RequestId": "r"}}}'
    )


STACK = {
    'StackName': 'web',
    'CreationTime': '2026-11-23T23:49:56.247Z',
    'StackStatus': 'CREATE_COMPLETE',
}


@pytest.mark.parametrize(
    'action,result,message',
    [
        (
            'DescribeStacks',
            {'Stacks': [STACK, dict(STACK, StackName=5)]},
            'DescribeStacks.Stacks[1].StackName: expected a string, got 5',
        ),
        (
            'DescribeStacks',
            {
                'Stacks': [
                    {
                        'CreationTime': '2026-11-23T23:49:56Z',
                        'StackStatus': 'X',
                    }
                ]
            },
            'DescribeStacks.Stacks[0]: required member StackName is missing',
        ),
        (
            'DescribeStacks',
            {'Stacks': [dict(STACK, Zed=1, Alpha=None)]},
            'DescribeStacks.Stacks[0]: unknown members Alpha, Zed',
        ),
        (
            'DescribeStacks',
            {'Stacks': [dict(STACK, TimeoutInMinutes=True)]},
            'DescribeStacks.Stacks[0].TimeoutInMinutes: expected an integer, '
            'got True',
        ),
        (
            'DescribeStacks',
            {'Stacks': [dict(STACK, DisableRollback='false')]},
            'DescribeStacks.Stacks[0].DisableRollback: expected a boolean, '
            "got 'false'",
        ),
        (
            'DescribeStacks',
            {'Stacks': [dict(STACK, Capabilities='CAPABILITY')]},
            'DescribeStacks.Stacks[0].Capabilities: expected a list, '
            "got 'CAPABILITY'",
        ),
        (
            'DescribeStacks',
            {'Stacks': [dict(STACK, Outputs=[{'OutputKey': 'a'}, ['x']])]},
            "DescribeStacks.Stacks[0].Outputs[1]: expected a dict, got ['x']",
        ),
        (
            'DescribeStacks',
            [STACK],
            "DescribeStacks: expected a dict, got [{'StackName': 'web', "
            "'CreationTime': '2026-11-23T23:49:56.247Z', "
            "'StackStatus': 'CREATE_COMPLETE'}]",
        ),
        (
            'DescribeStackResources',
            {
                'StackResources': [
                    {
                        'LogicalResourceId': 'R',
                        'ResourceType': 'T',
                        'ResourceStatus': 'S',
                        'Timestamp': '2026-11-23',
                    }
                ]
            },
            'DescribeStackResources.StackResources[0].Timestamp: expected a '
            "datetime or ISO 8601 text, got '2026-11-23'",
        ),
        (
            'DeleteStack',
            {'StackId': 'x'},
            "DeleteStack returns nothing, got {'StackId': 'x'}",
        ),
        (
            'ListResourceScanRelatedResources',
            {'RelatedResources': [{'ResourceIdentifier': {'k': 1}}]},
            'ListResourceScanRelatedResources.RelatedResources[0]'
            ".ResourceIdentifier['k']: expected a string, got 1",
        ),
        (
            'ListResourceScanRelatedResources',
            {'RelatedResources': [{'ResourceIdentifier': {7: 'v'}}]},
            'ListResourceScanRelatedResources.RelatedResources[0]'
            '.ResourceIdentifier key: expected a string, got 7',
        ),
    ],
)
@pytest.mark.parametrize('fmt', ['xml', 'json'])
def test_misfits_are_named_where_they_sit(action, result, message, fmt):
    with pytest.raises(serializer.InvalidResult) as raised:
        serializer.serialize(action, result, 'r', fmt)
    assert str(raised.value) == message


@pytest.fixture
def tree_action(monkeypatch):
    """DescribeTree, whose output shape contains itself."""
    model = botocore.model.ServiceModel(
        {
            'metadata': {'protocol': 'query', 'apiVersion': '2010-05-15'},
            'operations': {
                'DescribeTree': {
                    'name': 'DescribeTree',
                    'output': {
                        'shape': 'Tree',
                        'resultWrapper': 'DescribeTreeResult',
                    },
                }
            },
            'shapes': {
                'Tree': {
                    'type': 'structure',
                    'required': ['Name'],
                    'members': {
                        'Name': {'shape': 'Name'},
                        'Children': {'shape': 'Trees'},
                    },
                },
                'Trees': {'type': 'list', 'member': {'shape': 'Tree'}},
                'Name': {'type': 'string'},
            },
        }
    )
    monkeypatch.setattr(request, 'operation_model', model.operation_model)
    monkeypatch.setattr(serializer, '_RENDERINGS', {})
    return 'DescribeTree'


def test_shapes_containing_themselves(tree_action):
    tree = {
        'Name': 'a',
        'Children': [{'Name': 'b', 'Children': [{'Name': 'c'}]}],
    }
    xml, _ = serializer.serialize(tree_action, tree, 'r')
    assert xml.decode() == (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<DescribeTreeResponse xmlns="http://cloudformation.amazonaws.com/'
        'doc/2010-05-15/"><DescribeTreeResult><Name>a</Name><Children>'
        '<member><Name>b</Name><Children><member><Name>c</Name></member>'
        '</Children></member></Children></DescribeTreeResult>'
        '<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata>'
        '</DescribeTreeResponse>'
    )
    body, _ = serializer.serialize(tree_action, tree, 'r', 'json')
    assert (
        json.loads(body)['DescribeTreeResponse']['DescribeTreeResult'] == tree
    )
    tree['Children'][0]['Children'][0] = {'Children': []}
    with pytest.raises(
        serializer.InvalidResult,
        match=r'^DescribeTree'
        r'\.Children\[0\]\.Children\[0\]: required member '
        r'Name is missing$',
    ):
        serializer.serialize(tree_action, tree, 'r')


def test_naive_and_offset_times_are_utc():
    offset = datetime.timezone(datetime.timedelta(hours=2))
    assert (
        serializer.format_timestamp(datetime.datetime(2026, 1, 2, 3, 4, 5))
        == '2026-01-02T03:04:05.000Z'
    )
    assert (
        serializer.format_timestamp(
            datetime.datetime(2026, 1, 2, 5, 4, 5, 999999, tzinfo=offset)
        )
        == '2026-01-02T03:04:05.999Z'
    )


def test_members_set_to_none_are_left_out():
    body, _ = serializer.serialize('CreateStack', {'StackId': None}, 'r')
    assert parse_xml('CreateStack', body)[0] == {}


def test_characters_xml_cannot_carry_are_dropped():
    result = {'TemplateBody': 'a\x00b\x1bc'}
    body, _ = serializer.serialize('GetTemplate', result, 'r')
    assert parse_xml('GetTemplate', body)[0] == {'TemplateBody': 'abc'}


@pytest.mark.parametrize(
    'text',
    [
        'a&b<c>d\r\ne\tf "g\' h',
        'x\ufffey\uffffz\x0b\x0c\x1f \u00e9\u4e2d\U0001f600',
        'http://h/v1/w?A=1&B=%3D&C=<x>',
    ],
)
def test_text_reads_back_as_it_was_sent(text):
    carried = ''.join(c for c in text if c not in '\ufffe\uffff\x0b\x0c\x1f')
    body, _ = serializer.serialize('GetTemplate', {'TemplateBody': text}, 'r')
    assert parse_xml('GetTemplate', body)[0] == {'TemplateBody': carried}


def test_json_form_is_what_boto2_reads():
    detail = {
        'StackName': 'web',
        'LogicalResourceId': 'Server',
        'ResourceType': 'AWS::EC2::Instance',
        'LastUpdatedTimestamp': WHEN,
        'ResourceStatus': 'CREATE_COMPLETE',
        'Metadata': '{"AWS::CloudFormation::Init": {}}',
    }
    body, content_type = serializer.serialize(
        'DescribeStackResource', {'StackResourceDetail': detail}, 'r-3', 'json'
    )
    assert content_type == 'application/json'
    document = json.loads(body)
    response = document['DescribeStackResourceResponse']
    got = response['DescribeStackResourceResult']['StackResourceDetail']
    assert got == dict(detail, LastUpdatedTimestamp='2026-11-23T19:00:00.123Z')
    assert response['ResponseMetadata'] == {'RequestId': 'r-3'}
    body, _ = serializer.serialize(
        'CreateStack', {'StackId': 'arn:s'}, 'r', 'json'
    )
    assert json.loads(body)['CreateStackResponse']['CreateStackResult'] == {
        'StackId': 'arn:s'
    }


def test_json_keeps_lists_numbers_and_booleans():
    result = {
        'Stacks': [
            {
                'StackName': 'w',
                'CreationTime': WHEN,
                'StackStatus': 'CREATE_COMPLETE',
                'TimeoutInMinutes': 5,
                'DisableRollback': True,
                'Capabilities': ['CAPABILITY_IAM'],
            }
        ]
    }
    body, _ = serializer.serialize('DescribeStacks', result, 'r', 'json')
    stack = json.loads(body)['DescribeStacksResponse']['DescribeStacksResult'][
        'Stacks'
    ][0]
    assert stack['TimeoutInMinutes'] == 5
    assert stack['DisableRollback'] is True
    assert stack['Capabilities'] == ['CAPABILITY_IAM']


def _paths(shape, value, path=()):
    """Yield (path, shape, value) of every member in a nested value."""
    yield path, shape, value
    if shape.type_name == 'structure':
        for name, member_value in value.items():
            yield from _paths(
                shape.members[name], member_value, path + (name,)
            )
    elif shape.type_name == 'list':
        yield from _paths(shape.member, value[0], path + (0,))


def _without(value, path):
    if not path:
        return None
    head, rest = path[0], path[1:]
    if isinstance(value, list):
        return [_without(value[0], rest)] + value[1:]
    changed = dict(value)
    if rest:
        changed[head] = _without(value[head], rest)
    else:
        del changed[head]
    return changed


def _replaced(value, path, new):
    if not path:
        return new
    head, rest = path[0], path[1:]
    changed = list(value) if isinstance(value, list) else dict(value)
    changed[head] = _replaced(value[head], rest, new)
    return changed


WRONG_TYPES = {
    'string': 7,
    'integer': '7',
    'long': True,
    'boolean': 'true',
    'timestamp': '2026-11-23',
    'list': 'x',
    'structure': ['x'],
    'double': 'x',
    'float': None,
    'map': [],
}


def required_paths(action):
    shape = output_shape(action)
    return [
        path + (name,)
        for path, member_shape, _ in _paths(shape, example(shape))
        if member_shape.type_name == 'structure'
        for name in member_shape.required_members
    ]


# The outputs of CreateStack, GetTemplate ... have no required members.
@pytest.mark.parametrize(
    'action', [a for a in ACTIONS_WITH_OUTPUT if required_paths(a)]
)
def test_every_required_member_is_enforced(action):
    result = example(output_shape(action))
    for path in required_paths(action):
        with pytest.raises(serializer.InvalidResult, match=path[-1]):
            serializer.serialize(action, _without(result, path), 'r')


@pytest.mark.parametrize('action', ACTIONS_WITH_OUTPUT)
def test_every_wrong_type_is_refused(action):
    shape = output_shape(action)
    result = example(shape)
    checked = 0
    for path, member_shape, _ in _paths(shape, result):
        wrong = WRONG_TYPES[member_shape.type_name]
        if not path or wrong is None:
            continue
        with pytest.raises(serializer.InvalidResult):
            serializer.serialize(action, _replaced(result, path, wrong), 'r')
        checked += 1
    assert checked > 0


@pytest.mark.parametrize('action', ACTIONS_WITH_OUTPUT)
def test_unknown_members_are_refused(action):
    with pytest.raises(serializer.InvalidResult, match='Bogus'):
        serializer.serialize(action, {'Bogus': 'x'}, 'r')


@pytest.mark.parametrize(
    'err',
    [
        exception.StackNotFound(stack='web'),
        exception.SignatureDoesNotMatch(),
        exception.ServiceUnavailable(),
    ],
)
def test_errors_parse_as_botocore_errors(err):
    body, content_type = serializer.serialize_error(err, 'req-e')
    assert content_type == 'text/xml'
    parsed, metadata = parse_xml('DescribeStacks', body, err.http_status)
    assert parsed['Error'] == {
        'Type': 'Sender' if err.sender_fault else 'Receiver',
        'Code': err.code,
        'Message': str(err),
    }
    assert metadata['RequestId'] == 'req-e'


def test_error_json_form():
    err = exception.StackNotFound(stack='web')
    body, content_type = serializer.serialize_error(err, 'req-j', 'json')
    assert content_type == 'application/json'
    assert json.loads(body) == {
        'Error': {
            'Type': 'Sender',
            'Code': 'ValidationError',
            'Message': 'Stack with id web does not exist',
        },
        'RequestId': 'req-j',
    }


def test_error_json_is_what_boto2_reads():
    from boto import exception as boto_exception

    body, _ = serializer.serialize_error(
        exception.StackNotFound(stack='web'), 'req-b', 'json'
    )
    err = boto_exception.BotoServerError(400, 'Bad Request', body)
    assert (err.error_code, err.request_id) == ('ValidationError', 'req-b')
    assert err.message == 'Stack with id web does not exist'
