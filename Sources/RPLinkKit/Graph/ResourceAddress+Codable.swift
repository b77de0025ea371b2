/// Addresses are written as their readable text (`target.writer["10.0.0.1"]`) in saved plans.
extension ResourceAddress {
    /// Parses the text form; nil when it is not an address rplink writes.
    public init?(parsing text: String) {
        var head = Substring(text)
        var key: String?
        if let open = text.range(of: "[\"") {
            guard text.hasSuffix("\"]") else { return nil }
            head = text[..<open.lowerBound]
            key = String(text[open.upperBound..<text.index(text.endIndex, offsetBy: -2)])
        }
        let parts = head.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let kindText = parts.first, let kind = Kind(rawValue: String(kindText)) else { return nil }
        let name = parts.count > 1 ? String(parts[1]) : nil
        if name?.isEmpty == true { return nil }
        self.init(kind: kind, name: name, key: key)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let address = ResourceAddress(parsing: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a resource address: \(text)")
        }
        self = address
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// `{"id": "arn:…"}` or `{"ref": "load_balancer.nlb"}` in saved plans.
extension ResourceReference {
    private enum CodingKeys: String, CodingKey {
        case id
        case ref
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let id = try container.decodeIfPresent(String.self, forKey: .id) {
            self = .id(id)
        } else {
            self = .ref(try container.decode(ResourceAddress.self, forKey: .ref))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .id(let id): try container.encode(id, forKey: .id)
        case .ref(let address): try container.encode(address, forKey: .ref)
        }
    }
}
