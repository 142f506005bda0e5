package dev.wharf.journal.internal;

/**
 * Where a record lies: segment file id, offset of its first byte, and its length. Immutable.
 */
public record Loc(long fileId, long offset, int length) {
}
