/// The account and identity the credentials belong to.
public struct CallerIdentity: Sendable, Equatable {
    public var account: String
    public var arn: String
    public var userId: String

    public init(account: String, arn: String, userId: String) {
        self.account = account
        self.arn = arn
        self.userId = userId
    }
}

/// The STS operations rplink uses: who am I, and the two ways of assuming a role.
public struct STS: Sendable {
    public let api: any QueryAPI

    public init(api: any QueryAPI) {
        self.api = api
    }

    public func getCallerIdentity() async throws -> CallerIdentity {
        let body = try await api.call(.sts, "GetCallerIdentity", QueryParameters())
        let result = try Self.result(of: "GetCallerIdentity", in: body)
        guard let account = result.string("Account"), let arn = result.string("Arn") else {
            throw Self.invalid("GetCallerIdentity", "the response has no Account or Arn")
        }
        return CallerIdentity(account: account, arn: arn, userId: result.string("UserId") ?? "")
    }

    public func assumeRole(roleArn: String, sessionName: String, externalId: String? = nil, durationSeconds: Int? = nil) async throws -> AWSCredentials {
        var parameters = QueryParameters()
        parameters.set("RoleArn", roleArn)
        parameters.set("RoleSessionName", sessionName)
        if let externalId { parameters.set("ExternalId", externalId) }
        if let durationSeconds { parameters.set("DurationSeconds", durationSeconds) }
        let body = try await api.call(.sts, "AssumeRole", parameters)
        return try Self.credentials(of: "AssumeRole", in: body)
    }

    /// Sent unsigned: the web identity token is the proof of identity.
    public func assumeRoleWithWebIdentity(roleArn: String, sessionName: String, token: String) async throws -> AWSCredentials {
        var parameters = QueryParameters()
        parameters.set("RoleArn", roleArn)
        parameters.set("RoleSessionName", sessionName)
        parameters.set("WebIdentityToken", token)
        let body = try await api.call(.sts, "AssumeRoleWithWebIdentity", parameters)
        return try Self.credentials(of: "AssumeRoleWithWebIdentity", in: body)
    }

    /// `<ActionResponse><ActionResult>`; searched in depth so a body handed over with or without its root works.
    private static func result(of action: String, in body: XMLNode) throws -> XMLNode {
        guard let result = body.first(named: "\(action)Result") else {
            throw invalid(action, "the response has no \(action)Result")
        }
        return result
    }

    private static func credentials(of action: String, in body: XMLNode) throws -> AWSCredentials {
        let result = try result(of: action, in: body)
        guard let credentials = result.child("Credentials"),
              let accessKeyId = credentials.string("AccessKeyId"),
              let secretAccessKey = credentials.string("SecretAccessKey")
        else {
            throw invalid(action, "the response has no Credentials")
        }
        var expiration: Double?
        if let text = credentials.string("Expiration") {
            guard let parsed = ISO8601Timestamp.parse(text) else {
                throw invalid(action, "the credentials' Expiration \"\(text)\" is not an ISO 8601 time")
            }
            expiration = parsed
        }
        return AWSCredentials(
            accessKeyId: accessKeyId,
            secretAccessKey: secretAccessKey,
            sessionToken: credentials.string("SessionToken"),
            expiration: expiration
        )
    }

    private static func invalid(_ action: String, _ message: String) -> AWSError {
        AWSError(service: .sts, action: action, code: "InvalidResponse", message: message, httpStatus: 200)
    }
}
