"""Signature checks over HTTP: each bad request gets its AWS error, status
and an ErrorResponse with a RequestId; good SigV2 query signing works."""

import datetime
import urllib.parse
import xml.etree.ElementTree as ET

import requests

from heat.tests.functional import clients

LIST_STACKS = {'Action': 'ListStacks', 'Version': clients.API_VERSION}


def assert_error(response, status, code, message_part=''):
    assert response.status_code == status, response.text
    error_code, message, request_id = clients.parse_error(response)
    assert error_code == code
    assert message_part in message
    assert request_id
    assert response.headers['x-amzn-RequestId'] == request_id


def test_a_correct_sigv4_request_is_answered(heat_server):
    response = clients.post_signed(heat_server, LIST_STACKS)
    assert response.status_code == 200, response.text
    root = ET.fromstring(response.content)
    assert root.tag == clients.AWS_NS + 'ListStacksResponse'


def test_wrong_secret(heat_server):
    response = clients.post_signed(
        heat_server, LIST_STACKS, secret='not-the-secret'
    )
    assert_error(response, 403, 'SignatureDoesNotMatch', 'does not match')


def test_unknown_access_key(heat_server):
    response = clients.post_signed(
        heat_server, LIST_STACKS, access='AKNOSUCHKEY', secret='x'
    )
    assert_error(response, 403, 'InvalidClientTokenId')


def test_unsigned_request(heat_server):
    response = requests.post(
        heat_server.endpoint,
        data=LIST_STACKS,
        timeout=clients.COMMAND_TIMEOUT_SECONDS,
    )
    assert_error(
        response, 403, 'MissingAuthenticationToken', 'Authentication Token'
    )


def test_expired_sigv4_date(heat_server):
    an_hour_ago = datetime.datetime.now(datetime.UTC) - datetime.timedelta(
        hours=1
    )
    response = clients.post_signed(heat_server, LIST_STACKS, when=an_hour_ago)
    assert_error(response, 403, 'RequestExpired')


def test_tampered_body(heat_server):
    signed = urllib.parse.urlencode(LIST_STACKS).encode()
    headers = clients.sigv4_headers(heat_server, signed)
    tampered = urllib.parse.urlencode(
        dict(LIST_STACKS, StackStatusFilter='x')
    ).encode()
    headers['Content-Length'] = str(len(tampered))
    response = requests.post(
        heat_server.endpoint,
        data=tampered,
        headers=headers,
        timeout=clients.COMMAND_TIMEOUT_SECONDS,
    )
    assert_error(response, 403, 'SignatureDoesNotMatch')


def test_sigv2_query_signed_get(heat_server):
    # As a pre-signed URL or curl with hand-signed parameters sends it.
    name = clients.unique_name('sigv2')
    boto3_client = clients.boto3_client(heat_server)
    boto3_client.create_stack(
        StackName=name,
        TemplateBody=clients.body(clients.handles_template(count=1)),
    )
    clients.wait_for_status(boto3_client, name)
    url = clients.sigv2_url(
        heat_server,
        {
            'Action': 'DescribeStacks',
            'StackName': name,
            'Version': clients.API_VERSION,
        },
        Timestamp=clients.iso_time(0),
    )
    response = requests.get(url, timeout=clients.COMMAND_TIMEOUT_SECONDS)
    assert response.status_code == 200, response.text
    root = ET.fromstring(response.content)
    names = [e.text for e in root.iter(clients.AWS_NS + 'StackName')]
    assert names == [name]
    boto3_client.delete_stack(StackName=name)


def test_sigv2_expires_in_the_future_is_accepted(heat_server):
    url = clients.sigv2_url(
        heat_server, LIST_STACKS, Expires=clients.iso_time(300)
    )
    response = requests.get(url, timeout=clients.COMMAND_TIMEOUT_SECONDS)
    assert response.status_code == 200, response.text


def test_sigv2_expired(heat_server):
    url = clients.sigv2_url(
        heat_server, LIST_STACKS, Expires=clients.iso_time(-60)
    )
    response = requests.get(url, timeout=clients.COMMAND_TIMEOUT_SECONDS)
    assert_error(response, 403, 'RequestExpired')


def test_sigv2_with_a_changed_parameter(heat_server):
    url = clients.sigv2_url(
        heat_server, LIST_STACKS, Timestamp=clients.iso_time(0)
    )
    response = requests.get(
        url.replace('ListStacks', 'DescribeStacks'),
        timeout=clients.COMMAND_TIMEOUT_SECONDS,
    )
    assert_error(response, 403, 'SignatureDoesNotMatch')
