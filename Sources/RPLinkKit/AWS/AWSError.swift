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
