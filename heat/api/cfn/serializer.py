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
import functools
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
    rendering = _RENDERINGS.get(action_name) or _rendering(action_name)
    if fmt == 'json':
        return rendering.json.body(result, request_id), JSON_CONTENT_TYPE
    return rendering.xml.body(result, request_id), XML_CONTENT_TYPE


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
    return _xml(
        'ErrorResponse',
        _element('Error', fields) + _element('RequestId', _escape(request_id)),
    )


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
        value = value.astimezone(datetime.UTC)
    return value.strftime('%Y-%m-%dT%H:%M:%S.') + '%03dZ' % (
        value.microsecond // 1000
    )


def _json(document):
    return json.dumps(document).encode('utf-8'), JSON_CONTENT_TYPE


def _xml(root_name, inner):
    body = '<?xml version="1.0" encoding="UTF-8"?>\n<%s xmlns="%s">%s</%s>' % (
        root_name,
        NAMESPACE,
        inner,
        root_name,
    )
    return body.encode('utf-8'), XML_CONTENT_TYPE


# Each action's output shape is turned, on first use, into a function that
# checks a result against it in the same pass as it writes the result's
# XML, and one that does the same writing JSON.  Walking botocore's shapes
# costs far more than walking a result, so it is done once.

_RENDERINGS = {}


def _rendering(action_name):
    # Threads that build the same rendering at once build equal ones.
    return _RENDERINGS.setdefault(action_name, _Rendering(action_name))


class _Rendering:
    """One action's responses, as XML and as JSON."""

    def __init__(self, action_name):
        shape = request.operation_model(action_name).output_shape
        self.xml = _Response(action_name, shape, _Xml)
        self.json = _Response(action_name, shape, _Json)


class _Response:
    """One action's responses in one syntax."""

    def __init__(self, action_name, shape, syntax):
        self._action_name = action_name
        if shape is None:
            result_name = self._render = None
        else:
            result_name = shape.serialization.get(
                'resultWrapper', action_name + 'Result'
            )
            self._render = _build(shape, syntax, {})
        self._head, self._middle, self._tail = syntax.document(
            action_name + 'Response', result_name
        )
        self._request_id = syntax.request_id

    def body(self, result, request_id):
        return (
            self._head
            + self._content(result)
            + self._middle
            + self._request_id(request_id)
            + self._tail
        ).encode('utf-8')

    def _content(self, result):
        if self._render is None:
            if result:
                raise InvalidResult(
                    '%s returns nothing, got %r' % (self._action_name, result)
                )
            return ''
        try:
            return self._render(result or {})
        except _Misfit as misfit:
            raise misfit.as_invalid_result(self._action_name) from None


def _build(shape, syntax, built):
    """The function checking values of shape and writing them in syntax.

    built maps the names of the shapes seen so far to their functions, so
    that a shape containing itself calls its own function once built.
    """
    name = shape.name
    if name in built:
        render = built[name]
        return render or (lambda value: built[name](value))
    built[name] = None
    kind = shape.type_name
    build = functools.partial(_build, syntax=syntax, built=built)
    if kind == 'structure':
        render = _structure(shape, syntax, build)
    elif kind == 'list':
        render = _list(shape, syntax, build)
    elif kind == 'map':
        render = _map(shape, syntax, build)
    else:
        render = syntax.scalar(_check_of(kind), kind)
    built[name] = render
    return render


def _structure(shape, syntax, build):
    """Members in the shape's order, leaving out those set to None."""
    names = frozenset(shape.members)
    members = [
        (
            name,
            name in shape.required_members,
            member_shape.type_name == 'string',
            *syntax.member(name, member_shape),
            build(member_shape),
        )
        for name, member_shape in shape.members.items()
    ]
    start, separator, end = syntax.around_structure
    remembered_text = syntax.remembered_text

    def render(value):
        if type(value) is not dict or not names.issuperset(value):
            _check_dict(value, names)
        parts = []
        for (
            name,
            required,
            is_string,
            opening,
            closing,
            render_member,
        ) in members:
            member_value = value.get(name)
            if member_value is None:
                if required:
                    raise _Misfit('required member %s is missing' % name)
                continue
            # Most members are short text: written without more calls.
            if (
                is_string
                and type(member_value) is str
                and len(member_value) <= _REMEMBERED_LENGTH
            ):
                parts.append(
                    f'{opening}{remembered_text(member_value)}{closing}'
                )
                continue
            try:
                parts.append(
                    f'{opening}{render_member(member_value)}{closing}'
                )
            except _Misfit as misfit:
                raise misfit.within('.' + name) from misfit
        return start + separator.join(parts) + end

    return render


def _list(shape, syntax, build):
    opening, closing = syntax.item(shape.member)
    render_item = build(shape.member)
    start, separator, end = syntax.around_list

    def render(value):
        if type(value) is not list:
            _expect(value, (list, tuple), 'a list')
        parts = []
        for i, item in enumerate(value):
            try:
                parts.append(f'{opening}{render_item(item)}{closing}')
            except _Misfit as misfit:
                raise misfit.within('[%d]' % i) from misfit
        return start + separator.join(parts) + end

    return render


def _map(shape, syntax, build):
    check_key = _check_of(shape.key.type_name)
    render_value = build(shape.value)
    entry = syntax.entry(shape, build)
    start, separator, end = syntax.around_map

    def render(value):
        _expect(value, dict, 'a dict')
        # Keys that check as the same key make one entry.
        entries = {}
        for k, v in value.items():
            try:
                key = check_key(k)
            except _Misfit as misfit:
                raise misfit.within(' key') from misfit
            try:
                entries[key] = render_value(v)
            except _Misfit as misfit:
                raise misfit.within('[%r]' % (k,)) from misfit
        return (
            start
            + separator.join(entry(key, text) for key, text in entries.items())
            + end
        )

    return render


# Where a value sits is worked out only when it does not fit: results are
# checked on every request, and naming every member on the way costs more
# than the checks.


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
        return InvalidResult(
            '%s%s: %s' % (root, ''.join(reversed(self.where)), self.why)
        )


def _expect(value, types, what):
    """value if it is one of types; booleans are no numbers here."""
    if isinstance(value, bool) or not isinstance(value, types):
        raise _Misfit('expected %s, got %r' % (what, value))
    return value


def _expect_boolean(value):
    if value is not True and value is not False:
        raise _Misfit('expected a boolean, got %r' % (value,))
    return value


def _check_dict(value, names):
    """Refuse value unless it is a dict keyed by some of names."""
    _expect(value, dict, 'a dict')
    unknown = [name for name in value if name not in names]
    if unknown:
        raise _Misfit('unknown members %s' % ', '.join(sorted(unknown)))


_ISO_UTC = re.compile(r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z\Z')
# What format_timestamp writes, and describes send: kept as it is.
_ISO_UTC_MILLISECONDS = re.compile(r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\Z')


def _timestamp_text(value):
    # The engine sends ISO 8601 UTC text, which crosses RPC unchanged.
    if isinstance(value, str):
        if _ISO_UTC_MILLISECONDS.match(value):
            return value
        if _ISO_UTC.match(value):
            value = datetime.datetime.fromisoformat(value)
    if not isinstance(value, datetime.datetime):
        raise _Misfit(
            'expected a datetime or ISO 8601 text, got %r' % (value,)
        )
    return format_timestamp(value)


# Each scalar type's check, returning the value to write.
_CHECKS = {
    'string': lambda value: _expect(value, str, 'a string'),
    'integer': lambda value: _expect(value, int, 'an integer'),
    'long': lambda value: _expect(value, int, 'an integer'),
    'float': lambda value: _expect(value, numbers.Real, 'a number'),
    'double': lambda value: _expect(value, numbers.Real, 'a number'),
    'boolean': _expect_boolean,
    'timestamp': _timestamp_text,
}


def _check_of(kind):
    try:
        return _CHECKS[kind]
    except KeyError:

        def refuse(value):
            raise _Misfit('type %s is not supported' % kind)

        return refuse


def _escape(text):
    # Every value of every response passes here, some of them long URLs:
    # str methods scan in C where a translation table looks up each
    # character.  Printable text has none of the characters XML refuses.
    if not text.isprintable():
        text = _NOT_XML.sub('', text)
    # '\r' is escaped so that XML parsers do not turn CRLF into LF.
    return (
        text.replace('&', '&amp;')
        .replace('<', '&lt;')
        .replace('>', '&gt;')
        .replace('\r', '&#13;')
    )


# Most text repeats from one response to the next (names, ARNs, statuses,
# the URLs of wait condition handles), and escaping it, for XML or JSON,
# looks at every character: short text is escaped once and remembered.
_REMEMBERED_LENGTH = 512


def _remembered(escape):
    """escape remembering its results, and a function using it if it may."""
    remembered = functools.lru_cache(maxsize=4096)(escape)

    def text(value):
        if len(value) <= _REMEMBERED_LENGTH:
            return remembered(value)
        return escape(value)

    return remembered, text


_remembered_xml_text, _xml_text = _remembered(_escape)
_remembered_json_text, _json_text = _remembered(
    json.encoder.encode_basestring_ascii
)


class _Xml:
    """Values as the content of their XML element."""

    # What starts, separates and ends the parts of a value.
    around_structure = around_list = around_map = ('', '', '')

    @staticmethod
    def document(response_name, result_name):
        head = '<?xml version="1.0" encoding="UTF-8"?>\n<%s xmlns="%s">' % (
            response_name,
            NAMESPACE,
        )
        middle = '<ResponseMetadata><RequestId>'
        if result_name is not None:
            head += '<%s>' % result_name
            middle = '</%s>%s' % (result_name, middle)
        return (
            head,
            middle,
            '</RequestId></ResponseMetadata></%s>' % response_name,
        )

    @staticmethod
    def request_id(request_id):
        return _escape(request_id)

    @staticmethod
    def member(name, shape):
        return _tags(shape, name)

    @staticmethod
    def item(shape):
        return _tags(shape, 'member')

    @staticmethod
    def entry(shape, build):
        key_opening, key_closing = _tags(shape.key, 'key')
        value_opening, value_closing = _tags(shape.value, 'value')
        render_key = build(shape.key)
        return lambda key, text: (
            f'<entry>{key_opening}{render_key(key)}{key_closing}'
            f'{value_opening}{text}{value_closing}</entry>'
        )

    remembered_text = staticmethod(_remembered_xml_text)

    @staticmethod
    def scalar(check, kind):
        if kind == 'boolean':
            return lambda value: 'true' if check(value) else 'false'
        # A str subclass or a number is written as str() writes it.
        return lambda value: _xml_text(str(check(value)))


def _tags(shape, default_name):
    name = shape.serialization.get('name', default_name)
    return '<%s>' % name, '</%s>' % name


class _Json:
    """Values as json.dumps writes them."""

    around_structure = around_map = ('{', ', ', '}')
    around_list = ('[', ', ', ']')

    @staticmethod
    def document(response_name, result_name):
        head = '{%s: {' % json.dumps(response_name)
        middle = '"ResponseMetadata": {"RequestId": '
        if result_name is not None:
            head += '%s: ' % json.dumps(result_name)
            middle = ', ' + middle
        return head, middle, '}}}'

    request_id = staticmethod(json.dumps)

    @staticmethod
    def member(name, shape):
        return '%s: ' % json.dumps(name), ''

    @staticmethod
    def item(shape):
        return '', ''

    @staticmethod
    def entry(shape, build):
        return lambda key, text: '%s: %s' % (_json_key(key), text)

    remembered_text = staticmethod(_remembered_json_text)

    @staticmethod
    def scalar(check, kind):
        if kind == 'boolean':
            return lambda value: 'true' if check(value) else 'false'
        if kind in ('string', 'timestamp'):
            return lambda value: _json_text(check(value))
        # Numbers include NaN and Infinity, written as json.dumps does.
        return lambda value: json.dumps(check(value))


def _json_key(key):
    # json.dumps writes the keys of a dict as strings.  Maps in the model
    # have text keys; others are written as the key of a one-entry dict.
    if isinstance(key, str):
        return _json_text(key)
    return json.dumps({key: None})[1 : -len(': null}')]


def _element(name, inner):
    return '<%s>%s</%s>' % (name, inner, name)
