import { Annotations, App, Token, Validations, type AppProps } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import type { FunctionName } from '../shared/definitions/events.js';
import type { ScheduleDef } from '../shared/definitions/schedules.js';
import { STACK_NAMES } from '../shared/definitions/stack-outputs.js';
import { configFromContext, InfraConfigError, type BaocaoConfig } from './config.js';
import { EdgeStack } from './stacks/edge-stack.js';
import { ServiceStack } from './stacks/service-stack.js';
import { StatefulStack } from './stacks/stateful-stack.js';

export interface BaocaoApp {
  readonly app: App;
  readonly config: BaocaoConfig;
  readonly stateful: StatefulStack;
  readonly service: ServiceStack;
  /** us-east-1 (the CloudFront web ACL); only with a concrete region, see createApp. */
  readonly edge?: EdgeStack;
}

export interface CreateAppOptions {
  readonly appProps?: AppProps;
  /** Register the cdk-nag packs as validation plugins (they run at synth). Default true. */
  readonly nag?: boolean;
  readonly schedules?: readonly ScheduleDef[];
  readonly entryOf?: (name: FunctionName) => string;
  /**
   * Account and region of every regional stack. Default: what the CDK CLI passes
   * (`CDK_DEFAULT_ACCOUNT`/`CDK_DEFAULT_REGION`, set when it has credentials), else none.
   */
  readonly env?: { readonly account?: string | undefined; readonly region?: string | undefined };
}

/**
 * The whole CDK app: config from context (validated), the stateful stack, the compute stack that
 * binds to it, and cdk-nag (AWS Solutions and Serverless packs) as synth-time validation.
 * infra/app.ts synthesizes it; the tests build it the same way.
 */
export function createApp(options: CreateAppOptions = {}): BaocaoApp {
  const app = new App(options.appProps);
  const config = configFromContext(app.node);
  const env = options.env ?? { account: process.env['CDK_DEFAULT_ACCOUNT'], region: process.env['CDK_DEFAULT_REGION'] };

  const stateful = new StatefulStack(app, STACK_NAMES.stateful, {
    env,
    description: 'baocao: uploads bucket, single table, event bus and archive, SES identity (retained)',
    config,
  });
  // A cross-region reference needs both regions known at synth: without an environment (a synth
  // without credentials) there is no edge stack and the distribution has no web ACL, which synth
  // says in a warning. `cdk deploy` always passes the account and region.
  const regionKnown = env.region !== undefined && !Token.isUnresolved(env.region);
  if (config.domain && !regionKnown) {
    throw new InfraConfigError([
      'domain: its CloudFront certificate lives in the us-east-1 edge stack, which needs a concrete region (cdk deploy passes it; to synth, set CDK_DEFAULT_ACCOUNT and CDK_DEFAULT_REGION)',
    ]);
  }
  const edge = regionKnown
    ? new EdgeStack(app, STACK_NAMES.edge, {
        env: { account: env.account, region: 'us-east-1' },
        description: `baocao: what CloudFront needs in us-east-1 (the WAF web ACL${config.domain ? ", the site's certificate" : ''})`,
        ...(config.domain ? { domain: config.domain } : {}),
      })
    : undefined;
  const service = new ServiceStack(app, STACK_NAMES.service, {
    env,
    ...(edge ? { crossRegionReferences: true, webAclArn: edge.webAcl.attrArn } : {}),
    ...(edge?.certificate ? { siteCertificateArn: edge.certificate.certificateArn } : {}),
    description: 'baocao: functions, HTTP API, rules, schedules, DLQs, alarms',
    config,
    stateful,
    ...(options.schedules ? { schedules: options.schedules } : {}),
    ...(options.entryOf ? { entryOf: options.entryOf } : {}),
  });
  service.addStackDependency(stateful);
  if (!edge) {
    Annotations.of(service).addWarningV2(
      'baocao:no-edge-stack',
      `No region given: ${STACK_NAMES.edge} (the CloudFront WAF web ACL in us-east-1) is not synthesized and the distribution has no web ACL. cdk deploy passes the account and region; to synth as it does, set CDK_DEFAULT_ACCOUNT and CDK_DEFAULT_REGION.`,
    );
  }

  if (options.nag ?? true) {
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
  }
  return { app, config, stateful, service, ...(edge ? { edge } : {}) };
}
