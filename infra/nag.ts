import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * A CloudFormation value flattened the way cdk-nag 3 names a finding
 * (`cdk-nag/lib/utils/flatten-cfn-reference.js`, not exported): Fn::Join joined, Fn::GetAtt as
 * `<Id.Attr>`, Ref as `<Id>`, anything else as JSON. The cdk-nag test fails if this drifts.
 */
export function flattenForNag(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value.replace(/\$\{/g, '<').replace(/}/g, '>');
  const v = value as Record<string, unknown>;
  if (v['Fn::Join']) {
    const [delimiter, items] = v['Fn::Join'] as [string, unknown[]];
    return items.map(flattenForNag).join(delimiter);
  }
  if (v['Fn::Sub']) return flattenForNag(v['Fn::Sub']);
  if (v['Fn::GetAtt']) {
    const [resource, attribute] = v['Fn::GetAtt'] as [unknown, unknown];
    return `<${flattenForNag(resource)}.${flattenForNag(attribute)}>`;
  }
  if (v['Fn::ImportValue']) return flattenForNag(v['Fn::ImportValue']);
  if (v['Ref']) return `<${flattenForNag(v['Ref'])}>`;
  return JSON.stringify(value);
}

/**
 * Acknowledges the IAM5 finding of one wildcard resource (e.g. `arn…/incoming/*`) on `owner`.
 * The finding names the resource as rendered in the final template, and a cross-stack reference
 * is rendered only after references are resolved, so this runs as a construct validation:
 * after prepare, before the cdk-nag plugins.
 */
export function acknowledgeWildcardResourceLater(owner: IConstruct, resource: string, reason: string): void {
  owner.node.addValidation({
    validate: () => {
      const flat = flattenForNag(Stack.of(owner).resolve(resource));
      Validations.of(owner).acknowledge({ id: `AwsSolutions-IAM5[Resource::${flat}]`, reason });
      return [];
    },
  });
}
