import InfraCLI

await InfraMain.run(stacks: [])
