"""Rendering results and errors as AWS Query responses, XML or JSON.

Controllers return plain data keyed by the member names of the action's
output shape in botocore's CloudFormation model: str, int, float, bool,
datetime (UTC; naive means UTC), lists and dicts.  The shape alone decides
the wire form, and a result that does not fit it is refused
(InvalidResult) rather than sent malformed.

The JSON form is what boto 2 and heat-cfntools read when they send
``ContentType=JSON``: the XML document's nesting as objects, lists as
arrays, numbers and booleans native, timestamps as the same ISO 8601 text.
"""

import datetime
import json
import numbers
import re

from heat.api.cfn import request

NAMESPACE = 'http://cloudformation.amazonaws.com/doc/2010-05-15/'
XML_CONTENT_TYPE = 'text/xml'
JSON_CONTENT_TYPE = 'application/json'

# Characters XML 1.0 cannot carry at all, even escaped.
_NOT_XML = re.compile('[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]')


class InvalidResult(ValueError):
    """A result does not fit the action's output shape (a bug, not input)."""


def serialize(action_name, result, request_id, fmt='xml'):
    """Render one action's result; returns (body bytes, content type)."""
    shape = request.operation_model(action_name).output_shape
    response_name = action_name + 'Response'
    document = {}
    if shape is not None:
        result_name = shape.serialization.get('resultWrapper',
                                              action_name + 'Result')
        document[result_name] = _normalize_result(shape, result or {},
                                                  action_name)
    elif result:
        raise InvalidResult('%s returns nothing, got %r'
                            % (action_name, result))
    document['ResponseMetadata'] = {'RequestId': request_id}
    if fmt == 'json':
        return _json({response_name: document})
    parts = []
    for name, value in document.items():
        member_shape = shape if name != 'ResponseMetadata' else None
        parts.append(_element(name, _xml_value(member_shape, value)))
    return _xml(response_name, ''.join(parts))


def serialize_error(err, request_id, fmt='xml'):
    """Render a HeatError as an AWS error; returns (body, content type).

    The HTTP status to send with it is ``err.http_status``.
    """
    error = {
        'Type': 'Sender' if err.sender_fault else 'Receiver',
        'Code': err.code,
        'Message': error_message(err),
    }
    if fmt == 'json':
        return _json({'Error': error, 'RequestId': request_id})
    fields = ''.join(_element(k, _escape(v)) for k, v in error.items())
    return _xml('ErrorResponse', _element('Error', fields) +
                _element('RequestId', _escape(request_id)))


def error_message(err):
    """The message an error was raised with.

    Errors that crossed RPC have a ``__str__`` that appends the remote
    traceback; the first argument is the message alone.
    """
    if err.args and isinstance(err.args[0], str):
        return err.args[0]
    return type(err).message


def format_timestamp(value):
    """ISO 8601 in UTC with milliseconds: 2026-11-23T19:00:00.123Z."""
    if value.tzinfo is not None:
        value = value.astimezone(datetime.timezone.utc)
    return value.strftime('%Y-%m-%dT%H:%M:%S.') + '%03dZ' % (
        value.microsecond // 1000)


def _json(document):
    return json.dumps(document).encode('utf-8'), JSON_CONTENT_TYPE


def _xml(root_name, inner):
    body = ('<?xml version="1.0" encoding="UTF-8"?>\n<%s xmlns="%s">%s</%s>'
            % (root_name, NAMESPACE, inner, root_name))
    return body.encode('utf-8'), XML_CONTENT_TYPE


# Checking a result against its shape.  Where a value sits is worked out
# only when it does not fit: results are checked on every request, and
# naming every member on the way costs more than the checks.

class _Misfit(Exception):
    """A value that does not fit its shape; each enclosing structure, list
    or map adds where the value sits within it on the way out."""

    def __init__(self, why):
        super().__init__(why)
        self.why = why
        self.where = []  # innermost first

    def within(self, step):
        self.where.append(step)
        return self

    def as_invalid_result(self, root):
        return InvalidResult('%s%s: %s' % (
            root, ''.join(reversed(self.where)), self.why))


def _normalize_result(shape, value, root):
    try:
        return _normalize(shape, value)
    except _Misfit as misfit:
        raise misfit.as_invalid_result(root) from None


def _normalize(shape, value):
    """Check value against shape; return it with timestamps as text.

    Structures keep the shape's member order and drop members set to None.
    """
    check = _CHECKS.get(shape.type_name)
    if check is None:
        raise _Misfit('type %s is not supported' % shape.type_name)
    return check(shape, value)


def _expect(value, types, what):
    if not isinstance(value, types) or (
            isinstance(value, bool) and bool not in _as_tuple(types)):
        raise _Misfit('expected %s, got %r' % (what, value))
    return value


def _as_tuple(types):
    return types if isinstance(types, tuple) else (types,)


def _check_structure(shape, value):
    _expect(value, dict, 'a dict')
    members = shape.members
    unknown = [name for name in value if name not in members]
    if unknown:
        raise _Misfit('unknown members %s' % ', '.join(sorted(unknown)))
    result = {}
    for name, member_shape in members.items():
        member_value = value.get(name)
        if member_value is None:
            if name in shape.required_members:
                raise _Misfit('required member %s is missing' % name)
            continue
        try:
            result[name] = _normalize(member_shape, member_value)
        except _Misfit as misfit:
            raise misfit.within('.' + name)
    return result


def _check_list(shape, value):
    _expect(value, (list, tuple), 'a list')
    result = []
    for i, item in enumerate(value):
        try:
            result.append(_normalize(shape.member, item))
        except _Misfit as misfit:
            raise misfit.within('[%d]' % i)
    return result


def _check_map(shape, value):
    _expect(value, dict, 'a dict')
    result = {}
    for k, v in value.items():
        try:
            key = _normalize(shape.key, k)
        except _Misfit as misfit:
            raise misfit.within(' key')
        try:
            result[key] = _normalize(shape.value, v)
        except _Misfit as misfit:
            raise misfit.within('[%r]' % (k,))
    return result


_ISO_UTC = re.compile(r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z\Z')
# What format_timestamp writes, and describes send: kept as it is.
_ISO_UTC_MILLISECONDS = re.compile(
    r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\Z')


def _check_timestamp(shape, value):
    # The engine sends ISO 8601 UTC text, which crosses RPC unchanged.
    if isinstance(value, str):
        if _ISO_UTC_MILLISECONDS.match(value):
            return value
        if _ISO_UTC.match(value):
            value = datetime.datetime.fromisoformat(value)
    return format_timestamp(_expect(value, datetime.datetime,
                                    'a datetime or ISO 8601 text'))


_CHECKS = {
    'structure': _check_structure,
    'list': _check_list,
    'map': _check_map,
    'string': lambda s, v: _expect(v, str, 'a string'),
    'integer': lambda s, v: _expect(v, int, 'an integer'),
    'long': lambda s, v: _expect(v, int, 'an integer'),
    'float': lambda s, v: _expect(v, numbers.Real, 'a number'),
    'double': lambda s, v: _expect(v, numbers.Real, 'a number'),
    'boolean': lambda s, v: _expect(v, bool, 'a boolean'),
    'timestamp': _check_timestamp,
}


# Writing checked values as XML.

def _escape(text):
    # Every value of every response passes here, some of them long URLs:
    # str methods scan in C where a translation table looks up each
    # character.  Printable text has none of the characters XML refuses.
    if not text.isprintable():
        text = _NOT_XML.sub('', text)
    # '\r' is escaped so that XML parsers do not turn CRLF into LF.
    return (text.replace('&', '&amp;').replace('<', '&lt;')
            .replace('>', '&gt;').replace('\r', '&#13;'))


def _element(name, inner):
    return '<%s>%s</%s>' % (name, inner, name)


def _xml_value(shape, value):
    """The XML content of a normalized value (shape None: plain dict)."""
    if shape is None:
        return ''.join(_element(k, _escape(v)) for k, v in value.items())
    if shape.type_name == 'structure':
        return ''.join(
            _element(shape.members[name].serialization.get('name', name),
                     _xml_value(shape.members[name], member_value))
            for name, member_value in value.items())
    if shape.type_name == 'list':
        item_name = shape.member.serialization.get('name', 'member')
        return ''.join(_element(item_name, _xml_value(shape.member, item))
                       for item in value)
    if shape.type_name == 'map':
        key_name = shape.key.serialization.get('name', 'key')
        value_name = shape.value.serialization.get('name', 'value')
        return ''.join(
            _element('entry',
                     _element(key_name, _xml_value(shape.key, k)) +
                     _element(value_name, _xml_value(shape.value, v)))
            for k, v in value.items())
    if shape.type_name == 'boolean':
        return 'true' if value else 'false'
    return _escape(str(value))
