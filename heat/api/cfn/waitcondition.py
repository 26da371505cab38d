"""The signal route of wait condition handles.

``PUT`` (or ``POST``) ``/v1/waitcondition/<stack ARN>/resources/<handle>``
with the JSON object cfn-signal sends: ``{"Status": "SUCCESS"|"FAILURE",
"Reason": ..., "UniqueId": ..., "Data": ...}``.  The engine stores it as
SignalResource would; the answer is an empty 200, as for a pre-signed
upload in AWS.
"""

import json

from heat.api.cfn import request as cfn_request
from heat.common import exception

SIGNAL_MEMBERS = ('Status', 'Reason', 'UniqueId', 'Data')


class WaitConditionController:
    def __init__(self, rpc_client):
        self._rpc = rpc_client

    def __call__(self, environ, start_response):
        match = environ['wsgiorg.routing_args'][1]
        args = signal_from_body(cfn_request.request_body(environ))
        args.update(
            StackName=match['arn'], LogicalResourceId=match['resource']
        )
        self._rpc.call(environ['heat.context'], 'signal_resource', args=args)
        # An empty answer, as to a pre-signed upload.
        start_response(
            '200 OK',
            [
                ('Content-Type', 'text/plain; charset=UTF-8'),
                ('Content-Length', '0'),
            ],
        )
        return [b'']


def signal_from_body(body):
    """The signal's members; InvalidParameterValue if the body is not a
    JSON object of strings."""
    try:
        signal = json.loads(body.decode('utf-8'))
    except (UnicodeDecodeError, ValueError):
        signal = None
    if not isinstance(signal, dict):
        raise exception.InvalidParameterValue(
            'The signal must be a JSON object with Status, Reason, '
            'UniqueId and Data.'
        )
    args = {}
    for member in SIGNAL_MEMBERS:
        value = signal.get(member)
        if value is None:
            continue
        if not isinstance(value, str):
            raise exception.InvalidParameterValue(
                'Value for parameter %s must be a string.' % member
            )
        args[member] = value
    for member in ('Status', 'UniqueId'):
        if member not in args:
            raise exception.MissingParameter(name=member)
    return args
