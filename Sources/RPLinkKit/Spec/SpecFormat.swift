/// Syntax rules for the values in a spec. Pure string checks, written by hand so that
/// validation needs neither regular expressions nor the network.
enum SpecFormat {
    static let maximumNameLength = 32

    private static func isLowerAlpha(_ c: Character) -> Bool { ("a"..."z").contains(c) }
    private static func isDigit(_ c: Character) -> Bool { ("0"..."9").contains(c) }
    private static func isLowerHex(_ c: Character) -> Bool { isDigit(c) || ("a"..."f").contains(c) }
    private static func isASCIILetter(_ c: Character) -> Bool { c.isASCII && c.isLetter }

    /// 1-32 of `[a-z0-9-]`.
    static func isStackName(_ s: String) -> Bool {
        (1...maximumNameLength).contains(s.count) && s.allSatisfy { isLowerAlpha($0) || isDigit($0) || $0 == "-" }
    }

    /// `us-east-1`, `eu-central-1`, `us-gov-west-1`, `ap-southeast-3`: a two-letter
    /// area, one or more words, and a number.
    static func isRegion(_ s: String) -> Bool {
        let parts = s.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count >= 3, let area = parts.first, let number = parts.last else { return false }
        return area.count == 2 && area.allSatisfy(isLowerAlpha)
            && !number.isEmpty && number.allSatisfy(isDigit) && number.first != "0"
            && parts.dropFirst().dropLast().allSatisfy { !$0.isEmpty && $0.allSatisfy(isLowerAlpha) }
    }

    /// `vpc-`, `subnet-`, `sg-` + 1 to 17 lowercase hex digits. AWS issues 8 or 17; the
    /// shorter forms are accepted because documentation (and DESIGN.md) abbreviates them.
    static func isResourceId(_ s: String, prefix: String) -> Bool {
        guard s.hasPrefix(prefix) else { return false }
        let digits = s.dropFirst(prefix.count)
        return (1...17).contains(digits.count) && digits.allSatisfy(isLowerHex)
    }

    /// `use1-az1`: `^[a-z]{2,4}[0-9]+-az[0-9]+$`.
    static func isAZId(_ s: String) -> Bool {
        let parts = s.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return false }
        let location = parts[0], zone = parts[1]
        let letters = location.prefix(while: isLowerAlpha)
        let number = location.dropFirst(letters.count)
        return (2...4).contains(letters.count) && !number.isEmpty && number.allSatisfy(isDigit)
            && zone.hasPrefix("az") && zone.count > 2 && zone.dropFirst(2).allSatisfy(isDigit)
    }

    /// Four dotted decimals 0-255 without leading zeros, as a 32-bit number.
    static func ipv4(_ s: String) -> UInt32? {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var value: UInt32 = 0
        for part in parts {
            guard (1...3).contains(part.count), part.allSatisfy(isDigit),
                  part == "0" || part.first != "0",
                  let octet = UInt32(part), octet <= 255 else { return nil }
            value = value << 8 | octet
        }
        return value
    }

    /// Why this is not a DNS host name, if it is not: 1-253 characters (a final dot aside) of at
    /// least two labels, each 1-63 letters, digits and hyphens with no hyphen first or last,
    /// the last not all digits (`10.0.0.1` is an address, not a name).
    static func hostNameProblem(_ s: String) -> String? {
        let name = s.hasSuffix(".") ? String(s.dropLast()) : s
        guard (1...253).contains(name.count) else { return "a host name has 1 to 253 characters" }
        let labels = name.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2 else { return "a host name has at least two labels separated by dots" }
        for label in labels {
            guard (1...63).contains(label.count) else { return "each label between dots has 1 to 63 characters" }
            guard label.allSatisfy({ isASCIILetter($0) || isDigit($0) || $0 == "-" }) else {
                return "a label has only letters, digits and hyphens"
            }
            guard label.first != "-", label.last != "-" else { return "a label neither starts nor ends with a hyphen" }
        }
        if labels.last?.allSatisfy(isDigit) == true {
            return ipv4(name) == nil ? "its last label is all digits, which no top-level domain is" : "it is an IP address, not a name"
        }
        return nil
    }

    /// Why this host name cannot stand for an Aurora cluster's writer, if it cannot: a reader
    /// endpoint points at a replica picked anew at each lookup, and a custom endpoint's members
    /// do not follow the writer through a failover.
    /// (RDS names them `NAME.cluster-ro-ID.REGION.rds.amazonaws.com`: the second label is RDS's.)
    static func notWriterEndpointReason(_ host: String) -> String? {
        let labels = host.lowercased().split(separator: ".")
        guard labels.count > 1 else { return nil }
        if labels[1].hasPrefix("cluster-ro-") {
            return "it is an Aurora reader endpoint, which points at a replica picked anew at each lookup"
        }
        if labels[1].hasPrefix("cluster-custom-") {
            return "it is an Aurora custom endpoint, whose members do not follow the writer through a failover"
        }
        return nil
    }

    /// Why AWS cannot send traffic to this address as an IP target, if it cannot: the
    /// ranges that are never a host's unicast address.
    static func nonTargetReason(_ address: UInt32) -> String? {
        let ranges = [
            ("0.0.0.0/8", "addresses in 0.0.0.0/8 mean \"this network\""),
            ("127.0.0.0/8", "it is a loopback address"),
            ("169.254.0.0/16", "it is a link-local address"),
            ("224.0.0.0/4", "it is a multicast address"),
            ("240.0.0.0/4", "addresses in 240.0.0.0/4 are reserved (255.255.255.255 is broadcast)"),
        ]
        return ranges.first { cidr($0.0, contains: address) }?.1
    }

    /// Whether the CIDR block holds the address (false for a malformed block).
    static func cidr(_ block: String, contains address: UInt32) -> Bool {
        let parts = block.split(separator: "/")
        guard parts.count == 2, let base = ipv4(String(parts[0])), let length = Int(parts[1]), (0...32).contains(length) else {
            return false
        }
        let mask: UInt32 = length == 0 ? 0 : UInt32.max << UInt32(32 - length)
        return base & mask == address & mask
    }

    /// Whether the address lies outside every one of these CIDR blocks (a VPC's).
    static func isOutside(_ text: String, cidrBlocks: [String]) -> Bool {
        guard let address = ipv4(text) else { return false }
        return !cidrBlocks.contains { cidr($0, contains: address) }
    }

    /// RFC 1918 and RFC 6598 (shared address space): the ranges AWS accepts for IP targets
    /// outside the VPC.
    static func isPrivate(_ text: String) -> Bool {
        guard let address = ipv4(text) else { return false }
        return ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"].contains { cidr($0, contains: address) }
    }

    /// The partition of a region: ARNs there start `arn:<partition>:`.
    static func partition(ofRegion region: String) -> String {
        if region.hasPrefix("cn-") { return "aws-cn" }
        if region.hasPrefix("us-gov-") { return "aws-us-gov" }
        if region.hasPrefix("us-isob-") { return "aws-iso-b" }
        if region.hasPrefix("us-iso-") { return "aws-iso" }
        if region.hasPrefix("eu-isoe-") { return "aws-iso-e" }
        if region.hasPrefix("us-isof-") { return "aws-iso-f" }
        return "aws"
    }

    /// The partition field of an ARN (`aws`, `aws-cn`…).
    static func partition(ofARN arn: String) -> Substring? {
        let fields = arn.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
        return fields.count == 3 && fields[0] == "arn" ? fields[1] : nil
    }

    static func ipv4Text(_ value: UInt32) -> String {
        [24, 16, 8, 0].map { String(value >> UInt32($0) & 0xff) }.joined(separator: ".")
    }

    enum CIDRCheck: Equatable {
        case valid
        case malformed
        /// The address has bits set beyond the prefix; carries the network address.
        case hostBitsSet(network: String)
    }

    /// `a.b.c.d/n` with n 0-32 and no host bits.
    static func checkCIDR(_ s: String) -> CIDRCheck {
        let parts = s.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let address = ipv4(String(parts[0])),
              (1...2).contains(parts[1].count), parts[1].allSatisfy(isDigit),
              parts[1] == "0" || parts[1].first != "0",
              let length = Int(parts[1]), length <= 32 else { return .malformed }
        let mask: UInt32 = length == 0 ? 0 : UInt32.max << UInt32(32 - length)
        if address & mask != address {
            return .hostBitsSet(network: "\(ipv4Text(address & mask))/\(length)")
        }
        return .valid
    }

    /// Exactly twelve ASCII digits, leading zeros included.
    static func isAccountId(_ s: String) -> Bool {
        s.count == 12 && s.allSatisfy(isDigit)
    }

    /// `arn:aws[-a-z]*:iam::<12 digits>:root`, `…:user/NAME` or `…:role/NAME`, NAME at most
    /// 64 characters. No path: endpoint service permissions refuse principal ARNs with one.
    static func isPrincipalARN(_ s: String) -> Bool {
        let fields = s.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard fields.count == 6, fields[0] == "arn", fields[1].hasPrefix("aws"),
              fields[1].dropFirst(3).allSatisfy({ isLowerAlpha($0) || $0 == "-" }),
              fields[2] == "iam", fields[3].isEmpty, isAccountId(String(fields[4])) else { return false }
        let resource = fields[5]
        if resource == "root" { return true }
        for kind in ["user/", "role/"] where resource.hasPrefix(kind) {
            let name = resource.dropFirst(kind.count)
            let allowed: (Character) -> Bool = { c in
                c.isASCII && (c.isLetter || c.isNumber || "+=,.@_-".contains(c))
            }
            return (1...64).contains(name.count) && name.allSatisfy(allowed)
        }
        return false
    }

    /// ELBv2 names: 1-32 letters, digits and hyphens, no hyphen at either end.
    static func isELBName(_ s: String) -> Bool {
        (1...maximumNameLength).contains(s.count)
            && s.allSatisfy { isASCIILetter($0) || isDigit($0) || $0 == "-" }
            && !s.hasPrefix("-") && !s.hasSuffix("-")
    }

    /// The closest candidate within an edit distance of 2, or else one that starts with
    /// the key (`vpc` for `vpc_id`), if any.
    static func suggestion(for key: String, among candidates: [String]) -> String? {
        let key = key.lowercased()
        let near = candidates
            .map { (candidate: $0, distance: NameSuggestion.editDistance(key, $0)) }
            .filter { $0.distance <= 2 }
            .min { $0.distance < $1.distance }?
            .candidate
        return near ?? candidates.first { key.count >= 3 && $0.hasPrefix(key) }
    }
}
