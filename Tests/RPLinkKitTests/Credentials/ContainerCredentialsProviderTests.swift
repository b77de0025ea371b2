import Foundation
import Testing
@testable import RPLinkKit

/// Answers like the ECS agent or the EKS Pod Identity agent: the credentials document, only
/// with the expected Authorization header when one is required; `failures` 500s first.
final class FakeContainerAgent: @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [CredentialsEndpoint.Request] = []
    private var failuresLeft: Int
    let token: String?

    init(token: String? = nil, failures: Int = 0) {
        self.token = token
        self.failuresLeft = failures
    }

    var requests: [CredentialsEndpoint.Request] { lock.withLock { recorded } }

    var fetch: CredentialsEndpoint.Fetch {
        { request in
            let fail: Bool = self.lock.withLock {
                self.recorded.append(request)
                defer { self.failuresLeft -= 1 }
                return self.failuresLeft > 0
            }
            if fail { return .init(status: 500, body: Data()) }
            guard request.method == "GET", request.headers["Authorization"] == self.token else {
                return .init(status: 401, body: Data())
            }
            return .init(status: 200, body: Data("""
                {"RoleArn": "arn:aws:iam::123456789012:role/task", "AccessKeyId": "ASIATASK", "SecretAccessKey": "task-secret",
                 "Token": "task-token", "Expiration": "\(STSResponses.expiration)"}
                """.utf8))
        }
    }
}

@Suite struct ContainerCredentialsProviderTests {
    static let taskCredentials = AWSCredentials(accessKeyId: "ASIATASK", secretAccessKey: "task-secret",
                                                sessionToken: "task-token", expiration: STSResponses.expirationSeconds)

    @Test func relativeURIIsReadFromTheECSAgent() async throws {
        let agent = FakeContainerAgent()
        let provider = try #require(try ContainerCredentialsProvider(
            environment: ["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/abc"], fetch: agent.fetch))
        #expect(try await provider.credentials() == Self.taskCredentials)
        #expect(agent.requests.map(\.url.absoluteString) == ["http://169.254.170.2/v2/credentials/abc"])
        #expect(agent.requests.first?.timeout == 2, "botocore's timeout for the agents")
        #expect(agent.requests.first?.headers["Authorization"] == nil)
    }

    @Test func relativeURIWinsOverAFullURI() throws {
        let provider = try #require(try ContainerCredentialsProvider(environment: [
            "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/creds",
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:9/creds",
        ], fetch: unreachableMetadata))
        #expect(provider.url.absoluteString == "http://169.254.170.2/creds")
    }

    @Test func fullURIWithATokenFileSendsTheFileAsAuthorizationReadOnEveryFetch() async throws {
        let home = try TemporaryHome()
        defer { home.cleanUp() }
        try home.write("token", "first-token\n")
        let agent = FakeContainerAgent(token: "first-token")
        let provider = try #require(try ContainerCredentialsProvider(environment: [
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://169.254.170.23/v1/credentials",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": home.path + "/token",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN": "ignored-when-a-file-is-set",
        ], fetch: agent.fetch))
        #expect(try await provider.credentials() == Self.taskCredentials)
        // The agent rotates the file; the next refresh must send the new token.
        try home.write("token", "second-token")
        await #expect(throws: RPLinkError.self) { _ = try await provider.credentials() }
        #expect(agent.requests.map { $0.headers["Authorization"] } == ["first-token", "second-token"])
        #expect(agent.requests.first?.url.absoluteString == "http://169.254.170.23/v1/credentials")
    }

    @Test func tokenVariableIsSentWhenNoFileIsSet() async throws {
        let agent = FakeContainerAgent(token: "env-token")
        let provider = try #require(try ContainerCredentialsProvider(environment: [
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": "https://creds.example.com/role",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN": "env-token",
        ], fetch: agent.fetch))
        #expect(try await provider.credentials() == Self.taskCredentials)
    }

    @Test(arguments: [
        ("http://127.0.0.1:8080/creds", true), ("http://localhost/creds", true), ("http://169.254.170.2/creds", true),
        ("http://169.254.170.23/v1/credentials", true), ("https://creds.example.com/x", true),
        ("http://creds.example.com/x", false), ("http://10.0.0.5/creds", false), ("ftp://127.0.0.1/creds", false),
        ("http://[fd00:ec2::23]/v1/credentials", false), ("not a url", false),
    ])
    func fullURIMustBeHTTPSOrLoopbackOrAnAgent(uri: String, allowed: Bool) throws {
        let environment = ["AWS_CONTAINER_CREDENTIALS_FULL_URI": uri]
        if allowed {
            #expect(try ContainerCredentialsProvider(environment: environment, fetch: unreachableMetadata)?.url.absoluteString == uri)
        } else {
            let error = #expect(throws: RPLinkError.self) { _ = try ContainerCredentialsProvider(environment: environment, fetch: unreachableMetadata) }
            #expect(error?.code == .configuration)
            #expect(error?.message.contains("AWS_CONTAINER_CREDENTIALS_FULL_URI") == true)
        }
    }

    @Test func noVariablesMeansNoProvider() throws {
        #expect(try ContainerCredentialsProvider(environment: ["AWS_CONTAINER_AUTHORIZATION_TOKEN": "t"], fetch: unreachableMetadata) == nil)
    }

    @Test func serverErrorsAreRetriedAndAWrongTokenIsNot() async throws {
        let flaky = FakeContainerAgent(failures: 2)
        let provider = ContainerCredentialsProvider(url: URL(string: "http://127.0.0.1:9/c")!, authorization: nil, fetch: flaky.fetch)
        #expect(try await provider.credentials() == Self.taskCredentials)
        #expect(flaky.requests.count == 3)

        let refusing = FakeContainerAgent(token: "right")
        let wrong = ContainerCredentialsProvider(url: URL(string: "http://127.0.0.1:9/c")!, authorization: .token("wrong"), fetch: refusing.fetch)
        let error = await #expect(throws: RPLinkError.self) { _ = try await wrong.credentials() }
        #expect(error?.message.contains("HTTP 401") == true)
        #expect(error?.message.contains("wrong") == false, "the token never appears in a message")
        #expect(refusing.requests.count == 1)
    }

    @Test func unreachableAgentFailsAfterThreeAttemptsNamingTheURL() async throws {
        let provider = ContainerCredentialsProvider(url: URL(string: "http://169.254.170.2/creds")!, authorization: nil) { _ in
            throw URLError(.timedOut)
        }
        let error = await #expect(throws: RPLinkError.self) { _ = try await provider.credentials() }
        #expect(error?.code == .credentials)
        #expect(error?.message.contains("http://169.254.170.2/creds") == true)
        #expect(error?.message.contains("3 attempts") == true)
    }

    @Test func tokenWithALineBreakIsRefusedBeforeAnyRequest() async throws {
        let provider = ContainerCredentialsProvider(url: URL(string: "http://127.0.0.1:9/c")!,
                                                    authorization: .token("a\r\nX-Injected: 1"), fetch: unreachableMetadata)
        let error = await #expect(throws: RPLinkError.self) { _ = try await provider.credentials() }
        #expect(error?.message.contains("line break") == true)
        #expect(error?.message.contains("X-Injected") == false)
    }

    // MARK: - In the chain

    @Test func containerCredentialsComeAfterTheProfileAndBeforeInstanceMetadata() async throws {
        let home = try TemporaryHome()
        defer { home.cleanUp() }
        let agent = FakeContainerAgent()
        let environment = ["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/creds"]
        // No profile: the container answers, and IMDS (unreachableMetadata would record an issue) is never asked.
        let credentials = try await CredentialChain(context: makeContext(home: home, environment: environment, fetchHTTP: agent.fetch)).credentials()
        #expect(credentials == Self.taskCredentials)

        try home.write(".aws/credentials", "[default]\naws_access_key_id = AKIADEFAULT\naws_secret_access_key = s\n")
        let fromProfile = try await CredentialChain(context: makeContext(home: home, environment: environment, fetchHTTP: agent.fetch)).credentials()
        #expect(fromProfile.accessKeyId == "AKIADEFAULT")
        #expect(agent.requests.count == 1)
    }

    @Test func failingContainerEndpointIsAnErrorNotAFallThroughToInstanceMetadata() async throws {
        let home = try TemporaryHome()
        defer { home.cleanUp() }
        let context = makeContext(home: home, environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:9/creds"],
                                  fetchHTTP: { request in
                                      #expect(request.url.host == "127.0.0.1", "only the container endpoint is asked")
                                      return .init(status: 503, body: Data())
                                  })
        let error = await #expect(throws: RPLinkError.self) { _ = try await CredentialChain(context: context).credentials() }
        #expect(error?.message.contains("container credentials endpoint http://127.0.0.1:9/creds answered HTTP 503") == true)
    }

    @Test func nothingFoundListsTheContainerVariables() async throws {
        let home = try TemporaryHome()
        defer { home.cleanUp() }
        let context = makeContext(home: home, environment: ["AWS_EC2_METADATA_DISABLED": "true"])
        let error = await #expect(throws: RPLinkError.self) { _ = try await CredentialChain(context: context).credentials() }
        #expect(error?.message.contains("container credentials (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or AWS_CONTAINER_CREDENTIALS_FULL_URI)") == true)
    }

    @Test func ecsContainerCredentialSourceSignsAssumeRoleWithTheTaskRole() async throws {
        let home = try TemporaryHome()
        defer { home.cleanUp() }
        try home.write(".aws/config", "[profile deploy]\nrole_arn = arn:aws:iam::123456789012:role/deploy\ncredential_source = EcsContainer\n")
        let agent = FakeContainerAgent()
        let sts = STSFactory()
        let context = makeContext(home: home, environment: ["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/creds"],
                                  profileFlag: "deploy", sts: sts, fetchHTTP: agent.fetch)
        let credentials = try await CredentialChain(context: context).credentials()
        #expect(credentials.accessKeyId == "ASIAASSUMED")
        #expect(sts.clients.first?.calls.map(\.action) == ["AssumeRole"])
        #expect(try await sts.clients.first?.signingProvider?.credentials() == Self.taskCredentials)
        #expect(agent.requests.count == 1, "the task role's credentials are cached for the assume-role client")

        let unset = makeContext(home: home, profileFlag: "deploy", sts: STSFactory())
        let error = await #expect(throws: RPLinkError.self) { _ = try await CredentialChain(context: unset).credentials() }
        #expect(error?.message.contains("credential_source = EcsContainer") == true)
    }
}
