"""Reading parameters and bodies off WSGI requests, as webob did.

webob's req.params, req.GET, req.POST and req.body are the reference: the
API read requests through them before, and clients rely on what they made
of repeated names, blank values, '+' and escapes.
"""

import io

import pytest
import webob
import webob.request

from heat.api.cfn import request
from heat.common import exception

FORM = 'application/x-www-form-urlencoded'


def blank(
    query='', body=None, method='POST', content_type=FORM + '; charset=utf-8'
):
    req = webob.Request.blank(
        '/v1/?' + query if query else '/v1/', method=method
    )
    if content_type is not None:
        req.environ['CONTENT_TYPE'] = content_type
    if body is not None:
        req.environ['wsgi.input'] = io.BytesIO(body)
        req.environ['CONTENT_LENGTH'] = str(len(body))
    return req.environ


def both(*args):
    """What webob made of a request, and the same request unread."""
    return dict(webob.Request(blank(*args)).params), blank(*args)


@pytest.mark.parametrize(
    'query, body',
    [
        ('', b'Action=DescribeStacks&StackName=web&Version=2010-05-15'),
        ('Action=DescribeStacks&StackName=web', b''),
        ('', b'StackName=a&StackName=b&Action=X'),
        ('StackName=q1&StackName=q2', b'StackName=f&Action=X&NextToken=t'),
        ('NextToken=&Bare&=v', b'Empty=&Bare2&=w'),
        ('A=a+b%2Bc%20d%7e%zz%4', b'B=a+b%2Bc%20d%7e%zz%4'),
        ('A=%+f;B=%-0;;C=1&&D', b'A=%+f;B=1&C=%C3%A9'),
        ('A=%C3%A9t%C3%A9', 'B=\u00e9t\u00e9&C=%E2%82%AC'.encode()),
    ],
)
def test_params_are_webobs(query, body):
    expected, environ = both(query, body)
    params = request.request_params(environ)
    assert params == expected
    assert list(params) == list(expected)


@pytest.mark.parametrize(
    'method, content_type, body',
    [
        ('POST', None, b'Action=DescribeStacks&StackName=x'),
        ('POST', '', b'Action=DescribeStacks&StackName=x'),
        (
            'POST',
            'multipart/form-data; boundary=XX',
            b'--XX\r\nContent-Disposition: form-data; name="Action"\r\n\r\n'
            b'DescribeStacks\r\n--XX--\r\n',
        ),
        ('POST', 'application/json', b'{"Action": "DescribeStacks"}'),
        ('POST', 'Application/X-WWW-Form-Urlencoded', b'Action=X'),
        ('POST', FORM, b'Action=X&Bad=\xff'),
        ('GET', FORM, b'Action=X'),
        ('PUT', FORM, b'Action=X'),
        ('GET', None, b''),
    ],
)
def test_bodies_are_forms_where_webob_read_them(method, content_type, body):
    expected, environ = both('Version=1', body, method, content_type)
    assert request.request_params(environ) == expected


def test_parameters_are_decoded_once_per_request():
    environ = blank('A=1', b'B=2')
    assert request.query_params(environ) is request.query_params(environ)
    assert request.form_params(environ) is request.form_params(environ)


def test_body_is_read_once_and_left_for_later_readers():
    environ = blank(body=b'Action=X')
    environ['CONTENT_LENGTH'] = '08'
    assert request.request_body(environ) == b'Action=X'
    assert request.request_body(environ) == b'Action=X'
    assert webob.Request(environ).body == b'Action=X'
    assert environ['CONTENT_LENGTH'] == '8'


def test_chunked_body_is_read_by_webob():
    environ = blank(body=b'Action=X')
    del environ['CONTENT_LENGTH']
    environ['wsgi.input_terminated'] = True
    assert request.request_body(environ) == b'Action=X'
    assert webob.Request(environ).body == b'Action=X'


def test_body_cut_short_is_a_disconnection():
    environ = blank(body=b'Action=X')
    environ['CONTENT_LENGTH'] = '100'
    with pytest.raises(webob.request.DisconnectionError):
        request.request_body(environ)


@pytest.mark.parametrize(
    'query, form, named',
    [
        ('A=%FF', b'', 'A'),
        ('A=1&B%FF=2', b'', 'B\ufffd'),
        ('', b'A=1&B=%C3', 'B'),
        ('', b'A=1&B=\xc3\xa9&C=\xff', 'C'),
    ],
)
def test_bytes_not_utf8_are_refused_naming_the_parameter(query, form, named):
    with pytest.raises(exception.MalformedQueryString) as raised:
        request.check_utf8(query, form)
    assert 'parameter %s is' % named in str(raised.value)


def test_utf8_parameters_pass():
    request.check_utf8('A=%C3%A9&B=+%2B', b'C=\xc3\xa9&D=%E2%82%AC')


def test_a_character_cut_by_a_separator_is_refused():
    with pytest.raises(exception.MalformedQueryString, match='parameter A is'):
        request.check_utf8('A=%C3&B=%A9')


@pytest.mark.parametrize('charset', ['latin-1', 'iso-8859-1', 'ascii'])
def test_a_form_is_read_as_utf8_whatever_charset_it_declares(charset):
    # webob refused these with an exception of its own; the Query API's
    # parameters are UTF-8 (check_utf8 refuses other bytes first).
    environ = blank(
        body=b'Action=DescribeStacks&StackName=w%C3%A9b',
        content_type=FORM + '; charset=' + charset,
    )
    assert request.request_params(environ) == {
        'Action': 'DescribeStacks',
        'StackName': 'w\u00e9b',
    }


def test_a_multipart_form_in_another_charset_is_an_aws_error():
    body = (
        b'--b\r\nContent-Disposition: form-data; name="Action"\r\n\r\n'
        b'DescribeStacks\r\n--b--\r\n'
    )
    environ = blank(
        body=body,
        content_type='multipart/form-data; boundary=b; charset=latin-1',
    )
    with pytest.raises(exception.MalformedQueryString, match='must be UTF-8'):
        request.request_params(environ)
