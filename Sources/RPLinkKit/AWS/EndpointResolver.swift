import Foundation

/// Chooses the endpoint URL of each service.
///
/// Per service: `--endpoint-url`, then `AWS_ENDPOINT_URL_<SERVICE>`, then `AWS_ENDPOINT_URL`,
/// then the regional AWS endpoint. `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true` turns off the
/// environment variables but not the flag, as in the AWS CLI. Plain http is accepted only for
/// loopback hosts (emulators), so a typo can never send signed requests in the clear.
public struct EndpointResolver: Sendable, Equatable {
    public var endpointURLFlag: String?
    public var environment: [String: String]

    public init(endpointURLFlag: String?, environment: [String: String]) {
        self.endpointURLFlag = endpointURLFlag
        self.environment = environment
    }

    public func resolve(region: String, services: [AWSService] = AWSService.allCases) throws -> [AWSService: URL] {
        var endpoints: [AWSService: URL] = [:]
        for service in services {
            endpoints[service] = try resolve(service, region: region)
        }
        return endpoints
    }

    public func resolve(_ service: AWSService, region: String) throws -> URL {
        if let flag = endpointURLFlag?.trimmingWhitespace, !flag.isEmpty {
            return try Self.validated(flag, source: "--endpoint-url")
        }
        if environment.nonEmpty("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")?.lowercased() != "true" {
            let serviceVariable = "AWS_ENDPOINT_URL_\(service.endpointEnvironmentSuffix)"
            if let value = environment.nonEmpty(serviceVariable) {
                return try Self.validated(value, source: serviceVariable)
            }
            if let value = environment.nonEmpty("AWS_ENDPOINT_URL") {
                return try Self.validated(value, source: "AWS_ENDPOINT_URL")
            }
        }
        return try Self.validated(Self.defaultEndpoint(service, region: region), source: "region \(region)")
    }

    /// The public AWS endpoint; IAM is global, China regions use their own domain.
    static func defaultEndpoint(_ service: AWSService, region: String) -> String {
        let domain = region.hasPrefix("cn-") ? "amazonaws.com.cn" : "amazonaws.com"
        if service == .iam { return region.hasPrefix("cn-") ? "https://iam.\(region).\(domain)" : "https://iam.\(domain)" }
        return "https://\(service.endpointPrefix).\(region).\(domain)"
    }

    static func validated(_ text: String, source: String) throws -> URL {
        switch check(text) {
        case .success(let url): return url
        case .failure(let problem): throw RPLinkError(.configuration, "\(source): \(problem.text)")
        }
    }

    struct Problem: Error { var text: String }

    /// The one rule for an endpoint URL, wherever it comes from (the command line makes a
    /// usage error of it, the environment a configuration error).
    static func check(_ text: String) -> Result<URL, Problem> {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty else {
            return .failure(Problem(text: "\"\(text)\" is not a URL with a scheme and host"))
        }
        // swift-corelibs-foundation's URLSession fails such URLs at once (URLError -1000,
        // "bad URL"), so say so rather than fail every call.
        if host.contains(":") {
            return .failure(Problem(text: "\"\(text)\" has an IPv6 address, which URLSession on Linux cannot reach; use a host name (such as localhost) or an IPv4 address"))
        }
        switch scheme {
        case "https":
            return .success(url)
        case "http":
            guard isLoopback(host) else {
                return .failure(Problem(text: "refusing plain http to non-loopback host \(host); use https"))
            }
            return .success(url)
        default:
            return .failure(Problem(text: "\"\(text)\" must start with https:// (or http:// for a loopback host)"))
        }
    }

    /// 127.0.0.0/8, localhost and ::1.
    static func isLoopback(_ host: String) -> Bool {
        var host = host.lowercased()
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host == "localhost" || host == "::1" || host == "0:0:0:0:0:0:0:1" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4, octets[0] == "127" else { return false }
        return octets.allSatisfy { octet in
            guard let value = Int(octet), String(value) == octet || octet == "0" else { return false }
            return (0...255).contains(value)
        }
    }
}
