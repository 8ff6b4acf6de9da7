import { Annotations, Stack } from 'aws-cdk-lib';
import { CertificateValidation } from 'aws-cdk-lib/aws-certificatemanager';
import { HostedZone, type IHostedZone } from 'aws-cdk-lib/aws-route53';
import type { Construct } from 'constructs';
import type { DomainConfig } from '../config.js';

/**
 * The domain's Route 53 hosted zone in `scope`'s stack, from its id and name (never a lookup:
 * synth stays offline and needs no account); undefined when none is configured.
 */
export function hostedZone(scope: Construct, domain: DomainConfig): IHostedZone | undefined {
  if (!domain.hostedZoneId || !domain.hostedZoneName) return undefined;
  const stack = Stack.of(scope);
  const id = 'HostedZone';
  return (
    (stack.node.tryFindChild(id) as IHostedZone | undefined) ??
    HostedZone.fromHostedZoneAttributes(stack, id, { hostedZoneId: domain.hostedZoneId, zoneName: domain.hostedZoneName })
  );
}

/**
 * DNS validation of a certificate: through the hosted zone when one is configured (CloudFormation
 * writes the record and waits); otherwise the deploy waits at the certificate while the operator
 * publishes the CNAME that the stack's events (and the ACM console) show.
 */
export function dnsValidation(scope: Construct, domain: DomainConfig): CertificateValidation {
  const zone = hostedZone(scope, domain);
  if (zone) return CertificateValidation.fromDns(zone);
  Annotations.of(Stack.of(scope)).addInfo(
    `No hosted zone given for ${domain.name}: the deploy waits at each certificate until its validation CNAME (in the stack events and the ACM console) is published (infra/README.md).`,
  );
  return CertificateValidation.fromDns();
}
