package dev.wharf.protocol;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * An XA transaction branch id (javax.transaction.xa.Xid) as it crosses the wire and as the broker
 * journals it: {@code formatId} int32, {@code globalTransactionId} bytes, {@code branchQualifier}
 * bytes. Compared by value.
 */
public record WireXid(int formatId, byte[] globalTransactionId, byte[] branchQualifier) {

    /** The XA limit for either part. */
    public static final int MAX_PART = 64;

    public WireXid {
        Objects.requireNonNull(globalTransactionId, "globalTransactionId");
        Objects.requireNonNull(branchQualifier, "branchQualifier");
        if (globalTransactionId.length > MAX_PART || branchQualifier.length > MAX_PART) {
            throw new IllegalArgumentException("an Xid part is longer than " + MAX_PART + " bytes");
        }
        globalTransactionId = globalTransactionId.clone();
        branchQualifier = branchQualifier.clone();
    }

    @Override
    public byte[] globalTransactionId() {
        return globalTransactionId.clone();
    }

    @Override
    public byte[] branchQualifier() {
        return branchQualifier.clone();
    }

    public static void write(ByteBuf buf, WireXid xid) {
        buf.writeInt(xid.formatId);
        WireSupport.writeBytes(buf, xid.globalTransactionId);
        WireSupport.writeBytes(buf, xid.branchQualifier);
    }

    public static WireXid read(ByteBuf buf) {
        int formatId = WireSupport.readInt(buf);
        byte[] gtrid = WireSupport.readBytes(buf);
        byte[] bqual = WireSupport.readBytes(buf);
        if (gtrid == null || bqual == null) {
            throw new ProtocolException("an Xid with a null part");
        }
        return new WireXid(formatId, gtrid, bqual);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WireXid x && formatId == x.formatId && Arrays.equals(globalTransactionId, x.globalTransactionId)
                && Arrays.equals(branchQualifier, x.branchQualifier);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * formatId + Arrays.hashCode(globalTransactionId)) + Arrays.hashCode(branchQualifier);
    }

    @Override
    public String toString() {
        HexFormat hex = HexFormat.of();
        return "Xid[" + formatId + ":" + hex.formatHex(globalTransactionId) + ":" + hex.formatHex(branchQualifier) + "]";
    }
}
