import Foundation
import Testing
import RPLinkKit

/// `--debug` logs every AWS call, and nothing secret: full plan, apply and destroy runs with
/// temporary credentials (session token included) leave no secret key, session token,
/// signature, Authorization header or credential_process output in stdout or stderr.
@Suite(.serialized) struct DebugRedactionTests {
    static let shared = SharedEmulator()

    /// Temporary credentials from AssumeRole: the emulator accepts their session token, while
    /// it refuses a made-up token next to a real key (moto 5.2.1 answers AuthFailure).
    static func temporaryCredentials(_ emulator: Emulator, role: String) async throws -> AWSCredentials {
        struct Keys: Decodable { var id: String; var secret: String; var token: String }
        let keys: Keys = try await Boto(emulator).run("""
            iam = client("iam")
            trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]}
            arn = iam.create_role(RoleName="\(role)", AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
            iam.put_role_policy(RoleName="\(role)", PolicyName="everything", PolicyDocument=json.dumps(
                {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
            c = client("sts").assume_role(RoleArn=arn, RoleSessionName="redaction")["Credentials"]
            emit({"id": c["AccessKeyId"], "secret": c["SecretAccessKey"], "token": c["SessionToken"]})
            """)
        return AWSCredentials(accessKeyId: keys.id, secretAccessKey: keys.secret, sessionToken: keys.token)
    }

    /// Everything that must never be printed, each with a short prefix too so a truncated
    /// leak is caught as well as a whole one.
    static func forbidden(_ credentials: AWSCredentials, emulator: Emulator, extra: [String] = []) -> [String] {
        let secrets = [credentials.secretAccessKey, credentials.sessionToken ?? "", emulator.credentials.secretAccessKey]
            .filter { !$0.isEmpty }
        return secrets + secrets.map { String($0.prefix(12)) } + extra + [
            "Signature=", "Authorization", "authorization:", "AWS4-HMAC-SHA256", "Credential=", "X-Amz-Security-Token", "SignedHeaders",
        ]
    }

    static func leaks(in result: ProcessResult, _ forbidden: [String]) -> [String] {
        let output = result.stdout + result.stderr
        return forbidden.filter { output.contains($0) }
    }

    @Test func planApplyAndDestroyWithASessionTokenPrintNoSecrets() async throws {
        let emulator = try await Self.shared.emulator()
        let boto = Boto(emulator)
        let fixture = try await ProducerFixture.create(with: boto)
        let folder = try TemporaryDirectory.make(prefix: "redaction")
        defer { try? FileManager.default.removeItem(at: folder) }
        let spec = try fixture.writeSpec(name: "redaction", in: folder)
        let credentials = try await Self.temporaryCredentials(emulator, role: "rplink-redaction")
        let environment = [
            "AWS_ACCESS_KEY_ID": credentials.accessKeyId,
            "AWS_SECRET_ACCESS_KEY": credentials.secretAccessKey,
            "AWS_SESSION_TOKEN": credentials.sessionToken ?? "",
        ]
        let forbidden = Self.forbidden(credentials, emulator: emulator)
        let rplink = try RPLinkBinary.locate()

        for command in [["plan"], ["apply", "--auto-approve"], ["destroy", "--auto-approve"]] {
            let result = try await rplink.run(command + [spec.path, "--debug"], emulator: emulator, environment: environment)
            #expect(result.exitCode == 0, "\(command): \(result)")
            // The debug log is there (so the check below looks at real output) and signed calls succeeded.
            let calls = result.stderr.split(separator: "\n").filter { $0.hasPrefix("aws: ") }
            #expect(calls.count >= 7, "\(command): \(result)")
            // Every call was answered and none refused its signature (waiters see NotFound at the end).
            #expect(calls.allSatisfy { $0.contains(" HTTP ") && !$0.contains(" HTTP 401 ") && !$0.contains(" HTTP 403 ") }, "\(command): \(result)")
            #expect(Self.leaks(in: result, forbidden).isEmpty, "\(command) printed \(Self.leaks(in: result, forbidden))")

            if command == ["apply", "--auto-approve"] {
                #expect(calls.contains { $0.contains(" CreateVpcEndpointServiceConfiguration attempt 1 HTTP 200") }, "\(result)")
                let services: [String] = try await boto.run("""
                    configs = ec2.describe_vpc_endpoint_service_configurations(
                        Filters=[{"Name": "tag:rplink:stack", "Values": ["redaction"]}])["ServiceConfigurations"]
                    emit([c["ServiceId"] for c in configs])
                    """)
                #expect(services.count == 1, "apply made the endpoint service: \(services)")
            }
        }
        let leftovers: [String] = try await boto.run("""
            configs = ec2.describe_vpc_endpoint_service_configurations(
                Filters=[{"Name": "tag:rplink:stack", "Values": ["redaction"]}])["ServiceConfigurations"]
            lbs = [l["LoadBalancerName"] for l in elbv2.describe_load_balancers()["LoadBalancers"]]
            emit([c["ServiceId"] for c in configs] + [n for n in lbs if n == "redaction-nlb"])
            """)
        #expect(leftovers.isEmpty, "destroy removed the stack: \(leftovers)")
    }

    @Test func credentialProcessOutputNeverReachesTheDebugLog() async throws {
        let emulator = try await Self.shared.emulator()
        let fixture = try await ProducerFixture.create(with: Boto(emulator))
        let folder = try TemporaryDirectory.make(prefix: "redaction-process")
        defer { try? FileManager.default.removeItem(at: folder) }
        let spec = try fixture.writeSpec(name: "redaction-process", in: folder)
        let credentials = try await Self.temporaryCredentials(emulator, role: "rplink-redaction-process")
        // A field the contract does not know: it can only show up if the raw output is printed.
        let marker = "raw-credential-process-output-7f3a"
        let environment = try SecretsTests.credentialProcessProfile(credentials, marker: marker, in: folder)

        let result = try await RPLinkBinary.locate().run(
            ["plan", spec.path, "--debug", "--profile", "vault"], emulator: emulator, environment: environment)
        #expect(result.exitCode == 0, "\(result)")
        #expect(result.stdout.contains("Plan: 8 to add"), "\(result)")
        #expect(result.stderr.contains("aws: elasticloadbalancing DescribeLoadBalancers attempt 1 HTTP 200"), "\(result)")
        let forbidden = Self.forbidden(credentials, emulator: emulator, extra: [marker, "\"Version\"", "SecretAccessKey"])
        #expect(Self.leaks(in: result, forbidden).isEmpty, "printed \(Self.leaks(in: result, forbidden))")
    }

    @Test func aFailingCredentialProcessIsReportedWithoutItsOutput() async throws {
        let emulator = try await Self.shared.emulator()
        let fixture = try await ProducerFixture.create(with: Boto(emulator))
        let folder = try TemporaryDirectory.make(prefix: "redaction-failing")
        defer { try? FileManager.default.removeItem(at: folder) }
        let spec = try fixture.writeSpec(name: "redaction-failing", in: folder)
        let secret = emulator.credentials.secretAccessKey
        // Half-written JSON with a secret in it, then a failure: a careless error would quote it.
        let script = folder.appendingPathComponent("broken.sh")
        try "#!/bin/sh\nprintf '{\"Version\": 1, \"SecretAccessKey\": \"\(secret)\"'\nexit 3\n"
            .write(to: script, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script.path)
        let config = folder.appendingPathComponent("config")
        try "[profile broken]\ncredential_process = \(script.path)\n".write(to: config, atomically: true, encoding: .utf8)

        let result = try await RPLinkBinary.locate().run(["plan", spec.path, "--debug", "--profile", "broken"], emulator: emulator, environment: [
            "AWS_CONFIG_FILE": config.path,
            "AWS_SHARED_CREDENTIALS_FILE": folder.appendingPathComponent("credentials").path,
        ])
        #expect(result.exitCode == 1, "\(result)")
        #expect(result.stderr.contains("credential_process of profile broken exited with status 3"), "\(result)")
        #expect(!result.stderr.contains(secret) && !result.stdout.contains(secret))
        #expect(!result.stderr.contains("SecretAccessKey"), "\(result)")
    }
}
