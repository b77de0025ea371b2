import Foundation

/// An error returned by AWS (or the emulator), or a response that could not be understood.
public struct AWSError: Error, Sendable, Equatable, CustomStringConvertible {
    public var service: AWSService
    public var action: String
    /// The AWS error code (`InvalidSubnetID.NotFound`); `NonXMLResponse` for a body that was not XML.
    public var code: String
    public var message: String
    public var requestId: String?
    public var httpStatus: Int

    public init(service: AWSService, action: String, code: String, message: String, requestId: String? = nil, httpStatus: Int) {
        self.service = service
        self.action = action
        self.code = code
        self.message = message
        self.requestId = requestId
        self.httpStatus = httpStatus
    }

    public var description: String {
        var text = "\(service.signingName) \(action) failed: \(code) (HTTP \(httpStatus)): \(message)"
        if let requestId { text += " [request id \(requestId)]" }
        if let permissionHint { text += permissionHint }
        return text
    }

    /// For a call of rplink's that the caller's policy refused: the permission AWS names as
    /// refused ("… is not authorized to perform: ec2:CreateTags …"), or else every permission
    /// AWS checks for the call, and where the policies are.
    var permissionHint: String? {
        guard isAccessDenied else { return nil }
        let needed = IAMPermissions.needed(service, action)
        guard !needed.isEmpty else { return nil }
        let reference = "docs/iam-policy.md has a policy with every permission rplink uses"
        if let refused = Self.refusedPermission(in: message) {
            return ". rplink needs the IAM permission \(refused) here; \(reference)"
        }
        let names = needed.count == 1 ? needed[0] : needed.dropLast().joined(separator: ", ") + " and " + (needed.last ?? "")
        var hint = ". AWS checks the IAM permission\(needed.count == 1 ? "" : "s") \(names) for this call; \(reference)"
        if message.contains("Encoded authorization failure message") {
            hint += " (`aws sts decode-authorization-message` tells which one was refused)"
        }
        return hint
    }

    /// `service:Action` after "not authorized to perform: " in an access-denied message.
    static func refusedPermission(in message: String) -> String? {
        guard let marker = message.range(of: "not authorized to perform: ") else { return nil }
        let word = message[marker.upperBound...].prefix { !$0.isWhitespace }
            .trimmingCharacters(in: .punctuationCharacters.subtracting(CharacterSet(charactersIn: ":")))
        let parts = word.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") } }) else {
            return nil
        }
        return word
    }

    /// True when the caller's IAM policy does not allow the call (EC2 `UnauthorizedOperation`,
    /// `AccessDenied` elsewhere), as opposed to a bad signature or unknown key.
    public var isAccessDenied: Bool {
        ["UnauthorizedOperation", "AccessDenied", "AccessDeniedException"].contains(code)
    }

    /// True for the `*.NotFound` family and the ELBv2 `*NotFound` codes.
    public var isNotFound: Bool {
        code.hasSuffix(".NotFound") || code.hasSuffix("NotFound") || code.hasSuffix("NotFoundException")
    }
}
