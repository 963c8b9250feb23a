/// The version of `runner` recorded with every run.
public enum RunnerVersion {
    public static let current = "0.1.0"
}
