"""Malformed requests and templates get the AWS error naming the problem,
and leave no stack behind."""

import json

import botocore.exceptions
import pytest
import requests

from heat.tests.functional import clients
from heat.tests.functional import server as server_mod

BODY_LIMIT = 2048
HANDLE = clients.HANDLE


@pytest.fixture(scope='module')
def tenant(heat_server):
    access, secret = heat_server.new_credentials('malformed-tenant')
    return access, secret


@pytest.fixture(scope='module')
def boto3_client(heat_server, tenant):
    return clients.boto3_client(heat_server, *tenant)


def post(server, tenant, params):
    return clients.post_signed(server, params, *tenant)


def assert_error(response, code, message):
    assert response.status_code == 400, response.text
    assert clients.parse_error(response)[:2] == (code, message)


def create(name, **members):
    return dict(
        {
            'Action': 'CreateStack',
            'Version': clients.API_VERSION,
            'StackName': name,
            'TemplateBody': clients.body({'Resources': {'A': HANDLE}}),
        },
        **members,
    )


def test_no_action(heat_server, tenant):
    assert_error(
        post(heat_server, tenant, {'Version': clients.API_VERSION}),
        'MissingAction',
        'The request must contain the parameter Action.',
    )


def test_unknown_action(heat_server, tenant):
    assert_error(
        post(heat_server, tenant, {'Action': 'LaunchRocket'}),
        'InvalidAction',
        'The action LaunchRocket is not valid for this web service.',
    )


BAD_MEMBERS = [
    (
        {'Parameters.member.0.ParameterKey': 'A'},
        'Value for parameter Parameters.member.0 has a bad index.',
    ),
    (
        {'Parameters.member.2.ParameterKey': 'A'},
        'Value for parameter Parameters.member skips an index.',
    ),
    ({'Parameters': 'A'}, 'Value for parameter Parameters is not a list.'),
    (
        {
            'Tags.member.1.Key': 'k',
            'Tags.member.1.Value': 'v',
            'Tags.member.1.Colour': 'red',
        },
        'Value for parameter Tags.member.1.Colour is not a known member.',
    ),
    (
        {'TimeoutInMinutes': 'abc'},
        'Value for parameter TimeoutInMinutes must be an integer.',
    ),
    (
        {'DisableRollback': 'yes'},
        "Value for parameter DisableRollback must be 'true' or 'false'.",
    ),
]


@pytest.mark.parametrize('members,message', BAD_MEMBERS)
def test_bad_member_encoding(
    heat_server, tenant, boto3_client, members, message
):
    name = clients.unique_name('members')
    assert_error(
        post(heat_server, tenant, create(name, **members)),
        'InvalidParameterValue',
        message,
    )
    assert name not in clients.stack_names(boto3_client)


def test_invalid_utf8_is_refused_not_replaced(
    heat_server, tenant, boto3_client
):
    name = clients.unique_name('utf8')
    form = ('Action=CreateStack&StackName=%s&TemplateBody=' % name).encode()
    template = b'{"Description": "caf\xe9", "Resources": {}}'
    response = post(heat_server, tenant, form + template)
    assert_error(
        response,
        'MalformedQueryString',
        'The value of parameter TemplateBody is not valid UTF-8.',
    )
    query = clients.sigv2_url(
        heat_server, {'Action': 'ListStacks'}, Timestamp=clients.iso_time(0)
    )
    response = requests.get(
        query + '&StackStatusFilter.member.1=%FF',
        timeout=clients.COMMAND_TIMEOUT_SECONDS,
    )
    assert response.status_code == 400
    assert clients.parse_error(response)[0] == 'MalformedQueryString'
    assert name not in clients.stack_names(boto3_client)


def test_a_form_declared_in_another_charset_is_read_as_utf8(
    heat_server, tenant
):
    response = clients.post_signed(
        heat_server,
        {'Action': 'ListStacks', 'Version': clients.API_VERSION},
        *tenant,
        charset='latin-1',
    )
    assert response.status_code == 200, response.text
    assert b'<ListStacksResult>' in response.content


def test_a_path_that_is_not_utf8_is_served_nothing(heat_server):
    response = requests.get(
        heat_server.endpoint + '%FF', timeout=clients.COMMAND_TIMEOUT_SECONDS
    )
    assert_error(response, 'InvalidAction', 'No API is served at /v1/\ufffd')
    assert response.headers['x-amzn-RequestId']


@pytest.fixture(scope='module')
def small_server():
    running = server_mod.HeatServer(
        extra_config='max_body_size = %d\n' % BODY_LIMIT
    ).start()
    yield running
    running.stop()


def test_body_over_the_limit(small_server):
    name = clients.unique_name('big')
    padding = 'x' * BODY_LIMIT
    response = clients.post_signed(
        small_server,
        create(
            name,
            TemplateBody=json.dumps(
                {'Description': padding, 'Resources': {'A': HANDLE}}
            ),
        ),
    )
    assert response.status_code == 413, response.text
    code, message, request_id = clients.parse_error(response)
    assert (code, message) == (
        'RequestEntityTooLarge',
        'Request body is larger than %d bytes.' % BODY_LIMIT,
    )
    assert request_id
    assert name not in clients.stack_names(clients.boto3_client(small_server))


BAD_TEMPLATES = [
    ('{"Resources": {"A": ', 'Template format error: JSON not well-formed'),
    ('Resources:\n  A: [\n', 'Template format error: YAML not well-formed'),
    (
        json.dumps({'Resources': {'A': {'Type': 'AWS::No::Such'}}}),
        'Unknown resource Type : AWS::No::Such',
    ),
    (
        json.dumps(
            {
                'Parameters': {'Size': {'Type': 'Number'}},
                'Resources': {'A': HANDLE},
            }
        ),
        'Parameters: [Size] must have values',
    ),
    (
        json.dumps(
            {
                'Resources': {
                    'A': dict(HANDLE, DependsOn='B'),
                    'B': dict(HANDLE, DependsOn='A'),
                }
            }
        ),
        'Circular dependency found: A -> B -> A',
    ),
]


@pytest.mark.parametrize(
    'template,message',
    BAD_TEMPLATES,
    ids=['json', 'yaml', 'type', 'parameter', 'cycle'],
)
def test_bad_template_leaves_no_stack(boto3_client, template, message):
    name = clients.unique_name('badtemplate')
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        boto3_client.create_stack(StackName=name, TemplateBody=template)
    error = caught.value.response['Error']
    assert error['Code'] == 'ValidationError'
    assert error['Message'].startswith(message)
    assert name not in clients.stack_names(boto3_client)
