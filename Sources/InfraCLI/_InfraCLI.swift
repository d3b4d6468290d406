// InfraCLI
