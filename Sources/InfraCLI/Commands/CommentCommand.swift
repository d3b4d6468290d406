import ArgumentParser
import Foundation
import InfraEngine
import InfraReports

/// `infra comment tfplan [--post]`: the pull-request comment of a saved plan.
struct CommentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "comment",
        abstract: "Render a saved plan as a pull-request comment; --post creates it or updates infra's earlier one.",
        discussion: """
            The comment leads with the summary (adds, changes, replaces, destroys, cost delta, policy verdict), \
            then destroys and replacements, access that widens, policy findings, cost, and per-resource diffs. \
            --post uses GITHUB_TOKEN, GITHUB_REPOSITORY, the pull request from GITHUB_EVENT_PATH (or --pr) and \
            GITHUB_API_URL, and updates the comment it posted before for the same environment and stack.
            """)

    @Argument(help: "The plan file written by 'infra plan <env> -out FILE'.") var planFile: String
    @Flag(name: .customLong("post"), help: "Post the comment on the pull request (or update infra's earlier one).")
    var post = false
    @Option(name: .customLong("pr"), help: "The pull request number (default: from GITHUB_EVENT_PATH).") var pullRequest: Int?

    func run() async throws {
        let plan = try PlanFile.decode(try readFile(planFile), path: planFile)
        let loaded = try Workspace.current().load(plan.environment, stacks: [plan.stack])
        let text = try PlanReports(plan: plan, loaded: loaded).comment(planFileLocation: planFile)
        guard post else {
            print(text)
            return
        }
        let target = try GitHubCommentPoster.Target.fromEnvironment(ProcessInfo.processInfo.environment, pullRequest: pullRequest)
        let outcome = try await GitHubCommentPoster(target: target).post(text, marker: PlanComment.marker(environment: plan.environment, stack: plan.stack))
        switch outcome {
        case .created(let id, let url): print("Posted the plan comment \(id) on \(target.fullName)#\(target.pullRequest)\(url.map { ": \($0)" } ?? "")")
        case .updated(let id, let url): print("Updated the plan comment \(id) on \(target.fullName)#\(target.pullRequest)\(url.map { ": \($0)" } ?? "")")
        }
    }
}
