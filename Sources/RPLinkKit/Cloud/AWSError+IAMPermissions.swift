import Foundation

/// The hint an access-denied error carries (`AWSError.description`): which IAM permission to
/// grant, in the terms of docs/iam-policy.md.
extension AWSError {
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
        let names = needed.count == 1 ? needed[0] : "\(needed.dropLast().joined(separator: ", ")) and \(needed[needed.count - 1])"
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
}
