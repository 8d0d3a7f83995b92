// The processes `npm start` runs, in start order. A later service plugs in with one entry here.
export const services = [
  {
    name: 'accounts',
    entry: 'services/accounts/dist/main.js',
    env: (ports) => ({ FIELDLINE_GRPC_PORT: String(ports.accounts) }),
    ready: { kind: 'tcp', port: (ports) => ports.accounts },
  },
  {
    name: 'location',
    entry: 'services/location/dist/main.js',
    env: (ports) => ({
      FIELDLINE_GRPC_PORT: String(ports.location),
      FIELDLINE_ACCOUNTS_ADDR: `127.0.0.1:${ports.accounts}`,
    }),
    ready: { kind: 'tcp', port: (ports) => ports.location },
  },
  {
    name: 'jobs',
    entry: 'services/jobs/dist/main.js',
    env: (ports) => ({
      FIELDLINE_GRPC_PORT: String(ports.jobs),
      FIELDLINE_ACCOUNTS_ADDR: `127.0.0.1:${ports.accounts}`,
      FIELDLINE_LOCATION_ADDR: `127.0.0.1:${ports.location}`,
    }),
    ready: { kind: 'tcp', port: (ports) => ports.jobs },
  },
  {
    name: 'gateway',
    entry: 'services/gateway/dist/main.js',
    env: (ports) => ({
      FIELDLINE_HTTP_PORT: String(ports.gateway),
      FIELDLINE_ACCOUNTS_ADDR: `127.0.0.1:${ports.accounts}`,
      FIELDLINE_JOBS_ADDR: `127.0.0.1:${ports.jobs}`,
      FIELDLINE_LOCATION_ADDR: `127.0.0.1:${ports.location}`,
    }),
    ready: { kind: 'http', url: (ports) => `http://127.0.0.1:${ports.gateway}/readyz` },
  },
];
