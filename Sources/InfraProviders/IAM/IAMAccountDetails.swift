import InfraAWS
import InfraEngine

/// Every role of the account in a few paginated calls: GetAccountAuthorizationDetails (trust
/// policy, tags, inline and attached policies: IAM's only batch read) and, for the two fields it
/// leaves out (description, maximum session duration), ListRoles.
///
/// IAM has no batch Get, so a refresh of N roles would otherwise cost N GetRole calls, N
/// GetRolePolicy calls and N ListAttachedRolePolicies calls. Listing the whole account is a few
/// pages whatever the count; for a handful of ids, per-id reads are fewer calls, hence
/// ``batchThreshold``.
struct IAMAccountDetails: Sendable {
    /// From this many ids on, a refresh lists the account instead of reading each id.
    static let batchThreshold = 10

    /// RoleDetail entries by role name, with `Description` and `MaxSessionDuration` merged in
    /// when ListRoles was called.
    var roles: [String: AWSDocument]

    static func fetch(withListRoles: Bool, in context: ProviderContext) async throws -> IAMAccountDetails {
        async let details = context.client.paginate(
            .iam, IAM.Operation.getAccountAuthorizationDetails, ["Filter": ["Role"]])
        async let listed: AWSDocument = withListRoles ? context.client.paginate(.iam, IAM.Operation.listRoles) : [:]
        var roles: [String: AWSDocument] = [:]
        for role in try await details["RoleDetailList"].array ?? [] {
            if let name = role["RoleName"].string { roles[name] = role }
        }
        for role in try await listed["Roles"].array ?? [] {
            guard let name = role["RoleName"].string, var merged = roles[name] else { continue }
            merged["Description"] = role["Description"]
            merged["MaxSessionDuration"] = role["MaxSessionDuration"]
            roles[name] = merged
        }
        return IAMAccountDetails(roles: roles)
    }
}
