"""Builds the RequestContext of an authenticated request.

The context, made from the Identity the auth filter found and the request
id, is what controllers pass to the engine: ``environ['heat.context']``.
"""

from heat.api.middleware import ec2_auth
from heat.api.middleware import request_id
from heat.common import config
from heat.common import context

CONF = config.CONF

CONTEXT_KEY = 'heat.context'


def make_context(identity, request_id_value):
    keystone_url = (
        CONF.auth.keystone_url if CONF.auth.backend == 'keystone' else None
    )
    return context.RequestContext(
        tenant=identity.tenant,
        user=identity.user,
        roles=list(identity.roles),
        auth_token=identity.auth_token,
        auth_url=keystone_url,
        request_id=request_id_value,
        scoped_stack_id=identity.scoped_stack_id,
        scoped_resource=identity.scoped_resource,
    )


class ContextMiddleware:
    """Requests without an Identity (the health check) get no context."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        identity = environ.get(ec2_auth.IDENTITY_KEY)
        if identity is not None:
            environ[CONTEXT_KEY] = make_context(
                identity, environ[request_id.ENVIRON_KEY]
            )
        return self.app(environ, start_response)


def filter_factory(global_conf, **local_conf):
    return ContextMiddleware
