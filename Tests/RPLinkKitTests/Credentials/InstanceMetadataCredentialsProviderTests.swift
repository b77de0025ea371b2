import Foundation
import Testing
@testable import RPLinkKit

/// Answers like IMDSv2: a token for the PUT, then the role and its credentials only with that token.
final class FakeMetadataService: @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [CredentialsEndpoint.Request] = []
    var requests: [CredentialsEndpoint.Request] { lock.withLock { recorded } }

    var fetch: CredentialsEndpoint.Fetch {
        { request in
            self.lock.withLock { self.recorded.append(request) }
            let path = request.url.path
            if request.method == "PUT" && path == "/latest/api/token" {
                return .init(status: 200, body: Data("session-token".utf8))
            }
            guard request.method == "GET", request.headers["X-aws-ec2-metadata-token"] == "session-token" else {
                return .init(status: 401, body: Data())
            }
            switch path {
            case "/latest/meta-data/iam/security-credentials/", "/latest/meta-data/iam/security-credentials":
                return .init(status: 200, body: Data("web-role\n".utf8))
            case "/latest/meta-data/iam/security-credentials/web-role":
                return .init(status: 200, body: Data("""
                {"Code": "Success", "Type": "AWS-HMAC", "AccessKeyId": "ASIAIMDS", "SecretAccessKey": "is",
                 "Token": "it", "Expiration": "2026-11-24T21:00:00Z"}
                """.utf8))
            default:
                return .init(status: 404, body: Data())
            }
        }
    }
}

@Suite struct InstanceMetadataCredentialsProviderTests {
    @Test func putsATokenThenReadsTheRoleAndItsCredentials() async throws {
        let fake = FakeMetadataService()
        let provider = try #require(try InstanceMetadataCredentialsProvider(
            environment: ["AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:1338/"], fetch: fake.fetch))
        let credentials = try await provider.credentials()
        #expect(credentials == AWSCredentials(accessKeyId: "ASIAIMDS", secretAccessKey: "is", sessionToken: "it", expiration: STSResponses.expirationSeconds))
        let requests = fake.requests
        #expect(requests.map(\.method) == ["PUT", "GET", "GET"])
        #expect(requests.map(\.url.absoluteString) == [
            "http://127.0.0.1:1338/latest/api/token",
            "http://127.0.0.1:1338/latest/meta-data/iam/security-credentials/",
            "http://127.0.0.1:1338/latest/meta-data/iam/security-credentials/web-role",
        ])
        #expect(requests.first?.headers["X-aws-ec2-metadata-token-ttl-seconds"] == "21600")
    }

    @Test(arguments: ["true", "TRUE"])
    func disabledByTheEnvironment(value: String) throws {
        let provider = try InstanceMetadataCredentialsProvider(environment: ["AWS_EC2_METADATA_DISABLED": value], fetch: unreachableMetadata)
        #expect(provider == nil)
    }

    @Test func disabledMetadataIsNeverCalledByTheChain() async throws {
        let home = try TemporaryHome()
        defer { home.cleanUp() }
        let context = makeContext(home: home, environment: ["AWS_EC2_METADATA_DISABLED": "true"], fetchHTTP: unreachableMetadata)
        await #expect(throws: RPLinkError.self) { _ = try await CredentialChain(context: context).credentials() }
    }

    @Test func failedTokenRequestIsACredentialsError() async throws {
        let provider = InstanceMetadataCredentialsProvider(endpoint: URL(string: "http://127.0.0.1:1")!) { _ in .init(status: 403, body: Data()) }
        let error = await #expect(throws: RPLinkError.self) { _ = try await provider.credentials() }
        #expect(error?.code == .credentials)
        #expect(error?.message.contains("HTTP 403") == true)
    }

    @Test func nonSuccessCodeIsReported() throws {
        let body = Data(#"{"Code": "AssumeRoleUnauthorizedAccess"}"#.utf8)
        let error = #expect(throws: RPLinkError.self) { _ = try CredentialsEndpoint.credentials(from: body, source: "the instance metadata service, for role r,") }
        #expect(error?.message.contains("AssumeRoleUnauthorizedAccess") == true)
    }
}
