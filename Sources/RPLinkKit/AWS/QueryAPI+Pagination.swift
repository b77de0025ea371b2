extension QueryAPI {
    /// Calls a paginated Query API action until the last page and returns every page's body.
    ///
    /// EC2 sends `NextToken` and answers `<nextToken>`; ELBv2 sends `Marker` and answers
    /// `<NextMarker>` inside `<ActionResult>`. An empty token ends the walk.
    public func callAllPages(_ service: AWSService, _ action: String, _ parameters: QueryParameters, maxPages: Int = 100) async throws -> [XMLNode] {
        var pages: [XMLNode] = []
        var token: String?
        repeat {
            var params = parameters
            if let token { params.set(service == .ec2 ? "NextToken" : "Marker", token) }
            let page = try await call(service, action, params)
            pages.append(page)
            let next = service == .ec2 ? page.first(named: "nextToken")?.text : page.first(named: "NextMarker")?.text
            token = next.map(\.trimmingWhitespace).flatMap { $0.isEmpty ? nil : $0 }
        } while token != nil && pages.count < maxPages
        return pages
    }
}
