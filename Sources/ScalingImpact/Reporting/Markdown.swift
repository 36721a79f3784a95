/// Escaping for text from data that lands in Markdown.
public enum Markdown {
    /// Text safe inside a Markdown table cell: pipes, backticks, HTML and Markdown markup are
    /// escaped and line breaks become spaces, so a name from the data cannot break the table or
    /// inject markup.
    public static func cell(_ text: String) -> String {
        var out = ""
        for ch in text {
            switch ch {
            case "|": out += "\\|"
            case "`": out += "\\`"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "*", "_", "[", "]", "\\", "#": out += "\\\(ch)"
            case "\n", "\r", "\r\n": out += " "
            default: out.append(ch)
            }
        }
        return out
    }
}
