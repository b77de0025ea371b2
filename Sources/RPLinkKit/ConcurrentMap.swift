/// Runs `transform` on every item with at most `limit` running at once, and returns each
/// item's outcome in the items' order: one failure does not hide the others' results.
func concurrentMap<Item: Sendable, Value: Sendable>(
    _ items: [Item], limit: Int, _ transform: @escaping @Sendable (Item) async throws -> Value
) async -> [Result<Value, any Error>] {
    await withTaskGroup(of: (Int, Result<Value, any Error>).self) { group in
        var results = [Result<Value, any Error>?](repeating: nil, count: items.count)
        var next = 0
        func start() {
            let index = next
            let item = items[index]
            next += 1
            group.addTask {
                do {
                    return (index, .success(try await transform(item)))
                } catch {
                    return (index, .failure(error))
                }
            }
        }
        while next < min(max(1, limit), items.count) { start() }
        for await (index, result) in group {
            results[index] = result
            if next < items.count { start() }
        }
        return results.compactMap { $0 }
    }
}
