import Testing
@testable import RPLinkKit

struct QueryParametersFormEncodingTests {
    @Test func bodyStartsWithActionAndVersionThenParametersInOrder() {
        var params = QueryParameters()
        params.setList("VpcId", ["vpc-1", "vpc-2"])
        params.set("MaxResults", 5)
        #expect(params.formEncodedBody(action: "DescribeVpcs", version: "2016-11-15")
            == "Action=DescribeVpcs&Version=2016-11-15&VpcId.1=vpc-1&VpcId.2=vpc-2&MaxResults=5")
    }

    @Test(arguments: [
        ("a b", "a+b"),
        ("a+b", "a%2Bb"),
        ("x&Action=DeleteVpc", "x%26Action%3DDeleteVpc"),
        ("arn:aws:iam::123456789012:root", "arn%3Aaws%3Aiam%3A%3A123456789012%3Aroot"),
        ("10.0.0.0/16", "10.0.0.0%2F16"),
        ("A-Z_a.z~09", "A-Z_a.z~09"),
        ("+*'()!", "%2B%2A%27%28%29%21"),
        ("é", "%C3%A9"),
        ("", ""),
    ])
    func valuesArePercentEncodedLeavingOnlyUnreservedCharacters(value: String, encoded: String) {
        let params = QueryParameters([("Value", value)])
        #expect(params.formEncodedBody(action: "A", version: "1") == "Action=A&Version=1&Value=\(encoded)")
    }

    @Test func injectedActionInAValueStaysInsideThatValue() {
        let params = QueryParameters([("GroupName", "web&Action=DeleteVpc&VpcId=vpc-1")])
        let body = params.formEncodedBody(action: "CreateSecurityGroup", version: "2016-11-15")
        let fields = body.split(separator: "&")
        #expect(fields.count == 3)
        #expect(fields.filter { $0.hasPrefix("Action=") } == ["Action=CreateSecurityGroup"])
        #expect(fields.last == "GroupName=web%26Action%3DDeleteVpc%26VpcId%3Dvpc-1")
    }

    @Test func injectedNameIsEncodedToo() {
        let params = QueryParameters([("X&Action", "Y")])
        #expect(params.formEncodedBody(action: "A", version: "1") == "Action=A&Version=1&X%26Action=Y")
    }

    @Test func bodyIsByteForByteWhatBotocoreSends() {
        // Python's urlencode, which botocore uses for Query API bodies, gives this for the same value.
        let params = QueryParameters([("V", "a b&c=d+e/f~g*h'(é)!")])
        #expect(params.formEncodedBody(action: "A", version: "1") == "Action=A&Version=1&V=a+b%26c%3Dd%2Be%2Ff~g%2Ah%27%28%C3%A9%29%21")
    }
}
