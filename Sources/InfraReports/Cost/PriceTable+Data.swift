/// The shipped price table. Keep `date` and `source` true when editing numbers.
///
/// us-east-1 is complete for the resource types infra manages; eu-west-1 carries the
/// region-flat prices only, so instance classes there show as "no price" rather than a guess.
let shippedPriceTableJSON = #"""
{
  "date": "2026-11-01",
  "source": "AWS public on-demand pricing pages (Linux, no reservations), transcribed by hand; check against the AWS Price List API before budgeting",
  "currency": "USD",
  "hours_per_month": 730,
  "nat_gateway_gb_per_month": 100,
  "regions": {
    "us-east-1": {
      "eks_cluster_hour": 0.10,
      "nat_gateway_hour": 0.045,
      "nat_gateway_gb": 0.045,
      "public_ipv4_hour": 0.005,
      "secret_month": 0.40,
      "fargate_vcpu_hour": 0.04048,
      "fargate_gb_hour": 0.004445,
      "rds_instance_hour": {
        "postgres": {
          "db.t3.micro": 0.018, "db.t3.small": 0.036, "db.t3.medium": 0.072, "db.t3.large": 0.145,
          "db.t4g.micro": 0.016, "db.t4g.small": 0.032, "db.t4g.medium": 0.065, "db.t4g.large": 0.129,
          "db.m5.large": 0.178, "db.m5.xlarge": 0.356,
          "db.m6g.large": 0.159, "db.m6g.xlarge": 0.318,
          "db.m6i.large": 0.178, "db.m6i.xlarge": 0.356,
          "db.m7g.large": 0.168, "db.m7g.xlarge": 0.337,
          "db.r6g.large": 0.225, "db.r6g.xlarge": 0.45,
          "db.r6i.large": 0.25, "db.r7g.large": 0.239
        }
      },
      "rds_storage_gb_month": { "gp2": 0.115, "gp3": 0.115, "io1": 0.125, "standard": 0.10 },
      "elasticache_node_hour": {
        "cache.t3.micro": 0.017, "cache.t3.small": 0.034, "cache.t3.medium": 0.068,
        "cache.t4g.micro": 0.016, "cache.t4g.small": 0.032, "cache.t4g.medium": 0.065,
        "cache.m6g.large": 0.149, "cache.m7g.large": 0.158,
        "cache.r6g.large": 0.206, "cache.r7g.large": 0.219
      },
      "ec2_instance_hour": {
        "t3.medium": 0.0416, "t3.large": 0.0832, "t3.xlarge": 0.1664,
        "m5.large": 0.096, "m6i.large": 0.096, "m6g.large": 0.077, "m7g.large": 0.0816, "m7i.large": 0.1008,
        "c6i.large": 0.085, "r6i.large": 0.126
      },
      "ebs_gb_month": { "gp2": 0.10, "gp3": 0.08 }
    },
    "eu-west-1": {
      "eks_cluster_hour": 0.10,
      "nat_gateway_hour": 0.048,
      "nat_gateway_gb": 0.048,
      "public_ipv4_hour": 0.005,
      "secret_month": 0.40,
      "fargate_vcpu_hour": 0.04048,
      "fargate_gb_hour": 0.004445
    }
  }
}
"""#
