import Foundation

extension AWSError {
    /// The code for a response body that was not the XML error document AWS sends.
    public static let nonXMLResponseCode = "NonXMLResponse"
    /// The longest excerpt of an unreadable body that goes into an error message.
    static let excerptLength = 200

    /// Decodes an error response of any of the shapes the Query API services use:
    /// - EC2: `<Response><Errors><Error><Code/><Message/></Error></Errors><RequestID/></Response>`
    /// - ELBv2, STS, IAM: `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>`
    /// - the emulator's auth failures: `<ErrorResponse><Errors><Error>…</Error></Errors></ErrorResponse>`
    ///
    /// Anything else (an HTML page from a proxy, a truncated body) becomes `NonXMLResponse`
    /// with the status and a short printable excerpt.
    public static func decode(service: AWSService, action: String, httpStatus: Int, body: [UInt8], requestIdHeader: String? = nil) -> AWSError {
        guard let root = try? XMLNode.parse(body) else {
            return nonXMLResponse(service: service, action: action, httpStatus: httpStatus, body: body, requestId: requestIdHeader)
        }
        return decode(service: service, action: action, httpStatus: httpStatus, root: root, requestIdHeader: requestIdHeader)
            ?? nonXMLResponse(service: service, action: action, httpStatus: httpStatus, body: body, requestId: requestIdHeader)
    }

    /// The error in a parsed body, or nil when the document holds no `Error` element with a code.
    public static func decode(service: AWSService, action: String, httpStatus: Int, root: XMLNode, requestIdHeader: String? = nil) -> AWSError? {
        let error = root["Errors", "Error"] ?? root["Error"] ?? (root.name == "Error" ? root : nil)
        guard let error, let code = error.string("Code"), !code.isEmpty else { return nil }
        let requestId = root.string("RequestID") ?? root.string("RequestId") ?? error.string("RequestId")
            ?? requestIdHeader.map(\.trimmingWhitespace)
        return AWSError(service: service, action: action, code: code,
                        message: error.string("Message") ?? "",
                        requestId: requestId.flatMap { $0.isEmpty ? nil : $0 },
                        httpStatus: httpStatus)
    }

    static func nonXMLResponse(service: AWSService, action: String, httpStatus: Int, body: [UInt8], requestId: String?) -> AWSError {
        let message = body.isEmpty
            ? "the response body was empty"
            : "the response body was not an AWS XML document: \(excerpt(body))"
        return AWSError(service: service, action: action, code: nonXMLResponseCode, message: message, requestId: requestId, httpStatus: httpStatus)
    }

    /// The start of a body as one printable line: control characters become spaces, runs of
    /// whitespace collapse, and it is cut at `excerptLength` characters.
    static func excerpt(_ body: [UInt8]) -> String {
        let text = String(decoding: body.prefix(excerptLength * 4), as: UTF8.self)
        let printable = text.unicodeScalars.map { scalar -> Character in
            scalar.properties.generalCategory == .control || scalar == "\u{FFFD}" ? " " : Character(scalar)
        }
        let collapsed = String(printable).split(whereSeparator: \.isWhitespace).joined(separator: " ")
        return collapsed.count > excerptLength ? String(collapsed.prefix(excerptLength)) + "…" : collapsed
    }
}
