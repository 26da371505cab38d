"""The dependency graph of a stack's resources.

A node is any hashable value (the engine uses resource names).  An edge
``requirer -> required`` means the requirer needs the required node to exist
first: creation walks the graph in topological order, deletion in exactly the
reverse.  Nodes keep the order they were added in, and every ordering breaks
ties by that order, so the same template always gives the same walk.

This module knows nothing about resources or templates.
"""

import heapq

from heat.common import exception


class Dependencies:
    """A directed graph of nodes and the nodes each one requires."""

    def __init__(self, requirements=None):
        """Build from a mapping ``{node: iterable of required nodes}``.

        Every required node must itself be a key of the mapping.
        """
        # Dicts used as ordered sets: membership is O(1), order is insertion.
        self._requires = {}
        self._required_by = {}
        requirements = requirements or {}
        for node in requirements:
            self.add_node(node)
        for node, required in requirements.items():
            for other in required:
                self.add_requirement(node, other)

    def add_node(self, node):
        """Add a node with no edges; adding a known node changes nothing."""
        if node not in self._requires:
            self._requires[node] = {}
            self._required_by[node] = {}

    def add_requirement(self, requirer, required):
        """Record that ``requirer`` needs ``required``; both must be nodes."""
        for node in (requirer, required):
            if node not in self._requires:
                raise exception.UnknownDependency(
                    requirer=requirer, required=required
                )
        self._requires[requirer][required] = None
        self._required_by[required][requirer] = None

    def requires(self, node):
        """The nodes ``node`` needs, in the order the edges were added."""
        return list(self._requires[node])

    def required_by(self, node):
        """The nodes that need ``node``, in the order the edges were added."""
        return list(self._required_by[node])

    def __contains__(self, node):
        return node in self._requires

    def __iter__(self):
        return iter(self._requires)

    def __len__(self):
        return len(self._requires)

    def topological_order(self):
        """Every node after all the nodes it requires (the creation order).

        Among nodes that are free to go, the one added first goes first.
        """
        position = {node: index for index, node in enumerate(self._requires)}
        nodes = list(self._requires)
        unmet = {
            node: len(required) for node, required in self._requires.items()
        }
        # A heap of positions: the free node added first is taken first.
        free = [position[node] for node, count in unmet.items() if count == 0]
        heapq.heapify(free)
        order = []
        while free:
            node = nodes[heapq.heappop(free)]
            order.append(node)
            for requirer in self._required_by[node]:
                unmet[requirer] -= 1
                if unmet[requirer] == 0:
                    heapq.heappush(free, position[requirer])
        if len(order) < len(nodes):
            self.check_cycles()
        return order

    def reverse_order(self):
        """Exactly the reverse of topological_order() (the deletion order)."""
        return self.topological_order()[::-1]

    def check_cycles(self):
        """Raise CircularDependency naming the members of the first cycle."""
        cycle = self._find_cycle()
        if cycle:
            raise exception.CircularDependency(
                cycle=' -> '.join(str(node) for node in cycle)
            )

    def __str__(self):
        """One line per node, in insertion order: ``node -> required, ...``."""
        lines = []
        for node, required in self._requires.items():
            if required:
                names = ', '.join(str(other) for other in required)
                lines.append('%s -> %s' % (node, names))
            else:
                lines.append(str(node))
        return '\n'.join(lines)

    def __repr__(self):
        return 'Dependencies(%r)' % {
            node: list(required) for node, required in self._requires.items()
        }

    def _find_cycle(self):
        """The first cycle met by a depth-first walk, closed on its start.

        Returns ``[A, B, C, A]`` for A requiring B requiring C requiring A,
        or an empty list.  Iterative, so long chains do not hit the
        recursion limit.
        """
        finished = set()
        for root in self._requires:
            if root in finished:
                continue
            path = [root]
            on_path = {root}
            unexplored = [iter(self._requires[root])]
            while unexplored:
                # Resume the deepest node's edges where we left them.
                for following in unexplored[-1]:
                    if following in on_path:
                        return path[path.index(following) :] + [following]
                    if following not in finished:
                        path.append(following)
                        on_path.add(following)
                        unexplored.append(iter(self._requires[following]))
                        break
                else:
                    node = path.pop()
                    on_path.discard(node)
                    finished.add(node)
                    unexplored.pop()
        return []
