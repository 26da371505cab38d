import pytest

from heat.common import exception
from heat.engine.dependencies import Dependencies


def diamond():
    # Top needs Left and Right; both need Base.
    return Dependencies(
        {
            'Top': ['Left', 'Right'],
            'Left': ['Base'],
            'Right': ['Base'],
            'Base': [],
        }
    )


def test_requires_and_required_by():
    graph = diamond()
    assert graph.requires('Top') == ['Left', 'Right']
    assert graph.required_by('Base') == ['Left', 'Right']
    assert graph.requires('Base') == []
    assert graph.required_by('Top') == []


def test_topological_order_puts_requirements_first():
    assert diamond().topological_order() == ['Base', 'Left', 'Right', 'Top']


def test_reverse_order_is_exactly_reversed():
    graph = diamond()
    assert graph.reverse_order() == graph.topological_order()[::-1]


def test_ties_follow_insertion_order():
    graph = Dependencies({'c': [], 'a': [], 'b': []})
    assert graph.topological_order() == ['c', 'a', 'b']
    graph = Dependencies({'z': ['y'], 'b': [], 'y': []})
    assert graph.topological_order() == ['b', 'y', 'z']


def test_order_is_the_same_every_time():
    names = ['R%d' % i for i in range(50)]
    requirements = {name: names[i + 1 : i + 3] for i, name in enumerate(names)}
    first = Dependencies(requirements).topological_order()
    for _ in range(5):
        assert Dependencies(requirements).topological_order() == first
    assert first == names[::-1]


def test_built_step_by_step():
    graph = Dependencies()
    for node in ('Server', 'Volume', 'Attachment'):
        graph.add_node(node)
    graph.add_requirement('Attachment', 'Server')
    graph.add_requirement('Attachment', 'Volume')
    graph.add_requirement('Attachment', 'Volume')
    graph.add_node('Server')
    assert len(graph) == 3
    assert graph.requires('Attachment') == ['Server', 'Volume']
    assert graph.topological_order() == ['Server', 'Volume', 'Attachment']


def test_unknown_node_names_both_ends():
    graph = Dependencies({'Server': []})
    with pytest.raises(exception.UnknownDependency) as err:
        graph.add_requirement('Server', 'Missing')
    assert 'Server' in str(err.value) and 'Missing' in str(err.value)
    with pytest.raises(exception.UnknownDependency) as err:
        Dependencies({'Server': ['Ghost']})
    assert 'Server' in str(err.value) and 'Ghost' in str(err.value)
    assert isinstance(err.value, exception.ValidationError)


def test_cycle_message_lists_members_in_order():
    graph = Dependencies({'A': ['B'], 'B': ['C'], 'C': ['A'], 'D': []})
    with pytest.raises(exception.CircularDependency) as err:
        graph.check_cycles()
    assert str(err.value) == 'Circular dependency found: A -> B -> C -> A'
    assert err.value.code == 'ValidationError'


def test_cycle_found_below_an_acyclic_prefix():
    graph = Dependencies({'Top': ['X'], 'X': ['Y'], 'Y': ['Z'], 'Z': ['X']})
    with pytest.raises(exception.CircularDependency) as err:
        graph.topological_order()
    assert str(err.value) == 'Circular dependency found: X -> Y -> Z -> X'


def test_self_requirement_is_a_cycle():
    graph = Dependencies({'A': ['A']})
    with pytest.raises(exception.CircularDependency) as err:
        graph.reverse_order()
    assert str(err.value) == 'Circular dependency found: A -> A'


def test_acyclic_graph_passes_check():
    diamond().check_cycles()
    names = ['N%d' % i for i in range(5000)]
    chain = Dependencies(
        {name: names[i + 1 : i + 2] for i, name in enumerate(names)}
    )
    chain.check_cycles()
    assert chain.topological_order()[0] == 'N4999'


def test_text_form_is_golden():
    assert str(diamond()) == (
        'Top -> Left, Right\nLeft -> Base\nRight -> Base\nBase'
    )
    assert str(Dependencies()) == ''


def test_membership_and_iteration():
    graph = diamond()
    assert 'Left' in graph and 'Other' not in graph
    assert list(graph) == ['Top', 'Left', 'Right', 'Base']
