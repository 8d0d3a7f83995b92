// Seeds (idempotently) the demo tenant through the public API: an admin, a dispatcher, three
// co-workers, a customer with two sites and its client user, and a phone (device) per co-worker.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';

const PASSWORD = 'fieldline-demo';
const SLUG = 'demo-field-services';
const ADMIN = 'admin@demo.fieldline.dev';

const people = [
  { role: 'dispatcher', name: 'Dana Dispatcher', email: 'dispatcher@demo.fieldline.dev' },
  { role: 'coworker', name: 'Carl Coworker', email: 'carl@demo.fieldline.dev' },
  { role: 'coworker', name: 'Cleo Coworker', email: 'cleo@demo.fieldline.dev' },
  { role: 'coworker', name: 'Cyrus Coworker', email: 'cyrus@demo.fieldline.dev' },
  { role: 'client', name: 'Clara Client', email: 'client@demo.fieldline.dev' },
];

async function call(baseUrl, method, path, body, token) {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      ...(body ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await res.json().catch(() => ({}));
  return { status: res.status, body: json };
}

// A handful of jobs at the customer's sites, in different states, so the dashboard has something to show.
async function seedJobs(api, token, customer, coworkers) {
  const existing = await api('GET', `/v1/jobs?customerId=${customer.id}&limit=1`, undefined, token);
  if (existing.status !== 200 || (existing.body.items ?? []).length > 0) return;
  const hour = 3600_000;
  const at = (h) => new Date(Date.now() + h * hour).toISOString();
  const [office, warehouse] = customer.sites;
  const plans = [
    { title: 'Boiler service', category: 'Maintenance', site: office, worker: 0, start: 1 },
    { title: 'Replace loading-bay door sensor', category: 'Repair', site: warehouse, worker: 1, start: 2 },
    { title: 'Fire alarm inspection', category: 'Inspection', site: office, worker: 2, start: 4, priority: 'high' },
    { title: 'Quarterly HVAC check', category: 'Maintenance', site: warehouse },
  ];
  for (const plan of plans) {
    const created = await api(
      'POST',
      '/v1/jobs',
      {
        title: plan.title,
        category: plan.category,
        priority: plan.priority ?? 'normal',
        customerId: customer.id,
        site: { address: plan.site.address, lat: plan.site.lat, lng: plan.site.lng, radiusM: 120 },
      },
      token,
    );
    if (created.status !== 201) throw new Error(`demo job failed: ${JSON.stringify(created.body)}`);
    if (plan.worker === undefined) continue;
    await api(
      'POST',
      `/v1/jobs/${created.body.id}/assign`,
      { workerIds: [coworkers[plan.worker].id], scheduledStart: at(plan.start), scheduledEnd: at(plan.start + 2) },
      token,
    );
  }
}

export async function seedDemo(baseUrl) {
  const api = (method, path, body, token) => call(baseUrl, method, path, body, token);
  const login = await api('POST', '/v1/auth/login', { tenant: SLUG, email: ADMIN, password: PASSWORD });
  let token = login.body.accessToken;
  let tenant = SLUG;
  if (login.status !== 200) {
    const signup = await api('POST', '/v1/signup', {
      companyName: 'Demo Field Services',
      name: 'Ada Admin',
      email: ADMIN,
      password: PASSWORD,
    });
    if (signup.status !== 201) throw new Error(`demo signup failed: ${JSON.stringify(signup.body)}`);
    token = signup.body.accessToken;
    tenant = signup.body.tenant.slug;
  }

  const existing = await api('GET', '/v1/users?limit=100', undefined, token);
  const byEmail = new Map((existing.body.items ?? []).map((u) => [u.email, u]));

  let customer = (await api('GET', '/v1/customers?limit=100', undefined, token)).body.items?.find(
    (c) => c.code === 'ACME',
  );
  if (!customer) {
    const created = await api(
      'POST',
      '/v1/customers',
      {
        code: 'ACME',
        name: 'Acme Facilities',
        slaHours: 8,
        email: 'facilities@acme.example',
        sites: [
          { name: 'Head office', address: 'Alexanderplatz 1, 10178 Berlin', lat: 52.5219, lng: 13.4132 },
          { name: 'Warehouse', address: 'Am Borsigturm 100, 13507 Berlin', lat: 52.5873, lng: 13.2836 },
        ],
        contacts: [{ name: 'Frank Facility', email: 'frank@acme.example', phone: '+49 30 1234567' }],
      },
      token,
    );
    if (created.status !== 201) throw new Error(`demo customer failed: ${JSON.stringify(created.body)}`);
    customer = created.body;
  }

  const users = [];
  for (const p of people) {
    let user = byEmail.get(p.email);
    if (!user) {
      const created = await api(
        'POST',
        '/v1/users',
        { ...p, password: PASSWORD, ...(p.role === 'client' ? { customerId: customer.id } : {}) },
        token,
      );
      if (created.status !== 201) throw new Error(`demo user ${p.email} failed: ${JSON.stringify(created.body)}`);
      user = created.body;
    }
    users.push(user);
  }
  const coworkers = users.filter((u) => u.role === 'coworker');
  await api('PUT', `/v1/customers/${customer.id}/coworkers`, { userIds: coworkers.map((u) => u.id) }, token);

  // One phone per co-worker for the fleet simulator. Tokens are shown once, so they are kept in var/; a
  // co-worker with no token there (first run, or var/ wiped) gets a new phone.
  const devicesFile = 'var/demo-devices.json';
  const known = existsSync(devicesFile) ? JSON.parse(readFileSync(devicesFile, 'utf8')) : [];
  const phones = known.filter((p) => coworkers.some((w) => w.id === p.workerId));
  for (const worker of coworkers) {
    if (phones.some((p) => p.workerId === worker.id)) continue;
    const created = await api('POST', '/v1/devices', { workerId: worker.id, name: `${worker.name}'s phone` }, token);
    if (created.status !== 201) throw new Error(`demo phone failed: ${JSON.stringify(created.body)}`);
    phones.push({ workerId: worker.id, ...created.body });
  }
  mkdirSync('var', { recursive: true });
  writeFileSync(devicesFile, JSON.stringify(phones, null, 2));

  await seedJobs(api, token, customer, coworkers);

  return {
    tenant,
    password: PASSWORD,
    devicesFile,
    phones: phones.length,
    sites: customer.sites.map((site) => `${site.lat},${site.lng}`).join(';'),
    logins: [{ role: 'admin', email: ADMIN }, ...people.map((p) => ({ role: p.role, email: p.email }))],
  };
}
