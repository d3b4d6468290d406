/// The version of `infra` recorded in state and plan files; a plan file made by another
/// version is refused because its format and semantics may differ.
public enum ToolVersion {
    public static let current = "0.1.0"
}
