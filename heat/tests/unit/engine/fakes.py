"""A stand-in for the stack that template functions resolve resources
through."""

from heat.common import exception


class FakeResolver:
    """The template's resources, with predictable references and attributes.

    Ref gives ``id-<name>``, Fn::GetAtt ``<name>.<attr>``.  ``attributes``,
    when given, is the set of attribute names GetAtt accepts.
    """

    def __init__(self, tmpl, zones=('nova',), attributes=None):
        self.tmpl = tmpl
        self.zones = list(zones)
        self.attributes = attributes

    def has_resource(self, name):
        return name in self.tmpl.resources

    def resource_type(self, name):
        return self.tmpl.resources[name]['Type']

    def reference(self, name):
        return 'id-' + name

    def attribute(self, name, attr):
        return '%s.%s' % (name, attr)

    def check_attribute(self, name, attr):
        if self.attributes is not None and attr not in self.attributes:
            raise exception.InvalidTemplate(
                reason='The Referenced Attribute (%s %s) is incorrect.'
                % (name, attr)
            )

    def availability_zones(self):
        return self.zones
