import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/** Names of the application metrics (CloudWatch EMF, namespace "baocao"). */
export const METRICS = {
  reportsAccepted: 'ReportsAccepted',
  reportsRejected: 'ReportsRejected',
  noticesSent: 'NoticesSent',
  receiptsSent: 'ReceiptsSent',
} as const;

export type MetricName = (typeof METRICS)[keyof typeof METRICS];

/** What a composed function counts with; flushed at the end of every invocation. */
export interface Counter {
  count(name: MetricName, n?: number): void;
  flush(): void;
}

/**
 * Powertools metrics (EMF to the function's log, no API call) for the functions that count:
 * ingest, receipt, notices. Passed to composeFunction by those only, so the other functions do
 * not bundle the metrics library (issue 7: each function within 1.3× its floor).
 */
export function powertoolsCounter(service: string): Counter {
  const metrics = new Metrics({ namespace: 'baocao', serviceName: `baocao-${service}` });
  return {
    count: (name, n = 1) => {
      if (n > 0) metrics.addMetric(name, MetricUnit.Count, n);
    },
    flush: () => {
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    },
  };
}
