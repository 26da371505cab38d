"""Real published templates: every one must read, check and resolve.

The corpus lives outside the repository; HEAT_TEMPLATE_CORPUS points at it
(default: shared/templates beside the repository's directory).
"""

import os
import pathlib

import pytest

from heat.common import exception
from heat.engine import conditions
from heat.engine import functions
from heat.engine import parameters
from heat.engine import template
from heat.engine import template_format
from heat.tests.unit.engine import fakes

REPO = pathlib.Path(__file__).resolve().parents[4]
CORPUS = pathlib.Path(
    os.environ.get(
        'HEAT_TEMPLATE_CORPUS', REPO.parent / 'shared' / 'templates'
    )
)
SUFFIXES = ('.template', '.yaml', '.json')

# Published with a typo CloudFormation itself refuses.
KNOWN_INVALID = {
    'WordPress_Single_Instance_puppet.template': (
        'Invalid template property or properties [TemplateFormatVersion]'
    ),
}

STACK = parameters.StackInfo(
    stack_name='corpus',
    account_id='tenant',
    region='us-east-1',
    stack_id='arn:openstack:heat::tenant:stacks/corpus/1',
)


def corpus_files():
    if not CORPUS.is_dir():
        return [
            pytest.param(
                None,
                marks=pytest.mark.skip(
                    reason='template corpus not found at %s (set '
                    'HEAT_TEMPLATE_CORPUS)' % CORPUS
                ),
            )
        ]
    files = sorted(
        path for path in CORPUS.rglob('*') if path.suffix in SUFFIXES
    )
    return [
        pytest.param(path, id=str(path.relative_to(CORPUS))) for path in files
    ]


class CorpusResolver(fakes.FakeResolver):
    """Three zones, as some templates select the second; attributes the
    corpus joins as lists come back as lists."""

    def __init__(self, tmpl):
        super().__init__(tmpl, zones=('az1', 'az2', 'az3'))

    def attribute(self, name, attr):
        if attr == 'SecondaryPrivateIpAddresses':
            return ['10.0.0.11', '10.0.0.12']
        return super().attribute(name, attr)


def load(path):
    data = template_format.parse(path.read_bytes())
    expected = KNOWN_INVALID.get(path.name)
    if expected is None:
        return template.Template(data)
    with pytest.raises(
        exception.InvalidTemplate,
        match=expected.replace('[', r'\[').replace(']', r'\]'),
    ):
        template.Template(data)
    data = {
        key: value
        for key, value in data.items()
        if key != 'TemplateFormatVersion'
    }
    return template.Template(data)


def function_names(tree):
    for function in functions.functions_in(tree):
        yield function.fn_name
        yield from function_names(function.args)
        yield from function_names(getattr(function, 'parts', []))


def trees(tmpl, ctx):
    found = list(conditions.parse_definitions(ctx).values())
    for definition in tmpl.resource_definitions(ctx).values():
        found += [
            definition.properties,
            definition.metadata,
            definition.creation_policy,
            definition.update_policy,
        ]
    found += [output.value for output in tmpl.output_definitions(ctx).values()]
    return found


def test_corpus_is_complete():
    if not CORPUS.is_dir():
        pytest.skip('template corpus not found at %s' % CORPUS)
    assert len(corpus_files()) == 60


@pytest.mark.parametrize('path', corpus_files())
def test_parses(path):
    data = template_format.parse(path.read_bytes())
    assert isinstance(data.get('Resources'), dict) and data['Resources']


@pytest.mark.parametrize('path', corpus_files())
def test_sections_parse_into_valid_function_trees(path):
    tmpl = load(path)
    tmpl.validate(CorpusResolver(tmpl))
    ctx = tmpl.context(resolver=CorpusResolver(tmpl))
    assert trees(tmpl, ctx)


def _value_for(schema):
    """A value the parameter accepts, for parameters without a default."""
    candidates = list(schema.allowed_values or ()) + [
        'abc',
        'abc123',
        'Abc1234567',
        '8',
        '10.0.0.1',
        '10.0.0.0/16',
        'user@example.com',
    ]
    for candidate in candidates:
        try:
            schema.value_of(candidate)
            return candidate
        except exception.ValidationError:
            continue
    pytest.fail('no sample value satisfies parameter %s' % schema.name)


@pytest.mark.parametrize('path', corpus_files())
def test_resolves_with_sample_values(path):
    tmpl = load(path)
    values = {
        name: _value_for(schema)
        for name, schema in tmpl.parameter_schemas.items()
        if schema.default is None
    }
    params = tmpl.parameters(values, STACK)
    ctx = tmpl.context(params, CorpusResolver(tmpl))
    for definition in tmpl.resource_definitions(ctx).values():
        assert isinstance(definition.resolved_properties(), dict)
        assert isinstance(definition.resolved_metadata(), dict)
        assert definition.dependencies() <= set(tmpl.resources)
    for output in tmpl.output_definitions(ctx).values():
        output.resolved_value()


def test_every_function_the_corpus_uses_is_recognised():
    if not CORPUS.is_dir():
        pytest.skip('template corpus not found at %s' % CORPUS)
    seen = set()
    for param in corpus_files():
        tmpl = load(param.values[0])
        ctx = tmpl.context(resolver=CorpusResolver(tmpl))
        for tree in trees(tmpl, ctx):
            seen.update(function_names(tree))
    # The functions SOURCES.md counts in the corpus.
    assert {
        'Ref',
        'Fn::GetAtt',
        'Fn::FindInMap',
        'Fn::Base64',
        'Fn::Join',
        'Fn::GetAZs',
        'Fn::Equals',
        'Fn::If',
        'Fn::Sub',
        'Fn::Not',
        'Fn::Select',
        'Fn::Or',
        'Fn::Replace',
    } <= seen
