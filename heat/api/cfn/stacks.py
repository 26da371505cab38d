"""The Query API's actions: decode the request, call the engine, render.

Every action maps to the engine method of the same name in snake case
(CreateStack -> create_stack), which takes the decoded request members and
returns data keyed by the member names of the action's output shape.  So
this controller stays generic; what an action means lives in the engine.
"""

import re

from heat.api.cfn import request as cfn_request
from heat.api.cfn import serializer
from heat.api.cfn import template_url
from heat.common import exception

# The CloudFormation actions served; anything else is InvalidAction.
ACTIONS = frozenset(
    [
        'CreateStack',
        'UpdateStack',
        'DeleteStack',
        'CancelUpdateStack',
        'DescribeStacks',
        'ListStacks',
        'DescribeStackEvents',
        'DescribeStackResource',
        'DescribeStackResources',
        'ListStackResources',
        'GetTemplate',
        'ValidateTemplate',
        'GetTemplateSummary',
        'SignalResource',
    ]
)
# All a key made for one resource (a wait condition handle's) may do.
_RESOURCE_KEY_ACTIONS = ('SignalResource',)
# Actions whose request may name a template by URL instead of a body.
_TEMPLATE_ACTIONS = (
    'CreateStack',
    'UpdateStack',
    'ValidateTemplate',
    'GetTemplateSummary',
)


def engine_method(action):
    return re.sub(r'(?<!^)(?=[A-Z])', '_', action).lower()


def response_format(params):
    return 'json' if params.get('ContentType') == 'JSON' else 'xml'


def _content_type_header(content_type):
    # Text is declared UTF-8; JSON needs no charset.
    if content_type.startswith('text/'):
        return content_type + '; charset=utf-8'
    return content_type


class StackController:
    def __init__(self, rpc_client):
        self._rpc = rpc_client

    def __call__(self, environ, start_response):
        params = cfn_request.request_params(environ)
        action = params.get('Action')
        if not action:
            raise exception.MissingAction()
        if action not in ACTIONS:
            raise exception.InvalidAction(action=action)
        ctxt = environ['heat.context']
        if (
            ctxt.scoped_resource is not None
            and action not in _RESOURCE_KEY_ACTIONS
        ):
            raise exception.AccessDenied()
        args = cfn_request.parse_request(action, params)
        if action in _TEMPLATE_ACTIONS:
            template_url.resolve_template_body(args)
        result = self._rpc.call(ctxt, engine_method(action), args=args)
        body, content_type = serializer.serialize(
            action, result, ctxt.request_id, response_format(params)
        )
        start_response(
            '200 OK',
            [
                ('Content-Type', _content_type_header(content_type)),
                ('Content-Length', str(len(body))),
            ],
        )
        return [body]
