"""Functions that compute values: strings, lists, maps and address blocks."""

import base64
import ipaddress

from heat.engine.functions import base


def _string(function, value, what):
    if not base.is_scalar(value):
        raise function.error(
            '%s requires %s to be a string' % (function.fn_name, what)
        )
    return base.as_text(value)


def _integer(function, value, what):
    try:
        return int(base.as_text(value))
    except ValueError:
        raise function.error(
            '%s requires %s to be an integer' % (function.fn_name, what)
        ) from None


def _list_of(function, args, count, usage):
    if not (isinstance(args, list) and len(args) == count):
        raise function.error('%s requires %s' % (function.fn_name, usage))
    return args


class Join(base.Function):
    """Fn::Join: [delimiter, [values]]."""

    USAGE = 'a list of [delimiter, [values]]'

    def __init__(self, ctx, fn_name, args, path):
        super().__init__(ctx, fn_name, args, path)
        delimiter, values = _list_of(self, args, 2, self.USAGE)
        if not isinstance(delimiter, str) or not isinstance(
            values, (list, base.Function)
        ):
            raise self.error('Fn::Join requires ' + self.USAGE)

    def result(self):
        delimiter, values = self.args
        values = base.resolve(values)
        if not isinstance(values, list):
            raise self.error('Fn::Join requires ' + self.USAGE)
        return delimiter.join(
            _string(self, value, 'each value') for value in values
        )


class Base64(base.Function):
    """Fn::Base64: the base64 encoding of a string's UTF-8 bytes."""

    def result(self):
        text = _string(self, base.resolve(self.args), 'its argument')
        return base64.b64encode(text.encode('utf-8')).decode('ascii')


class Select(base.Function):
    """Fn::Select: [index, list]."""

    def __init__(self, ctx, fn_name, args, path):
        super().__init__(ctx, fn_name, args, path)
        _list_of(self, args, 2, '[index, list]')

    def result(self):
        index, values = base.resolve(self.args[0]), base.resolve(self.args[1])
        index = _integer(self, index, 'the index')
        if not isinstance(values, list):
            raise self.error('Fn::Select requires a list to select from')
        if not 0 <= index < len(values):
            raise self.error(
                'Fn::Select cannot select nonexistent value at '
                'index %d' % index
            )
        return values[index]


class Split(base.Function):
    """Fn::Split: [delimiter, string]."""

    def __init__(self, ctx, fn_name, args, path):
        super().__init__(ctx, fn_name, args, path)
        delimiter, _ = _list_of(self, args, 2, '[delimiter, string]')
        if not isinstance(delimiter, str) or not delimiter:
            raise self.error('Fn::Split requires a non-empty delimiter string')

    def result(self):
        delimiter, text = self.args
        return _string(self, base.resolve(text), 'a string').split(delimiter)


class FindInMap(base.Function):
    """Fn::FindInMap: [map name, top-level key, second-level key]."""

    def __init__(self, ctx, fn_name, args, path):
        super().__init__(ctx, fn_name, args, path)
        _list_of(self, args, 3, '[MapName, TopLevelKey, SecondLevelKey]')

    def validate(self):
        super().validate()
        map_name = self.args[0]
        if (
            isinstance(map_name, str)
            and map_name not in self.ctx.template.mappings
        ):
            raise self.error(
                'Fn::FindInMap refers to mapping %s, which is '
                'not in the Mappings section' % map_name
            )

    def result(self):
        keys = [
            _string(self, base.resolve(arg), 'its keys') for arg in self.args
        ]
        value = self.ctx.template.mappings
        for key in keys:
            value = _lookup(value, key)
            if value is None:
                raise self.error(
                    'Template error: Unable to get mapping for '
                    '%s' % '::'.join(keys)
                )
        return value


def _lookup(mapping, key):
    if not isinstance(mapping, dict):
        return None
    for candidate, value in mapping.items():
        # YAML may have read keys such as 64 as numbers.
        if base.as_text(candidate) == key:
            return value
    return None


class Cidr(base.Function):
    """Fn::Cidr: [ip block, count, host bits per subnet]."""

    def __init__(self, ctx, fn_name, args, path):
        super().__init__(ctx, fn_name, args, path)
        _list_of(self, args, 3, '[ipBlock, count, cidrBits]')

    def result(self):
        block, count, bits = (base.resolve(arg) for arg in self.args)
        try:
            network = ipaddress.ip_network(
                _string(self, block, 'ipBlock'), strict=False
            )
        except ValueError:
            raise self.error(
                'Fn::Cidr requires ipBlock to be an address '
                'block such as 10.0.0.0/16'
            ) from None
        count = _integer(self, count, 'count')
        bits = _integer(self, bits, 'cidrBits')
        if not 1 <= count <= 256:
            raise self.error('Fn::Cidr count must be between 1 and 256')
        new_prefix = network.max_prefixlen - bits
        if not network.prefixlen <= new_prefix < network.max_prefixlen:
            raise self.error(
                'Fn::Cidr cidrBits %d does not fit in %s' % (bits, network)
            )
        available = 2 ** (new_prefix - network.prefixlen)
        if count > available:
            raise self.error(
                'Fn::Cidr cannot make %d subnets of /%d in %s'
                % (count, new_prefix, network)
            )
        subnets = network.subnets(new_prefix=new_prefix)
        return [str(next(subnets)) for _ in range(count)]


class Replace(base.Function):
    """Fn::Replace (Heat): [{'old': 'new', ...}, string]."""

    USAGE = '[{"old": "new", ...}, string]'

    def __init__(self, ctx, fn_name, args, path):
        super().__init__(ctx, fn_name, args, path)
        _list_of(self, args, 2, self.USAGE)

    def result(self):
        replacements, text = (base.resolve(arg) for arg in self.args)
        if not isinstance(replacements, dict):
            raise self.error('Fn::Replace requires ' + self.USAGE)
        text = _string(self, text, 'the string')
        for old, new in replacements.items():
            text = text.replace(
                base.as_text(old), _string(self, new, 'replacements')
            )
        return text


class MemberListToMap(base.Function):
    """Fn::MemberListToMap (Heat): [key name, value name, member list].

    Turns the Query API's ['.member.0.Name=a', '.member.0.Value=b'] into
    {'a': 'b'}.
    """

    USAGE = '[key name, value name, [".member.N.Key=value", ...]]'

    def __init__(self, ctx, fn_name, args, path):
        super().__init__(ctx, fn_name, args, path)
        _list_of(self, args, 3, self.USAGE)

    def result(self):
        key_name, value_name, members = (base.resolve(a) for a in self.args)
        if not isinstance(members, list):
            raise self.error('Fn::MemberListToMap requires ' + self.USAGE)
        keys, values = {}, {}
        for member in members:
            index, field, value = self._split_member(member)
            if field == key_name:
                keys[index] = value
            elif field == value_name:
                values[index] = value
        return {keys[index]: values.get(index) for index in keys}

    def _split_member(self, member):
        path, sep, value = base.as_text(member).partition('=')
        parts = path.split('.')
        if not sep or len(parts) != 4 or parts[1] != 'member':
            raise self.error('Fn::MemberListToMap cannot read %r' % member)
        return parts[2], parts[3], value
