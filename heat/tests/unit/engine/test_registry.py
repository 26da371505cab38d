import os
import textwrap

import pytest

from heat.common import config
from heat.common import exception
from heat.engine import resource
from heat.engine import resources
from heat.engine.resources import wait_condition
from heat.tests.unit.engine import test_resource

TEST_TYPES_DIR = os.path.join(
    os.path.dirname(__file__), os.pardir, os.pardir, 'resources'
)


def write_plugin(directory, filename, body):
    path = directory / filename
    path.write_text(textwrap.dedent(body))
    return path


MAPPING = """
from heat.engine import resource

class %(cls)s(resource.Resource):
    pass

def resource_mapping():
    return {%(type)r: %(cls)s}
"""


def test_unknown_type():
    with pytest.raises(exception.InvalidTemplate) as info:
        resources.Registry().get_class('AWS::EC2::Bogus')
    assert str(info.value) == 'Unknown resource Type : AWS::EC2::Bogus'


def test_register_and_list_types():
    registry = resources.Registry()
    registry.register('B::Type', resource.Resource)
    registry.register('A::Type', wait_condition.WaitConditionHandle)
    assert registry.types() == ['A::Type', 'B::Type']
    assert registry.get_class('A::Type') is wait_condition.WaitConditionHandle


def test_package_modules_are_loaded():
    registry = resources.Registry()
    registry.load_package()
    assert (
        registry.get_class('AWS::CloudFormation::WaitConditionHandle')
        is wait_condition.WaitConditionHandle
    )


def test_plugin_directory_modules_are_loaded(tmp_path):
    write_plugin(
        tmp_path,
        'widgets.py',
        MAPPING % {'cls': 'Widget', 'type': 'My::Widget'},
    )
    write_plugin(tmp_path, 'helpers.py', 'VALUE = 1\n')
    write_plugin(tmp_path, '_private.py', 'raise RuntimeError("loaded")\n')
    write_plugin(tmp_path, 'notes.txt', 'not python')
    registry = resources.Registry()
    registry.load_directory(str(tmp_path))
    assert registry.types() == ['My::Widget']
    assert registry.get_class('My::Widget').__name__ == 'Widget'


def test_same_file_name_in_two_directories(tmp_path):
    for name in ('one', 'two'):
        (tmp_path / name).mkdir()
        write_plugin(
            tmp_path / name,
            'types.py',
            MAPPING % {'cls': 'T', 'type': 'My::%s' % name},
        )
    registry = resources.Registry()
    registry.load_directory(str(tmp_path / 'one'))
    registry.load_directory(str(tmp_path / 'two'))
    assert registry.types() == ['My::one', 'My::two']


def test_broken_plugin_is_named(tmp_path):
    path = write_plugin(tmp_path, 'broken.py', 'import no_such_module\n')
    with pytest.raises(ImportError, match='broken.py'):
        resources.Registry().load_directory(str(tmp_path))
    assert path.exists()


def test_plugin_overrides_builtin_type(tmp_path):
    write_plugin(
        tmp_path,
        'handles.py',
        MAPPING
        % {
            'cls': 'Handle',
            'type': 'AWS::CloudFormation::WaitConditionHandle',
        },
    )
    registry = resources.Registry()
    registry.load_package()
    registry.load_directory(str(tmp_path))
    cls = registry.get_class('AWS::CloudFormation::WaitConditionHandle')
    assert cls.__name__ == 'Handle'


@pytest.fixture
def fresh_global_registry(monkeypatch):
    monkeypatch.setattr(resources, '_global', resources.Registry())
    monkeypatch.setattr(resources, '_loaded', False)
    config.CONF.set_override('plugin_dirs', [TEST_TYPES_DIR])
    yield
    config.CONF.clear_override('plugin_dirs')


def test_module_functions_load_package_and_plugin_dirs(fresh_global_registry):
    assert {
        'AWS::CloudFormation::WaitConditionHandle',
        'Test::Resource::Simple',
        'Test::Resource::Controlled',
    } <= set(resources.types())
    cls = resources.get_class('Test::Resource::Simple')
    assert cls.update_allowed_properties == {'Value'}
    with pytest.raises(exception.InvalidTemplate):
        resources.get_class('Test::Resource::Bogus')


def test_registered_type_survives_loading(fresh_global_registry):
    resources.register('My::Late', resource.Resource)
    assert resources.get_class('My::Late') is resource.Resource
    assert 'Test::Resource::Simple' in resources.types()


# The test types themselves


def make(type_name, **props):
    cls = resources.get_class(type_name)
    return cls(
        'R',
        resource.ResourceDefinition(type_name, props),
        test_resource.FakeStack(),
    )


def test_simple_type(fresh_global_registry):
    res = make('Test::Resource::Simple', Value='v')
    assert test_resource.run(res.create()).calls == []
    assert res.get_reference_id().startswith('simple-')
    assert res.get_attribute('Output') == 'v'
    new = resource.ResourceDefinition(
        'Test::Resource::Simple', {'ReplaceMe': 'x'}
    )
    assert res.update_plan(new) is resource.UpdatePlan.REPLACE


def test_controlled_type_fails_on_command(fresh_global_registry):
    res = make('Test::Resource::Controlled', FailCreate='true')
    with pytest.raises(
        exception.ResourceFailure, match='R: Creation failed on command'
    ):
        test_resource.run(res.create())


def test_controlled_type_stalls_on_command(fresh_global_registry):
    res = make('Test::Resource::Controlled', Stall=True)
    with pytest.raises(AssertionError, match='did not finish'):
        test_resource.run(res.create(), max_steps=50)
