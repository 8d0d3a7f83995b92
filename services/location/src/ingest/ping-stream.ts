// One phone's ping stream: pings into the pipeline in the order sent, an ack after each flush that stored some
// (highest contiguous seq, rejections with reasons), the token checked again every few seconds.
import { DomainError, InvalidArgument, type Logger, toGrpcError } from '@fieldline/platform';
import type { location } from '@fieldline/proto';
import type { ServerDuplexStream } from '@grpc/grpc-js';
import type { Ping } from '../domain/ping.js';
import { DEVICE_AUTH_TTL_MS, type DeviceAuth, type DevicePrincipal } from './device-auth.js';
import type { IngestPipeline } from './ingest-pipeline.js';
import type { Work, WorkOwner, WorkResult } from './ingest-work.js';
import { rejectionToProto } from './ping-from-proto.js';

export interface PingStreamDeps {
  pipeline: IngestPipeline;
  deviceAuth: DeviceAuth;
  maxBatch: number;
  log: Logger;
  now: () => number;
  registry: PingStreams;
}

class ShuttingDown extends DomainError {
  constructor() {
    super('unavailable', 'SHUTTING_DOWN', 'this server is shutting down; reconnect and send the unacked pings again');
  }
}

/** The open streams of this replica, so a shutdown can end them after their last acks. */
export class PingStreams {
  private readonly open = new Set<{ drain(): Promise<void> }>();

  add(s: { drain(): Promise<void> }): () => void {
    this.open.add(s);
    return () => this.open.delete(s);
  }

  get size(): number {
    return this.open.size;
  }

  /** Stops reading every stream, waits for the acks of what was read, then ends them (phones reconnect). */
  async drainAll(): Promise<void> {
    await Promise.all([...this.open].map((s) => s.drain()));
  }
}

export class PingStream<In> implements WorkOwner {
  /** Work still in the queue that this stream's next pings join. */
  private open?: Work;
  private outstanding = 0;
  private ended = false;
  private halfClosed = false;
  private verifiedAt: number;
  /** Messages held while the token is checked again, so order is kept. */
  private backlog: In[] | undefined;
  private readonly unlisten: () => void;
  private readonly unregister: () => void;
  private draining?: () => void;

  constructor(
    private readonly call: ServerDuplexStream<In, location.PingAck>,
    private principal: DevicePrincipal,
    private readonly token: string,
    private readonly unpack: (message: In) => location.Ping[],
    private readonly toPing: (p: location.Ping) => Ping,
    private readonly deps: PingStreamDeps,
  ) {
    this.verifiedAt = deps.now();
    this.unlisten = deps.pipeline.listen(principal, this);
    this.unregister = deps.registry.add(this);
    call.on('data', (m: In) => this.onData(m));
    call.on('end', () => {
      this.halfClosed = true;
      this.finishIfDone();
    });
    call.on('cancelled', () => this.abandon());
    call.on('error', () => this.abandon());
    call.on('close', () => this.abandon());
  }

  done(work: Work, result: WorkResult): void {
    this.settle(work);
    this.write({ ackedSeq: result.ackedSeq, rejected: result.rejected.map(rejectionToProto) });
    this.finishIfDone();
  }

  failed(work: Work, err: unknown): void {
    this.settle(work);
    this.fail(err);
  }

  /** A tick gave up on a gap or let held pings go: the phone may drop more. */
  tickAck(ackedSeq: number): void {
    this.write({ ackedSeq, rejected: [] });
  }

  /** Shutting down: read nothing more, send the acks of what was read, then end with UNAVAILABLE. */
  drain(): Promise<void> {
    if (this.ended) return Promise.resolve();
    this.call.pause();
    return new Promise((resolve) => {
      this.draining = resolve;
      this.finishIfDone();
    });
  }

  private onData(message: In): void {
    // Read after drain() paused the stream (already buffered): not acked, so the phone sends it again.
    if (this.ended || this.draining) return;
    if (this.backlog) {
      this.backlog.push(message);
      return;
    }
    if (this.deps.now() - this.verifiedAt >= DEVICE_AUTH_TTL_MS) {
      this.backlog = [message];
      this.call.pause();
      void this.reverify();
      return;
    }
    this.take(message);
  }

  private take(message: In): void {
    const wire = this.unpack(message);
    if (wire.length > this.deps.maxBatch) {
      this.fail(new InvalidArgument('pings', `at most ${this.deps.maxBatch} pings per message`));
      return;
    }
    if (wire.length === 0) return;
    const pings = wire.map(this.toPing);
    const { pipeline } = this.deps;
    if (!(this.open && this.open.workerId === this.principal.workerId && pipeline.append(this.open, pings))) {
      this.outstanding++;
      this.open = pipeline.submit(this.principal, pings, { owner: this });
    }
    if (pipeline.full) pipeline.whenRoom(this.call);
  }

  /** The token is checked again (accounts' answer is cached): a revoked phone or deactivated worker is cut off. */
  private async reverify(): Promise<void> {
    try {
      this.principal = await this.deps.deviceAuth.authenticate(this.token);
      this.verifiedAt = this.deps.now();
    } catch (err) {
      this.backlog = undefined;
      this.fail(err);
      return;
    }
    const held = this.backlog ?? [];
    this.backlog = undefined;
    for (const m of held) if (!this.ended && !this.draining) this.take(m);
    if (!this.ended && !this.draining && !this.deps.pipeline.full) this.call.resume();
  }

  private settle(work: Work): void {
    this.outstanding--;
    if (work === this.open) this.open = undefined;
  }

  /** The phone said it has sent everything: end once every ping it sent is acked. */
  private finishIfDone(): void {
    if (this.ended || this.outstanding > 0) return;
    if (this.draining) {
      this.fail(new ShuttingDown());
      return;
    }
    if (!this.halfClosed || this.backlog) return;
    this.ended = true;
    this.release();
    this.call.end();
  }

  private release(): void {
    this.unlisten();
    this.unregister();
    this.draining?.();
  }

  private write(ack: location.PingAck): void {
    if (this.ended) return;
    try {
      this.call.write(ack);
    } catch (err) {
      this.deps.log.debug({ err }, 'ack not written; the stream is gone');
    }
  }

  private fail(err: unknown): void {
    if (this.ended) return;
    this.ended = true;
    this.release();
    this.call.emit('error', toGrpcError(err));
  }

  /** The phone went away: work already queued is still stored, its acks have nowhere to go. */
  private abandon(): void {
    if (this.ended) return;
    this.ended = true;
    this.release();
  }
}
