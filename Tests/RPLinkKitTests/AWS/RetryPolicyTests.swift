import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
@testable import RPLinkKit

struct RetryPolicyTests {
    private func awsError(_ code: String, _ status: Int) -> AWSError {
        AWSError(service: .ec2, action: "A", code: code, message: "", httpStatus: status)
    }

    @Test(arguments: RetryPolicy.throttlingCodes.sorted() + ["RequestTimeout", "RequestTimeoutException", "InternalError"])
    func throttlingAndTransientCodesAreRetried(code: String) {
        #expect(RetryPolicy().isRetryable(awsError(code, 400)))
    }

    @Test(arguments: [500, 502, 503, 504])
    func transientStatusesAreRetried(status: Int) {
        #expect(RetryPolicy().isRetryable(awsError("NonXMLResponse", status)))
    }

    @Test(arguments: [("InvalidParameterValue", 400), ("UnauthorizedOperation", 403), ("AuthFailure", 401),
                      ("InvalidVpcID.NotFound", 400), ("NonXMLResponse", 404), ("NotImplemented", 501)])
    func clientErrorsAreNotRetried(code: String, status: Int) {
        #expect(!RetryPolicy().isRetryable(awsError(code, status)))
    }

    @Test func connectionFailuresAndTimeoutsAreRetriedButCancellationIsNot() {
        let policy = RetryPolicy()
        #expect(policy.isRetryable(URLError(.cannotConnectToHost)))
        #expect(policy.isRetryable(URLError(.timedOut)))
        #expect(policy.isRetryable(URLError(.networkConnectionLost)))
        #expect(!policy.isRetryable(URLError(.cancelled)))
        #expect(!policy.isRetryable(URLError(.badURL)))
        #expect(!policy.isRetryable(CancellationError()))
    }

    @Test func backoffCeilingDoublesFromOneSecondUpToTwentySeconds() {
        let policy = RetryPolicy(random: { 1 })
        #expect((1...7).map { policy.delay(afterAttempt: $0) } == [1, 2, 4, 8, 16, 20, 20])
        #expect(policy.delay(afterAttempt: 1000) == 20)
    }

    @Test func backoffIsAFullJitterShareOfTheCeiling() {
        #expect(RetryPolicy(random: { 0 }).delay(afterAttempt: 3) == 0)
        #expect(RetryPolicy(random: { 0.25 }).delay(afterAttempt: 3) == 1)
    }

    @Test func maxAttemptsComesFromTheEnvironment() throws {
        #expect(try RetryPolicy.standard(environment: [:]).maxAttempts == 3)
        #expect(try RetryPolicy.standard(environment: ["AWS_MAX_ATTEMPTS": "7"]).maxAttempts == 7)
        #expect(throws: RPLinkError.self) { try RetryPolicy.standard(environment: ["AWS_MAX_ATTEMPTS": "0"]) }
        #expect(throws: RPLinkError.self) { try RetryPolicy.standard(environment: ["AWS_MAX_ATTEMPTS": "many"]) }
    }

    @Test func createsAreRetriedOnlyWhenThrottled() {
        let policy = RetryPolicy()
        let serverError = AWSError(service: .elbv2, action: "CreateListener", code: "InternalFailure", message: "m", httpStatus: 500)
        let throttled = AWSError(service: .elbv2, action: "CreateListener", code: "Throttling", message: "m", httpStatus: 400)
        // A 5xx or a lost connection may hide a create that happened: the executor looks first.
        #expect(!policy.isRetryable(serverError, action: "CreateListener"))
        #expect(!policy.isRetryable(URLError(.networkConnectionLost), action: "CreateLoadBalancer"))
        #expect(policy.isRetryable(throttled, action: "CreateListener"))
        #expect(policy.isRetryable(serverError, action: "DescribeListeners"))
        #expect(RetryPolicy.outcomeIsUnknown(serverError))
        #expect(!RetryPolicy.outcomeIsUnknown(throttled))
    }
}
