/// Sends one Query API call and returns the parsed XML response body.
///
/// Implementations sign, send, retry and turn error bodies into `AWSError`; the typed
/// operations in `Cloud/` are written against this protocol so tests can record or fake calls.
public protocol QueryAPI: Sendable {
    func call(_ service: AWSService, _ action: String, _ parameters: QueryParameters) async throws -> XMLNode
}
