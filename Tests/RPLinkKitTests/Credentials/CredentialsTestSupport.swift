import Foundation
import Testing
@testable import RPLinkKit

/// A QueryAPI that records each call and answers with canned XML; the source credentials it was built with are kept.
final class RecordingSTSAPI: QueryAPI, @unchecked Sendable {
    struct Call {
        var service: AWSService
        var action: String
        var parameters: QueryParameters
    }

    let signingProvider: (any CredentialsProvider)?
    private let lock = NSLock()
    private var recorded: [Call] = []
    private let respond: @Sendable (String) throws -> XMLNode

    init(signingProvider: (any CredentialsProvider)?, respond: @escaping @Sendable (String) throws -> XMLNode) {
        self.signingProvider = signingProvider
        self.respond = respond
    }

    var calls: [Call] { lock.withLock { recorded } }

    func call(_ service: AWSService, _ action: String, _ parameters: QueryParameters) async throws -> XMLNode {
        // Like a real client, sign first: that is when source credentials are fetched.
        _ = try await signingProvider?.credentials()
        lock.withLock { recorded.append(Call(service: service, action: action, parameters: parameters)) }
        return try respond(action)
    }
}

/// Every STS client the provider under test asked for, in order.
final class STSFactory: @unchecked Sendable {
    private let lock = NSLock()
    private var made: [RecordingSTSAPI] = []

    var clients: [RecordingSTSAPI] { lock.withLock { made } }

    var make: @Sendable ((any CredentialsProvider)?) -> any QueryAPI {
        { provider in
            let api = RecordingSTSAPI(signingProvider: provider) { action in STSResponses.credentials(action: action) }
            self.lock.withLock { self.made.append(api) }
            return api
        }
    }
}

enum STSResponses {
    static let expiration = "2026-11-24T21:00:00Z"
    /// 2026-11-24T21:00:00Z in seconds since 1970.
    static let expirationSeconds: Double = 1_795_554_000

    static func credentials(action: String, accessKeyId: String = "ASIAASSUMED") -> XMLNode {
        XMLNode(name: "\(action)Response", children: [
            XMLNode(name: "\(action)Result", children: [
                XMLNode(name: "Credentials", children: [
                    XMLNode(name: "AccessKeyId", text: accessKeyId),
                    XMLNode(name: "SecretAccessKey", text: "assumed-secret"),
                    XMLNode(name: "SessionToken", text: "assumed-token"),
                    XMLNode(name: "Expiration", text: expiration),
                ]),
            ]),
        ])
    }
}

/// A fresh temporary directory standing in for the home directory; removed by `cleanUp`.
struct TemporaryHome {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("rplink-creds-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path + "/.aws", withIntermediateDirectories: true)
    }

    func write(_ relativePath: String, _ text: String, executable: Bool = false) throws {
        let full = path + "/" + relativePath
        try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: full, atomically: true, encoding: .utf8)
        if executable {
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: full)
        }
    }

    func cleanUp() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// A metadata fetch that must never be reached.
let unreachableMetadata: CredentialsEndpoint.Fetch = { request in
    Issue.record("unexpected IMDS request \(request.method) \(request.url)")
    throw URLError(.cannotConnectToHost)
}

func makeContext(
    home: TemporaryHome,
    environment: [String: String] = [:],
    profileFlag: String? = nil,
    sts: STSFactory = STSFactory(),
    fetchHTTP: @escaping CredentialsEndpoint.Fetch = unreachableMetadata
) -> CredentialsContext {
    CredentialsContext(
        environment: environment,
        homeDirectory: home.path,
        profileFlag: profileFlag,
        makeSTS: sts.make,
        fetchHTTP: fetchHTTP,
        now: { 1_795_550_000 }
    )
}
