import Testing
@testable import RPLinkKit

@Test func xmlNodeFollowsPathsAndLists() {
    let node = XMLNode(name: "R", children: [
        XMLNode(name: "Items", children: [XMLNode(name: "item", text: " a "), XMLNode(name: "item", text: "b")]),
    ])
    #expect(node.list("Items").map(\.text.trimmingWhitespace) == ["a", "b"])
    #expect(node.string("Items", "item") == "a")
    #expect(node.string("Missing") == nil)
}
