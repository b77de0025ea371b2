/// A parsed XML element: the response body of a Query API call, reduced to what decoding needs.
///
/// Namespaces are dropped from names (`Response`, not `ns:Response`). Accessors look at direct
/// children only, so decoding code states the path it expects.
public struct XMLNode: Sendable, Equatable {
    public var name: String
    /// The concatenated character data directly inside this element, untrimmed.
    public var text: String
    public var children: [XMLNode]

    public init(name: String, text: String = "", children: [XMLNode] = []) {
        self.name = name
        self.text = text
        self.children = children
    }

    /// The first direct child with this name.
    public func child(_ name: String) -> XMLNode? {
        children.first { $0.name == name }
    }

    /// Every direct child with this name.
    public func children(_ name: String) -> [XMLNode] {
        children.filter { $0.name == name }
    }

    /// Follows a path of child names: `node["LoadBalancers", "member"]`.
    public subscript(path: String...) -> XMLNode? {
        path.reduce(Optional(self)) { node, name in node?.child(name) }
    }

    /// The trimmed text of the child at a path, or nil when the path is absent.
    public func string(_ path: String...) -> String? {
        path.reduce(Optional(self)) { node, name in node?.child(name) }?.text.trimmingWhitespace
    }

    /// The items of an EC2 list (`<name><item>…</item></name>`) or an ELBv2 list (`<name><member>…`).
    public func list(_ name: String) -> [XMLNode] {
        guard let container = child(name) else { return [] }
        return container.children.filter { $0.name == "item" || $0.name == "member" }
    }

    /// The first descendant with this name, depth first.
    public func first(named name: String) -> XMLNode? {
        if self.name == name { return self }
        for child in children {
            if let found = child.first(named: name) { return found }
        }
        return nil
    }
}

extension String {
    var trimmingWhitespace: String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
