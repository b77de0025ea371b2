extension QueryParameters {
    /// The `application/x-www-form-urlencoded` body of a Query API call:
    /// `Action=…&Version=…` then the parameters in the order they were set.
    ///
    /// Names and values are percent-encoded, leaving only RFC 3986's unreserved characters
    /// (`A-Z a-z 0-9 - _ . ~`) as they are, so `&`, `=` and `+` in a value are escaped and a value
    /// can never add or override a parameter.
    ///
    /// Space is `+`, the form encoding's own spelling and the one botocore sends. AWS hashes the
    /// body bytes as they are and accepts either, but the emulator (moto 5) checks the signature
    /// against a body it re-encodes with `+`, so `%20` fails there with AuthFailure.
    public func formEncodedBody(action: String, version: String) -> String {
        var fields = [(name: "Action", value: action), (name: "Version", value: version)]
        fields += pairs
        return fields.map { "\(Self.formEncode($0.name))=\(Self.formEncode($0.value))" }
            .joined(separator: "&")
    }

    static func formEncode(_ text: String) -> String {
        PercentEncoding.encode(text, spaceAsPlus: true)
    }
}
