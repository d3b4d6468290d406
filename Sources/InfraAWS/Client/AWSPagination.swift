/// Pagination as pure functions over documents, driven by the paginator of the model (botocore's
/// `paginators-1.json`): the client loops, these decide.
public enum AWSPagination {
    /// The input for the page after `output`, or nil when `output` was the last page.
    ///
    /// The last page is the one whose `moreResults` member is false, or whose output tokens are
    /// all absent or empty, or whose tokens equal the ones just sent (a service that repeats a
    /// token would otherwise loop forever).
    public static func nextInput(after output: AWSDocument, input: AWSDocument,
                                 paginator: PaginatorModel) -> AWSDocument?
    {
        if let more = paginator.moreResults, output.value(atPath: more).bool == false { return nil }
        let tokens = paginator.outputTokens.map { output.value(atPath: $0) }
        let usable = tokens.contains { token in
            if let text = token.string { return !text.isEmpty }
            return !token.isNull
        }
        guard usable else { return nil }
        let sent = paginator.inputTokens.map { input[$0] }
        if sent == tokens { return nil }
        var next = input
        for (name, token) in zip(paginator.inputTokens, tokens) {
            next[name] = token
        }
        return next
    }

    /// One document for all pages: the last page, with each result list replaced by the
    /// concatenation of that list over every page, and the page tokens removed.
    public static func merge(_ pages: [AWSDocument], paginator: PaginatorModel) -> AWSDocument {
        guard var result = pages.last else { return [:] }
        for key in paginator.resultKeys where !key.contains(".") && !key.contains("[") {
            var all: [AWSDocument] = []
            for page in pages {
                if case .list(let items) = page[key] { all.append(contentsOf: items) }
            }
            result[key] = .list(all)
        }
        for token in paginator.outputTokens where !token.contains(".") && !token.contains("||") {
            result[token] = .null
        }
        return result
    }
}
