import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// A parsed XML element: enough structure for AWS responses, nothing more.
///
/// Element names are local names (any `prefix:` dropped); text is the concatenated character
/// data directly inside the element.
public struct XMLTreeNode: Sendable, Hashable {
    public var name: String
    public var attributes: [String: String]
    public var children: [XMLTreeNode]
    public var text: String

    public init(name: String, attributes: [String: String] = [:], children: [XMLTreeNode] = [], text: String = "") {
        self.name = name
        self.attributes = attributes
        self.children = children
        self.text = text
    }

    /// The first child element called `name`.
    public func child(_ name: String) -> XMLTreeNode? {
        children.first { $0.name == name }
    }

    /// The first element called `name` in this subtree, depth first, this element included.
    public func first(named name: String) -> XMLTreeNode? {
        if self.name == name { return self }
        for child in children {
            if let found = child.first(named: name) { return found }
        }
        return nil
    }

    /// Parses a whole document; nil when the bytes are not well-formed XML.
    public static func parse(_ bytes: [UInt8]) -> XMLTreeNode? {
        let delegate = TreeBuilder()
        let parser = XMLParser(data: Data(bytes))
        parser.shouldProcessNamespaces = false
        parser.shouldResolveExternalEntities = false
        parser.delegate = delegate
        guard parser.parse(), delegate.failed == false else { return nil }
        return delegate.root
    }
}

/// Builds an ``XMLTreeNode`` tree from `XMLParser` events; used on one thread only.
private final class TreeBuilder: NSObject, XMLParserDelegate {
    var stack: [XMLTreeNode] = []
    var root: XMLTreeNode?
    var failed = false

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes attributeDict: [String: String] = [:])
    {
        let local = elementName.split(separator: ":").last.map(String.init) ?? elementName
        stack.append(XMLTreeNode(name: local, attributes: attributeDict))
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?)
    {
        guard let done = stack.popLast() else {
            failed = true
            return
        }
        if stack.isEmpty {
            root = done
        } else {
            stack[stack.count - 1].children.append(done)
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        guard !stack.isEmpty else { return }
        stack[stack.count - 1].text += string
    }

    func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
        guard !stack.isEmpty else { return }
        stack[stack.count - 1].text += String(decoding: CDATABlock, as: UTF8.self)
    }

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) {
        failed = true
    }
}

/// Appends XML text with the five predefined entities escaped.
struct XMLWriter {
    private(set) var output = ""

    mutating func open(_ name: String, attributes: [(String, String)] = []) {
        output += "<" + name
        for (key, value) in attributes {
            output += " " + key + "=\"" + Self.escape(value) + "\""
        }
        output += ">"
    }

    mutating func close(_ name: String) {
        output += "</" + name + ">"
    }

    mutating func text(_ value: String) {
        output += Self.escape(value)
    }

    static func escape(_ value: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(value.utf8.count)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&apos;"
            case "\r": escaped += "&#xD;"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }
}
