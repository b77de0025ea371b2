import Foundation
import Testing
@testable import RPLinkKit

struct AWSErrorDecodingTests {
    @Test func decodesEC2ErrorShape() {
        let error = AWSError.decode(service: .ec2, action: "CreateVpc", httpStatus: 400, body: Array(AWSTestSamples.ec2InvalidParameter.utf8))
        #expect(error == AWSError(service: .ec2, action: "CreateVpc", code: "InvalidParameterValue",
                                  message: "Value (x) for parameter cidrBlock is invalid.", requestId: "bad-param-id", httpStatus: 400))
    }

    @Test func decodesELBv2ErrorShapeWithNamespace() {
        let error = AWSError.decode(service: .elbv2, action: "DescribeLoadBalancers", httpStatus: 400, body: Array(AWSTestSamples.elbThrottling.utf8))
        #expect(error.code == "Throttling")
        #expect(error.message == "Rate exceeded")
        #expect(error.requestId == "elb-throttle-id")
        #expect(error.httpStatus == 400)
    }

    @Test func decodesSTSErrorShape() {
        let body = """
        <ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
          <Error><Type>Sender</Type><Code>InvalidClientTokenId</Code><Message>The security token included in the request is invalid.</Message></Error>
          <RequestId>sts-id</RequestId>
        </ErrorResponse>
        """
        let error = AWSError.decode(service: .sts, action: "GetCallerIdentity", httpStatus: 403, body: Array(body.utf8))
        #expect(error.code == "InvalidClientTokenId")
        #expect(error.requestId == "sts-id")
    }

    @Test func decodesEmulatorAuthShapeWithoutRequestId() {
        let body = """
        <?xml version="1.0" encoding="UTF-8"?>
        <ErrorResponse><Errors><Error><Code>AuthFailure</Code><Message>AWS was not able to validate the provided access credentials</Message></Error></Errors></ErrorResponse>
        """
        let error = AWSError.decode(service: .ec2, action: "DescribeVpcs", httpStatus: 401, body: Array(body.utf8))
        #expect(error.code == "AuthFailure")
        #expect(error.message == "AWS was not able to validate the provided access credentials")
        #expect(error.requestId == nil)
        #expect(error.httpStatus == 401)
    }

    @Test func requestIdFallsBackToTheHeader() {
        let body = "<ErrorResponse><Errors><Error><Code>SignatureDoesNotMatch</Code><Message>m</Message></Error></Errors></ErrorResponse>"
        let error = AWSError.decode(service: .ec2, action: "A", httpStatus: 403, body: Array(body.utf8), requestIdHeader: "hdr-id")
        #expect(error.requestId == "hdr-id")
    }

    @Test func htmlPageBecomesNonXMLResponseWithStatusAndShortExcerpt() {
        let html = "<html>\n<head><title>502 Bad Gateway</title></head>\n<body>\u{0007}" + String(repeating: "x", count: 5000) + "</body></html>"
        let error = AWSError.decode(service: .elbv2, action: "DescribeListeners", httpStatus: 502, body: Array(html.utf8))
        #expect(error.code == "NonXMLResponse")
        #expect(error.httpStatus == 502)
        #expect(error.message.contains("502 Bad Gateway"))
        #expect(error.message.count < 300)
        #expect(!error.message.contains("\n"))
        #expect(!error.message.contains("\u{0007}"))
    }

    @Test(arguments: [
        "<Response><Errors><Error><Code>Throttl",
        "\u{FF}\u{FE}garbage",
        "<Unexpected><Thing/></Unexpected>",
        "",
    ])
    func unreadableBodiesBecomeNonXMLResponse(body: String) {
        let error = AWSError.decode(service: .ec2, action: "A", httpStatus: 500, body: Array(body.utf8))
        #expect(error.code == AWSError.nonXMLResponseCode)
        #expect(error.httpStatus == 500)
    }

    @Test func invalidUTF8BodyIsSafe() {
        let error = AWSError.decode(service: .ec2, action: "A", httpStatus: 500, body: [0xff, 0xfe, 0x00, 0x41, 0xc3])
        #expect(error.code == AWSError.nonXMLResponseCode)
        #expect(error.message.unicodeScalars.allSatisfy { $0.properties.generalCategory != .control })
    }
}
