import InfraDSL

/// The stacks of the reference systems in `examples/`, compiled into the `infra` binary next to
/// the repository's own. Names are unique across the binary; each example's environment files
/// list only its own stack (`infra -chdir=examples/FinanceHub plan dev`).
public let exampleStacks: [any Stack.Type] = [
    FinanceHub.self,
    SoliaInvest.self,
    CantonDEX.self,
    FinancialStronghold.self,
]
