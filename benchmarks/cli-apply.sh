#!/usr/bin/env bash
# The runbook (seed/reverse-privatelink.md) as a script: the AWS CLI steps in order, each
# ARN or id captured with --query for the next step. The security group is the existing one
# the runbook attaches to the NLB at creation.
# Inputs (environment): ENDPOINT VPC_ID SUBNET_IDS SG_ID NLB_NAME TG_NAME WRITER_IP PORT
#                       CONSUMER_ACCOUNT CONSUMER_CIDR
set -euo pipefail
aws_() { aws --endpoint-url "$ENDPOINT" --output json "$@" >/dev/null; }
aws_q() { aws --endpoint-url "$ENDPOINT" --output text "$@"; }

# shellcheck disable=SC2086
nlb_arn=$(aws_q elbv2 create-load-balancer --name "$NLB_NAME" --scheme internal --type network \
  --subnets $SUBNET_IDS --security-groups "$SG_ID" --query 'LoadBalancers[0].LoadBalancerArn')
aws_ elbv2 modify-load-balancer-attributes --load-balancer-arn "$nlb_arn" \
  --attributes Key=load_balancing.cross_zone.enabled,Value=true
tg_arn=$(aws_q elbv2 create-target-group --name "$TG_NAME" --protocol TCP --port "$PORT" \
  --vpc-id "$VPC_ID" --target-type ip --query 'TargetGroups[0].TargetGroupArn')
aws_ elbv2 register-targets --target-group-arn "$tg_arn" --targets "Id=$WRITER_IP,Port=$PORT"
aws_ elbv2 create-listener --load-balancer-arn "$nlb_arn" --protocol TCP --port "$PORT" \
  --default-actions "Type=forward,TargetGroupArn=$tg_arn"
service_id=$(aws_q ec2 create-vpc-endpoint-service-configuration \
  --network-load-balancer-arns "$nlb_arn" --no-acceptance-required --query 'ServiceConfiguration.ServiceId')
aws_ ec2 modify-vpc-endpoint-service-permissions --service-id "$service_id" \
  --add-allowed-principals "[\"arn:aws:iam::$CONSUMER_ACCOUNT:root\"]"
aws_ ec2 authorize-security-group-ingress --group-id "$SG_ID" --protocol tcp --port "$PORT" --cidr "$CONSUMER_CIDR"
