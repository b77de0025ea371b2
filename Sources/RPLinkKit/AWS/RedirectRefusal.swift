import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A URLSession delegate that never follows a redirect: the 3xx answer comes back as it is.
/// URLSession would otherwise re-send the request's headers (an Authorization header, a
/// container or SSO token) to whatever host the `Location` names, past the checks made on the
/// endpoint. AWS APIs do not redirect, and botocore does not follow one for credentials.
final class RedirectRefusal: NSObject, URLSessionTaskDelegate, Sendable {
    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void) {
        completionHandler(nil)
    }
}
