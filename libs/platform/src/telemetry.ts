// OpenTelemetry bootstrap: NodeSDK with auto-instrumentations (http, fastify, grpc, pg, ...).
// The exporter comes from the standard OTEL_* variables; with none of them set telemetry stays off.
import { getNodeAutoInstrumentations } from '@opentelemetry/auto-instrumentations-node';
import { NodeSDK } from '@opentelemetry/sdk-node';

export interface Telemetry {
  enabled: boolean;
  shutdown(): Promise<void>;
}

export function telemetryEnabled(source: NodeJS.ProcessEnv = process.env): boolean {
  if (source.OTEL_SDK_DISABLED === 'true') return false;
  return Boolean(
    source.OTEL_EXPORTER_OTLP_ENDPOINT ||
      source.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ||
      (source.OTEL_TRACES_EXPORTER && source.OTEL_TRACES_EXPORTER !== 'none'),
  );
}

/** Starts tracing for `serviceName` (OTEL_SERVICE_NAME wins when set). Call before anything else loads. */
export function startTelemetry(serviceName: string): Telemetry {
  if (!telemetryEnabled()) return { enabled: false, shutdown: async () => {} };
  process.env.OTEL_SERVICE_NAME ??= `fieldline-${serviceName}`;
  const sdk = new NodeSDK({
    instrumentations: [
      getNodeAutoInstrumentations({
        '@opentelemetry/instrumentation-fs': { enabled: false },
        '@opentelemetry/instrumentation-dns': { enabled: false },
        '@opentelemetry/instrumentation-net': { enabled: false },
      }),
    ],
  });
  sdk.start();
  return { enabled: true, shutdown: () => sdk.shutdown() };
}
