"""Reading a template body: JSON or YAML, with CloudFormation's short tags.

A template body becomes plain data (dicts, lists, strings, numbers, booleans,
None).  YAML short tags such as ``!Ref`` or ``!GetAtt a.b`` become the long
form (``{'Ref': ...}``, ``{'Fn::GetAtt': ['a', 'b']}``) so the rest of the
engine sees one shape whatever the author wrote.
"""

import json
import re

import yaml

from heat.common import exception

# Short tag -> the long-form key it stands for.
SHORT_TAGS = {
    '!Ref': 'Ref',
    '!Condition': 'Condition',
    '!GetAtt': 'Fn::GetAtt',
    '!Sub': 'Fn::Sub',
    '!Join': 'Fn::Join',
    '!Select': 'Fn::Select',
    '!Split': 'Fn::Split',
    '!FindInMap': 'Fn::FindInMap',
    '!Base64': 'Fn::Base64',
    '!GetAZs': 'Fn::GetAZs',
    '!If': 'Fn::If',
    '!Equals': 'Fn::Equals',
    '!And': 'Fn::And',
    '!Or': 'Fn::Or',
    '!Not': 'Fn::Not',
    '!ImportValue': 'Fn::ImportValue',
    '!Cidr': 'Fn::Cidr',
}


# libyaml's parser where PyYAML was built with it: several times faster.
_BaseLoader: type[yaml.SafeLoader] = getattr(
    yaml, 'CSafeLoader', yaml.SafeLoader
)


class TemplateLoader(_BaseLoader):  # type: ignore[valid-type,misc]
    """A YAML loader that reads only what JSON could also say.

    YAML 1.1 would turn ``2010-09-09`` into a date, ``yes`` into True,
    ``0644`` into an octal number and ``1:30`` into 90; CloudFormation keeps
    all of those as strings, so only JSON-like scalars are resolved.
    """

    yaml_implicit_resolvers: dict[str, list[tuple[str, re.Pattern[str]]]] = {}


def _add_resolver(tag, pattern, first_chars):
    TemplateLoader.add_implicit_resolver(
        tag, re.compile(pattern), list(first_chars)
    )


_add_resolver(
    'tag:yaml.org,2002:bool', r'^(?:true|True|TRUE|false|False|FALSE)$', 'tTfF'
)
_add_resolver(
    'tag:yaml.org,2002:int', r'^[-+]?(?:0|[1-9][0-9]*)$', '-+0123456789'
)
_add_resolver(
    'tag:yaml.org,2002:float',
    r'^[-+]?(?:0|[1-9][0-9]*)(?:\.[0-9]+(?:[eE][-+]?[0-9]+)?'
    r'|[eE][-+]?[0-9]+)$',
    '-+0123456789',
)
_add_resolver(
    'tag:yaml.org,2002:null', r'^(?:~|null|Null|NULL|)$', ['~', 'n', 'N', '']
)
_add_resolver('tag:yaml.org,2002:merge', r'^(?:<<)$', '<')


def _construct_node(loader, node):
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    return loader.construct_mapping(node, deep=True)


def _short_tag_constructor(long_name):
    def construct(loader, node):
        return {long_name: _construct_node(loader, node)}

    return construct


def _construct_get_att(loader, node):
    value = _construct_node(loader, node)
    if isinstance(value, str):
        # 'Res.Attr.With.Dots': the resource name is the part before the
        # first dot (nested stacks have attributes like Outputs.Name).
        value = value.split('.', 1)
    return {'Fn::GetAtt': value}


for _tag, _name in SHORT_TAGS.items():
    TemplateLoader.add_constructor(_tag, _short_tag_constructor(_name))
TemplateLoader.add_constructor('!GetAtt', _construct_get_att)


def _invalid(reason):
    return exception.InvalidTemplate(reason=reason)


def _decode(text):
    if isinstance(text, bytes):
        try:
            return text.decode('utf-8-sig')
        except UnicodeDecodeError as exc:
            raise _invalid(
                'template is not valid UTF-8 (byte %d)' % exc.start
            ) from None
    return text


def _parse_json(text):
    try:
        # strict=False: real templates hold raw tabs inside strings.
        return json.loads(text, strict=False)
    except json.JSONDecodeError as exc:
        raise _invalid(
            'JSON not well-formed: %s (line %d, column %d)'
            % (exc.msg, exc.lineno, exc.colno)
        ) from None


def _parse_yaml(text):
    try:
        return yaml.load(text, Loader=TemplateLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = ''
        if mark is not None:
            where = ' (line %d, column %d)' % (mark.line + 1, mark.column + 1)
        problem = exc.problem or exc.context or 'syntax error'
        raise _invalid(
            'YAML not well-formed: %s%s' % (problem, where)
        ) from None
    except yaml.YAMLError as exc:
        raise _invalid('YAML not well-formed: %s' % exc) from None


def parse(text):
    """Return the template body (str or bytes) as a dict.

    Raises InvalidTemplate, naming the line and column of a syntax error.
    """
    text = _decode(text)
    if text.lstrip().startswith('{'):
        data = _parse_json(text)
    else:
        data = _parse_yaml(text)
    if not isinstance(data, dict):
        raise _invalid('the template must be a JSON object or YAML mapping')
    return data
