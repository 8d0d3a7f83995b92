-- Platform tables every service gets: the transactional outbox and the consumers' processed-event log.

-- Events written in the same transaction as the change they describe; the relay publishes them in
-- seq order (an identity column, so insert order holds across replicas whatever their clocks say).
create table outbox (
  id text primary key,                      -- evt_ + UUIDv7, also the JetStream Nats-Msg-Id
  seq bigint generated always as identity,
  tenant_id text not null,
  subject text not null,
  type text not null,
  envelope bytea not null,                  -- encoded fieldline.events.v1.EventEnvelope
  created_at timestamptz not null default now(),
  published_at timestamptz
);

-- The relay only ever scans what is still to be sent; published rows are pruned by age.
create index outbox_unpublished on outbox (seq) where published_at is null;
create index outbox_published_at on outbox (published_at) where published_at is not null;

-- One row per (consumer, event) handled, written in the handler's transaction: redeliveries are skipped.
create table processed_events (
  consumer text not null,
  event_id text not null,
  processed_at timestamptz not null default now(),
  primary key (consumer, event_id)
);
