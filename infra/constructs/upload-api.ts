import { Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { CfnRoute, HttpApi, HttpMethod, HttpStage, LogGroupLogDestination, type HttpRoute as CdkHttpRoute } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { FunctionName } from '../../shared/definitions/events.js';
import { HTTP_ROUTES, type HttpRoute } from '../../shared/definitions/http-routes.js';
import { API_THROTTLE } from '../defaults.js';
import type { FunctionCatalog } from '../functions.js';

export interface UploadApiProps {
  readonly catalog: FunctionCatalog;
  readonly logRetention: RetentionDays;
}

/**
 * HTTP access log line: JSON (structured, cdk-nag APIGWStructuredLogging). No headers, no query
 * string: the Authorization header and tokens never reach a log.
 */
const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  time: '$context.requestTime',
  ip: '$context.identity.sourceIp',
  method: '$context.httpMethod',
  routeKey: '$context.routeKey',
  status: '$context.status',
  responseLength: '$context.responseLength',
  latencyMs: '$context.responseLatency',
  integrationStatus: '$context.integrationStatus',
  integrationError: '$context.integrationErrorMessage',
} as const;

/**
 * The HTTP API (API Gateway): one route per entry of HTTP_ROUTES to the function it names, reached
 * through the site's CloudFront distribution on the pages' origin (infra/constructs/site.ts).
 * Stage throttling and JSON access logs.
 */
export class UploadApi extends Construct {
  readonly api: HttpApi;
  readonly stage: HttpStage;
  readonly accessLogs: LogGroup;
  readonly routes: { readonly route: HttpRoute; readonly cdk: CdkHttpRoute }[] = [];

  constructor(scope: Construct, id: string, props: UploadApiProps) {
    super(scope, id);

    this.api = new HttpApi(this, 'Api', {
      description: 'baocao: upload form, presigned uploads, status board',
      createDefaultStage: false,
    });
    this.accessLogs = new LogGroup(this, 'AccessLogs', { retention: props.logRetention });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { ...API_THROTTLE },
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
    });

    const integrations = new Map<FunctionName, HttpLambdaIntegration>();
    for (const route of HTTP_ROUTES) {
      let integration = integrations.get(route.target);
      if (!integration) {
        const fn = props.catalog.obtain(this, route.target).markSynchronous('API Gateway (HTTP API)');
        integration = new HttpLambdaIntegration(`${fn.node.id}Integration`, fn);
        integrations.set(route.target, integration);
      }
      const [cdk] = this.api.addRoutes({ path: route.path, methods: [HttpMethod[route.method]], integration });
      if (!cdk) throw new Error(`no route created for ${route.method} ${route.path}`);
      Validations.of(cdk).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason: `Bearer-token route: ${route.target} checks the token itself (unit tokens are stored as SHA-256 hashes, the admin token against a configured hash); there is no user pool to put an authorizer in front of it.`,
      });
      this.routes.push({ route, cdk });
    }
  }

  /** https://{api}.execute-api.{region}.amazonaws.com/ */
  get url(): string {
    return this.stage.url;
  }

  /** The CloudFormation route resources, for assertions. */
  cfnRoutes(): CfnRoute[] {
    return this.routes.map((r) => r.cdk.node.defaultChild as CfnRoute);
  }
}
