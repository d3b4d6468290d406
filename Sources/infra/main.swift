import InfraCLI

await InfraMain.run()
