/// Kahn's algorithm with a deterministic tie-break, shared by the resource graph and plan steps.
public enum TopologicalSort {
    /// Orders `nodes` so each comes after the nodes `edges` says it depends on. Among nodes that
    /// are ready at once, the one with the smallest `label` goes first. Throws naming a cycle.
    public static func order<Node: Hashable>(
        nodes: [Node], edges: (Node) -> [Node], label: (Node) -> String
    ) throws -> [Node] {
        let known = Set(nodes)
        var remaining: [Node: Int] = [:]
        var dependents: [Node: [Node]] = [:]
        for node in nodes {
            let dependencies = Set(edges(node).filter { known.contains($0) })
            remaining[node] = dependencies.count
            for dependency in dependencies { dependents[dependency, default: []].append(node) }
        }
        var ready = nodes.filter { remaining[$0] == 0 }
        var result: [Node] = []
        while !ready.isEmpty {
            ready.sort { label($0) < label($1) }
            let next = ready.removeFirst()
            result.append(next)
            for dependent in dependents[next] ?? [] {
                remaining[dependent, default: 0] -= 1
                if remaining[dependent] == 0 { ready.append(dependent) }
            }
        }
        guard result.count == Set(nodes).count else {
            let cycle = findCycle(among: nodes.filter { (remaining[$0] ?? 0) > 0 }, edges: edges)
            throw RPLinkError(.configuration, "dependency cycle: " + cycle.map(label).joined(separator: " -> "))
        }
        return result
    }

    /// Walks dependencies from a node left in the cycle until one repeats; returns the loop.
    private static func findCycle<Node: Hashable>(among stuck: [Node], edges: (Node) -> [Node]) -> [Node] {
        let stuckSet = Set(stuck)
        guard var current = stuck.first else { return [] }
        var path: [Node] = []
        var seenAt: [Node: Int] = [:]
        while seenAt[current] == nil {
            seenAt[current] = path.count
            path.append(current)
            guard let next = edges(current).first(where: { stuckSet.contains($0) }) else { return path }
            current = next
        }
        let start = seenAt[current] ?? 0
        return Array(path[start...]) + [current]
    }
}
