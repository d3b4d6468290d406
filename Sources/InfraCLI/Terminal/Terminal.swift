import Foundation

/// Where output goes and how it looks: colour only on a TTY and never with `NO_COLOR`.
public struct Terminal: Sendable {
    public var colors: Bool
    public var interactive: Bool

    public init(colors: Bool, interactive: Bool) {
        self.colors = colors
        self.interactive = interactive
    }

    /// Decides from the process: stdout a TTY, `NO_COLOR` unset (any value disables colour,
    /// per no-color.org), `TERM` not `dumb`, and not `--no-color`.
    public static func detect(noColorFlag: Bool, environment: [String: String] = ProcessInfo.processInfo.environment) -> Terminal {
        let tty = isatty(STDOUT_FILENO) == 1
        let colors = tty && !noColorFlag && environment["NO_COLOR"] == nil && environment["TERM"] != "dumb"
        return Terminal(colors: colors, interactive: tty && isatty(STDIN_FILENO) == 1)
    }

    public enum Style: String, Sendable {
        case bold = "1", dim = "2", red = "31", green = "32", yellow = "33", blue = "34", magenta = "35", cyan = "36"
    }

    /// `text` in `style` when colours are on, plain otherwise.
    public func paint(_ text: String, _ style: Style) -> String {
        colors ? "\u{1B}[\(style.rawValue)m\(text)\u{1B}[0m" : text
    }

    /// Writes a line to standard output, unbuffered so progress appears at once.
    public func line(_ text: String = "") {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    /// Writes a line to standard error.
    public func error(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}
