import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import { CfnWebACL } from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';
import { EDGE_OUTPUTS } from '../../shared/definitions/stack-outputs.js';
import type { DomainConfig } from '../config.js';
import { dnsValidation } from '../constructs/custom-domain.js';

/** Requests one client IP may send in any 5-minute window before the web ACL blocks it. */
export const RATE_LIMIT_PER_IP = 1000;

/** The AWS managed rule groups in front of the site and API, in evaluation order. */
export const MANAGED_RULE_GROUPS = [
  'AWSManagedRulesAmazonIpReputationList',
  'AWSManagedRulesCommonRuleSet',
  'AWSManagedRulesKnownBadInputsRuleSet',
] as const;

export interface EdgeStackProps extends StackProps {
  /** Must be us-east-1: CloudFront takes its web ACL (and certificates) only from there. */
  readonly env: { readonly account?: string | undefined; readonly region: 'us-east-1' };
  /** The custom domain: its site name gets the distribution's certificate here. */
  readonly domain?: DomainConfig;
}

/**
 * What CloudFront requires in us-east-1, whatever region baocao runs in: the CloudFront-scoped
 * WAF web ACL and, with a custom domain, the site's certificate (DNS validation). Their ARNs reach
 * the distribution in the service stack through cross-region references (both stacks set
 * `crossRegionReferences`), so one `cdk deploy --all` deploys both in order. Holds no data:
 * destroyed with the service.
 */
export class EdgeStack extends Stack {
  readonly webAcl: CfnWebACL;
  /** The site name's certificate (CloudFront takes certificates from us-east-1 only). */
  readonly certificate?: Certificate;

  constructor(scope: Construct, id: string, props: EdgeStackProps) {
    super(scope, id, { crossRegionReferences: true, ...props });

    const visibility = (metricName: string): CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      sampledRequestsEnabled: true,
      metricName,
    });
    const managed = MANAGED_RULE_GROUPS.map((name, i): CfnWebACL.RuleProperty => ({
      name,
      priority: i,
      statement: { managedRuleGroupStatement: { vendorName: 'AWS', name } },
      overrideAction: { none: {} },
      visibilityConfig: visibility(name),
    }));
    // Units upload once a year and the board polls gently: a client far above this is a script.
    const perIp: CfnWebACL.RuleProperty = {
      name: 'RatePerIp',
      priority: managed.length,
      statement: { rateBasedStatement: { aggregateKeyType: 'IP', limit: RATE_LIMIT_PER_IP, evaluationWindowSec: 300 } },
      action: { block: {} },
      visibilityConfig: visibility('RatePerIp'),
    };

    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      scope: 'CLOUDFRONT',
      description: 'baocao: managed common, known-bad-inputs and IP-reputation rules, per-IP rate limit',
      defaultAction: { allow: {} },
      rules: [...managed, perIp],
      visibilityConfig: visibility('baocao'),
    });
    new CfnOutput(this, EDGE_OUTPUTS.webAclArn, { value: this.webAcl.attrArn });

    if (props.domain) {
      this.certificate = new Certificate(this, 'SiteCertificate', {
        domainName: props.domain.name,
        validation: dnsValidation(this, props.domain),
      });
    }
  }
}
