import { Aws, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  ApiMapping,
  type CfnRoute,
  DomainName,
  EndpointType,
  HttpApi,
  HttpMethod,
  HttpStage,
  LogGroupLogDestination,
  SecurityPolicy,
  type HttpRoute as CdkHttpRoute,
} from 'aws-cdk-lib/aws-apigatewayv2';
import type { ICertificate } from 'aws-cdk-lib/aws-certificatemanager';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IUserPool, IUserPoolClient } from 'aws-cdk-lib/aws-cognito';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { ENV } from '../../shared/definitions/env-keys.js';
import type { FunctionName } from '../../shared/definitions/events.js';
import { HTTP_ROUTES, type HttpRoute } from '../../shared/definitions/http-routes.js';
import { API_THROTTLE } from '../defaults.js';
import type { FunctionCatalog } from '../functions.js';

export interface UploadApiProps {
  readonly catalog: FunctionCatalog;
  readonly logRetention: RetentionDays;
  /** The staff user pool and the board's client: issuer and audience of the JWT authorizer. */
  readonly staff: { readonly userPool: IUserPool; readonly client: IUserPoolClient };
  /**
   * The API's custom domain (`domain.apiName`) and its regional certificate. With it the default
   * execute-api endpoint is disabled: the custom domain is CloudFront's origin.
   */
  readonly domain?: { readonly name: string; readonly certificate: ICertificate };
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
 * Stage throttling and JSON access logs. Staff routes sit behind a JWT authorizer (the user pool's
 * issuer, the board client as audience); unit routes check the unit link token in the function.
 */
export class UploadApi extends Construct {
  readonly api: HttpApi;
  readonly stage: HttpStage;
  readonly accessLogs: LogGroup;
  readonly routes: { readonly route: HttpRoute; readonly cdk: CdkHttpRoute }[] = [];
  readonly staffAuthorizer: HttpUserPoolAuthorizer;
  /**
   * The secret CloudFront sends in ORIGIN_VERIFY_HEADER and the HTTP functions require
   * (shared/definitions/http-routes.ts says why it stays with a custom domain too).
   */
  readonly originSecret: Secret;
  /** The custom domain, when configured (then the execute-api endpoint is disabled). */
  readonly domainName?: DomainName;

  constructor(scope: Construct, id: string, props: UploadApiProps) {
    super(scope, id);

    this.api = new HttpApi(this, 'Api', {
      description: 'baocao: upload form, presigned uploads, status board',
      createDefaultStage: false,
      // Only with a custom domain: without one, the default endpoint is CloudFront's origin.
      ...(props.domain ? { disableExecuteApiEndpoint: true } : {}),
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

    if (props.domain) {
      this.domainName = new DomainName(this, 'Domain', {
        domainName: props.domain.name,
        certificate: props.domain.certificate,
        endpointType: EndpointType.REGIONAL,
        securityPolicy: SecurityPolicy.TLS_1_2,
      });
      new ApiMapping(this, 'Mapping', { api: this.api, domainName: this.domainName, stage: this.stage });
    }

    // API Gateway verifies signature, issuer, expiry and that `client_id` (or `aud`) is the board's client.
    this.staffAuthorizer = new HttpUserPoolAuthorizer('StaffAuthorizer', props.staff.userPool, {
      userPoolClients: [props.staff.client],
      authorizerName: 'baocao-staff',
    });

    this.originSecret = new Secret(this, 'OriginSecret', {
      description: 'baocao: the header CloudFront adds to API requests; the HTTP functions refuse requests without it',
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
    });
    Validations.of(this.originSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Origin-verify value shared by CloudFront and the HTTP functions through the template; rotating means a redeploy of both, not a Lambda rotation. It guards against bypassing CloudFront, not access to data.',
    });
    const originValue = this.originSecret.secretValue.unsafeUnwrap();

    const integrations = new Map<FunctionName, HttpLambdaIntegration>();
    for (const route of HTTP_ROUTES) {
      let integration = integrations.get(route.target);
      if (!integration) {
        const fn = props.catalog.obtain(this, route.target).markSynchronous('API Gateway (HTTP API)').setEnv(ENV.originVerify, originValue);
        integration = new HttpLambdaIntegration(`${fn.node.id}Integration`, fn);
        integrations.set(route.target, integration);
      }
      const [cdk] = this.api.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration,
        ...(route.auth === 'staff' ? { authorizer: this.staffAuthorizer } : {}),
      });
      if (!cdk) throw new Error(`no route created for ${route.method} ${route.path}`);
      if (route.auth === 'unit') {
        Validations.of(cdk).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason: `Unit-link route: ${route.target} checks the unit's link token itself (stored as a SHA-256 hash, scoped to one unit, expiring, revocable); units are not users of the staff user pool.`,
        });
      }
      this.routes.push({ route, cdk });
    }
  }

  /** https://{api}.execute-api.{region}.amazonaws.com/ (disabled when a custom domain is configured). */
  get url(): string {
    return this.stage.url;
  }

  /** The host CloudFront sends API requests to: the custom domain, else the default endpoint. */
  get originHost(): string {
    return this.domainName ? this.domainName.name : `${this.api.apiId}.execute-api.${Aws.REGION}.${Aws.URL_SUFFIX}`;
  }

  /** The CloudFormation route resources, for assertions. */
  cfnRoutes(): CfnRoute[] {
    return this.routes.map((r) => r.cdk.node.defaultChild as CfnRoute);
  }
}
