"""The CloudFormation Query API application (the end of the paste pipeline).

The Query API answers at ``/v1/`` (as Heat always has) and at ``/`` (as
AWS does); so does the signal route of wait condition handles,
``/v1/waitcondition/<stack ARN>/resources/<handle>``.
"""

import re

import webob

from heat.api.cfn import stacks
from heat.api.cfn import waitcondition
from heat.common import handle_url
from heat.common import exception

ROUTING_ARGS_KEY = 'wsgiorg.routing_args'


def health_check(environ, start_response):
    body = b'OK\n'
    start_response('200 OK', [('Content-Type', 'text/plain; charset=UTF-8'),
                              ('Content-Length', str(len(body)))])
    return [body]


def not_found(environ, start_response):
    raise exception.InvalidAction(
        message='No API is served at %s' % webob.Request(environ).path)


class Router:
    """Dispatches by path and method: the Query API, handles' signals and
    the health check."""

    def __init__(self, rpc_client):
        query_api = stacks.StackController(rpc_client)
        signal_api = waitcondition.WaitConditionController(rpc_client)
        query_methods = ('GET', 'POST')
        # Tried in turn against PATH_INFO; a route without methods takes
        # any.  The ARN of the signal route holds slashes, a logical name
        # does not.
        self._routes = [
            (re.compile(r'^/healthcheck$'), None, health_check),
            (re.compile(r'^(?:/v1)?/$'), query_methods, query_api),
            (re.compile(r'^/v1$'), query_methods, query_api),
            (re.compile(r'^(?:/v1)?/waitcondition/(?P<arn>.+)'
                        r'/resources/(?P<resource>[^/]+?)$'),
             handle_url.SIGNAL_VERBS, signal_api),
        ]

    def __call__(self, environ, start_response):
        path = environ['PATH_INFO']
        method = environ['REQUEST_METHOD']
        for pattern, methods, app in self._routes:
            match = pattern.match(path)
            if match and (methods is None or method in methods):
                environ[ROUTING_ARGS_KEY] = ((), match.groupdict())
                return app(environ, start_response)
        environ[ROUTING_ARGS_KEY] = ((), {})
        return not_found(environ, start_response)


def app_factory(global_conf, **local_conf):
    from heat.rpc import client
    return Router(client.EngineClient())
