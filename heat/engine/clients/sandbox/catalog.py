"""What the sandbox cloud offers: images, flavors, availability zones.

Static, so every engine agrees without storing it.  The images are the ones
the published CloudFormation templates for Heat map their distributions to
(F16, F17, F18, U10, RHEL 6.x, in i386/x86_64, plain, -cfntools and -gold,
plus the bare, i686 and Ubuntu cloud image names), and cirros.  The flavors
are nova's default m1.* set plus the EC2 instance types those templates
allow.
"""

import uuid

from heat.common import exception
from heat.engine.clients import model

AVAILABILITY_ZONES = ('nova',)

_DISTRIBUTIONS = ('F16', 'F17', 'F18', 'U10', 'rhel61', 'rhel62', 'rhel63')
_UBUNTU_RELEASES = ('precise', 'quantal', 'raring', 'saucy')
_CIRROS = ('cirros', 'cirros-0.6.2-x86_64-disk')


def _image_names():
    names = []
    for distro in _DISTRIBUTIONS:
        # The bare name is the 32-bit image of the early 2012 templates.
        names += [distro, '%s-i686' % distro]
        for arch in ('i386', 'x86_64'):
            names += [
                '%s-%s%s' % (distro, arch, variant)
                for variant in ('', '-cfntools', '-gold')
            ]
    for release in _UBUNTU_RELEASES:
        names += [
            '%s-server-cloudimg-%s' % (release, arch)
            for arch in ('i386', 'amd64')
        ]
    return names + list(_CIRROS)


# Ids derived from the name: the same in every process and every run.
_NAMESPACE = uuid.UUID('6f1e5a8c-3b0d-4c8e-9a57-2d3c1f0e4b61')
IMAGES = tuple(
    model.Image(id=str(uuid.uuid5(_NAMESPACE, name)), name=name)
    for name in _image_names()
)

# name: (vcpus, ram_mb, disk_gb)
_FLAVOR_SIZES = {
    'm1.tiny': (1, 512, 1),
    'm1.small': (1, 2048, 20),
    'm1.medium': (2, 4096, 40),
    'm1.large': (4, 8192, 80),
    'm1.xlarge': (8, 16384, 160),
    't1.micro': (1, 613, 0),
    't2.nano': (1, 512, 0),
    't2.micro': (1, 1024, 0),
    't2.small': (1, 2048, 0),
    't2.medium': (2, 4096, 0),
    't2.large': (2, 8192, 0),
    'm2.xlarge': (2, 17510, 420),
    'm2.2xlarge': (4, 35020, 850),
    'm2.4xlarge': (8, 70041, 1680),
    'm3.medium': (1, 3840, 4),
    'm3.large': (2, 7680, 32),
    'm3.xlarge': (4, 15360, 80),
    'm3.2xlarge': (8, 30720, 160),
    'm4.large': (2, 8192, 0),
    'm4.xlarge': (4, 16384, 0),
    'm4.2xlarge': (8, 32768, 0),
    'm4.4xlarge': (16, 65536, 0),
    'm4.10xlarge': (40, 163840, 0),
    'c1.medium': (2, 1740, 350),
    'c1.xlarge': (8, 7168, 1680),
    'c3.large': (2, 3840, 32),
    'c3.xlarge': (4, 7680, 80),
    'c3.2xlarge': (8, 15360, 160),
    'c3.4xlarge': (16, 30720, 320),
    'c3.8xlarge': (32, 61440, 640),
    'c4.large': (2, 3840, 0),
    'c4.xlarge': (4, 7680, 0),
    'c4.2xlarge': (8, 15360, 0),
    'c4.4xlarge': (16, 30720, 0),
    'c4.8xlarge': (36, 61440, 0),
    'cc1.4xlarge': (16, 23552, 1690),
    'cc2.8xlarge': (32, 61952, 3360),
    'cg1.4xlarge': (16, 22528, 1690),
    'cr1.8xlarge': (32, 249856, 240),
    'd2.xlarge': (4, 31232, 6000),
    'd2.2xlarge': (8, 62464, 12000),
    'd2.4xlarge': (16, 124928, 24000),
    'd2.8xlarge': (36, 249856, 48000),
    'g2.2xlarge': (8, 15360, 60),
    'g2.8xlarge': (32, 61440, 240),
    'hi1.4xlarge': (16, 61952, 2048),
    'hs1.8xlarge': (16, 119808, 48000),
    'i2.xlarge': (4, 31232, 800),
    'i2.2xlarge': (8, 62464, 1600),
    'i2.4xlarge': (16, 124928, 3200),
    'i2.8xlarge': (32, 249856, 6400),
    'r3.large': (2, 15616, 32),
    'r3.xlarge': (4, 31232, 80),
    'r3.2xlarge': (8, 62464, 160),
    'r3.4xlarge': (16, 124928, 320),
    'r3.8xlarge': (32, 249856, 640),
}
# Numbered like nova's defaults: m1.tiny is flavor '1'.
FLAVORS = tuple(
    model.Flavor(
        id=str(number), name=name, vcpus=vcpus, ram_mb=ram, disk_gb=disk
    )
    for number, (name, (vcpus, ram, disk)) in enumerate(
        _FLAVOR_SIZES.items(), start=1
    )
)


def find_image(name_or_id) -> model.Image:
    for image in IMAGES:
        if name_or_id in (image.id, image.name):
            return image
    raise exception.CloudNotFound(reason='Image %s not found' % name_or_id)


def find_flavor(name_or_id) -> model.Flavor:
    for flavor in FLAVORS:
        if name_or_id in (flavor.id, flavor.name):
            return flavor
    raise exception.CloudNotFound(
        reason='Flavor %s could not be found' % name_or_id
    )


def check_availability_zone(zone):
    """The zone to use: the default when None; CloudError when unknown."""
    if zone is None:
        return AVAILABILITY_ZONES[0]
    if zone not in AVAILABILITY_ZONES:
        raise exception.CloudError(
            reason='The requested availability zone %s is not available' % zone
        )
    return zone
