/// Facts about rplink itself.
public enum RPLink {
    public static let version = "0.1.0"
}
