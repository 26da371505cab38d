"""Mapping exceptions to AWS error responses."""

import logging
import sys

import botocore.parsers
import oslo_messaging
from oslo_messaging._drivers import common as rpc_common
import pytest

from heat.api.cfn import faults
from heat.api.cfn import request
from heat.common import exception


def parsed_error(response):
    parser = botocore.parsers.create_parser('query')
    shape = request.operation_model('DescribeStacks').output_shape
    parsed = parser.parse(
        {
            'body': response.body,
            'headers': {},
            'status_code': response.status_code,
        },
        shape,
    )
    return parsed['Error']


def across_rpc(err):
    """err as oslo.messaging rebuilds it on the calling side."""
    try:
        raise err
    except Exception:
        data = rpc_common.serialize_remote_exception(sys.exc_info())
    return rpc_common.deserialize_remote_exception(
        data, ['heat.common.exception']
    )


def test_heat_error_keeps_its_code_and_status():
    response = faults.error_response(exception.StackNotFound(stack='w'), 'r')
    assert response.status_code == 400
    assert parsed_error(response) == {
        'Type': 'Sender',
        'Code': 'ValidationError',
        'Message': 'Stack with id w does not exist',
    }


def test_remote_heat_error_is_itself_without_traceback():
    remote = across_rpc(exception.AlreadyExists(name='web'))
    assert type(remote).__name__ == 'AlreadyExists_Remote'
    assert 'Traceback' in str(remote)
    response = faults.error_response(remote, 'r')
    assert response.status_code == 400
    assert parsed_error(response) == {
        'Type': 'Sender',
        'Code': 'AlreadyExistsException',
        'Message': 'Stack [web] already exists',
    }
    assert b'Traceback' not in response.body


def test_messaging_timeout_is_service_unavailable():
    response = faults.error_response(oslo_messaging.MessagingTimeout('t'), 'r')
    assert response.status_code == 503
    assert parsed_error(response)['Code'] == 'ServiceUnavailable'


def test_remote_error_naming_a_heat_error():
    remote = oslo_messaging.RemoteError(
        'AlreadyExists', 'Stack [w] already exists', 'tb'
    )
    response = faults.error_response(remote, 'r')
    assert response.status_code == 400
    assert parsed_error(response) == {
        'Type': 'Sender',
        'Code': 'AlreadyExistsException',
        'Message': 'Stack [w] already exists',
    }


@pytest.mark.parametrize(
    'exc',
    [
        ValueError('db password is hunter2'),
        oslo_messaging.RemoteError(
            'KeyError', 'hunter2', 'Traceback: hunter2'
        ),
        across_rpc(KeyError('hunter2')),
    ],
)
def test_anything_else_is_a_generic_internal_failure(exc, caplog):
    caplog.set_level(logging.ERROR)
    response = faults.error_response(exc, 'req-7')
    assert response.status_code == 500
    assert parsed_error(response) == {
        'Type': 'Receiver',
        'Code': 'InternalFailure',
        'Message': 'An unknown error occurred.',
    }
    assert b'hunter2' not in response.body
    assert 'req-7' in caplog.text and 'hunter2' in caplog.text


def test_json_errors():
    response = faults.error_response(
        exception.SignatureDoesNotMatch(), 'r', 'json'
    )
    assert response.status_code == 403
    assert response.content_type == 'application/json'
    assert response.json['Error']['Code'] == 'SignatureDoesNotMatch'
