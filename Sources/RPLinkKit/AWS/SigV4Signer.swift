import Foundation

/// AWS Signature Version 4 with the Authorization header: a pure value, the date passed in.
///
/// Each stage of the algorithm is its own function so that every intermediate text can be
/// compared with the AWS test suite: canonical request → string to sign → signing key →
/// signature → Authorization header. `sign` runs them all.
public struct SigV4Signer: Sendable {
    /// A request as it is signed: the path and query exactly as on the request line.
    public struct Request: Sendable, Equatable {
        public var method: String
        public var path: String
        /// The raw query string without `?`; empty when there is none.
        public var query: String
        public var headers: [HTTPHeader]
        public var body: [UInt8]

        public init(method: String, path: String, query: String = "", headers: [HTTPHeader], body: [UInt8] = []) {
            self.method = method
            self.path = path
            self.query = query
            self.headers = headers
            self.body = body
        }
    }

    public struct CanonicalRequest: Sendable, Equatable {
        public var text: String
        /// `content-type;host;x-amz-date`, as it appears in the Authorization header.
        public var signedHeaders: String
    }

    public var credentials: AWSCredentials
    public var region: String
    /// The service name of the credential scope (`ec2`, `elasticloadbalancing`).
    public var service: String
    /// Remove `.`/`..` segments and repeated slashes from the path (every service except S3).
    public var normalizesPath: Bool
    /// Send and sign `x-amz-content-sha256` (S3-style services want it; the Query API does not).
    public var signsContentHashHeader: Bool
    /// Add the session token after signing instead of signing it (a few services want this).
    public var omitsSessionTokenFromSignature: Bool

    static let algorithm = "AWS4-HMAC-SHA256"
    /// Headers a proxy may change or drop, so signing them would break the signature.
    static let unsignedHeaders: Set<String> = ["authorization", "user-agent", "x-amzn-trace-id", "expect", "connection", "transfer-encoding"]

    public init(credentials: AWSCredentials, region: String, service: String,
                normalizesPath: Bool = true, signsContentHashHeader: Bool = false, omitsSessionTokenFromSignature: Bool = false) {
        self.credentials = credentials
        self.region = region
        self.service = service
        self.normalizesPath = normalizesPath
        self.signsContentHashHeader = signsContentHashHeader
        self.omitsSessionTokenFromSignature = omitsSessionTokenFromSignature
    }

    // MARK: - The whole algorithm

    /// The headers to add to the request, `Authorization` last.
    public func sign(_ request: Request, date: Date) -> [HTTPHeader] {
        let added = headersAddedBeforeSigning(request, date: date)
        var signable = request
        signable.headers += added.filter { !(omitsSessionTokenFromSignature && $0.name == "X-Amz-Security-Token") }
        let canonical = canonicalRequest(signable)
        let toSign = stringToSign(canonicalRequest: canonical.text, date: date)
        let authorization = authorizationHeader(signedHeaders: canonical.signedHeaders, signature: signature(stringToSign: toSign, date: date), date: date)
        return added + [HTTPHeader("Authorization", authorization)]
    }

    /// `X-Amz-Date`, the session token and the content hash, unless the request already has them.
    public func headersAddedBeforeSigning(_ request: Request, date: Date) -> [HTTPHeader] {
        let present = Set(request.headers.map { $0.name.lowercased() })
        var added: [HTTPHeader] = []
        if let token = credentials.sessionToken, !present.contains("x-amz-security-token") {
            added.append(HTTPHeader("X-Amz-Security-Token", token))
        }
        if !present.contains("x-amz-date") {
            added.append(HTTPHeader("X-Amz-Date", Self.amzDate(date)))
        }
        if signsContentHashHeader, !present.contains("x-amz-content-sha256") {
            added.append(HTTPHeader("x-amz-content-sha256", SHA256.hash(request.body).hexEncoded))
        }
        return added
    }

    // MARK: - Stages

    public func canonicalRequest(_ request: Request) -> CanonicalRequest {
        let headers = canonicalHeaders(request.headers)
        let signedHeaders = headers.map(\.name).joined(separator: ";")
        let text = [
            request.method.uppercased(),
            canonicalPath(request.path),
            canonicalQuery(request.query),
            headers.map { "\($0.name):\($0.value)\n" }.joined(),
            signedHeaders,
            SHA256.hash(request.body).hexEncoded,
        ].joined(separator: "\n")
        return CanonicalRequest(text: text, signedHeaders: signedHeaders)
    }

    public func stringToSign(canonicalRequest: String, date: Date) -> String {
        [Self.algorithm, Self.amzDate(date), credentialScope(date: date), SHA256.hexDigest(canonicalRequest)].joined(separator: "\n")
    }

    public func signingKey(date: Date) -> [UInt8] {
        let dateKey = HMAC.sha256(key: Array("AWS4\(credentials.secretAccessKey)".utf8), message: Self.dateStamp(date))
        let regionKey = HMAC.sha256(key: dateKey, message: region)
        let serviceKey = HMAC.sha256(key: regionKey, message: service)
        return HMAC.sha256(key: serviceKey, message: "aws4_request")
    }

    public func signature(stringToSign: String, date: Date) -> String {
        HMAC.sha256(key: signingKey(date: date), message: stringToSign).hexEncoded
    }

    public func authorizationHeader(signedHeaders: String, signature: String, date: Date) -> String {
        "\(Self.algorithm) Credential=\(credentials.accessKeyId)/\(credentialScope(date: date)), SignedHeaders=\(signedHeaders), Signature=\(signature)"
    }

    public func credentialScope(date: Date) -> String {
        "\(Self.dateStamp(date))/\(region)/\(service)/aws4_request"
    }

    // MARK: - Canonical parts

    /// Lowercased names, sorted; values trimmed with inner whitespace runs collapsed;
    /// repeated names joined with commas in their original order.
    func canonicalHeaders(_ headers: [HTTPHeader]) -> [HTTPHeader] {
        var valuesByName: [String: [String]] = [:]
        for header in headers {
            let name = header.name.lowercased()
            guard !Self.unsignedHeaders.contains(name) else { continue }
            valuesByName[name, default: []].append(Self.collapsingWhitespace(header.value))
        }
        return valuesByName.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
            .map { HTTPHeader($0, valuesByName[$0, default: []].joined(separator: ",")) }
    }

    func canonicalPath(_ path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : "/" + path
        let normalized = normalizesPath ? Self.removingDotSegments(absolute) : absolute
        // Encoded as sent, not decoded first: a `%` on the wire becomes `%25`, the double
        // encoding SigV4 asks for outside S3.
        return PercentEncoding.encode(normalized, keepingSlash: true)
    }

    /// Parameters decoded, re-encoded with RFC 3986, and sorted by name then value (byte order).
    func canonicalQuery(_ query: String) -> String {
        guard !query.isEmpty else { return "" }
        let pairs = query.split(separator: "&", omittingEmptySubsequences: true).map { item -> (String, String) in
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = PercentEncoding.encode(PercentEncoding.decode(String(parts[0])))
            let value = parts.count > 1 ? PercentEncoding.encode(PercentEncoding.decode(String(parts[1]))) : ""
            return (name, value)
        }
        return pairs.sorted { lhs, rhs in
            lhs.0 == rhs.0 ? Array(lhs.1.utf8).lexicographicallyPrecedes(Array(rhs.1.utf8))
                : Array(lhs.0.utf8).lexicographicallyPrecedes(Array(rhs.0.utf8))
        }
        .map { "\($0.0)=\($0.1)" }
        .joined(separator: "&")
    }

    static func removingDotSegments(_ path: String) -> String {
        var segments: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch segment {
            case ".": continue
            case "..": _ = segments.popLast()
            default: segments.append(segment)
            }
        }
        var result = "/" + segments.joined(separator: "/")
        if path.hasSuffix("/"), !segments.isEmpty { result += "/" }
        return result
    }

    static func collapsingWhitespace(_ value: String) -> String {
        value.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }).joined(separator: " ")
    }

    // MARK: - Dates, without DateFormatter (locale- and time-zone-proof)

    /// `20150830T123600Z`
    public static func amzDate(_ date: Date) -> String {
        let parts = UTCDateParts(date)
        return "\(dateStamp(date))T\(twoDigits(parts.hour))\(twoDigits(parts.minute))\(twoDigits(parts.second))Z"
    }

    /// `20150830`
    public static func dateStamp(_ date: Date) -> String {
        let parts = UTCDateParts(date)
        let year = String(parts.year)
        return String(repeating: "0", count: max(0, 4 - year.count)) + year + twoDigits(parts.month) + twoDigits(parts.day)
    }

    private static func twoDigits(_ value: Int) -> String {
        value < 10 ? "0\(value)" : String(value)
    }
}

/// The UTC calendar fields of a date, by Howard Hinnant's days-to-civil algorithm.
struct UTCDateParts: Equatable {
    var year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int

    init(_ date: Date) {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        hour = secondOfDay / 3600
        minute = secondOfDay % 3600 / 60
        second = secondOfDay % 60

        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
    }
}
