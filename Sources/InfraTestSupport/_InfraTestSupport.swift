// InfraTestSupport
