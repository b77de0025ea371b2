import Foundation
import Testing
@testable import RPLinkKit

/// Runs every case of the AWS SigV4 test suite (aws-c-auth) from the shared test data and
/// compares each stage byte for byte with the `header-*` files.
struct SigV4TestSuiteTests {
    static let suiteDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent() // AWS
        .deletingLastPathComponent() // RPLinkKitTests
        .deletingLastPathComponent() // Tests
        .deletingLastPathComponent() // repository root
        .appendingPathComponent("../shared/testdata/aws-sigv4-test-suite")
        .standardizedFileURL

    static let caseNames: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: suiteDirectory.path)) ?? []
        return names.filter { name in
            FileManager.default.fileExists(atPath: suiteDirectory.appendingPathComponent(name).appendingPathComponent("context.json").path)
        }.sorted()
    }()

    struct Context: Decodable {
        struct Credentials: Decodable {
            var access_key_id: String
            var secret_access_key: String
            var token: String?
        }
        var credentials: Credentials
        var region: String
        var service: String
        var timestamp: String
        var normalize: Bool
        var sign_body: Bool
        var omit_session_token: Bool?
    }

    struct Case {
        var signer: SigV4Signer
        var date: Date
        var request: SigV4Signer.Request
    }

    static func read(_ caseName: String, _ file: String) throws -> String {
        try String(contentsOf: suiteDirectory.appendingPathComponent(caseName).appendingPathComponent(file), encoding: .utf8)
    }

    static func load(_ caseName: String) throws -> Case {
        let context = try JSONDecoder().decode(Context.self, from: Data(try read(caseName, "context.json").utf8))
        let date = try #require(ISO8601DateFormatter().date(from: context.timestamp))
        let credentials = AWSCredentials(accessKeyId: context.credentials.access_key_id,
                                         secretAccessKey: context.credentials.secret_access_key,
                                         sessionToken: context.credentials.token)
        let signer = SigV4Signer(credentials: credentials, region: context.region, service: context.service,
                                 normalizesPath: context.normalize, signsContentHashHeader: context.sign_body,
                                 omitsSessionTokenFromSignature: context.omit_session_token ?? false)
        return Case(signer: signer, date: date, request: try RawHTTPRequest.parse(try read(caseName, "request.txt")))
    }

    @Test func suiteIsPresent() {
        #expect(Self.caseNames.count >= 30, "expected the SigV4 suite at \(Self.suiteDirectory.path)")
    }

    @Test(arguments: caseNames)
    func signerReproducesSuiteCase(_ caseName: String) throws {
        let testCase = try Self.load(caseName)
        let signer = testCase.signer
        let date = testCase.date

        var signable = testCase.request
        signable.headers += signer.headersAddedBeforeSigning(signable, date: date)
            .filter { !(signer.omitsSessionTokenFromSignature && $0.name == "X-Amz-Security-Token") }
        let canonical = signer.canonicalRequest(signable)
        #expect(canonical.text == (try Self.read(caseName, "header-canonical-request.txt")))

        let stringToSign = signer.stringToSign(canonicalRequest: canonical.text, date: date)
        #expect(stringToSign == (try Self.read(caseName, "header-string-to-sign.txt")))

        let signature = signer.signature(stringToSign: stringToSign, date: date)
        #expect(signature == (try Self.read(caseName, "header-signature.txt")).trimmingWhitespace)

        let expectedAuthorization = try Self.read(caseName, "header-signed-request.txt")
            .split(separator: "\n").first { $0.hasPrefix("Authorization:") }
            .map { String($0.dropFirst("Authorization:".count)) }
        let signedHeaders = signer.sign(testCase.request, date: date)
        #expect(signedHeaders.last?.name == "Authorization")
        #expect(signedHeaders.last?.value == expectedAuthorization)
        if let token = signer.credentials.sessionToken {
            #expect(signedHeaders.contains(HTTPHeader("X-Amz-Security-Token", token)))
        }
    }
}

/// Reads the suite's raw HTTP/1.1 request files: request line, headers (continuation lines
/// start with whitespace), blank line, body.
enum RawHTTPRequest {
    struct Malformed: Error, CustomStringConvertible {
        var description: String
    }

    static func parse(_ text: String) throws -> SigV4Signer.Request {
        let (head, body): (Substring, Substring) = {
            if let range = text.range(of: "\n\n") { return (text[..<range.lowerBound], text[range.upperBound...]) }
            return (text[...], "")
        }()
        var lines = head.split(separator: "\n", omittingEmptySubsequences: false).map { $0.hasSuffix("\r") ? $0.dropLast() : $0 }
        guard !lines.isEmpty else { throw Malformed(description: "empty request") }
        let requestLine = lines.removeFirst()
        // The target may contain spaces (`/example space/`): it runs from the first space to the last.
        guard let firstSpace = requestLine.firstIndex(of: " "), let lastSpace = requestLine.lastIndex(of: " "), firstSpace < lastSpace else {
            throw Malformed(description: "bad request line \(requestLine)")
        }
        let method = String(requestLine[..<firstSpace])
        let target = requestLine[requestLine.index(after: firstSpace)..<lastSpace]
        let path: Substring
        let query: Substring
        if let question = target.firstIndex(of: "?") {
            path = target[..<question]
            query = target[target.index(after: question)...]
        } else {
            path = target
            query = ""
        }

        var headers: [HTTPHeader] = []
        for line in lines where !line.isEmpty {
            if line.first == " " || line.first == "\t", var last = headers.popLast() {
                last.value += "\n" + line
                headers.append(last)
                continue
            }
            guard let colon = line.firstIndex(of: ":") else { throw Malformed(description: "bad header line \(line)") }
            headers.append(HTTPHeader(String(line[..<colon]), String(line[line.index(after: colon)...])))
        }
        return SigV4Signer.Request(method: method, path: String(path), query: String(query), headers: headers, body: Array(body.utf8))
    }
}
