"""Decoding AWS Query requests, driven by botocore's CloudFormation model.

A Query request is a flat set of ``name=value`` pairs.  The operation's input
shape says how names nest: ``X.Sub`` for a structure member, ``X.member.N``
for the N-th list item (counting from 1), ``X.entry.N.key``/``.value`` for a
map entry.  ``parse_request`` turns the pairs back into plain Python values
keyed by the shape's member names, so controllers never see the encoding.

The pairs come off the WSGI request once (``request_params``), read as
webob's req.params read them, which is what clients have been served by;
the layers of the pipeline share them through the environ.
"""

import datetime
import functools
import io
import re
import urllib.parse

import botocore.session
import webob
import webob.compat
import webob.request

from heat.common import exception

API_VERSION = '2010-05-15'

# Names that belong to the protocol (signing, versioning, reply format), not
# to the operation's input.
_PROTOCOL_NAMES = frozenset(
    [
        'Action',
        'Version',
        'ContentType',
        'AWSAccessKeyId',
        'Timestamp',
        'Expires',
        'Signature',
        'SignatureMethod',
        'SignatureVersion',
    ]
)
_PROTOCOL_PREFIX = 'X-Amz-'

# A list or map index: a positive integer without leading zeros.
_INDEX = re.compile(r'[1-9][0-9]*\Z')

FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded'
# The types webob's req.POST reads a body of; any other body is no form.
_WEBOB_FORM_TYPES = ('', FORM_CONTENT_TYPE, 'multipart/form-data')
_QUERY_KEY = 'heat.query_params'
_FORM_KEY = 'heat.form_params'
_BODY_KEY = 'heat.body'


@functools.cache
def service_model():
    """botocore's CloudFormation model: the spec of the wire format."""
    return botocore.session.get_session().get_service_model(
        'cloudformation', api_version=API_VERSION
    )


def operation_model(action_name):
    """The model of one action; InvalidAction if CloudFormation has none."""
    if action_name not in service_model().operation_names:
        raise exception.InvalidAction(action=action_name)
    return service_model().operation_model(action_name)


def parse_request(action_name, params):
    """Decode the Query parameters of one action into plain values.

    Raises InvalidAction, MissingParameter or InvalidParameterValue.
    """
    shape = operation_model(action_name).input_shape
    if shape is None:
        return {}
    tree = _nest(
        {
            name: value
            for name, value in params.items()
            if not _is_protocol_name(name)
        }
    )
    return _decode_structure(shape, tree, prefix='', ignore_unknown=True)


def query_params(environ):
    """The (name, value) pairs of the query string, decoded once.

    Decoded by webob's own parser, as its req.GET was: pairs split at '&'
    and ';', '+' is a space, a malformed escape stays as sent.  Raises
    UnicodeDecodeError for bytes that are not UTF-8 (check_utf8 refuses
    those first).  Kept in the environ for the layers after the first.
    """
    pairs = environ.get(_QUERY_KEY)
    if pairs is None:
        pairs = list(
            webob.compat.parse_qsl_text(environ.get('QUERY_STRING', ''))
        )
        environ[_QUERY_KEY] = pairs
    return pairs


def request_body(environ):
    """The request body, read once.

    As webob's req.body leaves it, the body is then in environ['wsgi.input']
    again (seekable) with its length in CONTENT_LENGTH, for any layer that
    reads it after.
    """
    body = environ.get(_BODY_KEY)
    if body is None:
        body = _read_body(environ)
        environ[_BODY_KEY] = body
    return body


def _read_body(environ):
    length = environ.get('CONTENT_LENGTH', '')
    if not (length.isascii() and length.isdigit()) or environ.get(
        'webob.is_body_seekable'
    ):
        # Chunked, malformed or read before: webob knows every case.
        return webob.Request(environ).body
    size = int(length)
    if not size:
        return b''
    body = environ['wsgi.input'].read(size)
    if len(body) < size:
        raise webob.request.DisconnectionError(
            'The client disconnected while sending the body '
            '(%d more bytes were expected)' % (size - len(body))
        )
    environ['wsgi.input'] = io.BytesIO(body)
    environ['CONTENT_LENGTH'] = str(size)
    environ['webob.is_body_seekable'] = True
    return body


def form_params(environ):
    """The (name, value) pairs of a form body, decoded once, as webob's
    req.POST was; none when the body is not a form.

    Reads (and buffers) the body.  Kept in the environ like query_params.
    """
    pairs = environ.get(_FORM_KEY)
    if pairs is None:
        pairs = _read_form(webob.Request(environ))
        environ[_FORM_KEY] = pairs
    return pairs


def _read_form(req):
    content_type = req.content_type
    if content_type not in _WEBOB_FORM_TYPES or (
        req.method != 'POST' and not content_type
    ):
        return []
    if req.method == 'POST' and content_type == FORM_CONTENT_TYPE:
        # What cgi.FieldStorage made of such a body for webob.  Read as
        # UTF-8 whatever charset it declares, as the Query API's
        # parameters are: check_utf8 has refused one that is not.
        return urllib.parse.parse_qsl(
            request_body(req.environ).decode('utf-8', 'replace'),
            keep_blank_values=True,
        )
    # A multipart body or a POST without a type: rare enough to leave to
    # webob, which refuses (with a DeprecationWarning, raised) a charset
    # other than UTF-8.
    try:
        return list(req.POST.items())
    except DeprecationWarning:
        raise exception.MalformedQueryString(
            'A form body must be UTF-8, not %s.' % req.charset
        ) from None


def is_form_post(environ):
    """Whether the request POSTs an urlencoded form: the body check_utf8
    checks and SigV2 may sign."""
    return (
        environ.get('REQUEST_METHOD') == 'POST'
        and environ.get('CONTENT_TYPE', '').split(';', 1)[0]
        == FORM_CONTENT_TYPE
    )


def request_params(environ):
    """Query and form parameters in one dict, as dict(req.params) was:
    names in the order first seen, a name's last value, the query
    string's value before the form's."""
    query = query_params(environ)
    params = dict(query + form_params(environ))
    params.update(query)
    return params


def check_utf8(query_string, form_body=b''):
    """Raise MalformedQueryString if a parameter is not UTF-8.

    webob would replace the bad bytes silently, so a name or template
    would be stored other than it was sent.  query_string is the WSGI
    QUERY_STRING (bytes as latin-1 text); form_body the raw form bytes.
    """
    for raw in (query_string.encode('latin-1'), form_body):
        # '&' and '=' are ASCII, so the whole is UTF-8 exactly when every
        # name and value is: one decode checks them all.
        try:
            _unquote(raw).decode('utf-8')
        except UnicodeDecodeError:
            raise _not_utf8(raw) from None


def _not_utf8(raw):
    """MalformedQueryString naming the first parameter not in UTF-8."""
    for pair in raw.split(b'&'):
        name, _, value = pair.partition(b'=')
        try:
            _unquote(name).decode('utf-8')
            _unquote(value).decode('utf-8')
        except UnicodeDecodeError:
            return exception.MalformedQueryString(
                'The value of parameter %s is not valid UTF-8.'
                % _unquote(name).decode('utf-8', 'replace')
            )


def _unquote(raw):
    return urllib.parse.unquote_to_bytes(raw.replace(b'+', b' '))


def _is_protocol_name(name):
    return name in _PROTOCOL_NAMES or name.startswith(_PROTOCOL_PREFIX)


def _nest(params):
    """``{'A.b.1': v}`` -> ``{'A': {'b': {'1': v}}}``; a leaf is a str."""
    tree = {}
    for name, value in params.items():
        *parents, leaf = name.split('.')
        node = tree
        for i, part in enumerate(parents):
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                raise _invalid('.'.join(parents[: i + 1]))
        if isinstance(node.get(leaf), dict):
            raise _invalid(name)
        node[leaf] = value
    return tree


def _invalid(name, why='is not valid'):
    return exception.InvalidParameterValue(
        'Value for parameter %s %s.' % (name, why)
    )


def _decode(shape, node, name):
    decoder = _DECODERS.get(shape.type_name)
    if decoder is None:
        raise _invalid(name, 'has a type this service does not accept')
    return decoder(shape, node, name)


def _decode_structure(shape, node, prefix, ignore_unknown=False):
    if not isinstance(node, dict):
        raise _invalid(prefix)
    result = {}
    wire_names = {}
    for member, member_shape in shape.members.items():
        wire_name = member_shape.serialization.get('name', member)
        wire_names[wire_name] = member
        if wire_name in node:
            full_name = prefix + wire_name
            result[member] = _decode(member_shape, node[wire_name], full_name)
    for required in shape.required_members:
        if required not in result:
            raise exception.MissingParameter(name=prefix + required)
    # Unknown top-level names are ignored, as newer clients may send members
    # this model lacks; inside a known member they can only be mistakes.
    unknown = set(node) - set(wire_names)
    if unknown and not ignore_unknown:
        raise _invalid(prefix + sorted(unknown)[0], 'is not a known member')
    return result


def _items(node, name):
    """The values of an indexed collection, in index order, without gaps."""
    if not isinstance(node, dict):
        raise _invalid(name)
    for index in node:
        if not _INDEX.match(index):
            raise _invalid('%s.%s' % (name, index), 'has a bad index')
    indexes = sorted(int(i) for i in node)
    if indexes != list(range(1, len(indexes) + 1)):
        raise _invalid(name, 'skips an index')
    return [('%s.%d' % (name, i), node[str(i)]) for i in indexes]


def _decode_list(shape, node, name):
    # An empty list is sent as the bare name with an empty value.
    if node == '':
        return []
    if not isinstance(node, dict) or set(node) != {'member'}:
        raise _invalid(name, 'is not a list')
    items = _items(node['member'], name + '.member')
    return [
        _decode(shape.member, value, item_name) for item_name, value in items
    ]


def _decode_map(shape, node, name):
    if not isinstance(node, dict) or set(node) != {'entry'}:
        raise _invalid(name, 'is not a map')
    key_name = shape.key.serialization.get('name', 'key')
    value_name = shape.value.serialization.get('name', 'value')
    result = {}
    for entry_name, entry in _items(node['entry'], name + '.entry'):
        if not isinstance(entry, dict) or set(entry) != {key_name, value_name}:
            raise _invalid(entry_name, 'is not a key and value')
        key = _decode(shape.key, entry[key_name], entry_name + '.key')
        result[key] = _decode(
            shape.value, entry[value_name], '%s.%s' % (entry_name, value_name)
        )
    return result


def _scalar(node, name):
    if not isinstance(node, str):
        raise _invalid(name, 'must be a single value')
    return node


def _decode_string(shape, node, name):
    return _scalar(node, name)


def _decode_integer(shape, node, name):
    text = _scalar(node, name)
    if not re.fullmatch(r'-?[0-9]+', text):
        raise _invalid(name, 'must be an integer')
    return int(text)


def _decode_float(shape, node, name):
    try:
        return float(_scalar(node, name))
    except ValueError:
        raise _invalid(name, 'must be a number') from None


def _decode_boolean(shape, node, name):
    text = _scalar(node, name)
    if text not in ('true', 'false'):
        raise _invalid(name, "must be 'true' or 'false'")
    return text == 'true'


def _decode_timestamp(shape, node, name):
    try:
        value = datetime.datetime.fromisoformat(_scalar(node, name))
    except ValueError:
        raise _invalid(name, 'must be an ISO 8601 time') from None
    if value.tzinfo is None:
        return value.replace(tzinfo=datetime.UTC)
    return value.astimezone(datetime.UTC)


_DECODERS = {
    'structure': lambda shape, node, name: _decode_structure(
        shape, node, prefix=name + '.'
    ),
    'list': _decode_list,
    'map': _decode_map,
    'string': _decode_string,
    'integer': _decode_integer,
    'long': _decode_integer,
    'float': _decode_float,
    'double': _decode_float,
    'boolean': _decode_boolean,
    'timestamp': _decode_timestamp,
}
