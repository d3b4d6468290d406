import Examples
import InfraCLI
import Stacks

await InfraMain.run(stacks: repositoryStacks + exampleStacks)
