"""constraints.txt pins everything the requirements files bring in.

tools/install_venv.sh installs only through constraints.txt, so a
requirement it does not pin (or pins outside the requirement's range) would
be whatever the index serves that day.  Refresh it with
tools/refresh_constraints.sh.
"""

import importlib.metadata
import pathlib

from packaging import requirements
from packaging import utils

TOP = pathlib.Path(__file__).resolve().parents[3]
REQUIREMENT_FILES = ('requirements.txt', 'test-requirements.txt')
HINT = ' (run tools/refresh_constraints.sh)'


def read_requirements(path):
    lines = (
        line.split('#', 1)[0].strip()
        for line in (TOP / path).read_text().splitlines()
    )
    return [requirements.Requirement(line) for line in lines if line]


def read_pins():
    pins = {}
    for requirement in read_requirements('constraints.txt'):
        (specifier,) = requirement.specifier
        assert specifier.operator == '==', requirement
        pins[utils.canonicalize_name(requirement.name)] = specifier.version
    return pins


def direct_requirements():
    return [
        requirement
        for path in REQUIREMENT_FILES
        for requirement in read_requirements(path)
    ]


def applies(requirement, extras):
    if requirement.marker is None:
        return True
    return any(
        requirement.marker.evaluate({'extra': extra})
        for extra in extras or {''}
    )


def dependencies(name, extras):
    """What an installed distribution requires, for the given extras."""
    required = importlib.metadata.requires(name) or []
    return [
        requirement
        for requirement in map(requirements.Requirement, required)
        if applies(requirement, extras)
    ]


def unpinned(pins):
    """Every requirement, direct or transitive, that pins do not satisfy."""
    missing = []
    queue = [
        (requirement, 'requirements')
        for requirement in direct_requirements()
        if applies(requirement, None)
    ]
    seen = set()
    while queue:
        requirement, wanted_by = queue.pop()
        name = utils.canonicalize_name(requirement.name)
        version = pins.get(name)
        if version is None or not requirement.specifier.contains(
            version, prereleases=True
        ):
            missing.append(
                '%s (wanted by %s, pinned %s)'
                % (requirement, wanted_by, version)
            )
            continue
        key = (name, frozenset(requirement.extras))
        if key in seen:
            continue
        seen.add(key)
        queue.extend(
            (dependency, name)
            for dependency in dependencies(name, requirement.extras)
        )
    return missing


def test_every_requirement_is_pinned_within_its_range():
    assert unpinned(read_pins()) == [], HINT


def test_a_requirement_left_out_of_the_pins_is_found():
    pins = read_pins()
    del pins['kombu']  # oslo.messaging's, not a direct requirement
    assert [line for line in unpinned(pins) if line.startswith('kombu')]
