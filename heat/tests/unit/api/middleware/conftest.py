"""Helpers for the middleware tests: a tiny app and signed requests."""

import json

import botocore.auth
import botocore.awsrequest
import botocore.credentials
import pytest
import webob
import webob.dec

from heat.common import config
from heat.common import ec2signature
from heat.common import exception

ACCESS = 'AKIDEXAMPLE'
SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY'
FORM = 'application/x-www-form-urlencoded; charset=utf-8'


@webob.dec.wsgify
def echo_app(req):
    """Answers with what the pipeline left for the application."""
    ctxt = req.environ.get('heat.context')
    return webob.Response(
        json={
            'context': ctxt.to_dict() if ctxt else None,
            'request_id': req.environ.get('heat.request_id'),
            'body': req.body.decode('utf-8', 'replace'),
        }
    )


class SecretAuthenticator:
    """A backend that knows one key pair, checked with the real verify."""

    def __init__(self):
        self.seen = []

    def authenticate(self, credentials):
        self.seen.append(credentials)
        if credentials['access'] != ACCESS:
            raise exception.InvalidClientTokenId()
        ec2signature.verify(credentials, SECRET)
        return ec2signature.Identity(tenant='t1', user='u1', roles=['member'])


def signed(method='POST', params=None, secret=SECRET, sigv=4, path='/v1/'):
    """A webob request signed by botocore, as the server would see it."""
    params = params or {'Action': 'DescribeStacks', 'Version': '2010-05-15'}
    credentials = botocore.credentials.Credentials(ACCESS, secret)
    if sigv == 4:
        auth = botocore.auth.SigV4Auth(
            credentials, 'cloudformation', 'RegionOne'
        )
    else:
        auth = botocore.auth.SigV2Auth(credentials)
    url = 'http://127.0.0.1:8000' + path
    if method == 'POST':
        request = botocore.awsrequest.AWSRequest(
            method=method, url=url, data=params, headers={'Content-Type': FORM}
        )
    else:
        request = botocore.awsrequest.AWSRequest(
            method=method, url=url, params=params
        )
    auth.add_auth(request)
    prepared = request.prepare()
    body = prepared.body or b''
    if isinstance(body, str):
        body = body.encode('utf-8')
    return webob.Request.blank(
        prepared.url, method=method, headers=dict(prepared.headers), body=body
    )


def body_json(response):
    return json.loads(response.body)


@pytest.fixture
def conf():
    yield config.CONF
    config.CONF.clear_override('max_body_size', group='heat_api')
    config.CONF.clear_override('backend', group='auth')
    config.CONF.clear_override('keystone_url', group='auth')
