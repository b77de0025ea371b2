import Foundation
import Testing
@testable import RPLinkKit

struct XMLNodeParsingTests {
    @Test func parsesElementsTextAndDropsNamespacePrefixes() throws {
        let body = """
        <?xml version="1.0" encoding="UTF-8"?>
        <ns:DescribeVpcsResponse xmlns:ns="http://ec2.amazonaws.com/doc/2016-11-15/">
          <ns:requestId>abc</ns:requestId>
          <ns:vpcSet><ns:item><ns:vpcId>vpc-1</ns:vpcId></ns:item><ns:item><ns:vpcId>vpc-2</ns:vpcId></ns:item></ns:vpcSet>
        </ns:DescribeVpcsResponse>
        """
        let root = try XMLNode.parse(Data(body.utf8))
        #expect(root.name == "DescribeVpcsResponse")
        #expect(root.string("requestId") == "abc")
        #expect(root.list("vpcSet").compactMap { $0.string("vpcId") } == ["vpc-1", "vpc-2"])
    }

    @Test func decodesEntitiesAndCDATA() throws {
        let root = try XMLNode.parse(Data("<a><b>x &amp; y &lt;z&gt;</b><c><![CDATA[<raw>]]></c></a>".utf8))
        #expect(root.string("b") == "x & y <z>")
        #expect(root.string("c") == "<raw>")
    }

    @Test(arguments: [
        "<html><body><h1>502 Bad Gateway</h1><hr></body></html>",
        "<Response><Errors><Error><Code>Throttl",
        "not xml at all",
        "",
    ])
    func malformedBodiesThrowInsteadOfCrashing(body: String) {
        #expect(throws: XMLNode.ParseError.self) { try XMLNode.parse(Data(body.utf8)) }
    }
}
