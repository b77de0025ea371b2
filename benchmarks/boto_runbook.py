#!/usr/bin/env python3
"""The AWS CLI runbook scripts (cli-check.sh, cli-apply.sh, cli-destroy.sh) as one boto3
script: the same calls in the same order, sequential, in one process.

    boto_runbook.py check|apply|destroy     (inputs in the same environment variables)
"""
import os
import sys

import boto3

env = os.environ
session = boto3.session.Session(region_name="us-east-1")
ec2 = session.client("ec2", endpoint_url=env["ENDPOINT"])
elbv2 = session.client("elbv2", endpoint_url=env["ENDPOINT"])


def check():
    ec2.describe_vpcs(VpcIds=[env["VPC_ID"]])
    ec2.describe_subnets(SubnetIds=env["SUBNET_IDS"].split())
    nlb_arn = elbv2.describe_load_balancers(Names=[env["NLB_NAME"]])["LoadBalancers"][0]["LoadBalancerArn"]
    elbv2.describe_load_balancer_attributes(LoadBalancerArn=nlb_arn)
    elbv2.describe_listeners(LoadBalancerArn=nlb_arn)
    tg_arn = elbv2.describe_target_groups(Names=[env["TG_NAME"]])["TargetGroups"][0]["TargetGroupArn"]
    elbv2.describe_target_health(TargetGroupArn=tg_arn)
    services = ec2.describe_vpc_endpoint_service_configurations()["ServiceConfigurations"]
    service_id = next(s["ServiceId"] for s in services if nlb_arn in s.get("NetworkLoadBalancerArns", []))
    ec2.describe_vpc_endpoint_service_permissions(ServiceId=service_id)
    ec2.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": [env["SG_ID"]]}])


def apply():
    port = int(env["PORT"])
    nlb_arn = elbv2.create_load_balancer(
        Name=env["NLB_NAME"], Scheme="internal", Type="network",
        Subnets=env["SUBNET_IDS"].split(), SecurityGroups=[env["SG_ID"]])["LoadBalancers"][0]["LoadBalancerArn"]
    elbv2.modify_load_balancer_attributes(
        LoadBalancerArn=nlb_arn, Attributes=[{"Key": "load_balancing.cross_zone.enabled", "Value": "true"}])
    tg_arn = elbv2.create_target_group(
        Name=env["TG_NAME"], Protocol="TCP", Port=port, VpcId=env["VPC_ID"], TargetType="ip",
    )["TargetGroups"][0]["TargetGroupArn"]
    elbv2.register_targets(TargetGroupArn=tg_arn, Targets=[{"Id": env["WRITER_IP"], "Port": port}])
    elbv2.create_listener(
        LoadBalancerArn=nlb_arn, Protocol="TCP", Port=port,
        DefaultActions=[{"Type": "forward", "TargetGroupArn": tg_arn}])
    service_id = ec2.create_vpc_endpoint_service_configuration(
        NetworkLoadBalancerArns=[nlb_arn], AcceptanceRequired=False)["ServiceConfiguration"]["ServiceId"]
    ec2.modify_vpc_endpoint_service_permissions(
        ServiceId=service_id, AddAllowedPrincipals=[f"arn:aws:iam::{env['CONSUMER_ACCOUNT']}:root"])
    ec2.authorize_security_group_ingress(
        GroupId=env["SG_ID"], IpPermissions=[{
            "IpProtocol": "tcp", "FromPort": port, "ToPort": port, "IpRanges": [{"CidrIp": env["CONSUMER_CIDR"]}]}])


def destroy():
    port = int(env["PORT"])
    ec2.revoke_security_group_ingress(
        GroupId=env["SG_ID"], IpPermissions=[{
            "IpProtocol": "tcp", "FromPort": port, "ToPort": port, "IpRanges": [{"CidrIp": env["CONSUMER_CIDR"]}]}])
    ec2.delete_vpc_endpoint_service_configurations(ServiceIds=[env["SERVICE_ID"]])
    elbv2.delete_listener(ListenerArn=env["LISTENER_ARN"])
    elbv2.delete_load_balancer(LoadBalancerArn=env["NLB_ARN"])
    elbv2.delete_target_group(TargetGroupArn=env["TG_ARN"])


{"check": check, "apply": apply, "destroy": destroy}[sys.argv[1]]()
