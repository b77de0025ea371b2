/// Turns a `YAMLNode` tree into a `Spec`, collecting every problem instead of stopping
/// at the first, each at the node it concerns.
struct SpecDecoder {
    static let maximumUserTags = 40
    static let maximumTagValueLength = 256
    static let reservedTagPrefixes = ["rplink:", "aws:"]

    let file: String
    private(set) var diagnostics: [Diagnostic] = []
    /// The stack name and where it is written, when it is valid, even if the rest is not:
    /// the loader checks it against the other specs' names all the same.
    private(set) var stackName: (text: String, mark: YAMLMark)?
    /// The AZ ids of the producer's subnets, when every one of them is readable: what the
    /// consumer's `az_ids` are checked against, whatever else is wrong with the subnets.
    private var producerAZs: Set<String>?

    init(file: String) { self.file = file }

    // MARK: - Reporting

    mutating func report(_ mark: YAMLMark, _ message: String) {
        diagnostics.append(Diagnostic(file: file, line: mark.line, column: mark.column, message: message))
    }

    private mutating func expected(_ what: String, for path: String, found node: YAMLNode) {
        let subject = path.isEmpty ? "the spec" : "'\(path)'"
        report(node.mark, "expected \(what) for \(subject), found \(node.kindDescription)")
    }

    /// A value from the spec as a message shows it: quoted, and cut short when long, so a
    /// stray megabyte in a name does not end up on the terminal.
    static func quoted(_ text: String) -> String {
        "'\(shown(text))'"
    }

    static func shown(_ text: String) -> String {
        let limit = 80
        return text.count <= limit ? text : "\(text.prefix(limit))… (\(text.count) characters)"
    }

    // MARK: - Generic accessors

    /// The keys of a mapping node, after reporting unknown and missing keys.
    private mutating func fields(
        of node: YAMLNode, path: String, known: [String], required: [String]
    ) -> [String: YAMLNode]? {
        guard case .mapping(let pairs) = node.content else {
            expected("a mapping", for: path, found: node)
            return nil
        }
        var result: [String: YAMLNode] = [:]
        let place = path.isEmpty ? "" : " in '\(path)'"
        var suggested: Set<String> = []
        for pair in pairs {
            guard case .scalar(let key, _) = pair.key.content else { continue }
            if known.contains(key) {
                result[key] = pair.value
            } else if let suggestion = SpecFormat.suggestion(for: key, among: known) {
                suggested.insert(suggestion)
                report(pair.key.mark, "unknown key \(Self.quoted(key))\(place); did you mean '\(suggestion)'?")
            } else {
                report(pair.key.mark, "unknown key \(Self.quoted(key))\(place); expected one of: \(known.joined(separator: ", "))")
            }
        }
        // A misspelt required key is reported once, as the misspelling.
        for key in required where result[key] == nil && !suggested.contains(key) {
            report(node.mark, "missing required key \(Self.quoted(key))\(place)")
        }
        return result
    }

    /// An optional value: absent and null both mean "use the default".
    private func optional(_ node: YAMLNode?) -> YAMLNode? {
        guard let node, !node.isNull else { return nil }
        return node
    }

    /// A one-line string: any scalar, taken as written; control characters are refused.
    private mutating func string(_ node: YAMLNode, path: String) -> String? {
        guard case .scalar(let text, _) = node.content, !node.isNull else {
            expected("a string", for: path, found: node)
            return nil
        }
        if text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            report(node.mark, "'\(path)' contains a control character (such as a newline, tab or NUL); ids and names must be one line of text")
            return nil
        }
        return text
    }

    /// A plain decimal integer as YAML 1.2 and the reader agree on it: no sign but `-`, no
    /// leading zero (`03306` is octal to YAML 1.1 readers), no quotes.
    private func integer(_ node: YAMLNode) -> Int? {
        guard case .scalar(let text, .plain) = node.content else { return nil }
        let digits = text.hasPrefix("-") ? text.dropFirst() : Substring(text)
        guard !digits.isEmpty, digits.count <= 18, digits.allSatisfy({ ("0"..."9").contains($0) }),
              digits == "0" || digits.first != "0" else { return nil }
        return Int(text)
    }

    private mutating func bool(_ node: YAMLNode, path: String) -> Bool? {
        if case .scalar(let text, .plain) = node.content {
            if ["true", "True", "TRUE"].contains(text) { return true }
            if ["false", "False", "FALSE"].contains(text) { return false }
        }
        expected("true or false", for: path, found: node)
        return nil
    }

    private mutating func sequence(_ node: YAMLNode, path: String) -> [YAMLNode]? {
        guard case .sequence(let items) = node.content else {
            expected("a sequence", for: path, found: node)
            return nil
        }
        return items
    }

    /// A list of strings, each checked by `validate`; duplicates are reported. Nil when any
    /// item is wrong; `checked` receives the good items either way, for further checks.
    private mutating func stringList(
        _ node: YAMLNode, path: String, what: String, validate: (inout SpecDecoder, String, YAMLNode) -> Bool,
        checked: (inout SpecDecoder, [(text: String, mark: YAMLMark)]) -> Void = { _, _ in }
    ) -> [(text: String, mark: YAMLMark)]? {
        guard let items = sequence(node, path: path) else { return nil }
        var result: [(text: String, mark: YAMLMark)] = []
        var firstMark: [String: YAMLMark] = [:]
        var valid = true
        for (index, item) in items.enumerated() {
            guard let text = string(item, path: "\(path)[\(index)]") else { valid = false; continue }
            guard validate(&self, text, item) else { valid = false; continue }
            if let first = firstMark[text] {
                report(item.mark, "\(what) \(Self.quoted(text)) is listed twice (first at \(first))")
                valid = false
                continue
            }
            firstMark[text] = item.mark
            result.append((text, item.mark))
        }
        checked(&self, result)
        return valid ? result : nil
    }

    // MARK: - The spec

    private static let topLevelKeys = [
        "version", "name", "region", "producer", "database", "consumer",
        "load_balancer", "target_group", "endpoint_service", "tags",
    ]

    mutating func decode(_ root: YAMLNode) -> Spec? {
        guard let top = fields(
            of: root, path: "", known: Self.topLevelKeys,
            required: ["version", "name", "region", "producer", "database", "consumer"]
        ) else { return nil }

        let version = top["version"].flatMap { decodeVersion($0) }
        let name = top["name"].flatMap { decodeStackName($0) }
        let region = top["region"].flatMap { decodeRegion($0) }
        let producer = top["producer"].flatMap { decodeProducer($0) }
        let database = top["database"].flatMap { decodeDatabase($0) }
        let consumer = top["consumer"].flatMap { decodeConsumer($0, region: region) }
        let loadBalancer = decodeLoadBalancer(optional(top["load_balancer"]), stackName: name, nameNode: top["name"])
        let targetGroup = decodeTargetGroup(optional(top["target_group"]), stackName: name, nameNode: top["name"])
        let endpointService = decodeEndpointService(optional(top["endpoint_service"]))
        let tags = optional(top["tags"]).map { decodeTags($0) } ?? []

        guard diagnostics.isEmpty, let version, let name, let region, let producer, let database,
              let consumer, let loadBalancer, let targetGroup, let endpointService, let tags else { return nil }
        return Spec(
            file: file, version: version, name: name, region: region, producer: producer,
            database: database, consumer: consumer, loadBalancer: loadBalancer,
            targetGroup: targetGroup, endpointService: endpointService, tags: tags
        )
    }

    private mutating func decodeVersion(_ node: YAMLNode) -> Int? {
        guard let value = integer(node) else {
            expected("the integer 1", for: "version", found: node)
            return nil
        }
        guard value == 1 else {
            report(node.mark, "unsupported version \(value); this rplink reads version 1 specs")
            return nil
        }
        return value
    }

    private mutating func decodeStackName(_ node: YAMLNode) -> String? {
        guard let text = string(node, path: "name") else { return nil }
        if text.count > SpecFormat.maximumNameLength {
            report(node.mark, "stack name \(Self.quoted(text)) is \(text.count) characters long; at most 32")
            return nil
        }
        guard SpecFormat.isStackName(text) else {
            report(node.mark, "invalid stack name \(Self.quoted(text)): use 1 to 32 lowercase letters, digits and hyphens")
            return nil
        }
        if text.hasPrefix("sg-") {
            report(node.mark, "stack name \(Self.quoted(text)) starts with 'sg-': rplink names its security groups after the stack ('\(text)-nlb'), and EC2 refuses group names that start with sg-")
            return nil
        }
        stackName = (text, node.mark)
        return text
    }

    private mutating func decodeRegion(_ node: YAMLNode) -> String? {
        guard let text = string(node, path: "region") else { return nil }
        guard SpecFormat.isRegion(text) else {
            // `us-east-1a` is an Availability Zone of us-east-1: say so rather than only refuse it.
            if let last = text.last, last.isLetter, SpecFormat.isRegion(String(text.dropLast())) {
                report(node.mark, "invalid region \(Self.quoted(text)): that is an Availability Zone name; the region is \(text.dropLast())")
            } else {
                report(node.mark, "invalid region \(Self.quoted(text)): expected a region code such as us-east-1 or eu-central-1")
            }
            return nil
        }
        return text
    }

    private mutating func resourceId(_ node: YAMLNode, path: String, prefix: String, kind: String) -> String? {
        guard let text = string(node, path: path) else { return nil }
        guard SpecFormat.isResourceId(text, prefix: prefix) else {
            report(node.mark, "invalid \(kind) id \(Self.quoted(text)) for '\(path)': expected '\(prefix)' followed by up to 17 lowercase hex digits, such as \(prefix)0a1b2c3d4e5f67890")
            return nil
        }
        return text
    }

    private mutating func azId(_ node: YAMLNode, path: String) -> String? {
        guard let text = string(node, path: path) else { return nil }
        guard SpecFormat.isAZId(text) else {
            report(node.mark, "invalid AZ id \(Self.quoted(text)) for '\(path)': expected an AZ id such as use1-az1 (AZ names such as us-east-1a differ between accounts; AZ ids do not)")
            return nil
        }
        return text
    }

    // MARK: producer

    private mutating func decodeProducer(_ node: YAMLNode) -> Spec.Producer? {
        guard let map = fields(
            of: node, path: "producer", known: ["vpc_id", "subnets", "security_group_id"],
            required: ["vpc_id", "subnets"]
        ) else { return nil }
        let vpcId = map["vpc_id"].flatMap { resourceId($0, path: "producer.vpc_id", prefix: "vpc-", kind: "VPC") }
        let subnets = map["subnets"].flatMap { decodeSubnets($0) }
        var securityGroupId: String?? = .some(nil)
        if let sgNode = optional(map["security_group_id"]) {
            securityGroupId = resourceId(sgNode, path: "producer.security_group_id", prefix: "sg-", kind: "security group").map { .some($0) }
        }
        guard let vpcId, let subnets, let securityGroupId else { return nil }
        return Spec.Producer(vpcId: vpcId, subnets: subnets, securityGroupId: securityGroupId)
    }

    private mutating func decodeSubnets(_ node: YAMLNode) -> [Spec.Subnet]? {
        guard let items = sequence(node, path: "producer.subnets") else { return nil }
        guard !items.isEmpty else {
            report(node.mark, "'producer.subnets' must list at least one subnet")
            return nil
        }
        var subnets: [Spec.Subnet] = []
        var valid = true
        var allAZsRead = true
        var subnetMarks: [String: YAMLMark] = [:]
        var azSubnets: [String: YAMLMark] = [:]
        defer { producerAZs = allAZsRead ? Set(azSubnets.keys) : nil }
        for (index, item) in items.enumerated() {
            let path = "producer.subnets[\(index)]"
            guard let map = fields(of: item, path: path, known: ["subnet_id", "az_id"], required: ["subnet_id", "az_id"]),
                  let idNode = map["subnet_id"], let azNode = map["az_id"] else { valid = false; allAZsRead = false; continue }
            let subnetId = resourceId(idNode, path: "\(path).subnet_id", prefix: "subnet-", kind: "subnet")
            let az = azId(azNode, path: "\(path).az_id")
            if let subnetId {
                if let first = subnetMarks[subnetId] {
                    report(idNode.mark, "subnet '\(subnetId)' is listed twice (first at \(first))")
                    valid = false
                }
                subnetMarks[subnetId] = subnetMarks[subnetId] ?? idNode.mark
            }
            // Checked even when the subnet id is wrong, so both problems show at once.
            if let az {
                if let other = azSubnets[az] {
                    report(azNode.mark, "AZ \(az) already has a subnet (at \(other)); a load balancer takes one subnet per AZ")
                    valid = false
                }
                azSubnets[az] = azSubnets[az] ?? azNode.mark
            }
            if az == nil { allAZsRead = false }
            guard let subnetId, let az else { valid = false; continue }
            subnets.append(Spec.Subnet(subnetId: subnetId, azId: az))
        }
        return valid ? subnets : nil
    }

    // MARK: database

    private mutating func decodeDatabase(_ node: YAMLNode) -> Spec.Database? {
        let known = ["writer_ip", "writer_endpoint", "port"]
        guard let map = fields(of: node, path: "database", known: known, required: []) else { return nil }
        // One of the two names the writer. A misspelling of either was reported as such already.
        let misspelt = node.mappingKeys.contains { key in
            !known.contains(key) && ["writer_ip", "writer_endpoint"].contains(SpecFormat.suggestion(for: key, among: known))
        }
        if map["writer_ip"] == nil, map["writer_endpoint"] == nil, !misspelt {
            report(node.mark, "missing required key 'writer_ip' in 'database' (or 'writer_endpoint', a DNS name of the writer)")
        }
        var writerIP: String?
        var writerEndpoint: String?
        if let endpointNode = map["writer_endpoint"] {
            if map["writer_ip"] != nil {
                report(endpointNode.mark, "give either 'database.writer_ip' or 'database.writer_endpoint', not both")
            } else if let text = string(endpointNode, path: "database.writer_endpoint") {
                if let problem = SpecFormat.hostNameProblem(text) {
                    let hint = SpecFormat.ipv4(text) != nil ? "; give an address as 'database.writer_ip'" : ""
                    report(endpointNode.mark, "invalid host name \(Self.quoted(text)) for 'database.writer_endpoint': \(problem)\(hint)")
                } else if let reason = SpecFormat.notWriterEndpointReason(text) {
                    report(endpointNode.mark, "\(Self.quoted(text)) cannot be 'database.writer_endpoint': \(reason); name the cluster's writer endpoint ('NAME.cluster-ID.REGION.rds.amazonaws.com')")
                } else {
                    writerEndpoint = text
                    // Resolved when the spec is planned, not here: validation makes no network call.
                    writerIP = ""
                }
            }
        }
        if let ipNode = map["writer_ip"], let text = string(ipNode, path: "database.writer_ip") {
            if let address = SpecFormat.ipv4(text) {
                if let reason = SpecFormat.nonTargetReason(address) {
                    report(ipNode.mark, "\(Self.quoted(text)) cannot be 'database.writer_ip': \(reason); give the private IP of the RDS writer")
                } else {
                    writerIP = text
                }
            } else {
                report(ipNode.mark, "invalid IPv4 address \(Self.quoted(text)) for 'database.writer_ip': expected four numbers 0-255 separated by dots, without leading zeros")
            }
        }
        var port: Int? = 3306
        if let portNode = optional(map["port"]) {
            port = decodePort(portNode)
        }
        guard let writerIP, let port else { return nil }
        return Spec.Database(writerIP: writerIP, port: port, writerEndpoint: writerEndpoint)
    }

    private mutating func decodePort(_ node: YAMLNode) -> Int? {
        guard let port = integer(node) else {
            expected("an integer port from 1 to 65535", for: "database.port", found: node)
            return nil
        }
        guard (1...65535).contains(port) else {
            report(node.mark, "port \(port) is out of range; expected 1 to 65535")
            return nil
        }
        return port
    }

    // MARK: consumer

    private mutating func decodeConsumer(_ node: YAMLNode, region: String?) -> Spec.Consumer? {
        guard let map = fields(
            of: node, path: "consumer", known: ["account_id", "cidr_blocks", "az_ids", "principals"],
            required: ["account_id", "cidr_blocks"]
        ) else { return nil }

        var accountId: String?
        if let idNode = map["account_id"], let text = string(idNode, path: "consumer.account_id") {
            if SpecFormat.isAccountId(text) {
                accountId = text
            } else {
                report(idNode.mark, "invalid account id \(Self.quoted(text)): an AWS account id is exactly 12 digits, such as \"123456789012\"")
            }
        }

        var cidrBlocks: [String]?
        if let cidrNode = map["cidr_blocks"] {
            cidrBlocks = stringList(cidrNode, path: "consumer.cidr_blocks", what: "CIDR block") { decoder, text, item in
                switch SpecFormat.checkCIDR(text) {
                case .valid: return true
                case .malformed:
                    decoder.report(item.mark, "invalid CIDR block \(Self.quoted(text)): expected an IPv4 network such as 10.0.1.0/24")
                case .hostBitsSet(let network):
                    decoder.report(item.mark, "CIDR block \(Self.quoted(text)) has host bits set; did you mean '\(network)'?")
                }
                return false
            }?.map(\.text)
            if let blocks = cidrBlocks, blocks.isEmpty {
                report(cidrNode.mark, "'consumer.cidr_blocks' must list at least one CIDR block")
                cidrBlocks = nil
            }
        }

        var azIds: [String]? = []
        if let azNode = optional(map["az_ids"]) {
            azIds = stringList(azNode, path: "consumer.az_ids", what: "AZ id") { decoder, text, item in
                decoder.azId(item, path: "consumer.az_ids") != nil
            } checked: { decoder, listed in
                guard let covered = decoder.producerAZs else { return }
                for (az, mark) in listed where !covered.contains(az) {
                    decoder.report(mark, "consumer AZ \(az) has no producer subnet; add a subnet in \(az) to producer.subnets")
                }
            }?.map(\.text)
        }

        var principals: [String]? = []
        if let principalNode = optional(map["principals"]) {
            principals = stringList(principalNode, path: "consumer.principals", what: "principal") { decoder, text, item in
                if text == "*" {
                    decoder.report(item.mark, "principal '*' is refused: it would let any AWS account connect to the endpoint service; list account or role ARNs instead")
                    return false
                }
                guard SpecFormat.isPrincipalARN(text) else {
                    decoder.report(item.mark, "invalid principal ARN \(Self.quoted(text)): expected arn:aws:iam::ACCOUNT:root, arn:aws:iam::ACCOUNT:user/NAME or arn:aws:iam::ACCOUNT:role/NAME (a name of at most 64 characters and no path: endpoint services refuse principal ARNs with one)")
                    return false
                }
                if let region, let partition = SpecFormat.partition(ofARN: text), partition != SpecFormat.partition(ofRegion: region) {
                    decoder.report(item.mark, "principal \(Self.quoted(text)) is in partition \(partition), but region \(region) is in \(SpecFormat.partition(ofRegion: region)); an endpoint service allows principals of its own partition only")
                    return false
                }
                return true
            }?.map(\.text)
        }

        guard let accountId, let cidrBlocks, let azIds, let principals else { return nil }
        return Spec.Consumer(accountId: accountId, cidrBlocks: cidrBlocks, azIds: azIds, principals: principals)
    }

    // MARK: optional blocks

    /// An explicit ELBv2 name, or the default derived from the stack name.
    private mutating func elbName(
        _ node: YAMLNode?, path: String, kind: String, defaultSuffix: String,
        stackName: String?, nameNode: YAMLNode?
    ) -> String? {
        guard let node = optional(node) else {
            guard let stackName else { return nil }
            let derived = stackName + defaultSuffix
            if let problem = Self.elbNameProblem(derived, kind: kind), let nameNode {
                report(nameNode.mark, "the default \(kind) name \(Self.quoted(derived)), made from the stack name, \(problem); set \(path) explicitly")
                return nil
            }
            return derived
        }
        guard let text = string(node, path: path) else { return nil }
        if let problem = Self.elbNameProblem(text, kind: kind) {
            report(node.mark, "\(kind) name \(Self.quoted(text)) \(problem)")
            return nil
        }
        return text
    }

    /// What is wrong with an ELBv2 name, as the end of a sentence that starts with it.
    private static func elbNameProblem(_ name: String, kind: String) -> String? {
        if name.count > SpecFormat.maximumNameLength {
            return "is \(name.count) characters long (at most 32)"
        }
        if !SpecFormat.isELBName(name) {
            return "is not valid: use 1 to 32 letters, digits and hyphens, not starting or ending with a hyphen"
        }
        if kind == "load balancer", name.hasPrefix("internal-") {
            return "must not start with 'internal-' (AWS keeps that prefix for the DNS names of internal load balancers)"
        }
        return nil
    }

    private mutating func decodeLoadBalancer(_ node: YAMLNode?, stackName: String?, nameNode: YAMLNode?) -> Spec.LoadBalancerSettings? {
        var map: [String: YAMLNode] = [:]
        if let node {
            guard let fields = fields(of: node, path: "load_balancer", known: ["name", "cross_zone"], required: []) else { return nil }
            map = fields
        }
        let name = elbName(map["name"], path: "load_balancer.name", kind: "load balancer", defaultSuffix: "-nlb", stackName: stackName, nameNode: nameNode)
        var crossZone: Bool? = true
        if let crossNode = optional(map["cross_zone"]) { crossZone = bool(crossNode, path: "load_balancer.cross_zone") }
        guard let name, let crossZone else { return nil }
        return Spec.LoadBalancerSettings(name: name, crossZone: crossZone)
    }

    private mutating func decodeTargetGroup(_ node: YAMLNode?, stackName: String?, nameNode: YAMLNode?) -> Spec.TargetGroupSettings? {
        var map: [String: YAMLNode] = [:]
        if let node {
            guard let fields = fields(of: node, path: "target_group", known: ["name"], required: []) else { return nil }
            map = fields
        }
        let name = elbName(map["name"], path: "target_group.name", kind: "target group", defaultSuffix: "-tg", stackName: stackName, nameNode: nameNode)
        return name.map { Spec.TargetGroupSettings(name: $0) }
    }

    private mutating func decodeEndpointService(_ node: YAMLNode?) -> Spec.EndpointServiceSettings? {
        guard let node else { return Spec.EndpointServiceSettings() }
        guard let map = fields(of: node, path: "endpoint_service", known: ["acceptance_required"], required: []) else { return nil }
        guard let acceptanceNode = optional(map["acceptance_required"]) else { return Spec.EndpointServiceSettings() }
        return bool(acceptanceNode, path: "endpoint_service.acceptance_required").map { Spec.EndpointServiceSettings(acceptanceRequired: $0) }
    }

    // MARK: tags

    /// ELBv2's tag pattern `^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$` (EC2 is laxer): the tags go on both,
    /// so a tag ELBv2 refuses would otherwise fail the apply halfway, after the EC2 objects.
    static func isAllowedTagText(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { scalar in
            switch scalar.properties.generalCategory {
            case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
                 .spaceSeparator, .lineSeparator, .paragraphSeparator,
                 .decimalNumber, .letterNumber, .otherNumber:
                return true
            default:
                return "_.:/=+-@".unicodeScalars.contains(scalar)
            }
        }
    }

    private mutating func decodeTags(_ node: YAMLNode) -> [Spec.Tag]? {
        guard case .mapping(let pairs) = node.content else {
            expected("a mapping", for: "tags", found: node)
            return nil
        }
        var valid = true
        if pairs.count > Self.maximumUserTags {
            report(node.mark, "too many tags: \(pairs.count); at most \(Self.maximumUserTags) (AWS allows 50 per resource and rplink adds its own)")
            valid = false
        }
        var tags: [Spec.Tag] = []
        for pair in pairs {
            guard case .scalar(let key, _) = pair.key.content else { continue }
            if key.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
                report(pair.key.mark, "tag key \(Self.shown(key.debugDescription)) contains a control character (such as a newline or tab); tag keys must be one line of text")
                valid = false
                continue
            }
            let path = "tags.\(key)"
            if key.isEmpty {
                report(pair.key.mark, "tag keys must not be empty")
                valid = false
            } else if key.count > 128 {
                report(pair.key.mark, "tag key \(Self.quoted(key)) is \(key.count) characters long; at most 128")
                valid = false
            } else if let prefix = Self.reservedTagPrefixes.first(where: { key.lowercased().hasPrefix($0) }) {
                let owner = prefix == "aws:" ? "AWS" : "rplink"
                report(pair.key.mark, "tag key \(Self.quoted(key)) uses the prefix '\(prefix)', which is reserved for \(owner)")
                valid = false
            } else if !Self.isAllowedTagText(key) {
                report(pair.key.mark, "tag key \(Self.quoted(key)) has a character that AWS does not allow in tags; use letters, digits, spaces and _ . : / = + - @")
                valid = false
            }
            // A tag value is text: `team: 42` or `on_call: true` is kept as written; a null
            // (`key:`, `key: ~`) is the empty value.
            let value: String?
            if pair.value.isNull {
                value = ""
            } else {
                value = string(pair.value, path: path)
            }
            guard let value else { valid = false; continue }
            if value.count > Self.maximumTagValueLength {
                report(pair.value.mark, "the value of tag \(Self.quoted(key)) is \(value.count) characters long; at most \(Self.maximumTagValueLength)")
                valid = false
                continue
            }
            if !Self.isAllowedTagText(value) {
                report(pair.value.mark, "the value of tag \(Self.quoted(key)) has a character that AWS does not allow in tags; use letters, digits, spaces and _ . : / = + - @")
                valid = false
                continue
            }
            tags.append(Spec.Tag(key: key, value: value))
        }
        let listed = StackConventions.tagKeysValue(tags.map(\.key))
        if listed.count > Self.maximumTagValueLength {
            report(node.mark, "the tag keys come to \(listed.count) characters joined with commas; at most \(Self.maximumTagValueLength), since rplink lists them in its tag \(StackConventions.tagKeysKey) to remove a key later dropped from the spec: use fewer or shorter keys")
            valid = false
        }
        return valid ? tags.sorted { $0.key < $1.key } : nil
    }
}
