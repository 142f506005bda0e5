/**
 * The persistence mapping between broker state and journal records; see
 * {@link dev.wharf.server.internal.store.JournalStore} for the mapping and
 * {@link dev.wharf.server.internal.store.StoreRecords} for the record layouts.
 */
package dev.wharf.server.internal.store;
