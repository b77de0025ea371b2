import Foundation
import Testing
@testable import RPLinkKit

@Suite struct EndpointResolverTests {
    @Test func defaultsAreTheRegionalAWSEndpoints() throws {
        let endpoints = try EndpointResolver(endpointURLFlag: nil, environment: [:]).resolve(region: "us-east-1")
        #expect(endpoints[.ec2]?.absoluteString == "https://ec2.us-east-1.amazonaws.com")
        #expect(endpoints[.elbv2]?.absoluteString == "https://elasticloadbalancing.us-east-1.amazonaws.com")
        #expect(endpoints[.sts]?.absoluteString == "https://sts.us-east-1.amazonaws.com")
        #expect(endpoints[.iam]?.absoluteString == "https://iam.amazonaws.com")
    }

    @Test func perServiceVariableWinsOverTheGeneralOne() throws {
        let environment = [
            "AWS_ENDPOINT_URL": "http://127.0.0.1:5000",
            "AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2": "http://localhost:5001",
            "AWS_ENDPOINT_URL_STS": "https://sts.example.com",
        ]
        let endpoints = try EndpointResolver(endpointURLFlag: nil, environment: environment).resolve(region: "us-east-1")
        #expect(endpoints[.ec2]?.absoluteString == "http://127.0.0.1:5000")
        #expect(endpoints[.elbv2]?.absoluteString == "http://localhost:5001")
        #expect(endpoints[.sts]?.absoluteString == "https://sts.example.com")
    }

    @Test func flagWinsForEveryServiceEvenWhenConfiguredURLsAreIgnored() throws {
        let environment = ["AWS_ENDPOINT_URL_EC2": "https://ec2.example.com", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true"]
        let endpoints = try EndpointResolver(endpointURLFlag: "http://localhost:4566", environment: environment).resolve(region: "us-east-1")
        #expect(Set(endpoints.values.map(\.absoluteString)) == ["http://localhost:4566"])
        #expect(endpoints.count == AWSService.allCases.count)
    }

    @Test func ignoreConfiguredEndpointURLsFallsBackToTheDefaults() throws {
        let environment = ["AWS_ENDPOINT_URL": "http://127.0.0.1:5000", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true"]
        let url = try EndpointResolver(endpointURLFlag: nil, environment: environment).resolve(.ec2, region: "eu-west-1")
        #expect(url.absoluteString == "https://ec2.eu-west-1.amazonaws.com")
    }

    @Test(arguments: ["http://10.0.0.5:5000", "http://example.com", "http://127.0.0.1.example.com", "http://169.254.169.254"])
    func plainHTTPToANonLoopbackHostIsRefused(url: String) {
        let error = #expect(throws: RPLinkError.self) {
            try EndpointResolver(endpointURLFlag: nil, environment: ["AWS_ENDPOINT_URL_EC2": url]).resolve(.ec2, region: "us-east-1")
        }
        #expect(error?.code == .configuration)
        #expect(error?.message.contains("refusing plain http to non-loopback host") == true)
        #expect(error?.message.contains("AWS_ENDPOINT_URL_EC2") == true)
    }

    @Test(arguments: ["http://127.0.0.1:5000", "http://127.1.2.3", "http://localhost:4566/"])
    func plainHTTPToLoopbackIsAllowed(url: String) throws {
        let resolved = try EndpointResolver(endpointURLFlag: url, environment: [:]).resolve(.sts, region: "us-east-1")
        #expect(resolved.absoluteString == url)
    }

    @Test(arguments: ["ftp://127.0.0.1", "not a url", "https://"])
    func malformedURLsAreRefused(url: String) {
        #expect(throws: RPLinkError.self) {
            try EndpointResolver(endpointURLFlag: url, environment: [:]).resolve(.ec2, region: "us-east-1")
        }
    }

    /// URLSession on Linux fails an IPv6 literal URL at once with "bad URL" (-1000); the
    /// error says so and what to use instead, rather than every call failing obscurely.
    @Test(arguments: ["http://[::1]:5000", "https://[2001:db8::1]"])
    func ipv6AddressesAreRefusedWithTheReason(url: String) {
        let error = #expect(throws: RPLinkError.self) {
            try EndpointResolver(endpointURLFlag: url, environment: [:]).resolve(.ec2, region: "us-east-1")
        }
        #expect(error?.message == "--endpoint-url: \"\(url)\" has an IPv6 address, which URLSession on Linux cannot reach; use a host name (such as localhost) or an IPv4 address")
    }
}
