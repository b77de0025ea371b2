/// The AWS services rplink calls, with the Query API version and SigV4 signing name of each.
public enum AWSService: String, Sendable, CaseIterable, Codable {
    case ec2
    case elbv2
    case sts
    case iam

    /// The `Version=` parameter of the Query API.
    public var apiVersion: String {
        switch self {
        case .ec2: "2016-11-15"
        case .elbv2: "2015-12-01"
        case .sts: "2011-06-15"
        case .iam: "2010-05-08"
        }
    }

    /// The service name in the SigV4 credential scope.
    public var signingName: String {
        switch self {
        case .ec2: "ec2"
        case .elbv2: "elasticloadbalancing"
        case .sts: "sts"
        case .iam: "iam"
        }
    }

    /// The endpoint host prefix: `https://<prefix>.<region>.amazonaws.com`.
    public var endpointPrefix: String { signingName }

    /// The suffix of the per-service endpoint variable, `AWS_ENDPOINT_URL_<suffix>`.
    public var endpointEnvironmentSuffix: String {
        switch self {
        case .ec2: "EC2"
        case .elbv2: "ELASTIC_LOAD_BALANCING_V2"
        case .sts: "STS"
        case .iam: "IAM"
        }
    }
}
