"""The CloudFormation Query API application (the end of the paste pipeline).

The Query API answers at ``/v1/`` (as Heat always has) and at ``/`` (as
AWS does); so does the signal route of wait condition handles,
``/v1/waitcondition/<stack ARN>/resources/<handle>``.
"""

import routes
import webob

from heat.api.cfn import stacks
from heat.api.cfn import waitcondition
from heat.common import exception
from heat.common import handle_url

ROUTING_ARGS_KEY = 'wsgiorg.routing_args'


def health_check(environ, start_response):
    body = b'OK\n'
    start_response(
        '200 OK',
        [
            ('Content-Type', 'text/plain; charset=UTF-8'),
            ('Content-Length', str(len(body))),
        ],
    )
    return [body]


def not_found(environ, start_response):
    raise exception.InvalidAction(
        message='No API is served at %s' % webob.Request(environ).path
    )


class Router:
    """Dispatches by path and method: the Query API, handles' signals and
    the health check."""

    def __init__(self, rpc_client):
        query_api = stacks.StackController(rpc_client)
        signal_api = waitcondition.WaitConditionController(rpc_client)
        self._mapper = routes.Mapper()
        self._mapper.connect('/healthcheck', app=health_check)
        for prefix in ('/v1', ''):
            self._mapper.connect(
                prefix + '/',
                app=query_api,
                conditions={'method': ['GET', 'POST']},
            )
            # A stack ARN holds slashes; a logical name does not.
            self._mapper.connect(
                prefix + '/waitcondition/{arn:.+}/resources/{resource}',
                app=signal_api,
                conditions={'method': list(handle_url.SIGNAL_VERBS)},
            )
        self._mapper.connect(
            '/v1', app=query_api, conditions={'method': ['GET', 'POST']}
        )

    def __call__(self, environ, start_response):
        # The mapper is asked directly: Routes' middleware would also keep
        # thread-local state for generating URLs, which nothing here does,
        # at several times the cost of the match.
        match = self._mapper.match(environ['PATH_INFO'], environ=environ)
        if not match:
            environ[ROUTING_ARGS_KEY] = ((), {})
            return not_found(environ, start_response)
        app = match.pop('app')
        environ[ROUTING_ARGS_KEY] = ((), match)
        return app(environ, start_response)


def app_factory(global_conf, **local_conf):
    from heat.rpc import client

    return Router(client.EngineClient())
