import Foundation
import Testing
import RPLinkKit

/// No secret key, session token, signature or credential_process output in anything rplink
/// writes: stdout, stderr and saved plan files, for every command of a stack's life and on
/// the failure paths. DebugRedactionTests covers plan/apply/destroy with environment
/// credentials and plan with a credential_process; this suite adds saved plans, `output`,
/// applying a saved plan, a credential_process through the whole life, an assumed role
/// (role_arn + source_profile) and refused or broken credentials.
@Suite(.serialized) struct SecretsTests {
    static let shared = SharedEmulator()

    /// Moto's session tokens all start so: an assumed role's token that leaked would show it.
    static let sessionTokenPrefix = "FQoGZXIvYXdzE"

    let rplink: RPLinkBinary

    init() throws {
        rplink = try RPLinkBinary.locate()
    }

    static func leaks(_ texts: [String: String], _ forbidden: [String]) -> [String] {
        texts.flatMap { name, text in forbidden.filter { text.contains($0) }.map { "\(name) contains \($0.prefix(16))…" } }
    }

    /// A folder with a config whose profile `vault` gets `credentials` from a credential_process
    /// that prints `marker` too; returns the environment that selects it.
    static func credentialProcessProfile(_ credentials: AWSCredentials, marker: String, in folder: URL) throws -> [String: String] {
        let document = """
            {"Version": 1, "AccessKeyId": "\(credentials.accessKeyId)", "SecretAccessKey": "\(credentials.secretAccessKey)", \
            "SessionToken": "\(credentials.sessionToken ?? "")", "Note": "\(marker)"}
            """
        let script = folder.appendingPathComponent("print-keys.sh")
        try "#!/bin/sh\ncat <<'JSON'\n\(document)\nJSON\n".write(to: script, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script.path)
        let config = folder.appendingPathComponent("config")
        try "[profile vault]\ncredential_process = \(script.path)\n".write(to: config, atomically: true, encoding: .utf8)
        return [
            "AWS_CONFIG_FILE": config.path,
            "AWS_SHARED_CREDENTIALS_FILE": folder.appendingPathComponent("credentials").path,
            "AWS_PROFILE": "vault",
            // Not the environment's key: only the profile may sign.
            "AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "",
        ]
    }

    @Test func aStacksWholeLifeWithACredentialProcessLeavesNoSecretInOutputOrSavedPlans() async throws {
        let emulator = try await Self.shared.emulator()
        let boto = Boto(emulator)
        let fixture = try await ProducerFixture.create(with: boto)
        let folder = try TemporaryDirectory.make(prefix: "secrets-life")
        defer { try? FileManager.default.removeItem(at: folder) }
        let stack = "secrets-life"
        let spec = try fixture.writeSpec(name: stack, in: folder)
        let credentials = try await DebugRedactionTests.temporaryCredentials(emulator, role: "rplink-secrets-life")
        let marker = "raw-credential-process-output-91c2"
        let environment = try Self.credentialProcessProfile(credentials, marker: marker, in: folder)
        let forbidden = DebugRedactionTests.forbidden(credentials, emulator: emulator, extra: [marker, "SecretAccessKey", "\"Version\": 1"])
        let applyPlan = folder.appendingPathComponent("apply.plan").path
        let destroyPlan = folder.appendingPathComponent("destroy.plan").path

        let commands: [[String]] = [
            ["plan", spec.path, "--out", applyPlan],
            ["apply", applyPlan],
            ["output", spec.path],
            ["output", spec.path, "--json"],
            ["plan", spec.path, "--destroy", "--out", destroyPlan],
            ["apply", destroyPlan],
            ["destroy", spec.path, "--auto-approve"],
        ]
        var outputs: [String: String] = [:]
        for command in commands {
            let result = try await rplink.run(command + ["--debug"], emulator: emulator, environment: environment, timeout: .seconds(120))
            #expect(result.exitCode == 0, "\(command): \(result)")
            // Signed with the process's key: the calls are there, and none was refused.
            #expect(result.stderr.contains("aws: elasticloadbalancing DescribeLoadBalancers attempt 1 HTTP 200"), "\(command): \(result)")
            #expect(!result.stderr.contains(" HTTP 403 ") && !result.stderr.contains(" HTTP 401 "), "\(command): \(result)")
            outputs["\(command.joined(separator: " ")) stdout"] = result.stdout
            outputs["\(command.joined(separator: " ")) stderr"] = result.stderr
            if command == ["output", spec.path, "--json"] {
                #expect(result.stdout.contains("\"service_id\" : \"vpce-svc-") || result.stdout.contains("\"service_id\":\"vpce-svc-")
                        || result.stdout.contains("\"service_id\": \"vpce-svc-"), "the outputs are there: \(result)")
            }
        }
        for path in [applyPlan, destroyPlan] {
            let text = try String(contentsOfFile: path, encoding: .utf8)
            #expect(text.contains(stack), "the saved plan is a real one: \(text.prefix(200))")
            outputs[path] = text
        }
        let leaks = Self.leaks(outputs, forbidden)
        #expect(leaks.isEmpty, "\(leaks)")

        // The life really happened, as boto3 sees it: created by the saved plan, gone after the destroy plan.
        let census = try await StackCensus.read(stacks: [stack], with: boto)
        #expect(census.stacks[stack]?.isEmpty == true, "\(census.stacks)")
        #expect(outputs["apply \(applyPlan) stdout"]?.contains("Apply complete! Resources: 8 added, 0 changed, 0 replaced, 0 destroyed.") == true, "\(outputs)")
        #expect(outputs["apply \(destroyPlan) stdout"]?.contains("Destroy complete!") == true, "\(outputs)")
    }

    @Test func anAssumedRolesKeysAndItsSourceKeyAreNeverPrinted() async throws {
        let emulator = try await Self.shared.emulator()
        let fixture = try await ProducerFixture.create(with: Boto(emulator))
        let folder = try TemporaryDirectory.make(prefix: "secrets-role")
        defer { try? FileManager.default.removeItem(at: folder) }
        let spec = try fixture.writeSpec(name: "secrets-role", in: folder)
        let roleArn: String = try await Boto(emulator).run("""
            iam = client("iam")
            trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]}
            arn = iam.create_role(RoleName="rplink-secrets-role", AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
            iam.put_role_policy(RoleName="rplink-secrets-role", PolicyName="everything", PolicyDocument=json.dumps(
                {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
            emit(arn)
            """)
        let credentialsFile = folder.appendingPathComponent("credentials")
        try "[source]\naws_access_key_id = \(emulator.credentials.accessKeyId)\naws_secret_access_key = \(emulator.credentials.secretAccessKey)\n"
            .write(to: credentialsFile, atomically: true, encoding: .utf8)
        let config = folder.appendingPathComponent("config")
        try "[profile deployer]\nrole_arn = \(roleArn)\nsource_profile = source\nrole_session_name = rplink-secrets\n"
            .write(to: config, atomically: true, encoding: .utf8)
        let environment = [
            "AWS_CONFIG_FILE": config.path, "AWS_SHARED_CREDENTIALS_FILE": credentialsFile.path,
            "AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "",
        ]
        let planFile = folder.appendingPathComponent("role.plan").path

        let result = try await rplink.run(["plan", spec.path, "--debug", "--profile", "deployer", "--out", planFile],
                                          emulator: emulator, environment: environment)
        #expect(result.exitCode == 0, "\(result)")
        #expect(result.stderr.contains("aws: sts AssumeRole attempt 1 HTTP 200"), "the role was assumed: \(result)")
        #expect(result.stdout.contains("Plan: 8 to add"), "\(result)")
        let secret = emulator.credentials.secretAccessKey
        let forbidden = [secret, String(secret.prefix(12)), Self.sessionTokenPrefix, "SecretAccessKey", "SessionToken",
                         "Signature=", "AWS4-HMAC-SHA256", "Credential=", "X-Amz-Security-Token"]
        let leaks = Self.leaks(["stdout": result.stdout, "stderr": result.stderr,
                                "plan file": try String(contentsOfFile: planFile, encoding: .utf8)], forbidden)
        #expect(leaks.isEmpty, "\(leaks)")
    }

    @Test func refusedOrBrokenCredentialsAreReportedWithoutQuotingThem() async throws {
        let emulator = try await Self.shared.emulator()
        let fixture = try await ProducerFixture.create(with: Boto(emulator))
        let folder = try TemporaryDirectory.make(prefix: "secrets-refused")
        defer { try? FileManager.default.removeItem(at: folder) }
        let spec = try fixture.writeSpec(name: "secrets-refused", in: folder)
        let wrongSecret = "wrongSecretKey/0123456789abcdefghijklmnopqrstu"
        let fakeToken = Self.sessionTokenPrefix + "madeUpTokenThatMustNotBePrinted0123456789"

        // A real key id with the wrong secret: the emulator refuses the signature.
        let wrong = try await rplink.run(["plan", spec.path, "--debug"], emulator: emulator,
                                         environment: ["AWS_SECRET_ACCESS_KEY": wrongSecret, "AWS_MAX_ATTEMPTS": "1"])
        #expect(wrong.exitCode == 1, "\(wrong)")
        #expect(wrong.stderr.contains("SignatureDoesNotMatch") || wrong.stderr.contains("AuthFailure"), "\(wrong)")

        // The right key with a made-up session token: refused too.
        let token = try await rplink.run(["plan", spec.path, "--debug"], emulator: emulator,
                                         environment: ["AWS_SESSION_TOKEN": fakeToken, "AWS_MAX_ATTEMPTS": "1"])
        #expect(token.exitCode == 1, "\(token)")

        // A credentials file whose secret sits on a line that does not parse.
        let credentialsFile = folder.appendingPathComponent("credentials")
        try "[broken]\naws_access_key_id = AKIDBROKENFILE000000\naws_secret_access_key \(wrongSecret)\n"
            .write(to: credentialsFile, atomically: true, encoding: .utf8)
        let broken = try await rplink.run(["plan", spec.path, "--debug", "--profile", "broken"], emulator: emulator, environment: [
            "AWS_SHARED_CREDENTIALS_FILE": credentialsFile.path, "AWS_CONFIG_FILE": folder.appendingPathComponent("config").path,
            "AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "",
        ])
        #expect(broken.exitCode == 1, "\(broken)")
        #expect(broken.stderr.contains("\(credentialsFile.path):3"), "the error points at the line: \(broken)")

        let secret = emulator.credentials.secretAccessKey
        let forbidden = [wrongSecret, String(wrongSecret.prefix(12)), fakeToken, String(fakeToken.prefix(20)), secret, String(secret.prefix(12)),
                         "Signature=", "AWS4-HMAC-SHA256", "Credential=", "X-Amz-Security-Token"]
        let leaks = Self.leaks([
            "wrong secret stdout": wrong.stdout, "wrong secret stderr": wrong.stderr,
            "made-up token stdout": token.stdout, "made-up token stderr": token.stderr,
            "broken file stdout": broken.stdout, "broken file stderr": broken.stderr,
        ], forbidden)
        #expect(leaks.isEmpty, "\(leaks)")
    }
}
