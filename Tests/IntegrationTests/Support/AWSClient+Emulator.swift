import Foundation
import RPLinkKit

extension AWSClient {
    /// A real client (URLSession, SigV4, standard retries) whose every endpoint is the emulator.
    static func forEmulator(
        _ emulator: Emulator, credentials: (any CredentialsProvider)?,
        transport: any HTTPTransport = URLSessionTransport(), callLog: AWSCallLog? = nil
    ) -> AWSClient {
        let endpoints = Dictionary(uniqueKeysWithValues: AWSService.allCases.map { ($0, emulator.endpoint) })
        return AWSClient(region: Emulator.region, endpoints: endpoints, credentials: credentials, transport: transport, callLog: callLog)
    }

    /// Signed with the emulator user's key, or with that key and another secret.
    static func forEmulator(_ emulator: Emulator, secret: String? = nil, callLog: AWSCallLog? = nil) -> AWSClient {
        let keys = AWSCredentials(
            accessKeyId: emulator.credentials.accessKeyId,
            secretAccessKey: secret ?? emulator.credentials.secretAccessKey)
        return forEmulator(emulator, credentials: StaticCredentialsProvider(keys), callLog: callLog)
    }
}

extension Emulator {
    /// Lets the next `count` calls through without authentication (moto's `reset-auth`), then
    /// checks signatures again. The only way to reach moto's STS unsigned while auth is on:
    /// otherwise it answers an unsigned AssumeRoleWithWebIdentity with HTTP 500 (moto 5.2.1).
    func allowUnauthenticatedCalls(_ count: Int) async throws {
        let result = try await Boto.runPython("""
            import urllib.request
            request = urllib.request.Request("\(endpoint.absoluteString)/moto-api/reset-auth", data=b"\(count)",
                                             headers={"Content-Type": "text/plain"}, method="POST")
            urllib.request.urlopen(request, timeout=10).read()
            print("{}")
            """, environment: [:])
        guard result.exitCode == 0 else { throw EmulatorError(description: "reset-auth failed: \(result)") }
    }

    /// `http://127.0.0.1:<port>` with nothing listening: connections are refused at once.
    static func closedLoopbackURL() throws -> URL {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw EmulatorError(description: "socket() failed") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0
            }
        }
        guard bound, let url = URL(string: "http://127.0.0.1:\(UInt16(bigEndian: address.sin_port))") else {
            throw EmulatorError(description: "cannot find a free loopback port")
        }
        // Bound but never listening, then closed when this returns: nobody accepts on it.
        return url
    }
}
