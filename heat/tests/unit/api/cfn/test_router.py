"""Routing by path and HTTP method, nothing else."""

import webob

import heat.api.cfn
from heat.common import context


class Engine:
    """Answers every describe with no stacks."""

    def call(self, ctxt, method, **kwargs):
        return {'Stacks': []}


def test_a_method_parameter_does_not_change_the_route():
    req = webob.Request.blank(
        '/v1/?_method=DELETE&Action=DescribeStacks&Version=2010-05-15')
    req.environ['heat.context'] = context.RequestContext(tenant='t1')
    response = req.get_response(heat.api.cfn.Router(Engine()))
    assert response.status_code == 200
    assert b'<DescribeStacksResult>' in response.body
