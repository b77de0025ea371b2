import Foundation
import Testing
@testable import RPLinkKit

struct SigV4SignerTests {
    @Test(arguments: [0.0, 951_782_400, 1_440_938_160, 1_709_164_799.999, 4_102_444_800, -86_401])
    func amzDateMatchesISO8601InUTC(seconds: Double) {
        let date = Date(timeIntervalSince1970: seconds)
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        let expected = formatter.string(from: date).replacingOccurrences(of: "-", with: "").replacingOccurrences(of: ":", with: "")
        #expect(SigV4Signer.amzDate(date) == expected)
        #expect(SigV4Signer.dateStamp(date) == String(expected.prefix(8)))
    }

    @Test func signingKeyMatchesTheAWSDocumentationExample() {
        // From the SigV4 documentation: secret wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY, 20150830, us-east-1, iam.
        let signer = SigV4Signer(credentials: AWSTestSamples.credentials, region: "us-east-1", service: "iam")
        #expect(signer.signingKey(date: AWSTestSamples.date).hexEncoded == "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9")
    }

    @Test(arguments: [
        ("/", "/"), ("/a/./b/../c", "/a/c"), ("/a/b/", "/a/b/"), ("/../..", "/"), ("//a//b", "/a/b"), ("/a/..", "/"),
    ])
    func pathNormalisationRemovesDotSegmentsAndRepeatedSlashes(path: String, normalized: String) {
        #expect(SigV4Signer.removingDotSegments(path) == normalized)
    }

    @Test func signedHeadersAreLowercasedSortedAndSkipHopByHopOnes() {
        let signer = SigV4Signer(credentials: AWSTestSamples.credentials, region: "us-east-1", service: "ec2")
        let request = SigV4Signer.Request(method: "POST", path: "/", headers: [
            HTTPHeader("X-Amz-Date", "20150830T123600Z"), HTTPHeader("Host", "h"), HTTPHeader("User-Agent", "rplink"),
            HTTPHeader("Content-Type", "  a   b "),
        ])
        let canonical = signer.canonicalRequest(request)
        #expect(canonical.signedHeaders == "content-type;host;x-amz-date")
        #expect(canonical.text.contains("content-type:a b\nhost:h\nx-amz-date:20150830T123600Z\n"))
    }

    @Test func redactedRequestDescriptionHidesSignatureAndToken() {
        let request = HTTPRequest(method: "POST", url: URL(fileURLWithPath: "/"), headers: [
            HTTPHeader("Authorization", "AWS4-HMAC-SHA256 Credential=A/…, Signature=deadbeef"),
            HTTPHeader("X-Amz-Security-Token", "TOKEN123"),
            HTTPHeader("X-Amz-Date", "20150830T123600Z"),
        ])
        for text in [request.description, String(reflecting: request), "\(request)"] {
            #expect(!text.contains("deadbeef"))
            #expect(!text.contains("TOKEN123"))
            #expect(text.contains("X-Amz-Date: 20150830T123600Z"))
        }
    }
}
