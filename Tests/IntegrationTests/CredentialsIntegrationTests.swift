import Foundation
import Testing
import RPLinkKit

/// The credential sources of DESIGN.md section 5 against the emulator's IAM and STS with
/// signature checking on: assume-role from a source profile, web identity, credential_process,
/// and the precedence between environment and profiles. Shared files live in a temporary
/// folder and HOME is another, so the machine's ~/.aws is never read.
@Suite(.serialized) struct CredentialsIntegrationTests {
    static let shared = SharedEmulator()

    /// A temporary HOME with shared config and credentials files written into it.
    struct SharedFiles {
        var folder: URL
        var config: URL { folder.appendingPathComponent("config") }
        var credentials: URL { folder.appendingPathComponent("credentials") }

        init(config: String, credentials: String) throws {
            folder = try TemporaryDirectory.make(prefix: "aws-files")
            try config.write(to: self.config, atomically: true, encoding: .utf8)
            try credentials.write(to: self.credentials, atomically: true, encoding: .utf8)
        }

        func remove() { try? FileManager.default.removeItem(at: folder) }

        /// Points at these files and blanks the emulator's key variables, which the SDKs
        /// treat as unset, so only the files can provide credentials.
        var binaryEnvironment: [String: String] {
            ["AWS_CONFIG_FILE": config.path, "AWS_SHARED_CREDENTIALS_FILE": credentials.path,
             "AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": ""]
        }
    }

    /// Creates a role anyone may assume, allowed everything, and returns its ARN.
    static func createRole(_ name: String, with boto: Boto) async throws -> String {
        try await boto.run("""
            iam = client("iam")
            trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"},
                     "Action": ["sts:AssumeRole", "sts:AssumeRoleWithWebIdentity"]}]}
            role = iam.create_role(RoleName="\(name)", AssumeRolePolicyDocument=json.dumps(trust))["Role"]
            iam.put_role_policy(RoleName="\(name)", PolicyName="everything", PolicyDocument=json.dumps(
                {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
            emit(role["Arn"])
            """)
    }

    /// Who boto3 says these temporary credentials belong to: an independent check of what STS handed out.
    static func botoCallerArn(_ credentials: AWSCredentials, emulator: Emulator) async throws -> String {
        let result = try await Boto.runPython("""
            import boto3, json
            sts = boto3.client("sts", endpoint_url="\(emulator.endpoint.absoluteString)", region_name="us-east-1")
            print(json.dumps(sts.get_caller_identity()["Arn"]))
            """, environment: [
                "AWS_ACCESS_KEY_ID": credentials.accessKeyId,
                "AWS_SECRET_ACCESS_KEY": credentials.secretAccessKey,
                "AWS_SESSION_TOKEN": credentials.sessionToken ?? "",
            ])
        guard result.exitCode == 0 else { throw EmulatorError(description: "boto3 get_caller_identity failed: \(result)") }
        return try JSONDecoder().decode(String.self, from: Data(result.stdout.utf8))
    }

    static func planSpec(_ name: String, emulator: Emulator) async throws -> (folder: URL, spec: URL) {
        let fixture = try await ProducerFixture.create(with: Boto(emulator))
        let folder = try TemporaryDirectory.make(prefix: name)
        return (folder, try fixture.writeSpec(name: name, in: folder))
    }

    // MARK: - Assume role

    @Test func assumeRoleProfileSignsWithItsSourceProfileAndYieldsWorkingTemporaryKeys() async throws {
        let emulator = try await Self.shared.emulator()
        let roleArn = try await Self.createRole("rplink-deployer", with: Boto(emulator))
        let keys = emulator.credentials
        let files = try SharedFiles(
            config: "[profile deployer]\nrole_arn = \(roleArn)\nsource_profile = base\nrole_session_name = rplink-itest\n",
            credentials: "[base]\naws_access_key_id = \(keys.accessKeyId)\naws_secret_access_key = \(keys.secretAccessKey)\n")
        defer { files.remove() }
        let recording = RecordingTransport()
        let context = CredentialsContext(
            environment: ["AWS_CONFIG_FILE": files.config.path, "AWS_SHARED_CREDENTIALS_FILE": files.credentials.path,
                          "AWS_PROFILE": "deployer", "AWS_EC2_METADATA_DISABLED": "true"],
            homeDirectory: files.folder.path,
            makeSTS: { AWSClient.forEmulator(emulator, credentials: $0, transport: recording) })
        let chain = CredentialChain(context: context).cached()

        let assumed = try await chain.credentials()
        #expect(assumed.accessKeyId != keys.accessKeyId)
        #expect(assumed.secretAccessKey != keys.secretAccessKey)
        #expect(assumed.sessionToken?.isEmpty == false)
        let expiration = try #require(assumed.expiration)
        #expect(expiration > Date().timeIntervalSince1970 + 600, "STS credentials last at least the default hour")

        let calls = recording.requests(action: "AssumeRole")
        #expect(calls.count == 1)
        let authorization = calls.first?.header("Authorization") ?? ""
        #expect(authorization.contains("Credential=\(keys.accessKeyId)/"), "signed with the source profile's key")
        #expect(authorization.contains("/us-east-1/sts/aws4_request"))
        let body = String(decoding: calls.first?.body ?? [], as: UTF8.self)
        #expect(body.contains("RoleSessionName=rplink-itest"))

        // The temporary keys are accepted by the emulator's signature check.
        let client = AWSClient.forEmulator(emulator, credentials: chain)
        let identity = try await STS(api: client).getCallerIdentity()
        #expect(identity.arn.hasSuffix(":assumed-role/rplink-deployer/rplink-itest"), "\(identity)")
        #expect(try await Self.botoCallerArn(assumed, emulator: emulator) == identity.arn)
        let vpcs = try await EC2(api: client).describeVpcs()
        #expect(!vpcs.isEmpty)

        // Cached until shortly before expiry: no second AssumeRole.
        #expect(try await chain.credentials() == assumed)
        #expect(recording.requests(action: "AssumeRole").count == 1)
    }

    @Test func planWithAnAssumeRoleProfileAssumesOnceThenReads() async throws {
        let emulator = try await Self.shared.emulator()
        let roleArn = try await Self.createRole("rplink-planner", with: Boto(emulator))
        let keys = emulator.credentials
        let files = try SharedFiles(
            config: "[profile planner]\nrole_arn = \(roleArn)\nsource_profile = base\n",
            credentials: "[base]\naws_access_key_id = \(keys.accessKeyId)\naws_secret_access_key = \(keys.secretAccessKey)\n")
        defer { files.remove() }
        let (folder, spec) = try await Self.planSpec("assume-role", emulator: emulator)
        defer { try? FileManager.default.removeItem(at: folder) }

        let result = try await RPLinkBinary.locate().run(
            ["plan", spec.path, "--profile", "planner", "--debug"], emulator: emulator, environment: files.binaryEnvironment)
        #expect(result.exitCode == 0, "\(result)")
        #expect(result.stdout.contains("Plan: 8 to add"), "\(result)")
        let calls = result.stderr.split(separator: "\n").filter { $0.hasPrefix("aws: ") && !$0.contains(" retrying ") }
        #expect(calls.first?.hasPrefix("aws: sts AssumeRole attempt 1 HTTP 200") == true, "\(result)")
        #expect(calls.filter { $0.contains(" AssumeRole ") }.count == 1, "\(result)")
        #expect(calls.count > 1 && calls.dropFirst().allSatisfy { $0.contains(" HTTP 200 ") }, "\(result)")
    }

    // MARK: - Web identity

    @Test func webIdentityIsSentUnsignedAndYieldsWorkingTemporaryKeys() async throws {
        let emulator = try await Self.shared.emulator()
        let roleArn = try await Self.createRole("rplink-ci", with: Boto(emulator))
        let folder = try TemporaryDirectory.make(prefix: "web-identity")
        defer { try? FileManager.default.removeItem(at: folder) }
        let tokenFile = folder.appendingPathComponent("token")
        let token = "eyJhbGciOiJSUzI1NiJ9.ci-oidc-token.signature"
        try (token + "\n").write(to: tokenFile, atomically: true, encoding: .utf8)
        let recording = RecordingTransport()
        let context = CredentialsContext(
            environment: ["AWS_WEB_IDENTITY_TOKEN_FILE": tokenFile.path, "AWS_ROLE_ARN": roleArn,
                          "AWS_ROLE_SESSION_NAME": "ci-run-42", "AWS_EC2_METADATA_DISABLED": "true",
                          "AWS_CONFIG_FILE": folder.appendingPathComponent("config").path,
                          "AWS_SHARED_CREDENTIALS_FILE": folder.appendingPathComponent("credentials").path],
            homeDirectory: folder.path,
            makeSTS: { AWSClient.forEmulator(emulator, credentials: $0, transport: recording) })
        let chain = CredentialChain(context: context).cached()

        // moto checks every call once auth is on, unsigned ones included; let this one through.
        try await emulator.allowUnauthenticatedCalls(1)
        let assumed = try await chain.credentials()
        #expect(assumed.sessionToken?.isEmpty == false)
        #expect(assumed.expiration != nil)

        let calls = recording.requests(action: "AssumeRoleWithWebIdentity")
        #expect(calls.count == 1)
        #expect(calls.first?.header("Authorization") == nil, "the token is the proof; nothing is signed")
        #expect(calls.first?.header("X-Amz-Security-Token") == nil)
        let body = String(decoding: calls.first?.body ?? [], as: UTF8.self)
        #expect(body.contains("RoleSessionName=ci-run-42"))
        #expect(body.contains("WebIdentityToken=eyJhbGciOiJSUzI1NiJ9.ci-oidc-token.signature"), "trimmed of its newline: \(body)")

        // Signature checking is on again, and the temporary keys pass it.
        let client = AWSClient.forEmulator(emulator, credentials: chain)
        let identity = try await STS(api: client).getCallerIdentity()
        #expect(identity.arn.hasSuffix(":assumed-role/rplink-ci/ci-run-42"), "\(identity)")
        #expect(try await Self.botoCallerArn(assumed, emulator: emulator) == identity.arn)
        #expect(!(try await EC2(api: client).describeVpcs()).isEmpty)
        let forged = AWSCredentials(accessKeyId: assumed.accessKeyId, secretAccessKey: "forged", sessionToken: assumed.sessionToken)
        let refused = try await #require(throws: AWSError.self) {
            _ = try await EC2(api: AWSClient.forEmulator(emulator, credentials: StaticCredentialsProvider(forged))).describeVpcs()
        }
        #expect(refused.code == "AuthFailure")
    }

    @Test func planWithWebIdentityVariablesAssumesTheRoleUnsignedThenReads() async throws {
        let emulator = try await Self.shared.emulator()
        let roleArn = try await Self.createRole("rplink-ci-plan", with: Boto(emulator))
        let (folder, spec) = try await Self.planSpec("web-identity", emulator: emulator)
        defer { try? FileManager.default.removeItem(at: folder) }
        let tokenFile = folder.appendingPathComponent("token")
        try "ci-oidc-token-for-plan".write(to: tokenFile, atomically: true, encoding: .utf8)

        try await emulator.allowUnauthenticatedCalls(1)
        let result = try await RPLinkBinary.locate().run(["plan", spec.path, "--debug"], emulator: emulator, environment: [
            "AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "",
            "AWS_WEB_IDENTITY_TOKEN_FILE": tokenFile.path, "AWS_ROLE_ARN": roleArn,
        ])
        #expect(result.exitCode == 0, "\(result)")
        #expect(result.stdout.contains("Plan: 8 to add"), "\(result)")
        let calls = result.stderr.split(separator: "\n").filter { $0.hasPrefix("aws: ") }
        #expect(calls.first?.hasPrefix("aws: sts AssumeRoleWithWebIdentity attempt 1 HTTP 200") == true, "\(result)")
        #expect(!result.stderr.contains("ci-oidc-token-for-plan"))
    }

    // MARK: - credential_process

    @Test func planWithACredentialProcessProfileRunsTheProcessOnce() async throws {
        let emulator = try await Self.shared.emulator()
        let keys = emulator.credentials
        let (folder, spec) = try await Self.planSpec("credential-process", emulator: emulator)
        defer { try? FileManager.default.removeItem(at: folder) }
        let counter = folder.appendingPathComponent("runs")
        let script = folder.appendingPathComponent("print-keys.sh")
        try """
            #!/bin/sh
            echo run >> '\(counter.path)'
            cat <<'JSON'
            {"Version": 1, "AccessKeyId": "\(keys.accessKeyId)", "SecretAccessKey": "\(keys.secretAccessKey)"}
            JSON

            """.write(to: script, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script.path)
        let files = try SharedFiles(config: "[profile vault]\ncredential_process = \(script.path)\n", credentials: "")
        defer { files.remove() }

        let result = try await RPLinkBinary.locate().run(
            ["plan", spec.path, "--profile", "vault"], emulator: emulator, environment: files.binaryEnvironment)
        #expect(result.exitCode == 0, "\(result)")
        #expect(result.stdout.contains("Plan: 8 to add"), "\(result)")
        let runs = try String(contentsOf: counter, encoding: .utf8).split(separator: "\n")
        #expect(runs.count == 1, "the chain is cached for the whole run")
        #expect(!result.stdout.contains(keys.secretAccessKey) && !result.stderr.contains(keys.secretAccessKey))
    }

    // MARK: - Container credentials

    /// A fake credentials service (Support/credentials_agent.py): it answers `body` to a
    /// request whose `header` is `token`, and logs each request's path and whether it matched.
    struct CredentialsAgent {
        var folder: URL
        var helper: HelperScript
        var log: URL { folder.appendingPathComponent("requests") }
        var url: String { "http://127.0.0.1:\(helper.port)" }

        init(header: String, token: String, body: [String: Any]) async throws {
            folder = try TemporaryDirectory.make(prefix: "credentials-agent")
            let document = folder.appendingPathComponent("body.json")
            try JSONSerialization.data(withJSONObject: body).write(to: document)
            let portFile = folder.appendingPathComponent("port")
            let log = folder.appendingPathComponent("requests")
            helper = try await HelperScript.launch(
                "credentials_agent.py", arguments: [header, token, document.path, log.path, portFile.path], portFile: portFile)
        }

        func requests() -> [String] {
            ((try? String(contentsOf: log, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
        }

        func remove() {
            helper.stop()
            try? FileManager.default.removeItem(at: folder)
        }
    }

    /// The EKS Pod Identity setup: a full URI and a token file, with no keys anywhere else.
    @Test func planWithContainerCredentialsFetchesThemOnceWithTheTokenFromItsFile() async throws {
        let emulator = try await Self.shared.emulator()
        let token = "pod-identity-token-\(UUID().uuidString)"
        let keys = emulator.credentials
        let agent = try await CredentialsAgent(header: "Authorization", token: token, body: [
            "AccessKeyId": keys.accessKeyId, "SecretAccessKey": keys.secretAccessKey, "Expiration": "2099-01-01T00:00:00Z"])
        defer { agent.remove() }
        let (folder, spec) = try await Self.planSpec("container-credentials", emulator: emulator)
        defer { try? FileManager.default.removeItem(at: folder) }
        let tokenFile = folder.appendingPathComponent("token")
        try token.write(to: tokenFile, atomically: true, encoding: .utf8)
        let files = try SharedFiles(config: "", credentials: "")
        defer { files.remove() }

        var environment = files.binaryEnvironment
        environment["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = agent.url + "/v1/credentials"
        environment["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] = tokenFile.path
        let result = try await RPLinkBinary.locate().run(["plan", spec.path, "--debug"], emulator: emulator, environment: environment)
        #expect(result.exitCode == 0, "\(result)")
        #expect(result.stdout.contains("Plan: 8 to add"), "\(result)")
        #expect(agent.requests() == ["/v1/credentials ok"], "one fetch, with the file's token, cached for the run")
        let output = result.stdout + result.stderr
        #expect(!output.contains(token) && !output.contains(keys.secretAccessKey))

        // A token the agent refuses fails with the endpoint named and nothing signed.
        try "stale-token".write(to: tokenFile, atomically: true, encoding: .utf8)
        let refused = try await RPLinkBinary.locate().run(["plan", spec.path, "--debug"], emulator: emulator, environment: environment)
        #expect(refused.exitCode == 1, "\(refused)")
        #expect(refused.stderr.contains("Error: the container credentials endpoint \(agent.url)/v1/credentials answered HTTP 401"), "\(refused)")
        #expect(!refused.stderr.contains("aws: "), "no AWS call is made without credentials")
        #expect(!refused.stderr.contains("stale-token"))

        // A redirect is not followed: the token would go wherever Location points.
        try token.write(to: tokenFile, atomically: true, encoding: .utf8)
        environment["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = agent.url + "/redirect/v1/credentials"
        let redirected = try await RPLinkBinary.locate().run(["plan", spec.path], emulator: emulator, environment: environment)
        #expect(redirected.exitCode == 1, "\(redirected)")
        #expect(redirected.stderr.contains("/redirect/v1/credentials answered HTTP 302"), "\(redirected)")
        #expect(agent.requests().suffix(1) == ["/redirect/v1/credentials ok"], "\(agent.requests())")
    }

    // MARK: - IAM Identity Center

    /// A developer signed in with `aws sso login`: the token in the AWS CLI's cache (named by
    /// Python's hashlib, not rplink's SHA-1), traded at a fake portal for the emulator user's keys.
    @Test func planWithAnSSOProfileTradesTheCachedSignInForTheRolesKeysOnce() async throws {
        let emulator = try await Self.shared.emulator()
        let keys = emulator.credentials
        let accessToken = "sso-access-token-\(UUID().uuidString)"
        let portal = try await CredentialsAgent(header: "x-amz-sso_bearer_token", token: accessToken, body: ["roleCredentials": [
            "accessKeyId": keys.accessKeyId, "secretAccessKey": keys.secretAccessKey, "expiration": 4_070_908_800_000]])
        defer { portal.remove() }
        let (folder, spec) = try await Self.planSpec("sso", emulator: emulator)
        defer { try? FileManager.default.removeItem(at: folder) }
        let home = folder.appendingPathComponent("home")
        let cacheName = try await Boto.runPython("import hashlib; print(hashlib.sha1(b'corp').hexdigest())", environment: [:]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let cache = home.appendingPathComponent(".aws/sso/cache")
        try FileManager.default.createDirectory(at: cache, withIntermediateDirectories: true)
        try #"{"startUrl": "https://corp.awsapps.com/start", "region": "us-east-1", "accessToken": "\#(accessToken)", "expiresAt": "2099-01-01T00:00:00Z"}"#
            .write(to: cache.appendingPathComponent("\(cacheName).json"), atomically: true, encoding: .utf8)
        try """
            [profile platform]
            sso_session = corp
            sso_account_id = 123456789012
            sso_role_name = PlatformAdmin

            [sso-session corp]
            sso_start_url = https://corp.awsapps.com/start
            sso_region = us-east-1

            """.write(to: home.appendingPathComponent(".aws/config"), atomically: true, encoding: .utf8)

        let result = try await RPLinkBinary.locate().run(["plan", spec.path, "--profile", "platform"], emulator: emulator, environment: [
            "HOME": home.path, "AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "", "AWS_ENDPOINT_URL_SSO": portal.url,
        ])
        #expect(result.exitCode == 0, "\(result)")
        #expect(result.stdout.contains("Plan: 8 to add"), "\(result)")
        #expect(portal.requests() == ["/federation/credentials?account_id=123456789012&role_name=PlatformAdmin ok"])
        let output = result.stdout + result.stderr
        #expect(!output.contains(accessToken) && !output.contains(keys.secretAccessKey))
    }

    // MARK: - Precedence

    /// Which source wins when several are configured. The right key is the emulator user's;
    /// the wrong one has the same id and another secret, so using it fails the signature check.
    struct Precedence: Sendable, CustomTestStringConvertible {
        var testDescription: String
        var flags: [String] = []
        var environment: [String: String]
        var succeeds: Bool
    }

    static let right = "RIGHT"
    static let wrong = "WRONG"

    @Test(arguments: [
        Precedence(testDescription: "environment keys beat AWS_PROFILE",
                   environment: ["AWS_SECRET_ACCESS_KEY": right, "AWS_PROFILE": "wrong"], succeeds: true),
        Precedence(testDescription: "environment keys beat the default profile",
                   environment: ["AWS_SECRET_ACCESS_KEY": right], succeeds: true),
        Precedence(testDescription: "--profile beats environment keys, as in the AWS CLI", flags: ["--profile", "right"],
                   environment: ["AWS_SECRET_ACCESS_KEY": wrong], succeeds: true),
        Precedence(testDescription: "the default profile is used without environment keys",
                   environment: ["AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": ""], succeeds: false),
        Precedence(testDescription: "AWS_PROFILE is used without environment keys",
                   environment: ["AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "", "AWS_PROFILE": "right"], succeeds: true),
    ])
    func credentialSourcesFollowTheSDKPrecedence(_ precedence: Precedence) async throws {
        let emulator = try await Self.shared.emulator()
        let keys = emulator.credentials
        let wrongSecret = String(keys.secretAccessKey.reversed())
        let files = try SharedFiles(config: "", credentials: """
            [default]
            aws_access_key_id = \(keys.accessKeyId)
            aws_secret_access_key = \(wrongSecret)

            [wrong]
            aws_access_key_id = \(keys.accessKeyId)
            aws_secret_access_key = \(wrongSecret)

            [right]
            aws_access_key_id = \(keys.accessKeyId)
            aws_secret_access_key = \(keys.secretAccessKey)

            """)
        defer { files.remove() }
        let (folder, spec) = try await Self.planSpec("precedence", emulator: emulator)
        defer { try? FileManager.default.removeItem(at: folder) }
        var environment = files.binaryEnvironment.filter { !$0.key.hasPrefix("AWS_ACCESS") && !$0.key.hasPrefix("AWS_SECRET") }
        for (name, value) in precedence.environment {
            environment[name] = value == Self.right ? keys.secretAccessKey : value == Self.wrong ? wrongSecret : value
        }

        let result = try await RPLinkBinary.locate().run(["plan", spec.path] + precedence.flags, emulator: emulator, environment: environment)
        if precedence.succeeds {
            #expect(result.exitCode == 0, "\(result)")
            #expect(result.stdout.contains("Plan: 8 to add"), "\(result)")
        } else {
            #expect(result.exitCode == 1, "\(result)")
            #expect(result.stderr.contains("AuthFailure") || result.stderr.contains("SignatureDoesNotMatch"), "\(result)")
        }
        #expect(!result.stderr.contains(wrongSecret) && !result.stderr.contains(keys.secretAccessKey))
    }
}
