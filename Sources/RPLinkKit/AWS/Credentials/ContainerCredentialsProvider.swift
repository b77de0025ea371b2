import Foundation

/// The task's or pod's role credentials from the container credentials endpoint, as the SDKs
/// read them: ECS tasks and CodeBuild (`AWS_CONTAINER_CREDENTIALS_RELATIVE_URI`, served by the
/// ECS agent at 169.254.170.2) and EKS Pod Identity (`AWS_CONTAINER_CREDENTIALS_FULL_URI` with
/// `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`).
public struct ContainerCredentialsProvider: CredentialsProvider {
    static let ecsAgent = "http://169.254.170.2"
    /// Hosts a plain-http full URI may name besides loopback: the ECS and EKS agents.
    static let agentHosts: Set<String> = ["169.254.170.2", "169.254.170.23"]
    static let attempts = 3

    /// Where the `Authorization` header comes from.
    public enum Authorization: Sendable, Equatable {
        case token(String)
        /// Read on every fetch: EKS rotates the file.
        case tokenFile(String)
    }

    public var url: URL
    public var authorization: Authorization?
    public var fetch: CredentialsEndpoint.Fetch

    public init(url: URL, authorization: Authorization?, fetch: @escaping CredentialsEndpoint.Fetch) {
        self.url = url
        self.authorization = authorization
        self.fetch = fetch
    }

    /// nil when neither URI variable is set. The relative URI wins, as in the SDKs; a full URI
    /// must be https, or http to loopback or to one of the agents, so credentials are never
    /// fetched in the clear from elsewhere.
    public init?(environment: [String: String], fetch: @escaping CredentialsEndpoint.Fetch) throws {
        let url: URL
        if let relative = environment.nonEmpty("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") {
            guard relative.hasPrefix("/"), let resolved = URL(string: Self.ecsAgent + relative) else {
                throw RPLinkError(.configuration, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI \"\(relative)\" is not a path starting with /")
            }
            url = resolved
        } else if let full = environment.nonEmpty("AWS_CONTAINER_CREDENTIALS_FULL_URI") {
            url = try Self.checkedFullURI(full)
        } else {
            return nil
        }
        var authorization: Authorization?
        if let file = environment.nonEmpty("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE") {
            authorization = .tokenFile(file)
        } else if let token = environment.nonEmpty("AWS_CONTAINER_AUTHORIZATION_TOKEN") {
            authorization = .token(token)
        }
        self.init(url: url, authorization: authorization, fetch: fetch)
    }

    static func checkedFullURI(_ text: String) throws -> URL {
        let variable = "AWS_CONTAINER_CREDENTIALS_FULL_URI"
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty else {
            throw RPLinkError(.configuration, "\(variable) \"\(text)\" is not a URL with a scheme and host")
        }
        if host.contains(":") {
            throw RPLinkError(.configuration, "\(variable) \"\(text)\" has an IPv6 address, which URLSession on Linux cannot reach; use the agent's IPv4 address (169.254.170.23 for EKS Pod Identity)")
        }
        switch scheme {
        case "https":
            return url
        case "http" where EndpointResolver.isLoopback(host) || agentHosts.contains(host):
            return url
        case "http":
            throw RPLinkError(.configuration, "\(variable) \"\(text)\": plain http is allowed only to loopback, 169.254.170.2 (ECS) and 169.254.170.23 (EKS); use https")
        default:
            throw RPLinkError(.configuration, "\(variable) \"\(text)\" must start with https:// or http://")
        }
    }

    public func credentials() async throws -> AWSCredentials {
        var headers: [String: String] = [:]
        if let token = try authorizationToken() { headers["Authorization"] = token }
        // botocore's timeout for the agents: the first answer of EKS Pod Identity's can be slow.
        let request = CredentialsEndpoint.Request(method: "GET", url: url, headers: headers, timeout: 2)
        let source = "the container credentials endpoint \(url.absoluteString)"
        var attempt = 1
        while true {
            let failure: String
            do {
                let response = try await fetch(request)
                if (200..<300).contains(response.status) {
                    return try CredentialsEndpoint.credentials(from: response.body, source: source)
                }
                // 4xx (a wrong or expired token) will not change on a retry.
                guard response.status >= 500 else {
                    throw RPLinkError(.credentials, "\(source) answered HTTP \(response.status); check AWS_CONTAINER_AUTHORIZATION_TOKEN(_FILE)")
                }
                failure = "answered HTTP \(response.status)"
            } catch let error as RPLinkError {
                throw error
            } catch {
                failure = "cannot be reached: \(error.localizedDescription)"
            }
            guard attempt < Self.attempts else {
                throw RPLinkError(.credentials, "\(source) \(failure) (\(Self.attempts) attempts)")
            }
            try await Task.sleep(for: .milliseconds(100 * attempt))
            attempt += 1
        }
    }

    private func authorizationToken() throws -> String? {
        let token: String
        switch authorization {
        case nil:
            return nil
        case .token(let value):
            token = value
        case .tokenFile(let path):
            guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
                throw RPLinkError(.credentials, "cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE \(path)")
            }
            token = text.trimmingWhitespace
        }
        // A line break would let the token end the header and add others.
        guard !token.contains(where: \.isNewline) else {
            throw RPLinkError(.credentials, "the container authorization token contains a line break; check AWS_CONTAINER_AUTHORIZATION_TOKEN(_FILE)")
        }
        return token
    }
}
