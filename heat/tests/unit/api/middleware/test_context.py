"""Building the RequestContext from the Identity and the request id."""

import webob

from heat.api.middleware import context
from heat.api.middleware import ec2_auth
from heat.api.middleware import request_id
from heat.common import ec2signature
from heat.tests.unit.api.middleware import conftest


def test_context_from_identity(conf):
    conf.set_override('backend', 'keystone', group='auth')
    conf.set_override('keystone_url', 'http://ks/v3', group='auth')
    identity = ec2signature.Identity('t', 'u', ['member'], 'tok', 'stack-1')
    req = webob.Request.blank('/v1/')
    req.environ[ec2_auth.IDENTITY_KEY] = identity
    req.environ[request_id.ENVIRON_KEY] = 'req-1'
    response = req.get_response(context.ContextMiddleware(conftest.echo_app))
    assert conftest.body_json(response)['context'] == {
        'tenant': 't',
        'user': 'u',
        'roles': ['member'],
        'auth_token': 'tok',
        'auth_url': 'http://ks/v3',
        'request_id': 'req-1',
        'scoped_stack_id': 'stack-1',
        'scoped_resource': None,
    }


def test_resource_scope_is_carried():
    identity = ec2signature.Identity('t', None, [], None, 'stack-1', 'Handle')
    ctxt = context.make_context(identity, 'r')
    assert (ctxt.scoped_stack_id, ctxt.scoped_resource) == (
        'stack-1',
        'Handle',
    )


def test_local_backend_has_no_auth_url():
    identity = ec2signature.Identity('t', 'u', [])
    assert context.make_context(identity, 'r').auth_url is None


def test_no_identity_no_context():
    response = webob.Request.blank('/healthcheck').get_response(
        context.ContextMiddleware(conftest.echo_app)
    )
    assert conftest.body_json(response)['context'] is None
