import Foundation
import Testing
@testable import RPLinkKit

@Suite struct STSTests {
    @Test func getCallerIdentityReadsAccountArnAndUserId() async throws {
        let api = RecordingSTSAPI(signingProvider: nil) { _ in
            XMLNode(name: "GetCallerIdentityResponse", children: [
                XMLNode(name: "GetCallerIdentityResult", children: [
                    XMLNode(name: "Arn", text: "arn:aws:iam::123456789012:user/alice"),
                    XMLNode(name: "UserId", text: "AIDAEXAMPLE"),
                    XMLNode(name: "Account", text: "\n  123456789012\n"),
                ]),
            ])
        }
        let identity = try await STS(api: api).getCallerIdentity()
        #expect(identity == CallerIdentity(account: "123456789012", arn: "arn:aws:iam::123456789012:user/alice", userId: "AIDAEXAMPLE"))
        #expect(api.calls.map(\.action) == ["GetCallerIdentity"])
        #expect(api.calls.first?.service == .sts)
    }

    @Test func assumeRoleSendsOptionalParametersAndParsesExpiration() async throws {
        let api = RecordingSTSAPI(signingProvider: nil) { action in STSResponses.credentials(action: action) }
        let credentials = try await STS(api: api).assumeRole(roleArn: "arn:aws:iam::1:role/r", sessionName: "s", externalId: "ext", durationSeconds: 1800)
        #expect(credentials.accessKeyId == "ASIAASSUMED")
        #expect(credentials.secretAccessKey == "assumed-secret")
        #expect(credentials.sessionToken == "assumed-token")
        #expect(credentials.expiration == STSResponses.expirationSeconds)
        let parameters = try #require(api.calls.first?.parameters)
        #expect(parameters == QueryParameters([("RoleArn", "arn:aws:iam::1:role/r"), ("RoleSessionName", "s"), ("ExternalId", "ext"), ("DurationSeconds", "1800")]))
    }

    @Test func assumeRoleOmitsAbsentOptionalParameters() async throws {
        let api = RecordingSTSAPI(signingProvider: nil) { action in STSResponses.credentials(action: action) }
        _ = try await STS(api: api).assumeRole(roleArn: "arn:aws:iam::1:role/r", sessionName: "s")
        let parameters = try #require(api.calls.first?.parameters)
        #expect(parameters["ExternalId"] == nil)
        #expect(parameters["DurationSeconds"] == nil)
    }

    @Test func assumeRoleWithWebIdentitySendsTheToken() async throws {
        let api = RecordingSTSAPI(signingProvider: nil) { action in STSResponses.credentials(action: action) }
        let credentials = try await STS(api: api).assumeRoleWithWebIdentity(roleArn: "arn:aws:iam::1:role/ci", sessionName: "ci", token: "jwt")
        #expect(credentials.accessKeyId == "ASIAASSUMED")
        #expect(api.calls.first?.action == "AssumeRoleWithWebIdentity")
        #expect(api.calls.first?.parameters == QueryParameters([("RoleArn", "arn:aws:iam::1:role/ci"), ("RoleSessionName", "ci"), ("WebIdentityToken", "jwt")]))
    }

    @Test func responseWithoutCredentialsIsAnInvalidResponseError() async throws {
        let api = RecordingSTSAPI(signingProvider: nil) { _ in
            XMLNode(name: "AssumeRoleResponse", children: [XMLNode(name: "AssumeRoleResult")])
        }
        let error = await #expect(throws: AWSError.self) {
            _ = try await STS(api: api).assumeRole(roleArn: "arn:aws:iam::1:role/r", sessionName: "s")
        }
        #expect(error?.code == "InvalidResponse")
    }

    @Test(arguments: [
        ("2026-11-24T21:00:00Z", 1_795_554_000.0),
        ("2026-11-24T21:00:00.000Z", 1_795_554_000.0),
        ("2026-11-24T22:00:00+01:00", 1_795_554_000.0),
    ])
    func expirationsParseInEveryISO8601Form(text: String, seconds: Double) {
        #expect(ISO8601Timestamp.parse(text) == seconds)
    }

    @Test func nonISO8601ExpirationIsNil() {
        #expect(ISO8601Timestamp.parse("tomorrow") == nil)
    }
}
