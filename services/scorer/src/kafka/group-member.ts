import type { InRecord } from '../core/scoring/records.ts';

/** The group generation a batch was fetched under: offsets for it may be committed under that one only. */
export interface GroupGeneration {
  readonly generationId: number;
  readonly memberId: string | null;
}

/** One fetch of one partition, as the member hands it to the source. */
export interface PartitionBatch {
  readonly topic: string;
  readonly partition: number;
  readonly records: readonly InRecord[];
  /** The partition's high watermark when it was fetched (for lag). */
  readonly highWatermark: bigint;
  /** The generation of the group it was fetched under, where the member knows it. */
  readonly generation?: GroupGeneration;
}

/** What the source may do while it works on a batch. */
export interface BatchControl {
  /** Keeps the membership alive during a long batch, where the client needs that; may reject to end the batch. */
  heartbeat(): Promise<void>;
  /** Marks the batch's records up to `offset` as consumed, where the client needs telling. */
  consumed(offset: string): void;
}

export interface GroupHandlers {
  /**
   * The member joined (again) and owns these partitions of the topic now. `uninterrupted` is false when it was out
   * of the group since its previous assignment (its session expired while it was paused, say): partitions it had
   * then and has again may have been decided by another member in between, so nothing it held of them is current.
   */
  assigned(partitions: readonly number[], uninterrupted: boolean): void;
  /**
   * A (re)join is about to happen: the member's partitions are being revoked. Finishes the work in hand and
   * commits what is acknowledged, within a bound well under the rebalance timeout; the member joins the new
   * generation once the promise resolves.
   */
  revoking(): Promise<void>;
  batch(batch: PartitionBatch, control: BatchControl): Promise<void>;
  /** An error the member cannot recover from by rejoining: the scorer must stop. */
  fatal(error: unknown): void;
}

export type CommitOutcome = 'ok' | 'stale' | 'failed';

/**
 * A consumer-group member on one topic: the Kafka edge the transactions source needs, and nothing of a client's
 * types. Rebalance-class errors never reach the handlers: the member ends the batch, rejoins and goes on.
 */
export interface GroupMember {
  run(handlers: GroupHandlers): Promise<void>;
  /** Commits next-offsets per partition; `stale` when the group has moved on to a generation without us. */
  commit(offsets: readonly (readonly [partition: number, next: bigint])[]): Promise<CommitOutcome>;
  /** Stops fetching (for a clean stop); the batches in hand go on. */
  pause(): void;
  /**
   * Starts fetching every owned partition again from its committed offset, read now; what the previous fetch
   * still delivers is not handed on.
   */
  rewind(): void;
  /** Leaves the group and disconnects. */
  close(): Promise<void>;
}
