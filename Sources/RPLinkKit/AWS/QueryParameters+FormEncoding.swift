extension QueryParameters {
    /// The `application/x-www-form-urlencoded` body of a Query API call:
    /// `Action=…&Version=…` then the parameters in the order they were set.
    ///
    /// Names and values are RFC 3986 encoded (space is `%20`, `&` and `=` are escaped), so a
    /// value can never add or override a parameter.
    public func formEncodedBody(action: String, version: String) -> String {
        var fields = [(name: "Action", value: action), (name: "Version", value: version)]
        fields += pairs
        return fields.map { "\(PercentEncoding.encode($0.name))=\(PercentEncoding.encode($0.value))" }
            .joined(separator: "&")
    }
}
