/// What both servers report as their own version, and the Redis version whose
/// behaviour they reproduce (INFO, HELLO, --version, the start-up log).
public enum Version {
    public static let vigil = "0.1.0"
    public static let redis = "7.0.15"
}
