import Foundation
import InfraDSL
import InfraEngine
import InfraReports

/// Policies, cost and the PR comment of one plan, in the environment it was made for.
struct PlanReports {
    var plan: Plan
    var loaded: LoadedEnvironment

    var policy: PolicyEvaluation {
        get throws {
            PolicyEngine().evaluate(ResourceView.views(of: plan), context: loaded.policyContext, threshold: try loaded.policyThreshold)
        }
    }

    var cost: CostEstimate {
        get throws {
            CostEstimator(table: try PriceTable.shipped(), region: loaded.header.region).estimate(ResourceView.views(of: plan))
        }
    }

    func comment(planFileLocation: String) throws -> String {
        PlanComment.render(plan: plan, policy: try policy, cost: try cost, environment: plan.environment, stack: plan.stack,
                           planFileLocation: planFileLocation)
    }
}
