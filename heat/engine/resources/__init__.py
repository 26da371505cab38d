"""The resource types, found by their template type name.

Every module of this package, and every ``*.py`` file in the directories of
``[DEFAULT] plugin_dirs``, that defines ``resource_mapping()`` contributes
the types it returns (a dict of type name to Resource class).  They are
loaded once, on first use; a plugin type overrides a built-in one.
"""

import hashlib
import importlib
import importlib.util
import logging
import os
import pkgutil
import sys
import threading

from heat.common import config
from heat.common import exception

LOG = logging.getLogger(__name__)


class Registry:
    """A table of type name to Resource class."""

    def __init__(self):
        self._classes = {}

    def register(self, type_name, cls):
        if type_name in self._classes and self._classes[type_name] is not cls:
            LOG.info(
                'Resource type %s is now provided by %s.%s',
                type_name,
                cls.__module__,
                cls.__qualname__,
            )
        self._classes[type_name] = cls

    def get_class(self, type_name):
        try:
            return self._classes[type_name]
        except KeyError:
            raise exception.InvalidTemplate(
                'Unknown resource Type : %s' % type_name
            ) from None

    def types(self):
        return sorted(self._classes)

    def load_module(self, module):
        """Register the types of a module that has resource_mapping()."""
        mapping = getattr(module, 'resource_mapping', None)
        if mapping is None:
            return
        for type_name, cls in mapping().items():
            self.register(type_name, cls)

    def load_package(self):
        """Register the types of every module of this package."""
        for info in pkgutil.iter_modules(__path__, __name__ + '.'):
            self.load_module(importlib.import_module(info.name))

    def load_directory(self, directory):
        """Register the types of every ``*.py`` file in ``directory``.

        Raises ImportError naming the file that cannot be loaded.
        """
        for filename in sorted(os.listdir(directory)):
            stem, ext = os.path.splitext(filename)
            if ext == '.py' and not stem.startswith('_'):
                path = os.path.join(directory, filename)
                self.load_module(_import_file(path))


def _import_file(path):
    # A module name of its own per file, so that two directories may each
    # hold a file of the same name.
    path = os.path.abspath(path)
    digest = hashlib.sha256(path.encode()).hexdigest()[:12]
    stem = os.path.splitext(os.path.basename(path))[0]
    name = 'heat_plugins.%s_%s' % (stem, digest)
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        del sys.modules[name]
        raise ImportError(
            'Cannot load resource plugin %s: %s' % (path, exc), path=path
        ) from exc
    return module


_global = Registry()
_loaded = False
# Re-entrant: a plugin module may call register() while it is imported.
_load_lock = threading.RLock()


def load():
    """Load the built-in and plugin types once; later calls do nothing."""
    global _loaded
    with _load_lock:
        if _loaded:
            return
        _loaded = True
        try:
            _global.load_package()
            for directory in config.CONF.plugin_dirs:
                _global.load_directory(directory)
        except BaseException:
            _loaded = False
            raise


def register(type_name, cls):
    load()
    _global.register(type_name, cls)


def get_class(type_name):
    """The class for a type name; InvalidTemplate if there is none."""
    load()
    return _global.get_class(type_name)


def types():
    """All known type names, sorted."""
    load()
    return _global.types()
