#!/usr/bin/env bash
# The checks a person runs with the AWS CLI to see whether the runbook's objects exist and
# are set up as intended: the same objects a converged `rplink plan` reads, one call at a time.
# Inputs (environment): ENDPOINT VPC_ID SUBNET_IDS (space separated) SG_ID NLB_NAME TG_NAME
set -euo pipefail
aws_() { aws --endpoint-url "$ENDPOINT" --output json "$@" >/dev/null; }
aws_q() { aws --endpoint-url "$ENDPOINT" --output text "$@"; }

aws_ ec2 describe-vpcs --vpc-ids "$VPC_ID"
# shellcheck disable=SC2086
aws_ ec2 describe-subnets --subnet-ids $SUBNET_IDS
nlb_arn=$(aws_q elbv2 describe-load-balancers --names "$NLB_NAME" --query 'LoadBalancers[0].LoadBalancerArn')
aws_ elbv2 describe-load-balancer-attributes --load-balancer-arn "$nlb_arn"
aws_ elbv2 describe-listeners --load-balancer-arn "$nlb_arn"
tg_arn=$(aws_q elbv2 describe-target-groups --names "$TG_NAME" --query 'TargetGroups[0].TargetGroupArn')
aws_ elbv2 describe-target-health --target-group-arn "$tg_arn"
service_id=$(aws_q ec2 describe-vpc-endpoint-service-configurations \
  --query "ServiceConfigurations[?contains(NetworkLoadBalancerArns, '$nlb_arn')].ServiceId | [0]")
aws_ ec2 describe-vpc-endpoint-service-permissions --service-id "$service_id"
aws_ ec2 describe-security-group-rules --filters "Name=group-id,Values=$SG_ID"
