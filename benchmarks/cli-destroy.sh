#!/usr/bin/env bash
# Tearing the runbook's setup down with the AWS CLI, in the order AWS requires. The ARNs
# and ids are given (kept from the setup), so this is only the deletes: the CLI's best case.
# Inputs (environment): ENDPOINT SG_ID PORT CONSUMER_CIDR SERVICE_ID LISTENER_ARN NLB_ARN TG_ARN
set -euo pipefail
aws_() { aws --endpoint-url "$ENDPOINT" --output json "$@" >/dev/null; }

aws_ ec2 revoke-security-group-ingress --group-id "$SG_ID" --protocol tcp --port "$PORT" --cidr "$CONSUMER_CIDR"
aws_ ec2 delete-vpc-endpoint-service-configurations --service-ids "$SERVICE_ID"
aws_ elbv2 delete-listener --listener-arn "$LISTENER_ARN"
aws_ elbv2 delete-load-balancer --load-balancer-arn "$NLB_ARN"
aws_ elbv2 delete-target-group --target-group-arn "$TG_ARN"
