print("infra")
