/// The parameters of one Query API call, in the order they were added.
///
/// EC2 writes lists as `Name.N` and ELBv2 as `Name.member.N`; the helpers here are the
/// one place that knows it, so the typed operations in `Cloud/` never spell indexes by hand.
public struct QueryParameters: Sendable, Equatable {
    public private(set) var pairs: [(name: String, value: String)] = []

    public init() {}

    public init(_ pairs: [(String, String)]) {
        self.pairs = pairs.map { (name: $0.0, value: $0.1) }
    }

    public subscript(name: String) -> String? {
        pairs.last { $0.name == name }?.value
    }

    public mutating func set(_ name: String, _ value: String) {
        pairs.append((name: name, value: value))
    }

    public mutating func set(_ name: String, _ value: Bool) {
        set(name, value ? "true" : "false")
    }

    public mutating func set(_ name: String, _ value: Int) {
        set(name, String(value))
    }

    /// EC2 style: `Name.1`, `Name.2`, …
    public mutating func setList(_ name: String, _ values: [String]) {
        for (index, value) in values.enumerated() { set("\(name).\(index + 1)", value) }
    }

    /// ELBv2/STS style: `Name.member.1`, `Name.member.2`, …
    public mutating func setMemberList(_ name: String, _ values: [String]) {
        for (index, value) in values.enumerated() { set("\(name).member.\(index + 1)", value) }
    }

    /// A list of structures: `prefix.1.Field`, or `prefix.member.1.Field` when `member` is true.
    public mutating func setStructList(_ name: String, member: Bool, _ items: [[(String, String)]]) {
        let base = member ? "\(name).member" : name
        for (index, fields) in items.enumerated() {
            for (field, value) in fields { set("\(base).\(index + 1).\(field)", value) }
        }
    }

    public static func == (lhs: QueryParameters, rhs: QueryParameters) -> Bool {
        lhs.pairs.map(\.name) == rhs.pairs.map(\.name) && lhs.pairs.map(\.value) == rhs.pairs.map(\.value)
    }
}
