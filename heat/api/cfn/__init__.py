"""The CloudFormation Query API application (the end of the paste pipeline).

The Query API answers at ``/v1/`` (as Heat always has) and at ``/`` (as
AWS does); so does the signal route of wait condition handles,
``/v1/waitcondition/<stack ARN>/resources/<handle>``.
"""

import routes
import routes.middleware
import webob.dec

from heat.api.cfn import stacks
from heat.api.cfn import waitcondition
from heat.common import handle_url
from heat.common import exception


@webob.dec.wsgify
def health_check(req):
    return webob.Response(text='OK\n', content_type='text/plain')


@webob.dec.wsgify
def not_found(req):
    raise exception.InvalidAction(message='No API is served at %s' % req.path)


class Router:
    """Dispatches by path: the Query API, handles' signals and the health
    check."""

    def __init__(self, rpc_client):
        query_api = stacks.StackController(rpc_client)
        signal_api = waitcondition.WaitConditionController(rpc_client)
        mapper = routes.Mapper()
        mapper.connect('/healthcheck', app=health_check)
        for prefix in ('/v1', ''):
            mapper.connect(prefix + '/', app=query_api,
                           conditions={'method': ['GET', 'POST']})
            # A stack ARN holds slashes; a logical name does not.
            mapper.connect(
                prefix + '/waitcondition/{arn:.+}/resources/{resource}',
                app=signal_api,
                conditions={'method': list(handle_url.SIGNAL_VERBS)})
        mapper.connect('/v1', app=query_api,
                       conditions={'method': ['GET', 'POST']})
        # No thread-local routing state (no URL is generated from it) and
        # no _method parameter overriding the HTTP method (not AWS's): both
        # cost more than the matching, on every request.
        self._app = routes.middleware.RoutesMiddleware(
            self._dispatch, mapper, singleton=False, use_method_override=False)

    def __call__(self, environ, start_response):
        return self._app(environ, start_response)

    @staticmethod
    @webob.dec.wsgify
    def _dispatch(req):
        match = req.environ['wsgiorg.routing_args'][1]
        return match['app'] if match else not_found


def app_factory(global_conf, **local_conf):
    from heat.rpc import client
    return Router(client.EngineClient())
