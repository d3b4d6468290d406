import Foundation

/// The documented departures of the local emulator (moto 5.2.1) from AWS that handlers
/// tolerate when, and only when, they are switched on. Against real AWS every switch is off:
/// a handler never guesses that it talks to an emulator.
///
/// The CLI turns them on when the environment variable `INFRA_EMULATOR=moto` is set
/// (``fromEnvironment(_:)``); test harnesses set them explicitly.
public struct EmulatorQuirks: Sendable, Hashable {
    /// moto keeps ElastiCache replication groups and cache clusters in `deleting` forever after
    /// a successful delete call. With this on, `deleting` after our own delete call counts as
    /// gone; without it the delete waits for NotFound (with the wait policy's timeout).
    public var deletingCountsAsGone: Bool
    /// moto ignores `NumCacheClusters` (a replication group always has one member) and omits
    /// engine version, port, subnet group and security groups from its descriptions. With this
    /// on, those ElastiCache attributes fall back to what the state recorded; without it they
    /// are what AWS reports, so a difference is drift.
    public var elastiCacheOmitsMemberDetails: Bool
    /// moto 5.2.1 answers DeleteCacheSubnetGroup with HTTP 500 (not implemented). With this on,
    /// that answer counts as deleted (the group stays in the emulator); without it, it is an error.
    public var elastiCacheCannotDeleteSubnetGroups: Bool

    public init(deletingCountsAsGone: Bool = false, elastiCacheOmitsMemberDetails: Bool = false,
                elastiCacheCannotDeleteSubnetGroups: Bool = false)
    {
        self.deletingCountsAsGone = deletingCountsAsGone
        self.elastiCacheOmitsMemberDetails = elastiCacheOmitsMemberDetails
        self.elastiCacheCannotDeleteSubnetGroups = elastiCacheCannotDeleteSubnetGroups
    }

    /// Real AWS: no quirk tolerated.
    public static let none = EmulatorQuirks()
    /// moto 5.2.1 (see /work/shared/moto-notes.md).
    public static let moto = EmulatorQuirks(deletingCountsAsGone: true, elastiCacheOmitsMemberDetails: true,
                                           elastiCacheCannotDeleteSubnetGroups: true)

    /// `.moto` when `INFRA_EMULATOR=moto` is set in `environment`, otherwise `.none`.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> EmulatorQuirks {
        environment["INFRA_EMULATOR"]?.lowercased() == "moto" ? .moto : .none
    }
}
